/**
 * What the lease routes read from Postgres (the books the workflow's
 * activities keep): invoices, payments with their state, documents, and the
 * balance, each as the API shows it (schemas.ts).
 */
import type { z } from '@hono/zod-openapi';
import { QueryTypes, type Sequelize } from 'sequelize';
import { leaseBalances } from '../../../lib/ledger';
import type { AccountSchema, DocumentSchema, InvoiceSchema, PaymentSchema } from './schemas';

const iso = (d: Date | string) => new Date(d).toISOString();

export async function listInvoices(db: Sequelize, leaseId: string, openOnly = false): Promise<z.infer<typeof InvoiceSchema>[]> {
  const rows = await db.query<{ id: string; kind: z.infer<typeof InvoiceSchema>['kind']; period_index: number; due_on: string; amount_minor: string; open_minor: string; currency: string }>(
    `select id, kind, period_index, to_char(due_on, 'YYYY-MM-DD') as due_on, amount_minor, open_minor, currency
       from lease_charges where lease_id = $1 and (not $2 or open_minor > 0) order by due_on, period_index, kind, id`,
    { bind: [leaseId, openOnly], type: QueryTypes.SELECT },
  );
  return rows.map((r) => {
    const amountMinor = Number(r.amount_minor);
    const openMinor = Number(r.open_minor);
    const status = openMinor === 0 ? ('paid' as const) : openMinor < amountMinor ? ('partially_paid' as const) : ('open' as const);
    return { id: r.id, kind: r.kind, periodIndex: Number(r.period_index), dueOn: r.due_on, amountMinor, openMinor, currency: r.currency, status };
  });
}

export async function listPayments(db: Sequelize, leaseId: string): Promise<z.infer<typeof PaymentSchema>[]> {
  const rows = await db.query<{
    id: string;
    method: z.infer<typeof PaymentSchema>['method'];
    amount_minor: string;
    currency: string;
    status: z.infer<typeof PaymentSchema>['status'];
    reference: string | null;
    failure_code: string | null;
    failure_message: string | null;
    decline_kind: string | null;
    receipt_id: string | null;
    created_at: Date;
    updated_at: Date;
  }>(
    `select p.id, p.method, p.amount_minor, p.currency, p.status, p.reference, p.failure_code, p.failure_message, p.decline_kind,
            d.id as receipt_id, p.created_at, p.updated_at
       from payments p left join documents d on d.payment_id = p.id
      where p.lease_id = $1 order by p.created_at, p.id`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  return rows.map((p) => ({
    id: p.id,
    method: p.method,
    amountMinor: Number(p.amount_minor),
    currency: p.currency,
    status: p.status,
    reference: p.reference,
    failure: p.status === 'failed' ? { code: p.failure_code, message: p.failure_message, declineKind: p.decline_kind } : null,
    receiptDocumentId: p.receipt_id,
    createdAt: iso(p.created_at),
    updatedAt: iso(p.updated_at),
  }));
}

export async function listDocuments(db: Sequelize, leaseId: string): Promise<z.infer<typeof DocumentSchema>[]> {
  const docs = await db.query<{ id: string; kind: string; sha256: string; pages: number; created_at: Date }>(
    'select id, kind, sha256, pages, created_at from documents where lease_id = $1 order by created_at, id',
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  return docs.map((d) => ({ id: d.id, kind: d.kind, sha256: d.sha256, pages: Number(d.pages), createdAt: iso(d.created_at) }));
}

export async function leaseAccount(db: Sequelize, leaseId: string): Promise<z.infer<typeof AccountSchema>> {
  const [balances, openInvoices, documents] = await Promise.all([leaseBalances(db, leaseId), listInvoices(db, leaseId, true), listDocuments(db, leaseId)]);
  return { balanceMinor: Number(balances.tenant_receivable), depositHeldMinor: Number(balances.deposits_held), openInvoices, documents };
}
