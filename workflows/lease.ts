/**
 * One workflow per lease, id `lease-<leaseId>`: application, screening,
 * agreement, e-signature, move-in with the deposit, then rent every period
 * with dunning and late fees, until the term ends. Updates carry people's
 * decisions (a manager's screening call, each party's signature, manual
 * payments); a query returns the whole state.
 *
 * Each renewal continues as new (as does a run whose history grows long), with
 * the state carried over. At the end, move-out deductions (an Update) settle
 * the deposit.
 *
 * Rent: the lease writes each term's periods to `rent_periods`; the daily rent
 * run (workflows/rent-run.ts) makes the first charge of every period due and
 * signals the outcome here. If no outcome has come some hours into the due
 * day (the run is paused or late), the lease collects the period itself, with
 * the same idempotency keys, so a period is never charged twice. Declines are
 * retried here on the dunning days; late fees, manual payments, reversed
 * payments (a dispute or bank return, signalled from the Stripe webhook),
 * early termination and cancellation before move-in are handled here too.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, daysBetween, todayUtc, type IsoDate } from '../domain/calendar';
import { DEFAULT_DUNNING_DAYS, retryDates } from '../domain/collection';
import type { LeaseInput } from '../domain/lease';
import { DEFAULT_RENEWAL, initialLeaseState, type LeaseState, type LeaseStatus, type Signature } from '../domain/lease-state';
import { lateFeesDue } from '../domain/late-fee-rules';
import { leaseEndDate, rentSchedule, type RentPeriod } from '../domain/rent-schedule';
import type { PaymentMethodRef } from '../domain/lease-state';
import { DEFAULT_SCREENING_THRESHOLDS, screenApplication } from '../domain/screening-rules';
import { LeaseStatusKey, PropertyIdKey, TenantIdsKey } from '../domain/search-attributes';

export function leaseWorkflowId(leaseId: string) {
  return `lease-${leaseId}`;
}

/** What the lease workflow asks of the world; implemented in activities/lease.ts. */
export interface LeaseActivities {
  recordLeaseStatus(leaseId: string, status: LeaseStatus): Promise<void>;
  createAgreement(input: LeaseInput): Promise<{ documentId: string; sha256: string; pages: number }>;
  storeSignedAgreement(leaseId: string, documentId: string, signatures: Signature[], audit: { at: string; event: string }[]): Promise<{ documentId: string; sha256: string }>;
  chargeDeposit(input: LeaseInput, today: IsoDate, attempt?: number): Promise<{ status: 'succeeded' | 'failed'; declineKind?: 'soft' | 'hard'; message?: string; paymentId?: string }>;
  /** The receipt PDF of a payment received, stored once; returns its document. */
  issueReceipt(leaseId: string, paymentId: string, header: { propertyAddress: string; payers: string[] }): Promise<{ documentId: string }>;
  billRentPeriod(leaseId: string, currency: string, period: RentPeriod): Promise<{ chargeId: string }>;
  /** Writes (or, after a termination, rewrites) the periods the rent run collects, and the card it charges. */
  scheduleRentPeriods(leaseId: string, currency: string, paymentMethod: PaymentMethodRef, periods: RentPeriod[], replace?: boolean): Promise<void>;
  savePaymentMethod(leaseId: string, paymentMethod: PaymentMethodRef): Promise<void>;
  /** Bills a scheduled period and makes its first charge, as the rent run would (same keys); returns the recorded outcome. */
  collectRentPeriod(leaseId: string, periodIndex: number, today: IsoDate): Promise<CollectionOutcome>;
  chargeEarlyTerminationFee(leaseId: string, currency: string, amountMinor: number, today: IsoDate): Promise<void>;
  /** Charges what is open on the lease (oldest charges first); one key per period and attempt. */
  collectBalance(input: LeaseInput, periodIndex: number, attempt: number, today: IsoDate): Promise<CollectionOutcome>;
  applyLateFees(leaseId: string, currency: string, periodIndex: number, fees: { forDay: IsoDate; kind: string; amountMinor: number }[]): Promise<{ addedMinor: number }>;
  recordManualPayment(leaseId: string, currency: string, payment: ManualPayment): Promise<{ paymentId: string; allocatedMinor: number }>;
  periodOpenMinor(leaseId: string, periodIndex: number): Promise<number>;
  notify(leaseId: string, template: string, data: Record<string, string | number>, to: string[]): Promise<void>;
  /** Move-out: charges the deductions, applies the deposit to what is owed, refunds the rest, issues the statement. */
  settleDeposit(input: LeaseInput, deductions: Deduction[], today: IsoDate): Promise<{ appliedMinor: number; refundedMinor: number; documentId: string }>;
}

