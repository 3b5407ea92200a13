/**
 * 3-6. Under contract: earnest money into escrow by its deadline, the
 * contingencies running in parallel to their deadlines, the transaction
 * checklist, and the title commitment. It ends clear to close, or with the
 * contract ending (run.ending says why and where the earnest money goes).
 */
import { condition } from '@temporalio/workflow';
import { addDays } from '../../domain/calendar';
import { addBusinessDays, periodDeadline } from '../../domain/business-days';
import { applyChecklist, checklistFor, checklistProblem } from '../../domain/purchase/checklist';
import { titleCommitment, updateForRecords } from '../../domain/purchase/title';
import type { ContingencyState } from '../../contracts/purchase';
import { act } from './proxies';
import { today, type PurchaseRun } from './purchase-run';
import { nowIso } from './validators';

/** Waits for `fn`, or at most `ms` when given. */
export const waitUntil = (fn: () => boolean, ms?: number) => (ms === undefined ? condition(fn) : condition(fn, Math.max(1, ms)));

/** Milliseconds until a deadline day has passed (it runs to the end of that day, UTC). */
export const msUntilEndOf = (date: string) => Math.max(0, Date.parse(`${addDays(date, 1)}T00:00:00.000Z`) - Date.now());

export async function underContract(run: PurchaseRun): Promise<boolean> {
  const { state, input } = run;
  const terms = state.contract!;
  const acceptedOn = state.acceptedOn!;
  state.escrow.dueOn = addBusinessDays(acceptedOn, terms.earnestMoneyDueBusinessDays, run.calendar);
  state.contingencies = terms.contingencies.map(
    (c): ContingencyState => ({ kind: c.kind, deadline: periodDeadline(acceptedOn, { days: c.days, count: c.count }, run.calendar), status: 'pending', decidedBy: null, decidedAt: null, note: null }),
  );
  state.checklist = checklistFor({ ...input.subject.facts, financed: terms.financing.type !== 'cash' });
  await readTitle(run);
  const agreement = await act.renderPurchaseDocument({ purchaseId: run.id, kind: 'purchase_agreement', state, subject: input.subject });
  state.closing.documents.push({ kind: 'purchase_agreement', ...agreement });
  // Filed on the checklist for a broker's review, unless a party already submitted a copy while it was being drawn up.
  const fileAgreement = { type: 'submit', kind: 'purchase_agreement', documentId: agreement.documentId, by: 'system', at: nowIso() } as const;
  if (!checklistProblem(state.checklist, fileAgreement)) state.checklist = applyChecklist(state.checklist, fileAgreement);
  run.refreshBlocking();
  await run.record();
  await run.notify('purchase_under_contract', { earnestMoneyDueOn: state.escrow.dueOn, closingDate: terms.closingDate });

  for (;;) {
    if (run.ending) return false;
    if (run.titleDirty) await readTitle(run);
    applyMissedDeadlines(run);
    if (run.ending) return false;
    await sendReminders(run);
    // Payoffs are met by the statement's payoff lines and the deed by its approval: both happen at closing.
    if (run.refreshBlocking().length === 0) return true;
    const seen = run.changes;
    const next = [nextDeadline(run), nextReminder(run)].filter((d): d is string => d !== undefined).sort()[0];
    await run.record();
    await waitUntil(() => run.changes !== seen || run.titleDirty, next === undefined ? undefined : msUntilEndOf(next));
  }
}

/** Days before a deadline its reminder goes out (on that day's start, UTC). */
export const REMINDER_DAYS_BEFORE = 2;

/** What still runs to a deadline, each with the reminder's key: the earnest money's, and each pending contingency's. */
function runningDeadlines(run: PurchaseRun): { key: string; what: string; deadline: string }[] {
  const { state } = run;
  const list = state.contingencies.filter((c) => c.status === 'pending').map((c) => ({ key: `contingency:${c.kind}`, what: `the ${c.kind} contingency`, deadline: c.deadline }));
  if (state.escrow.receivedMinor === 0 && state.escrow.dueOn) list.push({ key: 'earnest_money', what: 'the earnest money', deadline: state.escrow.dueOn });
  return list;
}

/** The day before the next unsent reminder is due (a wake-up at the end of it is the reminder's moment). */
function nextReminder(run: PurchaseRun): string | undefined {
  return runningDeadlines(run)
    .filter((d) => !run.state.remindersSent.includes(d.key))
    .map((d) => addDays(d.deadline, -REMINDER_DAYS_BEFORE - 1))
    .sort()[0];
}

/** Reminds the buyer's side (and the seller's) of each deadline coming within REMINDER_DAYS_BEFORE days, once. */
async function sendReminders(run: PurchaseRun) {
  for (const d of runningDeadlines(run)) {
    if (run.state.remindersSent.includes(d.key) || msUntilEndOf(addDays(d.deadline, -REMINDER_DAYS_BEFORE - 1)) > 0) continue;
    run.state.remindersSent.push(d.key);
    run.log(`reminder: ${d.what} is due by ${d.deadline}`);
    await run.notify('purchase_deadline_reminder', { what: d.what, deadline: d.deadline });
  }
}

/** The nearest deadline still running: the earnest money's, or a pending contingency's. */
function nextDeadline(run: PurchaseRun): string | undefined {
  const { state } = run;
  const dates = state.contingencies.filter((c) => c.status === 'pending').map((c) => c.deadline);
  if (state.escrow.receivedMinor === 0 && state.escrow.dueOn) dates.push(state.escrow.dueOn);
  return dates.sort()[0];
}

/** Deadlines that have passed: the earnest money voids the contract; a contingency has the effect the contract says. */
function applyMissedDeadlines(run: PurchaseRun) {
  const { state } = run;
  const passed = (date: string) => msUntilEndOf(date) === 0;
  if (state.escrow.receivedMinor === 0 && state.escrow.dueOn && passed(state.escrow.dueOn)) {
    run.endContract({ reason: `the earnest money was not received by ${state.escrow.dueOn}: the contract is void`, by: 'deadline', earnestMoneyTo: 'buyer' });
    return;
  }
  const effect = state.contract!.onMissedDeadline;
  for (const c of state.contingencies) {
    if (c.status !== 'pending' || !passed(c.deadline)) continue;
    c.status = effect;
    c.decidedBy = 'deadline';
    c.decidedAt = nowIso();
    run.log(`${c.kind} contingency deadline ${c.deadline} passed: deemed ${effect}`);
    if (effect === 'failed') run.endContract({ reason: `the ${c.kind} contingency failed at its deadline ${c.deadline}`, by: 'deadline', earnestMoneyTo: 'buyer' });
  }
}

/** The title search: the commitment on first reading, then what was recorded since reopens or clears it. */
async function readTitle(run: PurchaseRun) {
  const { state, input } = run;
  run.titleDirty = false;
  const records = await act.titleRecords({ propertyId: state.propertyId });
  state.title = state.title
    ? updateForRecords(state.title, records, nowIso())
    : titleCommitment({
        effectiveDate: today(),
        proposedInsured: state.parties.buyers.map((b) => b.name),
        amountMinor: state.contract!.priceMinor,
        currency: state.contract!.currency,
        legalDescription: input.subject.legalDescription,
        sellers: state.parties.sellers.map((s) => s.name),
        records,
      });
  run.log('title searched');
}
