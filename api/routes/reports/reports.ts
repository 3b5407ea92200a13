/**
 * `GET /v1/reports/{kind}`: any report as of a day or for a period, built
 * from the books on the spot (the stored ones a schedule built are in
 * statements.ts and runs.ts). What each caller sees is scoped: staff every
 * property, a manager those they manage, an owner those they own a share of;
 * a tenant only the ledger of their own lease.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { CurrencySchema } from '../../../contracts/money.schema';
import { REPORT_KINDS, type Report, type ReportKind } from '../../../contracts/reports.schema';
import { IsoDaySchema } from '../../../contracts/books.schema';
import { todayUtc } from '../../../domain/calendar';
import { buildDelinquency, delinquencyProblem } from '../../../lib/reports/delinquency';
import { buildIncomeStatement } from '../../../lib/reports/income-statement';
import { buildOccupancy } from '../../../lib/reports/occupancy';
import { buildOwnerStatement } from '../../../lib/reports/owner-statement';
import { buildRentRoll } from '../../../lib/reports/rent-roll';
import { buildTenantLedger } from '../../../lib/reports/tenant-ledger';
import { buildVendorTaxSummary } from '../../../lib/reports/vendor-tax';
import { hasRole, isStaff } from '../../access';
import type { AppEnv, ApiDeps, Principal } from '../../deps';
import { ApiProblem, fieldError, notFound } from '../../problem';
import { problems, route } from '../../route';
import { sees, visibleProperties } from '../books/access';
import { FormatQuerySchema, negotiate, reportResponse, sendReport } from './format';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

export const ReportQuerySchema = FormatQuerySchema.extend({
  asOf: IsoDaySchema.optional().describe('The day the books are read as of (rent roll, delinquency, tenant ledger); default today (UTC)'),
  from: Month.optional().describe('First month (occupancy, income statement); default 11 months before `to`'),
  to: Month.optional().describe('Last month (occupancy, income statement); default this month'),
  month: Month.optional().describe('The month of an owner statement (required for it)'),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('The year of the vendor tax summary; default this year'),
  propertyId: z.uuid().optional().describe('Only this property (it must be one you may see)'),
  ownerId: z.uuid().optional().describe('The owner of an owner statement (an owner: themselves)'),
  leaseId: z.uuid().optional().describe('The lease of a tenant ledger (required for it)'),
  currency: CurrencySchema.default('USD'),
});
type ReportQuery = z.infer<typeof ReportQuerySchema>;

const monthsBack = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) - n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
};

/** A tenant's own lease, or one of a property the caller may see. */
async function mayReadLease(db: ApiDeps['db'], p: Principal, leaseId: string): Promise<boolean> {
  const [lease] = await db.query<{ property_id: string; tenant: boolean }>(
    `select property_id, $2 = any(tenant_ids) or exists (select 1 from jsonb_array_elements(terms->'parties') x where x->>'userId' = $2::text and x->>'role' = 'tenant') as tenant
       from leases where id = $1`,
    { bind: [leaseId, p.userId], type: QueryTypes.SELECT },
  );
  if (!lease) return false;
  if (hasRole(p, 'tenant') && lease.tenant) return true;
  return sees(await visibleProperties(db, p), lease.property_id);
}