export interface Deduction {
  description: string;
  amountMinor: number;
}

export type CollectionOutcome =
  | { status: 'nothing_due' }
  | { status: 'succeeded'; amountMinor: number; paymentId?: string }
  | { status: 'failed'; declineKind: 'soft' | 'hard'; message: string };

export interface ManualPayment {
  idempotencyKey: string;
  amountMinor: number;
  method: 'cash' | 'check' | 'bank_transfer';
  receivedOn: IsoDate;
  recordedBy: string;
}

export const leaseStateQuery = defineQuery<LeaseState>('leaseState');
export const screeningDecisionUpdate = defineUpdate<LeaseState, [{ decision: 'approve' | 'reject'; by: string; reason: string }]>('screeningDecision');
export const signUpdate = defineUpdate<LeaseState, [Omit<Signature, 'name' | 'role'>]>('sign');
export const manualPaymentUpdate = defineUpdate<{ paymentId: string; allocatedMinor: number }, [ManualPayment]>('recordManualPayment');
export const moveOutUpdate = defineUpdate<LeaseState, [{ deductions: Deduction[]; by: string }]>('moveOut');
export const renewalDecisionUpdate = defineUpdate<LeaseState, [{ accept: boolean; by: string }]>('renewalDecision');
export const paymentMethodUpdatedUpdate = defineUpdate<LeaseState, [{ customerId: string; paymentMethodId: string }]>('paymentMethodUpdated');
export const cancelUpdate = defineUpdate<LeaseState, [{ by: string; reason: string }]>('cancel');
export const addNoteUpdate = defineUpdate<LeaseState, [{ by: string; text: string }]>('addNote');
export const terminateUpdate = defineUpdate<LeaseState, [{ by: string; moveOutOn: IsoDate; reason: string }]>('terminate');
/** The first charge of a period, made by the rent run. */
export const rentCollectedSignal = defineSignal<[{ periodIndex: number; outcome: CollectionOutcome }]>('rentCollected');
/** A payment that had succeeded was reversed (dispute, bank return) or refunded: the money is owed again. */
export const paymentReversedSignal = defineSignal<[PaymentReversal]>('paymentReversed');

export interface PaymentReversal {
  paymentId: string;
  periodIndex: number;
  amountMinor: number;
  feeMinor: number;
  reason: 'returned' | 'refunded';
}

/** Days before each due date the tenant is reminded (a lease's input may say otherwise; 0 sends none). */
export const DEFAULT_REMINDER_DAYS = 3;

/** Hours into a period's due day (UTC) the lease waits for the rent run before collecting by itself. */
export const RENT_RUN_WAIT_HOURS = 30;

const act = proxyActivities<LeaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
/** Sending an e-mail takes moments: after a worker crash, try again soon rather than after two minutes. */
const mail = proxyActivities<Pick<LeaseActivities, 'notify'>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Today in the workflow's deterministic clock, as a calendar date (UTC). */
const today = todayUtc;

/** Days after the end of the lease within which the deposit is settled (statutes commonly allow 14-30). */
const MOVE_OUT_DAYS = 21;

/** `minor` changed by `bps` basis points, rounded half up, in integer arithmetic. */
function withBps(minor: number, bps: number): number {
  return Number((BigInt(minor) * BigInt(10_000 + bps) + 5_000n) / 10_000n);
}

const MAX_NOTES = 200;
/** Deductions are charged as one amount: keep it far inside exact integers. */
const MAX_DEDUCTIONS_MINOR = 1_000_000_000_000;
/** Statuses after which the workflow ends: nothing more is recorded on it. */
const FINISHED: LeaseStatus[] = ['rejected', 'expired', 'cancelled', 'closed'];

/** Statuses from which a lease can still be cancelled: nobody has moved in. */
const CANCELLABLE: LeaseStatus[] = ['screening', 'awaiting_decision', 'awaiting_signatures', 'awaiting_move_in'];

