/**
 * The daily rent run's activities.
 *
 * A lease workflow writes the periods of each term to `rent_periods` with the
 * card to charge (activities/lease/rent-periods.ts). The rent run claims the periods due (overlapping runs skip
 * each other's claims; a claim older than CLAIM_STALE_MINUTES is taken over),
 * bills and charges them several at a time under Stripe's request rate,
 * records each outcome, and signals it to the lease, which takes over any
 * dunning. Everything is keyed so a retried batch or a second run finds the
 * work done: the invoice per (lease, period), the charge per attempt key, the
 * outcome per period.
 */
import { heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type { IsoDate } from '../../domain/calendar';
import { leaseWorkflowId, rentCollectedSignal, type CollectionOutcome } from '../../contracts/lease';
import type { RentRunActivities, RentRunCounts } from '../../contracts/rent-run';
import { createRentCollection } from '../lease/rent-collection';
import { acceptLegacyInputs } from '../legacy-inputs';
import { createRentPeriods } from '../lease/rent-periods';
import { createCardCharges, type PaymentsDeps } from '../payments/card-charges';

const CLAIM_STALE_MINUTES = 15;

export type RentRunDeps = PaymentsDeps & {
  temporal: Client;
  /** Periods charged at once; Stripe's request rate is enforced by the client underneath. */
  concurrency: number;
};

export function createRentRunActivities(deps: RentRunDeps): RentRunActivities {
  const { db } = deps;
  const periods = createRentPeriods(db, createRentCollection(db, createCardCharges(deps)));

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

  async function markSignalled(periods: { lease_id: string; period_index: number }[]) {
    if (!periods.length) return;
    await db.query(
      `update rent_periods rp set signalled_at = now()
         from unnest($1::uuid[], $2::int[]) as s(lease_id, period_index)
        where rp.lease_id = s.lease_id and rp.period_index = s.period_index`,
      { bind: [periods.map((p) => p.lease_id), periods.map((p) => p.period_index)] },
    );
  }

  async function signalLease(leaseId: string, periodIndex: number, outcome: CollectionOutcome) {
    try {
      await deps.temporal.workflow.getHandle(leaseWorkflowId(leaseId)).signal(rentCollectedSignal, { periodIndex, outcome });
    } catch (err) {
      // A lease without a running workflow has nobody to tell; its ledger is already right.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  const activities: RentRunActivities = {
    async rentRunDate({ scheduledAt, timeZone }) {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(scheduledAt));
      return parts as IsoDate;
    },

    /**
     * Claims up to `batchSize` periods due on or before `runDate` and collects
     * them, `concurrency` at a time, heartbeating as it goes. A retry (after a
     * crash, or Temporal unreachable) re-claims its own unfinished periods,
     * finds finished ones recorded, and signals again those whose outcome no
     * lease has heard yet. Returns the run's totals and whether more may be due.
     */
    async collectDueRent(input) {
      const claimed = await db.query<{ lease_id: string; period_index: number }>(
        `with due as (
           select lease_id, period_index from rent_periods
            where due_on <= $2
              and ((outcome is null and (claimed_by is null or claimed_by = $1 or claimed_at < now() - make_interval(mins => $4)))
                or (claimed_by = $1 and outcome is not null and signalled_at is null))
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
      const signalled: { lease_id: string; period_index: number }[] = [];
      const worker = async () => {
        while (next < claimed.length && !failures.length) {
          const period = claimed[next++]!;
          try {
            const outcome = await periods.collect(period.lease_id, period.period_index, input.runDate);
            await signalLease(period.lease_id, period.period_index, outcome);
            signalled.push(period);
            done++;
            heartbeat({ done });
          } catch (err) {
            failures.push(err);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(deps.concurrency, claimed.length) }, worker));
      } finally {
        // One statement per batch: a period whose signal is not marked here is signalled again by the retry (the lease ignores a repeat).
        await markSignalled(signalled).catch(() => undefined);
      }
      // One period's error (Stripe or the database unreachable) fails the batch: Temporal retries it, and it resumes.
      if (failures.length) throw failures[0];
      return { ...(await counts(input.runId)), more: claimed.length === input.batchSize };
    },
  };
  return acceptLegacyInputs(activities, { rentRunDate: (scheduledAt: string, timeZone: string) => ({ scheduledAt, timeZone }) });
}
