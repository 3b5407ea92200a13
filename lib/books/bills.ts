/**
 * A property's bills (accounts payable). A bill is entered (by hand, or made
 * by a paid work order or construction draw), approved when its amount is
 * above the property's approval threshold (by an owner of the property or an
 * admin: the usual clause of a management agreement), then paid by a
 * recorded transfer, card or check: the payment posts `bill_paid` to the
 * property's book in the same transaction that marks the bill paid, keyed by
 * the bill, so a repeated request pays once.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { BILL_PAYMENT_METHODS, BILL_STATUSES } from '../../contracts/books.schema';
import type { BillAccount } from '../../domain/ledger';
import type { Currency } from '../../domain/money';
import { postToLedger } from '../ledger';
import { agreementOn } from '../reports/books';

export type BillStatus = (typeof BILL_STATUSES)[number];
export type BillPaymentMethod = (typeof BILL_PAYMENT_METHODS)[number];

export interface Bill {
  id: string;
  propertyId: string;
  unitId: string | null;
  vendorId: string | null;
  vendorName: string;
  account: BillAccount;
  amountMinor: number;
  currency: Currency;
  description: string;
  invoiceNumber: string | null;
  billDate: string;
  dueOn: string;
  status: BillStatus;
  approvalRequired: boolean;
  approvedBy: string | null;
  approvedAt: string | null;
  paidOn: string | null;
  paymentMethod: BillPaymentMethod | null;
  paymentReference: string | null;
  ledgerTransactionId: string | null;
  source: 'manual' | 'work_order' | 'draw';
  workOrderId: string | null;
  projectId: string | null;
  attachmentIds: string[];
  voidReason: string | null;
  createdBy: string | null;
  createdAt: string;
}

const COLUMNS = `id, property_id as "propertyId", unit_id as "unitId", vendor_id as "vendorId", vendor_name as "vendorName", account,
  amount_minor::float8 as "amountMinor", currency, description, invoice_number as "invoiceNumber", bill_date::text as "billDate", due_on::text as "dueOn",
  status, approval_required as "approvalRequired", approved_by as "approvedBy", to_char(approved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "approvedAt",
  paid_on::text as "paidOn", payment_method as "paymentMethod", payment_reference as "paymentReference", ledger_transaction_id as "ledgerTransactionId",
  source, work_order_id as "workOrderId", project_id as "projectId", attachment_ids as "attachmentIds", void_reason as "voidReason", created_by as "createdBy",
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"`;

export async function findBill(db: Sequelize, id: string, transaction?: Transaction, lock = false): Promise<Bill | undefined> {
  const [row] = await db.query<Bill>(`select ${COLUMNS} from bills where id = $1${lock ? ' for update' : ''}`, { bind: [id], type: QueryTypes.SELECT, transaction });
  return row;
}

export interface NewBill {
  propertyId: string;
  unitId?: string | null;
  vendorId?: string | null;
  vendorName: string;
  account: BillAccount;
  amountMinor: number;
  currency: Currency;
  description: string;
  invoiceNumber?: string | null;
  billDate: string;
  dueOn: string;
  attachmentIds?: string[];
  createdBy: string;
}

/** Whether a bill of this amount needs approval: above the agreement's threshold; with no agreement, always. */
export async function needsApproval(db: Sequelize, propertyId: string, amountMinor: number, on: string, transaction?: Transaction): Promise<boolean> {
  const agreement = await agreementOn(db, propertyId, on, transaction);
  return !agreement || amountMinor > agreement.approvalThresholdMinor;
}

export async function createBill(db: Sequelize, b: NewBill): Promise<Bill> {
  return db.transaction(async (transaction) => {
    const approvalRequired = await needsApproval(db, b.propertyId, b.amountMinor, b.billDate, transaction);
    const id = randomUUID();
    await db.query(
      `insert into bills (id, property_id, unit_id, vendor_id, vendor_name, account, amount_minor, currency, description, invoice_number, bill_date, due_on,
                          status, approval_required, source, attachment_ids, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'manual', $15::uuid[], $16)`,
      {
        bind: [id, b.propertyId, b.unitId ?? null, b.vendorId ?? null, b.vendorName, b.account, b.amountMinor, b.currency, b.description, b.invoiceNumber ?? null, b.billDate, b.dueOn,
          approvalRequired ? 'pending_approval' : 'approved', approvalRequired, b.attachmentIds ?? [], b.createdBy],
        transaction,
      },
    );
    return (await findBill(db, id, transaction))!;
  });
}

