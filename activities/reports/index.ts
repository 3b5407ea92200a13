/**
 * The report run's activities (contracts/report-run.ts): what a period owes,
 * and each task — a batch of properties' month-end postings, a batch of
 * owners' statements (built, stored, e-mailed), or a portfolio report. Each
 * item is idempotent, so a retried batch redoes only what failed; a batch
 * with failures throws after trying every item, and Temporal retries it.
 */
import { QueryTypes } from 'sequelize';
import type { ReportRunActivities, ReportTask, ReportTaskResult } from '../../contracts/report-run';
import type { Report } from '../../contracts/reports.schema';
import type { Currency } from '../../domain/money';
import { closePropertyMonth } from '../../lib/books/month-end';
import { describeShortfall, trustShortfalls } from '../../lib/books/trust-check';
import type { BlobStore } from '../../lib/blob-store';
import { renderReportPdf } from '../../lib/documents/report-pdf';
import { monthBounds } from '../../lib/reports/books';
import { buildDelinquency, delinquencyProblem } from '../../lib/reports/delinquency';
import { buildOwnerStatement } from '../../lib/reports/owner-statement';
import { buildRentRoll } from '../../lib/reports/rent-roll';
import { createNotifications, type NotificationDeps } from '../notifications';
import { reportAttachments } from '../../lib/reports/attachments';
import { storeReportOnce } from './store';

export type ReportDeps = NotificationDeps & { blobs: BlobStore };