export async function buildReport(deps: ApiDeps, p: Principal, kind: ReportKind, q: ReportQuery): Promise<Report> {
  const { db } = deps;
  if (kind === 'tenant-ledger') {
    if (!q.leaseId) throw fieldError('leaseId', 'the tenant ledger is of one lease: name it');
    if (!(await mayReadLease(db, p, q.leaseId))) throw notFound('lease');
    const report = await buildTenantLedger(db, { leaseId: q.leaseId, from: q.from ? `${q.from}-01` : undefined, asOf: q.asOf ?? todayUtc() });
    if (!report) throw notFound('lease');
    return report;
  }
  if (!isStaff(p) && !hasRole(p, 'manager', 'owner')) throw new ApiProblem(403, 'forbidden', 'a tenant reads the ledger of their own lease only (kind tenant-ledger)');
  let scope = await visibleProperties(db, p);
  if (q.propertyId) {
    const exists = (await db.query('select 1 from properties where id = $1', { bind: [q.propertyId], type: QueryTypes.SELECT })).length > 0;
    if (!exists || !sees(scope, q.propertyId)) throw fieldError('propertyId', 'no such property, or none you may see', 404);
    scope = [q.propertyId];
  }
  const asOf = q.asOf ?? todayUtc();
  const to = q.to ?? todayUtc().slice(0, 7);
  const from = q.from ?? monthsBack(to, 11);
  if (from > to) throw fieldError('from', 'must not be after `to`');
  switch (kind) {
    case 'rent-roll':
      return buildRentRoll(db, { scope, asOf, currency: q.currency });
    case 'delinquency': {
      const report = await buildDelinquency(db, { scope, asOf, currency: q.currency });
      const problem = delinquencyProblem(report);
      // Withheld, never shown wrong: the scheduled run alerts ops with the same reason.
      if (problem) throw new ApiProblem(409, 'invalid-state', `the delinquency report is withheld: ${problem}`);
      return report;
    }
    case 'occupancy':
      return buildOccupancy(db, { scope, from, to, currency: q.currency });
    case 'income-statement':
      return buildIncomeStatement(db, { scope, propertyId: q.propertyId, from, to, currency: q.currency });
    case 'vendor-tax-summary':
      return buildVendorTaxSummary(db, { scope, year: q.year ?? Number(todayUtc().slice(0, 4)) });
    case 'owner-statement': {
      if (!q.month) throw fieldError('month', 'an owner statement is for one month: name it');
      const ownerId = q.ownerId ?? (hasRole(p, 'owner') ? p.userId : undefined);
      if (!ownerId) throw fieldError('ownerId', 'whose statement: name the owner');
      if (!isStaff(p) && ownerId !== p.userId && !hasRole(p, 'manager')) throw notFound('owner');
      // A manager sees an owner's statement for the properties they manage; an owner their own, whole.
      const statement = await buildOwnerStatement(db, { ownerId, month: q.month, currency: q.currency, scope: ownerId === p.userId ? 'all' : scope, propertyId: q.propertyId });
      if (!statement || (statement.properties.length === 0 && !isStaff(p) && ownerId !== p.userId)) throw notFound('owner');
      return statement;
    }
  }
}

export const reportsRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/reports/{kind}',
    operationId: 'getReport',
    tags: ['Reports'],
    summary: 'A report from the books, as JSON, CSV or PDF',
    description:
      'Kinds: `rent-roll` and `delinquency` as of `asOf`; `occupancy` and `income-statement` by month from `from` to `to`; `owner-statement` for `ownerId` and `month`; ' +
      '`tenant-ledger` for `leaseId`; `vendor-tax-summary` for `year` (1099-NEC, USD). Built from the ledger as of the day, so the same period gives the same figures (and bytes). ' +
      'Managers see the properties they manage, owners those they own a share of, tenants only their own lease\'s ledger, admins and ops everything. ' +
      'A delinquency report whose total is not the ledger\'s receivable is withheld (409).',
    roles: ['admin', 'ops', 'manager', 'owner', 'tenant'],
    request: { params: z.object({ kind: z.enum(REPORT_KINDS) }), query: ReportQuerySchema },
    responses: { 200: reportResponse(), ...problems(404, 409) },
  }),
  async (c) => {
    const { kind } = c.req.valid('param');
    const q = c.req.valid('query');
    const report = await buildReport(c.get('deps'), c.get('principal'), kind, q);
    return sendReport(c, report, negotiate(c.req.header('accept'), q.format), `${kind}-${'month' in report ? report.month : report.asOf}`) as never;
  },
);