/** Why a bill cannot move on (a 409's detail), or nothing. */
export class BillStateError extends Error {}

export async function approveBill(db: Sequelize, id: string, by: string): Promise<Bill> {
  return db.transaction(async (transaction) => {
    const bill = await findBill(db, id, transaction, true);
    if (!bill) throw new BillStateError('no such bill');
    if (bill.status === 'approved' || bill.status === 'paid') return bill;
    if (bill.status !== 'pending_approval') throw new BillStateError(`a ${bill.status} bill cannot be approved`);
    await db.query(`update bills set status = 'approved', approved_by = $2, approved_at = now(), updated_at = now() where id = $1`, { bind: [id, by], transaction });
    return (await findBill(db, id, transaction))!;
  });
}

export async function payBill(db: Sequelize, id: string, p: { paidOn: string; method: BillPaymentMethod; reference?: string | null }): Promise<Bill> {
  return db.transaction(async (transaction) => {
    const bill = await findBill(db, id, transaction, true);
    if (!bill) throw new BillStateError('no such bill');
    if (bill.status === 'paid') return bill;
    if (bill.status !== 'approved') throw new BillStateError(bill.status === 'void' ? 'a void bill cannot be paid' : 'the bill needs approval before it is paid');
    const posted = await postToLedger(
      db,
      {
        book: { type: 'property', id: bill.propertyId },
        kind: 'bill_paid',
        expenseAccount: bill.account,
        amountMinor: bill.amountMinor,
        currency: bill.currency,
        occurredOn: p.paidOn,
        reference: bill.invoiceNumber ? `${bill.vendorName} invoice ${bill.invoiceNumber}` : bill.vendorName,
        memo: bill.description,
        idempotencyKey: `bill:${bill.id}:paid`,
        partyId: bill.vendorId,
      },
      transaction,
    );
    await db.query(
      `update bills set status = 'paid', paid_on = $2, payment_method = $3, payment_reference = $4, ledger_transaction_id = $5, updated_at = now() where id = $1`,
      { bind: [id, p.paidOn, p.method, p.reference ?? null, posted.transactionId], transaction },
    );
    return (await findBill(db, id, transaction))!;
  });
}

export async function voidBill(db: Sequelize, id: string, reason: string): Promise<Bill> {
  return db.transaction(async (transaction) => {
    const bill = await findBill(db, id, transaction, true);
    if (!bill) throw new BillStateError('no such bill');
    if (bill.status === 'void') return bill;
    if (bill.status === 'paid') throw new BillStateError('a paid bill cannot be voided');
    await db.query(`update bills set status = 'void', void_reason = $2, updated_at = now() where id = $1`, { bind: [id, reason], transaction });
    return (await findBill(db, id, transaction))!;
  });
}

/**
 * The bill a vendor payment made elsewhere stands for (a work order's
 * invoice, a draw), recorded paid with its ledger transaction, once per
 * source: the AP record the owner statement and the vendor tax summary read.
 */
export async function recordPaidBill(
  db: Sequelize,
  b: { sourceKey: string; source: 'work_order' | 'draw'; propertyId: string; unitId?: string | null; vendorId: string | null; vendorName: string; amountMinor: number; currency: string; description: string; paidOn: string; reference: string | null; ledgerTransactionId: string; workOrderId?: string | null; projectId?: string | null },
  transaction: Transaction,
): Promise<void> {
  await db.query(
    `insert into bills (id, property_id, unit_id, vendor_id, vendor_name, account, amount_minor, currency, description, bill_date, due_on, status, approval_required,
                        paid_on, payment_reference, ledger_transaction_id, source, source_key, work_order_id, project_id)
     values (gen_random_uuid(), $1, $2, $3, $4, 'repairs_expense', $5, $6, $7, $8, $8, 'paid', false, $8, $9, $10, $11, $12, $13, $14)
     on conflict (source_key) do nothing`,
    {
      bind: [b.propertyId, b.unitId ?? null, b.vendorId, b.vendorName, b.amountMinor, b.currency, b.description, b.paidOn, b.reference, b.ledgerTransactionId, b.source, b.sourceKey, b.workOrderId ?? null, b.projectId ?? null],
      transaction,
    },
  );
}
