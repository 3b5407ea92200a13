/**
 * An owner's statements: those the month-end run built and e-mailed (kept,
 * so the PDF downloaded is the one sent, byte for byte), and any month on
 * demand. An owner sees their own; a manager those of owners of properties
 * they manage; staff all.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { CurrencySchema } from '../../../contracts/money.schema';
import { OwnerStatementSchema } from '../../../contracts/reports.schema';
import { hasRole, isStaff } from '../../access';
import type { AppEnv, Principal } from '../../deps';
import { notFound } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { visibleProperties } from '../books/access';
import { FormatQuerySchema, negotiate, reportResponse, sendReport } from './format';
import { buildReport } from './reports';

const tags = ['Reports'];
const StoredStatementSchema = z
  .object({ month: z.string(), currency: z.string(), status: z.enum(['built', 'withheld']), sha256: z.string().nullable(), builtAt: z.string(), runId: z.string().nullable(), pdf: z.string().nullable() })
  .openapi('StoredOwnerStatement');

/** An owner, if the caller may see their statements. */
async function visibleOwner(db: AppEnv['Variables']['deps']['db'], p: Principal, ownerId: string) {
  if (isStaff(p) || p.userId === ownerId) return;
  if (hasRole(p, 'manager')) {
    const scope = await visibleProperties(db, p);
    const [row] = await db.query<{ n: number }>('select count(*)::int as n from property_owners where owner_id = $1 and property_id = any($2::uuid[])', {
      bind: [ownerId, scope === 'all' ? [] : scope],
      type: QueryTypes.SELECT,
    });
    if (row!.n > 0) return;
  }
  throw notFound('owner');
}

export const statementsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/owners/{id}/statements',
      operationId: 'listOwnerStatements',
      tags,
      summary: 'The statements the month-end runs built for an owner, latest first',
      roles: ['owner', 'manager', 'admin', 'ops'],
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(StoredStatementSchema) }), 'Their statements'), ...problems(404) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const ownerId = c.req.valid('param').id;
      await visibleOwner(db, c.get('principal'), ownerId);
      const rows = await db.query<{ period: string; currency: string; status: 'built' | 'withheld'; sha256: string | null; created_at: Date; run_id: string | null }>(
        `select period, currency, status, sha256, created_at, run_id from report_documents where kind = 'owner-statement' and scope = $1 order by period desc, currency`,
        { bind: [`owner:${ownerId}`], type: QueryTypes.SELECT },
      );
      const items = rows.map((r) => ({
        month: r.period,
        currency: r.currency,
        status: r.status,
        sha256: r.sha256,
        builtAt: new Date(r.created_at).toISOString(),
        runId: r.run_id,
        pdf: r.status === 'built' ? `/v1/owners/${ownerId}/statements/${r.period}?format=pdf&currency=${r.currency}` : null,
      }));
      return c.json({ items }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/owners/{id}/statements/{month}',
      operationId: 'getOwnerStatement',
      tags,
      summary: 'An owner\'s statement for a month, as JSON, CSV or PDF',
      description: 'The PDF of a month a run built is the one it stored and e-mailed (with the bills\' attachments); otherwise the statement is built from the books now.',
      roles: ['owner', 'manager', 'admin', 'ops'],
      request: { params: IdParams.extend({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM') }), query: FormatQuerySchema.extend({ currency: CurrencySchema.default('USD') }) },
      responses: { 200: reportResponse(OwnerStatementSchema), ...problems(404) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const p = c.get('principal');
      const { id: ownerId, month } = c.req.valid('param');
      const q = c.req.valid('query');
      await visibleOwner(db, p, ownerId);
      const format = negotiate(c.req.header('accept'), q.format);
      // The stored statement is the owner's whole statement: an owner or staff get it; a manager gets theirs built (their properties only).
      if (isStaff(p) || p.userId === ownerId) {
        const [stored] = await db.query<{ data: unknown; content: Buffer | null }>(
          `select r.data, case when $4 then d.content end as content from report_documents r left join documents d on d.id = r.document_id
            where r.kind = 'owner-statement' and r.scope = $1 and r.period = $2 and r.currency = $3 and r.status = 'built'`,
          { bind: [`owner:${ownerId}`, month, q.currency, format === 'pdf'], type: QueryTypes.SELECT },
        );
        if (stored && format === 'pdf' && stored.content) {
          return c.body(new Uint8Array(stored.content), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="owner-statement-${month}.pdf"` }) as never;
        }
        if (stored) return sendReport(c, OwnerStatementSchema.parse(stored.data), format, `owner-statement-${month}`) as never;
      }
      const report = await buildReport(c.get('deps'), p, 'owner-statement', { ownerId, month, currency: q.currency });
      return sendReport(c, report, format, `owner-statement-${month}`) as never;
    },
  );
