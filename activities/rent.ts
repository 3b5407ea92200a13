/**
 * Rent periods and the daily rent run.
 *
 * A lease workflow writes the periods of each term to `rent_periods` with the
 * card to charge. The rent run claims the periods due (overlapping runs skip
 * each other's claims; a claim older than CLAIM_STALE_MINUTES is taken over),
 * bills and charges them several at a time under Stripe's request rate,
 * records each outcome, and signals it to the lease, which takes over any
 * dunning. Everything is keyed so a retried batch or a second run finds the
 * work done: the invoice per (lease, period), the charge per attempt key, the
 * outcome per period.
 */
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type { IsoDate } from '../domain/calendar';
import type { PaymentMethodRef } from '../domain/lease-state';
import type { Currency } from '../domain/money';
import type { RentPeriod } from '../domain/rent-schedule';
import type { RentRunCounts } from '../domain/rent-run';
import { leaseWorkflowId, rentCollectedSignal, type CollectionOutcome } from '../workflows/lease';
import type { PaymentsDeps } from './payments';
import { createRentCollection } from './rent-collection';

const CLAIM_STALE_MINUTES = 15;

interface PeriodRow {
  lease_id: string;
  period_index: number;
  period_from: string;
  period_to: string;
  due_on: string;
  amount_minor: string;
  currency: Currency;
  outcome: CollectionOutcome['status'] | null;
  decline_kind: 'soft' | 'hard' | null;
  collected_minor: string | null;
  message: string | null;
  payment_id: string | null;
  customer_id: string | null;
  payment_method_id: string | null;
}

const PERIOD_COLUMNS = `rp.lease_id, rp.period_index, to_char(rp.period_from, 'YYYY-MM-DD') as period_from,
  to_char(rp.period_to, 'YYYY-MM-DD') as period_to, to_char(rp.due_on, 'YYYY-MM-DD') as due_on, rp.amount_minor, rp.currency,
  rp.outcome, rp.decline_kind, rp.collected_minor, rp.message, rp.payment_id, l.customer_id, l.payment_method_id`;

function storedOutcome(row: PeriodRow): CollectionOutcome {
  if (row.outcome === 'succeeded') return { status: 'succeeded', amountMinor: Number(row.collected_minor), ...(row.payment_id ? { paymentId: row.payment_id } : {}) };
  if (row.outcome === 'failed') return { status: 'failed', declineKind: row.decline_kind ?? 'soft', message: row.message ?? 'declined' };
  return { status: 'nothing_due' };
}

/** The periods a lease expects, and the collection of one period; used by lease activities and the rent run alike. */
export function createRentPeriods(deps: PaymentsDeps) {
  const { db } = deps;
  const rent = createRentCollection(deps);

  async function savePaymentMethod(leaseId: string, pm: PaymentMethodRef) {
    await db.query('update leases set customer_id = $2, payment_method_id = $3, updated_at = now() where id = $1', {
      bind: [leaseId, pm.customerId, pm.paymentMethodId],
    });
  }

  return {
    savePaymentMethod,

    /** Idempotent; with `replace`, drops this lease's uncollected periods that are no longer in the list (an early termination). */
    async schedule(leaseId: string, currency: string, pm: PaymentMethodRef, periods: RentPeriod[], replace = false) {
      if (!periods.length && !replace) return;
      await db.transaction(async (transaction) => {
        await db.query(
          `insert into leases (id, status, tenant_ids, workflow_id, customer_id, payment_method_id, created_at, updated_at)
           values ($1, 'active', '{}', $4, $2, $3, now(), now())
           on conflict (id) do update set customer_id = excluded.customer_id, payment_method_id = excluded.payment_method_id, updated_at = now()`,
          { bind: [leaseId, pm.customerId, pm.paymentMethodId, `lease-${leaseId}`], transaction },
        );
        if (replace) {
          await db.query(
            `delete from rent_periods where lease_id = $1 and outcome is null and claimed_by is null
               and period_index >= $2 and not (period_index = any($3::int[]))`,
            { bind: [leaseId, periods[0]?.index ?? 0, periods.map((p) => p.index)], transaction },
          );
        }
        for (const p of periods) {
          // A period not yet collected takes the new amount (a prorated last month after a termination).
          await db.query(
            `insert into rent_periods (lease_id, period_index, period_from, period_to, due_on, amount_minor, currency, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, now())
             on conflict (lease_id, period_index) do update
               set period_from = excluded.period_from, period_to = excluded.period_to, due_on = excluded.due_on, amount_minor = excluded.amount_minor
               where rent_periods.outcome is null and rent_periods.claimed_by is null`,
            { bind: [leaseId, p.index, p.from, p.to, p.dueOn, p.amountMinor, currency], transaction },
          );
        }
      });
    },

    /** Bills the period and makes its first charge, once; a second call returns the recorded outcome. */
    async collect(leaseId: string, periodIndex: number, today: IsoDate): Promise<CollectionOutcome> {
      const [row] = await db.query<PeriodRow>(
        `select ${PERIOD_COLUMNS} from rent_periods rp join leases l on l.id = rp.lease_id where rp.lease_id = $1 and rp.period_index = $2`,
        { bind: [leaseId, periodIndex], type: QueryTypes.SELECT },
      );
      if (!row) throw ApplicationFailure.nonRetryable(`lease ${leaseId} has no rent period ${periodIndex}`, 'NoSuchRentPeriod');
      if (row.outcome) return storedOutcome(row);
      const period: RentPeriod = {
        index: row.period_index,
        from: row.period_from,
        to: row.period_to,
        dueOn: row.due_on,
        amountMinor: Number(row.amount_minor),
        prorated: false,
      };
      await rent.billPeriod(leaseId, row.currency, period);
      const outcome: CollectionOutcome =
        row.customer_id && row.payment_method_id
          ? await rent.collectOpen({
              leaseId,
              currency: row.currency,
              paymentMethod: { customerId: row.customer_id, paymentMethodId: row.payment_method_id },
              periodIndex,
              attempt: 1,
              today,
            })
          : { status: 'failed', declineKind: 'hard', message: 'no saved payment method' };
      const [recorded] = await db.query<PeriodRow>(
        `update rent_periods rp set outcome = $3, decline_kind = $4, collected_minor = $5, message = $6, payment_id = $7, decided_at = now()
           from leases l where l.id = rp.lease_id and rp.lease_id = $1 and rp.period_index = $2 and rp.outcome is null
         returning ${PERIOD_COLUMNS}`,
        {
          bind: [
            leaseId,
            periodIndex,
            outcome.status,
            outcome.status === 'failed' ? outcome.declineKind : null,
            outcome.status === 'succeeded' ? outcome.amountMinor : null,
            outcome.status === 'failed' ? outcome.message : null,
            outcome.status === 'succeeded' ? (outcome.paymentId ?? null) : null,
          ],
          type: QueryTypes.SELECT,
        },
      );
      if (recorded) return outcome;
      // Someone recorded first (the lease and the run raced): theirs stands, and it is the same charge.
      const [first] = await db.query<PeriodRow>(
        `select ${PERIOD_COLUMNS} from rent_periods rp join leases l on l.id = rp.lease_id where rp.lease_id = $1 and rp.period_index = $2`,
        { bind: [leaseId, periodIndex], type: QueryTypes.SELECT },
      );
      return storedOutcome(first!);
    },
  };
}

