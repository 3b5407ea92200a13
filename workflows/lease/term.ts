/**
 * One term of rent, period by period: a reminder before each due date, the
 * renewal offer when the notice period starts, the first charge (made by the
 * daily rent run, or by the lease itself if the run has not come), then
 * collection (collection.ts). An early termination redraws the schedule to
 * the move-out day. At the end of the term the lease renews or goes
 * month-to-month (continuing as new, the state carried over) or ends.
 */
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { addDays, daysBetween, type IsoDate } from '../../domain/calendar';
import { DEFAULT_DUNNING_DAYS } from '../../domain/collection';
import { DEFAULT_REMINDER_DAYS, DEFAULT_RENEWAL, RENT_RUN_WAIT_HOURS, withBps } from '../../domain/lease';
import { leaseEndDate, rentSchedule, type RentPeriod } from '../../domain/rent-schedule';
import type { LeaseState, LeaseWorkflow } from '../../contracts/lease';
import { act } from './proxies';
import { collectPeriod } from './collection';
import { today, type LeaseRun } from './lease-run';
import { closeOut } from './move-out';
import { LeasePatch } from './patches';

export async function runTerm(lease: LeaseRun): Promise<LeaseState> {
  const { input, state, terms } = lease;
  const continuation = input.continuation;
  const term = continuation?.term ?? 1;
  const offset = continuation?.periodOffset ?? 0;
  const termEnd = leaseEndDate(terms.startDate, terms.termMonths);
  state.term = term;
  state.termEnd = termEnd;
  const renewal = input.renewal ?? DEFAULT_RENEWAL;
  const offerOn = addDays(termEnd, -renewal.noticeDays);
  const scheduleUntil = (end: IsoDate) =>
    rentSchedule(terms.startDate, end, terms.monthlyRent.amountMinor, terms.dueDay).map((p) => ({ ...p, index: p.index + offset }));
  const schedule = (periods: RentPeriod[], replace?: boolean) =>
    act.scheduleRentPeriods({ leaseId: lease.leaseId, currency: lease.currency, paymentMethod: lease.paymentMethod, periods, ...(replace ? { replace } : {}) });
  let periods = scheduleUntil(state.termination?.moveOutOn ?? termEnd);
  const resumeAt = continuation?.resumeAtPeriod ?? 1;
  const dunning = input.dunningDays ?? [...DEFAULT_DUNNING_DAYS];
  const rentRun = patched(LeasePatch.rentRunCollection);
  /** Periods reminded of in this run (the loop re-enters a period after a termination redraws the schedule). */
  const reminded = new Set<number>();
  if (rentRun) await schedule(periods.filter((p) => p.index - offset >= resumeAt));

  for (let k = 0; k < periods.length; k++) {
    const period = periods[k]!;
    if (period.index - offset < resumeAt) continue;
    if (workflowInfo().continueAsNewSuggested) {
      // Keep the history bounded: carry the state into a fresh run at this period.
      await condition(allHandlersFinished);
      return continueAsNew<LeaseWorkflow>({
        ...input,
        paymentMethod: lease.paymentMethod,
        continuation: { term, periodOffset: offset, resumeAtPeriod: period.index - offset, state },
      });
    }
    state.nextDue = { dueOn: period.dueOn, amountMinor: period.amountMinor };
    const remindOn = addDays(period.dueOn, -(input.reminderDays ?? DEFAULT_REMINDER_DAYS));
    const remindedAlready = reminded.has(period.index) && patched(LeasePatch.oneReminderPerPeriod);
    if (period.index !== 1 && remindOn < period.dueOn && daysBetween(today(), remindOn) >= 0 && patched(LeasePatch.rentDueReminders) && !remindedAlready) {
      await waitUntil(lease, dunning, remindOn);
      if (!lease.terminationChanged) {
        await lease.notify('rent_due_reminder', { amountMinor: period.amountMinor, dueOn: period.dueOn });
        reminded.add(period.index);
      }
    }
    await waitUntil(lease, dunning, period.dueOn);
    if (lease.terminationChanged) {
      // Early termination: the schedule now ends on the move-out day (its last month prorated).
      lease.terminationChanged = false;
      periods = scheduleUntil(state.termination!.moveOutOn);
      await schedule(periods.slice(k), true);
      k--;
      continue;
    }
    if (!state.termination && state.renewalOffer === null && terms.termMonths > 1 && daysBetween(offerOn, period.dueOn) >= 0 && patched(LeasePatch.renewalOffers)) {
      await offerRenewal(lease, renewal.rentChangeBps, renewal.termMonths, renewal.responseDays);
    }
    if (rentRun) {
      // The first rent is taken at move-in with the deposit, as is rent already overdue; the rest waits for the rent run.
      const collectNow = period.index === 1 || daysBetween(period.dueOn, today()) > 0;
      const waitMs = Date.parse(`${period.dueOn}T00:00:00.000Z`) + RENT_RUN_WAIT_HOURS * 3_600_000 - Date.now();
      if (!lease.rentOutcomes.has(period.index) && !collectNow && waitMs > 0) await condition(() => lease.rentOutcomes.has(period.index), waitMs);
      let first = lease.rentOutcomes.get(period.index);
      if (!first) {
        if (!collectNow) lease.log(`no rent-run outcome for period ${period.index}: collecting it here`);
        first = await act.collectRentPeriod({ leaseId: lease.leaseId, periodIndex: period.index, today: today() });
      }
      lease.rentOutcomes.delete(period.index);
      state.periodsBilled++;
      await collectPeriod(lease, period, dunning, { first, lateFees: true, attemptBase: 0 });
    } else {
      await act.billRentPeriod({ leaseId: lease.leaseId, currency: lease.currency, period });
      state.periodsBilled++;
      await collectPeriod(lease, period, dunning);
    }
  }
  state.nextDue = null;
  // A termination may come after the last period was billed (always so for month-to-month): wait for its move-out day.
  for (;;) {
    lease.terminationChanged = false;
    await waitUntil(lease, dunning, addDays(state.termination?.moveOutOn ?? termEnd, 1));
    if (!lease.terminationChanged) break;
  }
  if (state.termination) {
    await lease.setStatus('ended');
    return closeOut(lease);
  }

  const answer = state.renewalOffer?.answer ?? null;
  const monthToMonth = answer === null && state.renewalOffer !== null && renewal.noAnswer === 'month_to_month';
  if (terms.termMonths === 1 && state.renewalOffer === null) {
    // Month-to-month: another month at the same rent, until the lease is terminated.
    return nextTerm(lease, terms.monthlyRent.amountMinor, 1, term, offset + periods.length);
  }
  if (answer === 'accepted') {
    return nextTerm(lease, state.renewalOffer!.monthlyRentMinor, state.renewalOffer!.termMonths, term, offset + periods.length);
  }
  if (monthToMonth) {
    lease.log('no answer to the renewal offer: month-to-month at the premium');
    return nextTerm(lease, withBps(terms.monthlyRent.amountMinor, renewal.monthToMonthPremiumBps), 1, term, offset + periods.length);
  }
  await lease.setStatus('ended');
  return closeOut(lease);
}