export async function leaseWorkflow(input: LeaseInput): Promise<LeaseState> {
  const { terms } = input;
  const tenants = terms.parties.filter((p) => p.role === 'tenant');
  const continuation = input.continuation;
  const state: LeaseState = continuation?.state ?? initialLeaseState(terms.leaseId);

  let paymentMethod = input.paymentMethod;
  let paymentMethodChanged = false;
  const log = (event: string) => state.history.push({ at: new Date(Date.now()).toISOString(), event });
  // E-mails go to the tenants; the agreement and its outcome to every party.
  const tenantEmails = tenants.map((t) => t.email);
  const partyEmails = terms.parties.map((p) => p.email);
  const notify = (template: string, data: Record<string, string | number> = {}, to = tenantEmails) =>
    mail.notify(terms.leaseId, template, { currency: terms.monthlyRent.currency, ...data }, to);
  /** A receipt for every payment received, e-mailed with the thanks. */
  const receipt = async (paymentId: string, amountMinor: number) => {
    const { documentId } = await act.issueReceipt(terms.leaseId, paymentId, { propertyAddress: terms.propertyAddress, payers: tenants.map((t) => t.name) });
    await notify('payment_received', { amountMinor, receiptDocumentId: documentId });
  };
  const setStatus = async (status: LeaseStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: LeaseStatusKey, value: status }]);
    log(`status: ${status}`);
    await act.recordLeaseStatus(terms.leaseId, status);
  };

  setHandler(leaseStateQuery, () => state);
  state.parties = terms.parties.map((p) => ({ userId: p.userId, name: p.name, role: p.role }));
  state.termStart = terms.startDate;

  setHandler(
    addNoteUpdate,
    ({ by, text }) => {
      state.notes = [...(state.notes ?? []), { at: new Date(Date.now()).toISOString(), by, text: text.trim() }];
      return state;
    },
    {
      validator: ({ text }) => {
        if (FINISHED.includes(state.status)) throw new Error(`the lease is ${state.status}; it takes no more notes`);
        if (!text?.trim()) throw new Error('a note needs text');
        if (text.length > 4000) throw new Error('a note is at most 4000 characters');
        // Notes live in the workflow's state, carried across continue-as-new: keep them bounded.
        if ((state.notes?.length ?? 0) >= MAX_NOTES) throw new Error(`a lease keeps at most ${MAX_NOTES} notes`);
      },
    },
  );

  const rentOutcomes = new Map<number, CollectionOutcome>();
  setHandler(rentCollectedSignal, ({ periodIndex, outcome }) => {
    if (!rentOutcomes.has(periodIndex)) rentOutcomes.set(periodIndex, outcome);
  });
  const reversals: (PaymentReversal & { attemptBase: number })[] = [];
  setHandler(paymentReversedSignal, (r) => {
    if (state.reversals?.some((x) => x.paymentId === r.paymentId)) return;
    state.reversals = [...(state.reversals ?? []), { paymentId: r.paymentId, amountMinor: r.amountMinor, feeMinor: r.feeMinor, reason: r.reason }];
    // Its collection's charge keys count from 1000 × its number, fixed now: they never meet another's.
    const attemptBase = 1000 * state.reversals.length;
    state.paidMinor -= r.amountMinor;
    state.feesMinor += r.feeMinor;
    log(`payment ${r.paymentId} ${r.reason}: ${r.amountMinor} owed again${r.feeMinor ? `, returned-payment fee ${r.feeMinor}` : ''}`);
    reversals.push({ ...r, attemptBase });
  });

  let cancellation: { by: string; reason: string } | undefined;
  let waitingForDepositCard = false;
  setHandler(
    cancelUpdate,
    async (c) => {
      cancellation = c;
      state.decisions.push({ at: new Date(Date.now()).toISOString(), by: c.by, decision: 'cancelled', reason: c.reason });
      log(`cancelled by ${c.by}: ${c.reason}`);
      return state;
    },
    {
      validator: ({ reason }) => {
        // Once the deposit is being charged, only a lease waiting for a new card after a failed deposit can still be cancelled.
        const open = CANCELLABLE.includes(state.status) && (state.status !== 'awaiting_move_in' || waitingForDepositCard);
        if (!open) throw new Error(`the lease is ${state.status}; only a lease not yet moved into can be cancelled`);
        if (cancellation) throw new Error('the lease is already being cancelled');
        if (!reason?.trim()) throw new Error('give a reason for the cancellation');
      },
    },
  );

  let terminationChanged = false;
  setHandler(
    terminateUpdate,
    async ({ by, moveOutOn, reason }) => {
      const fee = terms.earlyTerminationFee ?? terms.monthlyRent;
      state.termination = { requestedBy: by, requestedOn: today(), moveOutOn, reason, feeMinor: fee.amountMinor };
      state.decisions.push({ at: new Date(Date.now()).toISOString(), by, decision: `early termination on ${moveOutOn}`, reason });
      log(`early termination requested by ${by}: moving out ${moveOutOn}, fee ${fee.amountMinor}`);
      if (fee.amountMinor > 0) {
        await act.chargeEarlyTerminationFee(terms.leaseId, terms.monthlyRent.currency, fee.amountMinor, today());
        state.feesMinor += fee.amountMinor;
      }
      terminationChanged = true;
      return state;
    },
    {
      validator: ({ moveOutOn, reason }) => {
        if (state.status !== 'active') throw new Error(`the lease is ${state.status}; only an active lease can be terminated early`);
        if (state.termination) throw new Error(`the lease is already terminating on ${state.termination.moveOutOn}`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(moveOutOn ?? '')) throw new Error('moveOutOn must be a date YYYY-MM-DD');
        if (daysBetween(today(), moveOutOn) < 0) throw new Error('moveOutOn cannot be in the past');
        if (state.termEnd && daysBetween(moveOutOn, state.termEnd) < 0) throw new Error(`moveOutOn must be on or before the end of the term (${state.termEnd})`);
        if (!reason?.trim()) throw new Error('give a reason for the termination');
      },
    },
  );

  setHandler(
    screeningDecisionUpdate,
    async ({ decision, by, reason }) => {
      state.decisions.push({ at: new Date(Date.now()).toISOString(), by, decision, reason });
      log(`screening ${decision} by ${by}: ${reason}`);
      screeningOverride = decision;
      return state;
    },
    {
      validator: ({ decision, reason }) => {
        if (state.status !== 'awaiting_decision') throw new Error(`the lease is ${state.status}, not awaiting a screening decision`);
        if (decision !== 'approve' && decision !== 'reject') throw new Error('decision must be approve or reject');
        if (!reason?.trim()) throw new Error('give a reason for the decision');
      },
    },
  );
  let screeningOverride: 'approve' | 'reject' | undefined;

  setHandler(
    signUpdate,
    async (signature) => {
      const party = terms.parties.find((p) => p.userId === signature.userId)!;
      state.signatures.push({ ...signature, name: party.name, role: party.role });
      log(`${party.name} signed`);
      return state;
    },
    {
      validator: (signature) => {
        if (state.status !== 'awaiting_signatures') throw new Error(`the lease is ${state.status}, not awaiting signatures`);
        if (!terms.parties.some((p) => p.userId === signature.userId)) throw new Error('the signer is not a party to this lease');
        if (state.signatures.some((s) => s.userId === signature.userId)) throw new Error('this party has already signed');
        if (signature.documentSha256 !== state.document?.sha256) throw new Error('the document you signed is not the current one');
      },
    },
  );

  setHandler(
    manualPaymentUpdate,
    async (payment) => {
      const result = await act.recordManualPayment(terms.leaseId, terms.monthlyRent.currency, payment);
      state.paidMinor += result.allocatedMinor;
      log(`manual payment of ${payment.amountMinor} (${payment.method}) recorded by ${payment.recordedBy}`);
      if (patched('payment-receipts')) await receipt(result.paymentId, payment.amountMinor);
      paymentRecorded = true;
      return result;
    },
    {
      validator: (payment) => {
        if (state.status !== 'active' && state.status !== 'ended') throw new Error(`the lease is ${state.status}; payments are taken once it is active`);
        if (!Number.isSafeInteger(payment.amountMinor) || payment.amountMinor <= 0) throw new Error('amountMinor must be a positive whole number');
      },
    },
  );
  let paymentRecorded = false;

  setHandler(
    paymentMethodUpdatedUpdate,
    async (method) => {
      paymentMethod = { customerId: method.customerId, paymentMethodId: method.paymentMethodId };
      if (patched('rent-run-collection')) await act.savePaymentMethod(terms.leaseId, paymentMethod);
      paymentMethodChanged = true;
      log('payment method updated');
      return state;
    },
    { validator: (m) => { if (!m.paymentMethodId) throw new Error('paymentMethodId is required'); } },
  );

  setHandler(
    renewalDecisionUpdate,
    async ({ accept, by }) => {
      state.renewalOffer!.answer = accept ? 'accepted' : 'declined';
      state.decisions.push({ at: new Date(Date.now()).toISOString(), by, decision: accept ? 'renewal accepted' : 'renewal declined', reason: '' });
      log(`renewal ${state.renewalOffer!.answer} by ${by}`);
      return state;
    },
    {
      validator: ({ by }) => {
        const offer = state.renewalOffer;
        if (!offer || offer.answer !== null) throw new Error('there is no open renewal offer');
        if (Date.now() >= Date.parse(`${offer.respondBy}T00:00:00.000Z`)) throw new Error('the renewal offer has expired');
        if (!tenants.some((t) => t.userId === by)) throw new Error('only a tenant of the lease answers its renewal offer');
      },
    },
  );

  let moveOut: { deductions: Deduction[]; by: string } | undefined;
  setHandler(
    moveOutUpdate,
    async (m) => {
      moveOut = m;
      log(`move-out recorded by ${m.by} with ${m.deductions.length} deduction(s)`);
      return state;
    },
    {
      validator: (m) => {
        // The checklist may be done on the move-out day of a lease ending early, before its last day has passed.
        if (state.status !== 'ended' && !(state.status === 'active' && state.termination)) {
          throw new Error(`the lease is ${state.status}; move-out follows the end of the lease or an early termination`);
        }
        if (moveOut) throw new Error('the move-out has already been recorded');
        for (const d of m.deductions) {
          if (!d.description?.trim()) throw new Error('each deduction needs a description');
          if (!Number.isSafeInteger(d.amountMinor) || d.amountMinor <= 0) throw new Error('each deduction needs a positive whole amountMinor');
        }
        const total = m.deductions.reduce((n: number, d: Deduction) => n + d.amountMinor, 0);
        if (!Number.isSafeInteger(total) || total > MAX_DEDUCTIONS_MINOR) throw new Error('the deductions add up to more than can be charged');
      },
    },
  );

  if (continuation) {
    // A renewal or a long history continued as new: the lease is already active.
    return runTerm();
  }

  upsertSearchAttributes([
    { key: PropertyIdKey, value: terms.propertyId },
    { key: TenantIdsKey, value: tenants.map((t) => t.userId) },
  ]);

  // 1-2. Application and screening.
  await setStatus('screening');
  state.screening = screenApplication(
    { ...input.application, monthlyRentMinor: terms.monthlyRent.amountMinor, references: input.application.references },
    DEFAULT_SCREENING_THRESHOLDS,
  );
  log(`screening: ${state.screening.decision} (${state.screening.reasons.join('; ')})`);
  if (state.screening.decision !== 'approve') {
    await setStatus('awaiting_decision');
    await condition(() => screeningOverride !== undefined || cancellation !== undefined);
    if (cancellation) return cancel();
    if (screeningOverride === 'reject') {
      await setStatus('rejected');
      await notify('application_rejected');
      return state;
    }
  }

  // 3-4. Agreement and signatures, with a deadline.
  const agreement = await act.createAgreement(input);
  state.document = { documentId: agreement.documentId, sha256: agreement.sha256 };
  const signingDays = input.signingDays ?? 7;
  state.signingDeadline = addDays(today(), signingDays);
  await setStatus('awaiting_signatures');
  await notify('signature_requested', { deadline: state.signingDeadline }, partyEmails);
  const allSigned = await condition(() => state.signatures.length === terms.parties.length || cancellation !== undefined, `${signingDays} days`);
  if (cancellation) return cancel();
  if (!allSigned) {
    await setStatus('expired');
    await notify('offer_expired', {}, partyEmails);
    return state;
  }
  const signed = await act.storeSignedAgreement(terms.leaseId, agreement.documentId, state.signatures, state.history);
  state.document = signed;
  if (cancellation) return cancel(); // cancelled while the signed copy was being made

  // 5. Move-in: the deposit, held as a liability.
  await setStatus('awaiting_move_in');
  const deposit = await act.chargeDeposit(input, today());
  if (deposit.status === 'succeeded' && deposit.paymentId && patched('payment-receipts')) await receipt(deposit.paymentId, terms.deposit.amountMinor);
  if (deposit.status !== 'succeeded') {
    log(`deposit charge failed: ${deposit.message ?? ''}`);
    await notify('payment_failed', { what: 'deposit' });
    waitingForDepositCard = true;
    await condition(() => paymentMethodChanged || paymentRecorded || cancellation !== undefined);
    waitingForDepositCard = false;
    if (cancellation) return cancel();
    if (paymentMethodChanged) {
      const retry = await act.chargeDeposit({ ...input, paymentMethod }, today(), 2);
      if (retry.status !== 'succeeded') throw ApplicationFailure.nonRetryable('the deposit could not be collected', 'DepositFailed');
    }
  }

  // 6. Active: rent every period.
  await setStatus('active');
  return runTerm();

  /** Cancellation before move-in: nothing was charged but a deposit attempt, which failed. */
  async function cancel(): Promise<LeaseState> {
    await setStatus('cancelled');
    await notify('lease_cancelled', { reason: cancellation!.reason }, partyEmails);
    return state;
  }

  /** One term of rent; at its end the lease renews (continuing as new), goes month-to-month, or ends. */
  async function runTerm(): Promise<LeaseState> {
    const term = continuation?.term ?? 1;
    const offset = continuation?.periodOffset ?? 0;
    const termEnd = leaseEndDate(terms.startDate, terms.termMonths);
    state.term = term;
    state.termEnd = termEnd;
    const renewal = input.renewal ?? DEFAULT_RENEWAL;
    const offerOn = addDays(termEnd, -renewal.noticeDays);
    const scheduleUntil = (end: IsoDate) =>
      rentSchedule(terms.startDate, end, terms.monthlyRent.amountMinor, terms.dueDay).map((p) => ({ ...p, index: p.index + offset }));
    let periods = scheduleUntil(state.termination?.moveOutOn ?? termEnd);
    const resumeAt = continuation?.resumeAtPeriod ?? 1;
    const dunning = input.dunningDays ?? [...DEFAULT_DUNNING_DAYS];
    const rentRun = patched('rent-run-collection');
    if (rentRun) {
      await act.scheduleRentPeriods(terms.leaseId, terms.monthlyRent.currency, paymentMethod, periods.filter((p) => p.index - offset >= resumeAt));
    }
    for (let k = 0; k < periods.length; k++) {
      const period = periods[k]!;
      if (period.index - offset < resumeAt) continue;
      if (workflowInfo().continueAsNewSuggested) {
        // Keep the history bounded: carry the state into a fresh run at this period.
        await condition(allHandlersFinished);
        return continueAsNew<typeof leaseWorkflow>({
          ...input,
          paymentMethod,
          continuation: { term, periodOffset: offset, resumeAtPeriod: period.index - offset, state },
        });
      }
      state.nextDue = { dueOn: period.dueOn, amountMinor: period.amountMinor };
      const remindOn = addDays(period.dueOn, -(input.reminderDays ?? DEFAULT_REMINDER_DAYS));
      if (period.index !== 1 && remindOn < period.dueOn && daysBetween(today(), remindOn) >= 0 && patched('rent-due-reminders')) {
        await waitUntil(remindOn);
        if (!terminationChanged) await notify('rent_due_reminder', { amountMinor: period.amountMinor, dueOn: period.dueOn });
      }
      await waitUntil(period.dueOn);
      if (terminationChanged) {
        // Early termination: the schedule now ends on the move-out day (its last month prorated).
        terminationChanged = false;
        periods = scheduleUntil(state.termination!.moveOutOn);
        await act.scheduleRentPeriods(terms.leaseId, terms.monthlyRent.currency, paymentMethod, periods.slice(k), true);
        k--;
        continue;
      }
      if (!state.termination && state.renewalOffer === null && terms.termMonths > 1 && daysBetween(offerOn, period.dueOn) >= 0 && patched('lease-renewal-offers')) {
        await offerRenewal(renewal.rentChangeBps, renewal.termMonths, renewal.responseDays);
      }
      if (rentRun) {
        // The first rent is taken at move-in with the deposit, as is rent already overdue; the rest waits for the rent run.
        const collectNow = period.index === 1 || daysBetween(period.dueOn, today()) > 0;
        const waitMs = Date.parse(`${period.dueOn}T00:00:00.000Z`) + RENT_RUN_WAIT_HOURS * 3_600_000 - Date.now();
        if (!rentOutcomes.has(period.index) && !collectNow && waitMs > 0) await condition(() => rentOutcomes.has(period.index), waitMs);
        let first = rentOutcomes.get(period.index);
        if (!first) {
          if (!collectNow) log(`no rent-run outcome for period ${period.index}: collecting it here`);
          first = await act.collectRentPeriod(terms.leaseId, period.index, today());
        }
        rentOutcomes.delete(period.index);
        state.periodsBilled++;
        await collectPeriod(period, dunning, { first, lateFees: true, attemptBase: 0 });
      } else {
        await act.billRentPeriod(terms.leaseId, terms.monthlyRent.currency, period);
        state.periodsBilled++;
        await collectPeriod(period, dunning);
      }
    }
    state.nextDue = null;
    // A termination may come after the last period was billed (always so for month-to-month): wait for its move-out day.
    for (;;) {
      terminationChanged = false;
      await waitUntil(addDays(state.termination?.moveOutOn ?? termEnd, 1));
      if (!terminationChanged) break;
    }
    if (state.termination) {
      await setStatus('ended');
      return closeOut();
    }

    const answer = state.renewalOffer?.answer ?? null;
    const monthToMonth = answer === null && state.renewalOffer !== null && renewal.noAnswer === 'month_to_month';
    if (terms.termMonths === 1 && state.renewalOffer === null) {
      // Month-to-month: another month at the same rent, until the lease is terminated.
      return nextTerm(terms.monthlyRent.amountMinor, 1, term, offset + periods.length);
    }
    if (answer === 'accepted') {
      return nextTerm(state.renewalOffer!.monthlyRentMinor, state.renewalOffer!.termMonths, term, offset + periods.length);
    }
    if (monthToMonth) {
      log('no answer to the renewal offer: month-to-month at the premium');
      const rent = withBps(terms.monthlyRent.amountMinor, renewal.monthToMonthPremiumBps);
      return nextTerm(rent, 1, term, offset + periods.length);
    }
    await setStatus('ended');
    return closeOut();

    /**
     * Sleeps until the start of `date` (UTC). Meanwhile a reversed payment is
     * collected again at once (and on the dunning days), and an early
     * termination cuts the wait short so the schedule can be redrawn.
     */
    async function waitUntil(date: IsoDate) {
      for (;;) {
        while (reversals.length) {
          const r = reversals.shift()!;
          await notify('payment_returned', { amountMinor: r.amountMinor, feeMinor: r.feeMinor, reason: r.reason });
          const reopened: RentPeriod = { index: r.periodIndex, from: today(), to: today(), dueOn: today(), amountMinor: r.amountMinor + r.feeMinor, prorated: false };
          await collectPeriod(reopened, dunning, { lateFees: false, attemptBase: r.attemptBase });
        }
        const ms = Date.parse(`${date}T00:00:00.000Z`) - Date.now();
        if (ms <= 0 || terminationChanged) return;
        await condition(() => reversals.length > 0 || terminationChanged, ms);
      }
    }
  }

  /** 8. Move-out: wait for the checklist's deductions (or the deadline), settle the deposit, close. */
  async function closeOut(): Promise<LeaseState> {
    const recorded = await condition(() => moveOut !== undefined, `${MOVE_OUT_DAYS} days`);
    if (!recorded) log(`no move-out deductions within ${MOVE_OUT_DAYS} days: the deposit is settled without any`);
    const settled = await act.settleDeposit(input, moveOut?.deductions ?? [], today());
    log(`deposit settled: ${settled.appliedMinor} applied to amounts owed, ${settled.refundedMinor} refunded`);
    await notify('deposit_statement', { documentId: settled.documentId, refundedMinor: settled.refundedMinor });
    await setStatus('closed');
    return state;
  }

  async function offerRenewal(rentChangeBps: number, termMonths: number, responseDays: number) {
    const offeredOn = today();
    state.renewalOffer = {
      monthlyRentMinor: withBps(terms.monthlyRent.amountMinor, rentChangeBps),
      termMonths,
      offeredOn,
      respondBy: addDays(offeredOn, responseDays),
      answer: null,
    };
    log(`renewal offered: ${state.renewalOffer.monthlyRentMinor} a month for ${termMonths} months, answer by ${state.renewalOffer.respondBy}`);
    await notify('renewal_offer', {
      monthlyRentMinor: state.renewalOffer.monthlyRentMinor,
      termMonths,
      respondBy: state.renewalOffer.respondBy,
    });
  }

  /** The next term starts the day after this one ends, as a new run with the state carried over. */
  async function nextTerm(monthlyRentMinor: number, termMonths: number, term: number, periodOffset: number): Promise<never> {
    await condition(allHandlersFinished);
    const startDate = addDays(leaseEndDate(terms.startDate, terms.termMonths), 1);
    log(`term ${term + 1} from ${startDate}: ${monthlyRentMinor} a month for ${termMonths} month(s)`);
    const carried: LeaseState = { ...state, renewalOffer: null, nextDue: null };
    return continueAsNew<typeof leaseWorkflow>({
      ...input,
      paymentMethod,
      terms: { ...terms, startDate, termMonths, monthlyRent: { ...terms.monthlyRent, amountMinor: monthlyRentMinor } },
      continuation: { term: term + 1, periodOffset, resumeAtPeriod: 1, state: carried },
    });
  }

  /**
   * Collects a period: the first charge on its due date (or the one the rent
   * run made), retries on the dunning days (a hard decline waits for a new card
   * instead), late fees from the end of the grace days, and a charge at once
   * when the tenant gives a new card. Attempt n of the period is charge key
   * `attemptBase + n`.
   */
  async function collectPeriod(
    period: RentPeriod,
    dunningDays: number[],
    o: { first?: CollectionOutcome; lateFees: boolean; attemptBase: number } = { lateFees: true, attemptBase: 0 },
  ) {
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
      const woke = await waitForDay(day, period.index);
      if (woke === 'paid') return;
      if (woke === 'day') {
        i++;
        if ((await act.periodOpenMinor(terms.leaseId, period.index)) === 0) return;
        if (o.lateFees && daysBetween(graceEnd, day) >= 0) await chargeLateFees(period, day);
        if (!attemptDates.includes(day) || needNewCard) continue;
      }
      attempt++;
      paymentMethodChanged = false;
      const outcome = await act.collectBalance({ ...input, paymentMethod }, period.index, attempt, today());
      if (await settled(outcome)) return;
    }

    /** Handles an attempt's outcome; true when the period needs nothing more. */
    async function settled(outcome: CollectionOutcome): Promise<boolean> {
      if (outcome.status !== 'failed') {
        if (outcome.status === 'succeeded') {
          state.paidMinor += outcome.amountMinor;
          log(`period ${period.index} paid (attempt ${attempt})`);
          if (outcome.paymentId && patched('payment-receipts')) await receipt(outcome.paymentId, outcome.amountMinor);
          else await notify('payment_received', { amountMinor: outcome.amountMinor });
        }
        return true;
      }
      needNewCard = outcome.declineKind === 'hard';
      log(`period ${period.index} attempt ${attempt} declined (${outcome.declineKind}): ${outcome.message}`);
      await notify(needNewCard ? 'payment_method_needed' : 'payment_failed', { period: period.index });
      return false;
    }
  }

  /** Waits for the start of `day`; wakes early when a new card arrives or a manual payment settles the period. */
  async function waitForDay(day: IsoDate, periodIndex: number): Promise<'day' | 'card' | 'paid'> {
    for (;;) {
      const ms = Date.parse(`${day}T00:00:00.000Z`) - Date.now();
      if (ms <= 0) return 'day';
      paymentRecorded = false;
      const woke = await condition(() => paymentRecorded || paymentMethodChanged, ms);
      if (!woke) return 'day';
      if (paymentMethodChanged) return 'card';
      if ((await act.periodOpenMinor(terms.leaseId, periodIndex)) === 0) return 'paid';
    }
  }

  async function chargeLateFees(period: RentPeriod, asOf: IsoDate) {
    const unpaidMinor = await act.periodOpenMinor(terms.leaseId, period.index);
    const fees = lateFeesDue(terms.lateFeePolicy, { dueOn: period.dueOn, rentMinor: period.amountMinor, unpaidMinor }, asOf);
    if (!fees.length) return;
    const { addedMinor } = await act.applyLateFees(terms.leaseId, terms.monthlyRent.currency, period.index, fees);
    if (addedMinor > 0) {
      state.feesMinor += addedMinor;
      log(`late fees of ${addedMinor} applied to period ${period.index}`);
      await notify('late_fee_applied', { period: period.index, amountMinor: addedMinor });
    }
  }
}