/** Properties closed, and owners' statements built, per task: small enough to retry, large enough to keep the history short. */
const PROPERTIES_PER_TASK = 50;
const OWNERS_PER_TASK = 20;

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (month: string) => `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

/** The day of an instant in a time zone (YYYY-MM-DD). */
export function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

export function createReportRunActivities(deps: ReportDeps): ReportRunActivities {
  const { db } = deps;
  const notifications = createNotifications(deps);

  /** Managed properties (an agreement in effect by the day) and their currencies. */
  const managed = (day: string) =>
    db.query<{ property_id: string; currency: Currency }>(
      `select distinct on (property_id) property_id, currency from management_agreements where starts_on <= $1 order by property_id, starts_on desc`,
      { bind: [day], type: QueryTypes.SELECT },
    );

  async function ownerStatements(month: string, ownerIds: readonly string[], runId: string): Promise<ReportTaskResult> {
    const { to } = monthBounds(month);
    const properties = await managed(to);
    const currencyOf = new Map(properties.map((p) => [p.property_id, p.currency]));
    const result: ReportTaskResult = { built: 0, existing: 0, withheld: [], failed: [] };
    for (const ownerId of ownerIds) {
      try {
        const owned = await db.query<{ property_id: string }>('select property_id from property_owners where owner_id = $1', { bind: [ownerId], type: QueryTypes.SELECT });
        const byCurrency = new Map<Currency, string[]>();
        for (const { property_id } of owned) {
          const c = currencyOf.get(property_id);
          if (c) byCurrency.set(c, [...(byCurrency.get(c) ?? []), property_id]);
        }
        for (const [currency, scope] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
          const key = { kind: 'owner-statement' as const, scope: `owner:${ownerId}`, period: month, currency };
          let statement: Report | undefined;
          const stored = await storeReportOnce(db, key, runId, async () => {
            const report = (await buildOwnerStatement(db, { ownerId, month, currency, scope }))!;
            statement = report;
            return { report, pdf: await renderReportPdf(report, { attachments: await reportAttachments(db, deps.blobs, report) }) };
          });
          if (stored.outcome === 'withheld') continue;
          result[stored.outcome === 'built' ? 'built' : 'existing'] += 1;
          await emailStatement(ownerId, month, currency, statement);
        }
      } catch (err) {
        result.failed.push(`owner ${ownerId}: ${(err as Error).message}`);
      }
    }
    return result;
  }

  /** The owner's e-mail, once per statement (its dedupe key): a rerun that finds the statement sends nothing new. */
  async function emailStatement(ownerId: string, month: string, currency: Currency, statement: Report | undefined) {
    const [owner] = await db.query<{ email: string }>('select email from users where id = $1', { bind: [ownerId], type: QueryTypes.SELECT });
    if (!owner) return;
    const s = statement?.kind === 'owner-statement' ? statement : undefined;
    const id = await notifications.record(
      {
        subject: { type: 'owner', id: ownerId },
        template: 'owner_statement_ready',
        data: {
          monthName: monthName(month),
          currency,
          properties: s?.properties.length ?? 0,
          closingMinor: s?.properties.reduce((n, p) => n + p.closingMinor, 0) ?? 0,
          distributedMinor: s?.properties.reduce((n, p) => n + p.ownerDistributionsMinor, 0) ?? 0,
          path: `/v1/owners/${ownerId}/statements/${month}?format=pdf&currency=${currency}`,
        },
        to: [owner.email],
      },
      `owner-statement:${ownerId}:${month}:${currency}`,
    );
    if (id) await notifications.deliver(id, 'owner_statement_ready');
  }

  async function portfolioReport(kind: 'delinquency' | 'rent-roll', asOf: string, runId: string): Promise<ReportTaskResult> {
    const result: ReportTaskResult = { built: 0, existing: 0, withheld: [], failed: [] };
    const currencies = await db.query<{ currency: Currency }>(
      `select distinct currency from (select currency from management_agreements union select terms->'monthlyRent'->>'currency' from leases where terms is not null) c where currency is not null order by 1`,
      { type: QueryTypes.SELECT },
    );
    for (const { currency } of currencies) {
      const key = { kind, scope: 'portfolio', period: asOf, currency };
      const stored = await storeReportOnce(db, key, runId, async () => {
        const report = kind === 'rent-roll' ? await buildRentRoll(db, { scope: 'all', asOf, currency }) : await buildDelinquency(db, { scope: 'all', asOf, currency });
        const problem = report.kind === 'delinquency' ? delinquencyProblem(report) : undefined;
        return problem ? { withheld: problem } : { report, pdf: await renderReportPdf(report) };
      });
      if (stored.outcome === 'withheld') {
        result.withheld.push(`${kind} ${asOf} ${currency}: ${stored.reason}`);
        await alertOps(kind, `${asOf} (${currency})`, stored.reason);
      } else result[stored.outcome === 'built' ? 'built' : 'existing'] += 1;
    }
    if (kind === 'rent-roll') {
      // The daily trust check: every property's cash covers the tenants' deposits it holds.
      result.differences = (await trustShortfalls(db, asOf)).map(describeShortfall);
      for (const d of result.differences) await alertOps('deposits trust check', asOf, d, 'deposits_trust_shortfall');
    }
    return result;
  }

  /** Ops (and admins) are told, once per finding: the outbox's dedupe key is the finding. */
  async function alertOps(kind: string, period: string, reason: string, template: 'report_withheld' | 'deposits_trust_shortfall' = 'report_withheld') {
    const staff = await db.query<{ email: string }>(`select email from users where 'ops' = any(roles) or 'admin' = any(roles) order by email`, { type: QueryTypes.SELECT });
    const id = await notifications.record(
      { subject: { type: 'report', id: '00000000-0000-0000-0000-000000000000' }, template, data: { kind, period, reason }, to: staff.map((s) => s.email) },
      `${template}:${kind}:${period}:${reason}`,
    );
    if (id && staff.length) await notifications.deliver(id, template);
  }

  return {
    async reportRunPeriod({ kind, scheduledAt, timeZone }) {
      const day = dayIn(scheduledAt, timeZone);
      if (kind !== 'month-end') return day;
      // Run on the 1st: the month before.
      const [y, m] = day.split('-').map(Number) as [number, number];
      return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    },

    async planReportRun({ kind, period }) {
      if (kind !== 'month-end') return { postings: [], reports: [{ type: 'portfolio-report', kind, asOf: period }] };
      const properties = await managed(monthBounds(period).to);
      const ids = properties.map((p) => p.property_id).sort();
      const owners = await db.query<{ owner_id: string }>('select distinct owner_id from property_owners where property_id = any($1::uuid[]) order by owner_id', {
        bind: [ids],
        type: QueryTypes.SELECT,
      });
      return {
        postings: chunks(ids, PROPERTIES_PER_TASK).map((propertyIds) => ({ type: 'month-end-postings' as const, month: period, propertyIds })),
        reports: chunks(owners.map((o) => o.owner_id), OWNERS_PER_TASK).map((ownerIds) => ({ type: 'owner-statements' as const, month: period, ownerIds })),
      };
    },

    async runReportTask({ task, runId }: { task: ReportTask; runId: string }) {
      let result: ReportTaskResult;
      switch (task.type) {
        case 'month-end-postings': {
          result = { built: 0, existing: 0, withheld: [], failed: [], postedMinor: 0 };
          for (const propertyId of task.propertyIds) {
            try {
              const closed = await closePropertyMonth(db, propertyId, task.month);
              if (!closed.alreadyClosed) result.postedMinor! += closed.feeMinor + closed.distributions.reduce((n, d) => n + d.amountMinor, 0);
            } catch (err) {
              result.failed.push(`property ${propertyId}: ${(err as Error).message}`);
            }
          }
          break;
        }
        case 'owner-statements':
          result = await ownerStatements(task.month, task.ownerIds, runId);
          break;
        case 'portfolio-report':
          result = await portfolioReport(task.kind, task.asOf, runId);
          break;
      }
      // Everything else in the batch is done (and kept): a retry redoes only what failed.
      if (result.failed.length) throw new Error(result.failed.join('; '));
      return result;
    },
  };
}