export type RentRunDeps = PaymentsDeps & {
  temporal: Client;
  /** Periods charged at once; Stripe's request rate is enforced by the client underneath. */
  concurrency: number;
};

export function createRentRunActivities(deps: RentRunDeps) {
  const { db } = deps;
  const periods = createRentPeriods(deps);

  async function counts(runId: string): Promise<RentRunCounts> {
    const [row] = await db.query<Record<keyof RentRunCounts, string>>(
      `select count(*) filter (where outcome is not null) as processed,
              count(*) filter (where outcome = 'succeeded') as charged,
              count(*) filter (where outcome = 'failed' and decline_kind = 'hard') as failed,
              count(*) filter (where outcome = 'failed' and decline_kind = 'soft') as retrying,
              count(*) filter (where outcome = 'nothing_due') as "nothingDue"
         from rent_periods where claimed_by = $1`,
      { bind: [runId], type: QueryTypes.SELECT },
    );
    return {
      processed: Number(row!.processed),
      charged: Number(row!.charged),
      failed: Number(row!.failed),
      retrying: Number(row!.retrying),
      nothingDue: Number(row!.nothingDue),
    };
  }

  async function signalLease(leaseId: string, periodIndex: number, outcome: CollectionOutcome) {
    try {
      await deps.temporal.workflow.getHandle(leaseWorkflowId(leaseId)).signal(rentCollectedSignal, { periodIndex, outcome });
    } catch (err) {
      // A lease without a running workflow has nobody to tell; its ledger is already right.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  return {
    /** The run's calendar date: the schedule's nominal time in the configured zone. */
    async rentRunDate(scheduledAt: string, timeZone: string): Promise<IsoDate> {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(scheduledAt));
      return parts as IsoDate;
    },

    /**
     * Claims up to `batchSize` periods due on or before `runDate` and collects
     * them, `concurrency` at a time, heartbeating as it goes. A retry (after a
     * crash) re-claims its own unfinished periods and finds finished ones
     * recorded. Returns the run's totals and whether more may be due.
     */
    async collectDueRent(input: { runId: string; runDate: IsoDate; batchSize: number }): Promise<RentRunCounts & { more: boolean }> {
      const claimed = await db.query<{ lease_id: string; period_index: number }>(
        `with due as (
           select lease_id, period_index from rent_periods
            where due_on <= $2 and outcome is null
              and (claimed_by is null or claimed_by = $1 or claimed_at < now() - make_interval(mins => $4))
            order by due_on, lease_id, period_index
            limit $3 for update skip locked)
         update rent_periods rp set claimed_by = $1, claimed_at = now()
           from due where rp.lease_id = due.lease_id and rp.period_index = due.period_index
         returning rp.lease_id, rp.period_index`,
        { bind: [input.runId, input.runDate, input.batchSize, CLAIM_STALE_MINUTES], type: QueryTypes.SELECT },
      );
      let next = 0;
      let done = 0;
      const failures: unknown[] = [];
      const worker = async () => {
        while (next < claimed.length && !failures.length) {
          const { lease_id, period_index } = claimed[next++]!;
          try {
            const outcome = await periods.collect(lease_id, period_index, input.runDate);
            await signalLease(lease_id, period_index, outcome);
            done++;
            heartbeat({ done });
          } catch (err) {
            failures.push(err);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency, claimed.length) }, worker));
      // One period's error (Stripe or the database unreachable) fails the batch: Temporal retries it, and it resumes.
      if (failures.length) throw failures[0];
      return { ...(await counts(input.runId)), more: claimed.length === input.batchSize };
    },
  };
}
