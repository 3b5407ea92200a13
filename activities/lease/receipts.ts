/** A receipt PDF for every payment a lease receives (deposit, card rent, by hand), stored once per payment. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { LeaseActivities } from '../../contracts/lease';
import { renderReceipt } from '../../lib/documents/receipt';
import type { DocumentStore } from '../documents/store';

const WHAT: Record<string, string> = {
  rent: 'Rent',
  late_fee: 'Late fee',
  returned_payment_fee: 'Returned-payment fee',
  damages: 'Damages',
  early_termination_fee: 'Early termination',
};

export function createReceiptActivities(db: Sequelize, documents: DocumentStore): Pick<LeaseActivities, 'issueReceipt'> {
  return {
    async issueReceipt({ leaseId, paymentId, propertyAddress, payers }) {
      const prior = await documents.receiptOf(paymentId);
      if (prior) return { documentId: prior };
      const [payment] = await db.query<{
        amount_minor: string;
        currency: string;
        method: string;
        reference: string | null;
        stripe_payment_intent_id: string | null;
        received_on: string;
        idempotency_key: string;
      }>(
        `select amount_minor, currency, method, reference, stripe_payment_intent_id, to_char(updated_at, 'YYYY-MM-DD') as received_on, idempotency_key
           from payments where id = $1 and lease_id = $2`,
        { bind: [paymentId, leaseId], type: QueryTypes.SELECT },
      );
      if (!payment) throw new Error(`payment ${paymentId} of lease ${leaseId} is missing`);
      const applied = await db.query<{ kind: string; period_index: number; due_on: string; amount_minor: string }>(
        `select c.kind, c.period_index, to_char(c.due_on, 'YYYY-MM-DD') as due_on, a.amount_minor from payment_allocations a
           join lease_charges c on c.id = a.charge_id where a.payment_id = $1 order by c.due_on, c.id`,
        { bind: [paymentId], type: QueryTypes.SELECT },
      );
      const doc = await renderReceipt({
        paymentId,
        leaseId,
        propertyAddress,
        payers,
        receivedOn: payment.received_on,
        method: payment.method,
        reference: payment.stripe_payment_intent_id ?? payment.reference,
        currency: payment.currency,
        amountMinor: Number(payment.amount_minor),
        isDeposit: payment.idempotency_key.startsWith(`deposit:${leaseId}`),
        appliedTo: applied.map((a) => ({ description: `${WHAT[a.kind] ?? a.kind}${a.period_index ? ` ${a.due_on}` : ''}`, amountMinor: Number(a.amount_minor) })),
      });
      try {
        return { documentId: await documents.store(leaseId, 'receipt', doc, paymentId) };
      } catch (err) {
        // A concurrent retry stored it first (one receipt per payment).
        const again = await documents.receiptOf(paymentId);
        if (again) return { documentId: again };
        throw err;
      }
    },
  };
}
