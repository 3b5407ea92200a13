/**
 * Collecting one rent period (or a reversed payment owed again): the first
 * charge, retries on the dunning days after a soft decline, a wait for a new
 * card after a hard one, late fees once the grace days pass, and a charge at
 * once when the tenant gives a new card. Attempt n of a period is charge key
 * `attemptBase + n`, so a retry never charges twice.
 */
import { condition, patched } from '@temporalio/workflow';
import { addDays, daysBetween, type IsoDate } from '../../domain/calendar';
import { retryDates } from '../../domain/collection';
import { lateFeesDue } from '../../domain/late-fees';
import type { RentPeriod } from '../../domain/rent-schedule';
import type { CollectionOutcome } from '../../contracts/lease';
import { act } from './proxies';
import { today, type LeaseRun } from './lease-run';
import { LeasePatch } from './patches';

export interface CollectionOptions {
  /** The period's first charge, already made (by the rent run, or by the lease on its behalf). */
  first?: CollectionOutcome;
  lateFees: boolean;
  attemptBase: number;
}

export async function collectPeriod(lease: LeaseRun, period: RentPeriod, dunningDays: number[], o: CollectionOptions = { lateFees: true, attemptBase: 0 }) {
  const { terms } = lease;
  const startedOn = o.first ? today() : period.dueOn;
  const retries = retryDates(startedOn, dunningDays);
  const attemptDates = o.first ? retries : [period.dueOn, ...retries];
  const graceEnd = addDays(period.dueOn, terms.lateFeePolicy.graceDays + 1);
  const checkpoints = [...new Set(o.lateFees ? [...attemptDates, graceEnd] : attemptDates)].sort();
  let attempt = o.attemptBase;
  let needNewCard = false;
  if (o.first) {
    attempt++;
    if (await settled(o.first)) return;
  }
  for (let i = 0; i < checkpoints.length; ) {
    const day = checkpoints[i]!;
    const woke = await waitForDay(lease, day, period.index);
    if (woke === 'paid') return;
    if (woke === 'day') {
      i++;
      if ((await act.periodOpenMinor({ leaseId: lease.leaseId, periodIndex: period.index })) === 0) return;
      if (o.lateFees && daysBetween(graceEnd, day) >= 0) await chargeLateFees(lease, period, day);
      if (!attemptDates.includes(day) || needNewCard) continue;
    }
    attempt++;
    lease.paymentMethodChanged = false;
    const outcome = await act.collectBalance({
      leaseId: lease.leaseId,
      currency: lease.currency,
      paymentMethod: lease.paymentMethod,
      periodIndex: period.index,
      attempt,
      today: today(),
    });
    if (await settled(outcome)) return;
  }

  /** Handles an attempt's outcome; true when the period needs nothing more. */
  async function settled(outcome: CollectionOutcome): Promise<boolean> {
    if (outcome.status !== 'failed') {
      if (outcome.status === 'succeeded') {
        lease.state.paidMinor += outcome.amountMinor;
        lease.log(`period ${period.index} paid (attempt ${attempt})`);
        if (outcome.paymentId && patched(LeasePatch.paymentReceipts)) await lease.receipt(outcome.paymentId, outcome.amountMinor);
        else await lease.notify('payment_received', { amountMinor: outcome.amountMinor });
      }
      return true;
    }
    needNewCard = outcome.declineKind === 'hard';
    lease.log(`period ${period.index} attempt ${attempt} declined (${outcome.declineKind}): ${outcome.message}`);
    await lease.notify(needNewCard ? 'payment_method_needed' : 'payment_failed', { period: period.index });
    return false;
  }
}

/** Waits for the start of `day`; wakes early when a new card arrives or a manual payment settles the period. */
async function waitForDay(lease: LeaseRun, day: IsoDate, periodIndex: number): Promise<'day' | 'card' | 'paid'> {
  for (;;) {
    const ms = Date.parse(`${day}T00:00:00.000Z`) - Date.now();
    if (ms <= 0) return 'day';
    lease.paymentRecorded = false;
    const woke = await condition(() => lease.paymentRecorded || lease.paymentMethodChanged, ms);
    if (!woke) return 'day';
    if (lease.paymentMethodChanged) return 'card';
    if ((await act.periodOpenMinor({ leaseId: lease.leaseId, periodIndex })) === 0) return 'paid';
  }
}

async function chargeLateFees(lease: LeaseRun, period: RentPeriod, asOf: IsoDate) {
  const unpaidMinor = await act.periodOpenMinor({ leaseId: lease.leaseId, periodIndex: period.index });
  const fees = lateFeesDue(lease.terms.lateFeePolicy, { dueOn: period.dueOn, rentMinor: period.amountMinor, unpaidMinor }, asOf);
  if (!fees.length) return;
  const { addedMinor } = await act.applyLateFees({ leaseId: lease.leaseId, currency: lease.currency, periodIndex: period.index, fees });
  if (addedMinor > 0) {
    lease.state.feesMinor += addedMinor;
    lease.log(`late fees of ${addedMinor} applied to period ${period.index}`);
    await lease.notify('late_fee_applied', { period: period.index, amountMinor: addedMinor });
  }
}
