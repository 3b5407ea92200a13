/**
 * What a lease's readers see: its state (from the workflow's query, with the
 * account from the books), its invoices, payments, ledger and documents, and
 * each document's PDF. Whoever may see the lease may read these (access.ts).
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { leaseStateQuery } from '../../../contracts/lease';
import { leaseBalances } from '../../../lib/ledger';
import type { AppEnv } from '../../deps';
import { ApiProblem, notFound } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { queryOrUndefined } from '../../workflow-query';
import { fallbackState, leaseHandle, seesNotes, stateToApi, visibleLease, type LeaseRow } from './access';
import { leaseAccount, listDocuments, listInvoices, listPayments } from './books';
import { DocumentSchema, InvoiceSchema, LeaseTermsSummarySchema, LeaseViewSchema, LedgerSchema, PaymentSchema } from './schemas';


/** The terms as offered (a renewal's new rent and term are in the state). */
function termsSummary(row: LeaseRow): z.infer<typeof LeaseTermsSummarySchema> | null {
  const t = row.terms;
  if (!t) return null;
  return {
    startDate: t.startDate,
    termMonths: t.termMonths,
    monthlyRent: t.monthlyRent,
    deposit: t.deposit,
    dueDay: t.dueDay,
    lateFeePolicy: t.lateFeePolicy,
    earlyTerminationFee: t.earlyTerminationFee ?? null,
  };
}

export const leaseReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}',
      tags: ['Leases'],
      summary: 'A lease\'s state, from its workflow, with its account from the books',
      description: 'Visible to staff, the property\'s owner and manager, and the lease\'s tenants. When the workflow cannot answer, the recorded status is returned (`source: database`).',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(LeaseViewSchema, 'The lease state and account'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const lease = await visibleLease(deps.db, c.get('principal'), c.req.valid('param').id);
      const { row } = lease;
      const account = await leaseAccount(deps.db, row.id);
      const state = await queryOrUndefined(c, leaseHandle(deps, row), leaseStateQuery);
      const shown = state ? stateToApi(state, seesNotes(c.get('principal'), lease)) : fallbackState(row);
      return c.json({ ...shown, terms: termsSummary(row), account }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/invoices',
      tags: ['Leases'],
      summary: 'What the lease has been charged: rent per period and fees, with what is still open',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(InvoiceSchema) }).openapi('InvoiceList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      const items = await listInvoices(db, row.id);
      return c.json({ items }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/payments',
      tags: ['Leases'],
      summary: 'The lease\'s payments and their states: pending, succeeded, failed, refunded, returned',
      description: 'Each with its receipt once it has one. A payment reversed after it succeeded (a dispute or bank return) shows `returned`.',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(PaymentSchema) }).openapi('PaymentList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      return c.json({ items: await listPayments(db, row.id) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/ledger',
      tags: ['Leases'],
      summary: 'The lease\'s ledger: balances per account and every transaction',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(LedgerSchema, 'The ledger'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      const balances = await leaseBalances(db, row.id);
      const transactions = await db.query<{
        id: string;
        kind: string;
        amount_minor: number;
        currency: string;
        occurred_on: string;
        reference: string | null;
        memo: string | null;
        created_at: Date;
      }>(
        `select id, kind, amount_minor, currency, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on, reference, memo, created_at
           from ledger_transactions where book_type = 'lease' and book_id = $1 order by created_at, id`,
        { bind: [row.id], type: QueryTypes.SELECT },
      );
      return c.json(
        {
          leaseId: row.id,
          balances: Object.fromEntries(Object.entries(balances).map(([k, v]) => [k, Number(v)])),
          transactions: transactions.map((t) => ({
            id: t.id,
            kind: t.kind,
            amountMinor: Number(t.amount_minor),
            currency: t.currency,
            occurredOn: t.occurred_on,
            reference: t.reference,
            memo: t.memo,
            createdAt: new Date(t.created_at).toISOString(),
          })),
        },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/documents',
      tags: ['Leases'],
      summary: 'The lease\'s documents: the agreement, then the signed agreement',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(DocumentSchema) }).openapi('LeaseDocumentList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      return c.json({ items: await listDocuments(db, row.id) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/documents/{id}',
      tags: ['Leases'],
      summary: 'Download a lease document (PDF)',
      description: 'Visible to whoever may see its lease.',
      roles: 'any',
      request: { params: IdParams },
      responses: {
        200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } },
        ...problems(401, 404, 422),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const id = c.req.valid('param').id;
      const [doc] = await db.query<{ lease_id: string; kind: string; content_type: string; content: Buffer }>(
        'select lease_id, kind, content_type, content from documents where id = $1',
        { bind: [id], type: QueryTypes.SELECT },
      );
      if (!doc) throw notFound('document');
      await visibleLease(db, c.get('principal'), doc.lease_id).catch((err: unknown) => {
        if (err instanceof ApiProblem && err.status === 404) throw notFound('document');
        throw err;
      });
      return c.body(new Uint8Array(doc.content), 200, {
        'content-type': doc.content_type || 'application/pdf',
        'content-disposition': `attachment; filename="${doc.kind}-${id}.pdf"`,
      });
    },
  );