/**
 * Sleeps until the start of `date` (UTC). Meanwhile a reversed payment is
 * collected again at once (and on the dunning days), and an early
 * termination cuts the wait short so the schedule can be redrawn.
 */
async function waitUntil(lease: LeaseRun, dunning: number[], date: IsoDate) {
  for (;;) {
    while (lease.reversals.length) {
      const r = lease.reversals.shift()!;
      await lease.notify('payment_returned', { amountMinor: r.amountMinor, feeMinor: r.feeMinor, reason: r.reason });
      const reopened: RentPeriod = { index: r.periodIndex, from: today(), to: today(), dueOn: today(), amountMinor: r.amountMinor + r.feeMinor, prorated: false };
      await collectPeriod(lease, reopened, dunning, { lateFees: false, attemptBase: r.attemptBase });
    }
    const ms = Date.parse(`${date}T00:00:00.000Z`) - Date.now();
    if (ms <= 0 || lease.terminationChanged) return;
    await condition(() => lease.reversals.length > 0 || lease.terminationChanged, ms);
  }
}

async function offerRenewal(lease: LeaseRun, rentChangeBps: number, termMonths: number, responseDays: number) {
  const { state, terms } = lease;
  const offeredOn = today();
  const offer = {
    monthlyRentMinor: withBps(terms.monthlyRent.amountMinor, rentChangeBps),
    termMonths,
    offeredOn,
    respondBy: addDays(offeredOn, responseDays),
    answer: null,
  };
  state.renewalOffer = offer;
  lease.log(`renewal offered: ${offer.monthlyRentMinor} a month for ${termMonths} months, answer by ${offer.respondBy}`);
  await lease.notify('renewal_offer', { monthlyRentMinor: offer.monthlyRentMinor, termMonths, respondBy: offer.respondBy });
}

/** The next term starts the day after this one ends, as a new run with the state carried over. */
async function nextTerm(lease: LeaseRun, monthlyRentMinor: number, termMonths: number, term: number, periodOffset: number): Promise<never> {
  const { input, state, terms } = lease;
  await condition(allHandlersFinished);
  const startDate = addDays(leaseEndDate(terms.startDate, terms.termMonths), 1);
  lease.log(`term ${term + 1} from ${startDate}: ${monthlyRentMinor} a month for ${termMonths} month(s)`);
  const carried: LeaseState = { ...state, renewalOffer: null, nextDue: null };
  return continueAsNew<LeaseWorkflow>({
    ...input,
    paymentMethod: lease.paymentMethod,
    terms: { ...terms, startDate, termMonths, monthlyRent: { ...terms.monthlyRent, amountMinor: monthlyRentMinor } },
    continuation: { term: term + 1, periodOffset, resumeAtPeriod: 1, state: carried },
  });
}
