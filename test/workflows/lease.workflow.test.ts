/**
 * The lease workflow's logic on the time-skipping test server, its activities
 * replaced by an in-memory account (the Temporal way: the workflow is what is
 * under test here; the activities have their own tests on real services).
 *
 * Dates. The test server's clock starts at the real now and only moves
 * forward, and where one test leaves it is not fixed either: time skips to
 * whatever timers are left (the server gives every run a ten-year run timeout,
 * and skips to it when nothing else is pending), so the next test may start
 * years later, at any time of day. So every test first moves the clock to
 * noon (UTC) of a day it chooses — a lease that starts on a day of the month
 * it needs — and computes what to expect from the calendar with the domain's
 * own functions (rentSchedule, leaseEndDate). Noon keeps the dates the test
 * computes and the workflow's `today()` the same, however long the test takes.
 *
 * Waiting. Time skips only while the test sleeps (`skipTo`, to an instant it
 * computed: every timer due before it fires and, since the server holds the
 * clock while a workflow or activity task is outstanding, the workflow has
 * done all that was due) or awaits a result. Otherwise the clock is held:
 * the test then waits for the workflow's own state (queried) in real time,
 * with a generous bound, and sends its Updates while the clock stands still,
 * long before any deadline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { addDays, daysBetween, type IsoDate } from '../../domain/calendar';
import { allocateOldestFirst } from '../../domain/collection';
import { leaseEndDate, rentSchedule, type RentPeriod } from '../../domain/rent-schedule';
import { envelopeStateQuery, envelopeWorkflowId, signEnvelopeUpdate, type EnvelopeActivities } from '../../contracts/envelope';
import { LeaseTermsSchema } from '../../contracts/lease.schema';
import {
  DEFAULT_RENEWAL,
  LEASE_WORKFLOW_TYPE,
  leaseStateQuery,
  type LeaseInput,
  type LeaseState,
  type LeaseStatus,
  type LeaseWorkflow,
  manualPaymentUpdate,
  moveOutUpdate,
  paymentMethodUpdatedUpdate,
  renewalDecisionUpdate,
  screeningDecisionUpdate,
  signUpdate,
  addNoteUpdate,
  cancelUpdate,
  terminateUpdate,
  rentCollectedSignal,
  paymentReversedSignal,
  type CollectionOutcome,
  type LeaseActivities,
} from '../../contracts/lease';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

interface Charge {
  id: string;
  periodIndex: number;
  kind: 'rent' | 'late_fee' | 'damages' | 'early_termination_fee' | 'returned_payment_fee';
  dueOn: string;
  amountMinor: number;
  openMinor: number;
}

/** An in-memory lease account and card, scripted per period and attempt. */
function fakeWorld(script: (periodIndex: number, attempt: number, paymentMethodId: string) => CollectionOutcome['status'] | 'hard') {
  const charges: Charge[] = [];
  const statuses: LeaseStatus[] = [];
  const notices: string[] = [];
  const attempts: string[] = [];
  let paid = 0;
  let deposit = 0;
  let settlement: { applied: number; refunded: number } | undefined;
  const scheduled = new Map<number, RentPeriod>();
  const savedCards: string[] = [];
  const receipts: string[] = [];
  const envelopeStatuses: string[] = [];
  let card = 'pm_1';
  const open = () => charges.reduce((n, c) => n + c.openMinor, 0);
  const pay = (amount: number) => {
    const { allocations } = allocateOldestFirst(charges, amount);
    for (const a of allocations) charges.find((c) => c.id === a.chargeId)!.openMinor -= a.amountMinor;
    paid += amount;
    return allocations.reduce((n, a) => n + a.amountMinor, 0);
  };
  function bill(period: RentPeriod) {
    const existing = charges.find((c) => c.kind === 'rent' && c.periodIndex === period.index);
    if (existing) return { chargeId: existing.id };
    const charge = { id: `rent-${period.index}`, periodIndex: period.index, kind: 'rent' as const, dueOn: period.dueOn, amountMinor: period.amountMinor, openMinor: period.amountMinor };
    charges.push(charge);
    return { chargeId: charge.id };
  }
  function attemptCharge(periodIndex: number, attempt: number, paymentMethodId: string): CollectionOutcome {
    attempts.push(`${periodIndex}:${attempt}`);
    const due = open();
    if (due === 0) return { status: 'nothing_due' };
    const outcome = script(periodIndex, attempt, paymentMethodId);
    if (outcome === 'succeeded') return { status: 'succeeded', amountMinor: pay(due), paymentId: `pay-${periodIndex}-${attempt}` };
    return { status: 'failed', declineKind: outcome === 'hard' ? 'hard' : 'soft', message: 'Your card was declined.' };
  }
  const activities: LeaseActivities & EnvelopeActivities = {
    // The agreement's signing envelope (a child workflow of the lease).
    async recordEnvelope({ status }) {
      envelopeStatuses.push(status);
    },
    async completeEnvelope({ documents }) {
      return documents.map((d) => ({ documentId: `signed-${d.documentId}`, sha256: 'b'.repeat(64), of: d.documentId }));
    },
    async notifyEnvelope({ template, to }) {
      expect(to.length).toBeGreaterThan(0);
      notices.push(template);
    },
    async recordLeaseStatus({ status }) {
      statuses.push(status);
    },
    async createAgreement() {
      return { documentId: 'doc-1', sha256: 'a'.repeat(64), pages: 3 };
    },
    async storeSignedAgreement() {
      return { documentId: 'doc-2', sha256: 'b'.repeat(64) };
    },
    async chargeDeposit(a) {
      deposit += a.deposit.amountMinor;
      return { status: 'succeeded' };
    },
    async billRentPeriod({ period }) {
      return bill(period);
    },
    async scheduleRentPeriods({ paymentMethod, periods, replace }) {
      card = paymentMethod.paymentMethodId;
      if (replace) for (const [i] of scheduled) if (i >= (periods[0]?.index ?? 0) && !periods.some((p) => p.index === i)) scheduled.delete(i);
      for (const p of periods) scheduled.set(p.index, p);
    },
    async savePaymentMethod({ paymentMethod }) {
      card = paymentMethod.paymentMethodId;
      savedCards.push(card);
    },
    async collectRentPeriod({ periodIndex }) {
      bill(scheduled.get(periodIndex)!);
      return attemptCharge(periodIndex, 1, card);
    },
    async issueReceipt({ paymentId }) {
      receipts.push(paymentId);
      return { documentId: `receipt-${paymentId}` };
    },
    async chargeEarlyTerminationFee({ amountMinor }) {
      if (!charges.some((c) => c.id === 'termination')) {
        charges.push({ id: 'termination', periodIndex: 0, kind: 'early_termination_fee', dueOn: '0000-01-01', amountMinor, openMinor: amountMinor });
      }
    },
    async collectBalance({ paymentMethod, periodIndex, attempt }) {
      return attemptCharge(periodIndex, attempt, paymentMethod.paymentMethodId);
    },
    async applyLateFees({ periodIndex, fees }) {
      let added = 0;
      for (const fee of fees) {
        const id = `fee-${periodIndex}-${fee.forDay}`;
        if (charges.some((c) => c.id === id)) continue;
        charges.push({ id, periodIndex, kind: 'late_fee', dueOn: fee.forDay, amountMinor: fee.amountMinor, openMinor: fee.amountMinor });
        added += fee.amountMinor;
      }
      return { addedMinor: added };
    },
    async recordManualPayment({ payment }) {
      return { paymentId: payment.idempotencyKey, allocatedMinor: pay(payment.amountMinor) };
    },
    async periodOpenMinor({ periodIndex }) {
      return charges.filter((c) => c.periodIndex === periodIndex).reduce((n, c) => n + c.openMinor, 0);
    },
    async notify({ template, to }) {
      expect(to.length).toBeGreaterThan(0);
      notices.push(template);
    },
    async settleDeposit({ deductions }) {
      const total = deductions.reduce((n, d) => n + d.amountMinor, 0);
      if (total > 0) charges.push({ id: 'damages', periodIndex: 0, kind: 'damages', dueOn: '9999-12-31', amountMinor: total, openMinor: total });
      const applied = Math.min(deposit, open());
      if (applied > 0) pay(applied);
      const refunded = deposit - applied;
      settlement = { applied, refunded };
      return { appliedMinor: applied, refundedMinor: refunded, documentId: 'statement-1' };
    },
  };
  return { activities, charges, scheduled, savedCards, receipts, envelopeStatuses, currentCard: () => card, statuses, notices, attempts, paidMinor: () => paid, depositMinor: () => deposit, openMinor: open, settlement: () => settlement };
}

// ---------------------------------------------------------------- the clock and waiting

const HOUR_MS = 3_600_000;
/** Midnight (UTC) starting `date`: when the workflow's timers for that day fire. */
const startOf = (date: IsoDate) => Date.parse(`${date}T00:00:00.000Z`);
const dateOf = (ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10);
const dayOfMonth = (date: IsoDate) => Number(date.slice(8, 10));
/** The first day on or after `from` that is the `day`th of its month (day 1..28 exists in every month). */
function nextDayOfMonth(from: IsoDate, day: number): IsoDate {
  let date = from;
  while (dayOfMonth(date) !== day) date = addDays(date, 1);
  return date;
}

/** Skips the test server's clock forward to `atMs` (no-op if it is already there): every timer due before it fires. */
async function skipTo(atMs: number) {
  const now = await env.currentTimeMs();
  if (atMs > now) await env.sleep(atMs - now);
}
/** Skips to noon (UTC) of `date`: away from midnight, where the workflow's timers are. */
const skipToNoonOf = (date: IsoDate) => skipTo(startOf(date) + 12 * HOUR_MS);

/**
 * Moves the clock to noon of the first day from which a lease starting
 * `startInDays` later starts on a day `startsOn` accepts (every day, by
 * default: noon of today or tomorrow), and returns that day: the test's today.
 */
async function chooseToday(startInDays: number, startsOn: (start: IsoDate) => boolean = () => true): Promise<IsoDate> {
  const now = await env.currentTimeMs();
  let today = dateOf(now);
  if (startOf(today) + 12 * HOUR_MS < now) today = addDays(today, 1);
  for (let i = 0; !startsOn(addDays(today, startInDays)); i++) {
    if (i > 366) throw new Error('no start date in a year satisfies the test');
    today = addDays(today, 1);
  }
  await skipToNoonOf(today);
  expect(dateOf(await env.currentTimeMs())).toBe(today);
  return today;
}

/**
 * Polls `check` in real time, the test server's clock held still, until it
 * returns a value (not undefined/false). Only for what the workflow does
 * without a timer firing; skip the clock for the rest. The bound is generous
 * (a loaded machine is slow, not wrong); on timeout it says what it waited for.
 */
async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type StateHandle = { query: (q: typeof leaseStateQuery) => Promise<LeaseState> };
/** Waits until the lease's own state satisfies `ready`; returns that state. */
function untilState(handle: StateHandle, what: string, ready: (s: LeaseState) => boolean) {
  return until(what, async () => {
    const state = await handle.query(leaseStateQuery);
    return ready(state) && state;
  });
}
const untilStatus = (handle: StateHandle, status: LeaseStatus) => untilState(handle, `status ${status}`, (s) => s.status === status);

/** What the account's rent charges should be for these periods. */
const expectedRent = (periods: RentPeriod[], offset = 0) => periods.map((p) => ({ periodIndex: p.index + offset, dueOn: p.dueOn, amountMinor: p.amountMinor }));
const rentCharges = (charges: Charge[]) => charges.filter((c) => c.kind === 'rent').map((c) => ({ periodIndex: c.periodIndex, dueOn: c.dueOn, amountMinor: c.amountMinor }));

// ---------------------------------------------------------------- a lease

async function leaseInput(
  overrides: {
    incomeMinor?: number;
    graceDays?: number;
    startInDays?: number;
    /** The day the lease must start on (the clock is moved so that it starts `startInDays` from today). */
    startsOn?: (start: IsoDate) => boolean;
    termMonths?: number;
    renewal?: LeaseInput['renewal'];
  } = {},
): Promise<LeaseInput> {
  const startInDays = overrides.startInDays ?? 10;
  const today = await chooseToday(startInDays, overrides.startsOn);
  const start = addDays(today, startInDays);
  const party = (role: 'tenant' | 'landlord', name: string) => ({ userId: randomUUID(), name, email: `${randomUUID()}@example.com`, role });
  return {
    terms: LeaseTermsSchema.parse({
      leaseId: randomUUID(),
      propertyId: randomUUID(),
      propertyAddress: '12 Quillfeather Lane, Ames, IA',
      parties: [party('tenant', 'Zoë Ångström'), party('landlord', 'Νίκος Παπαδόπουλος')],
      startDate: start,
      termMonths: overrides.termMonths ?? 12,
      monthlyRent: { amountMinor: 150_000, currency: 'USD' },
      dueDay: 1,
      deposit: { amountMinor: 150_000, currency: 'USD' },
      lateFeePolicy: { graceDays: overrides.graceDays ?? 2, oneTime: { type: 'flat', amountMinor: 7_500 } },
    }),
    application: {
      monthlyIncomeMinor: overrides.incomeMinor ?? 600_000,
      employment: { status: 'employed', employer: 'Iowa State University' },
      references: [{ name: 'Previous landlord', contact: 'landlord@example.com' }],
      householdSize: 2,
      bedrooms: 2,
    },
    paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' },
    signingDays: 7,
    // Unless a test is about renewal, the lease simply ends with its term.
    renewal: overrides.renewal ?? { ...DEFAULT_RENEWAL, noAnswer: 'end' },
  };
}

/** A term's rent periods as the workflow draws them (until `end`, the term's last day by default). */
function termSchedule(terms: LeaseInput['terms'], end = leaseEndDate(terms.startDate, terms.termMonths), monthlyMinor = terms.monthlyRent.amountMinor) {
  return rentSchedule(terms.startDate, end, monthlyMinor, terms.dueDay);
}

/** The day a term's renewal offer is made: its first due date on or after `noticeDays` before its end. */
function renewalOfferDay(periods: RentPeriod[], termEnd: IsoDate, noticeDays: number): IsoDate {
  const offerOn = addDays(termEnd, -noticeDays);
  const period = periods.find((p) => daysBetween(offerOn, p.dueOn) >= 0);
  if (!period) throw new Error(`no due date on or after ${offerOn}`);
  return period.dueOn;
}

async function withWorker<T>(activities: LeaseActivities & EnvelopeActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `lease-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

const startLease = (taskQueue: string, input: LeaseInput) =>
  env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] }).then(endsWithTest);

/**
 * With RECORD_HISTORIES=1, writes every run of a workflow to test/fixtures/histories
 * (`<name>-run<n>.json`) for the replay test: how the whole-lease fixtures were made.
 */
async function recordHistories(workflowId: string, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  // The test server cannot list workflows: follow the chain of runs from the first.
  const latest = await env.client.workflow.getHandle(workflowId).fetchHistory();
  let runId: string | null | undefined = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  for (let i = 1; runId; i++) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}-run${i}.json`), historyToJSON(history));
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
}

/** The agreement's signing envelope (a child workflow), once it has asked the parties to sign (as a person signs from the e-mail). */
async function envelopeOf(handle: WorkflowHandle<LeaseWorkflow>) {
  const state = await untilState(handle, 'the agreement out for signature', (s) => s.status === 'awaiting_signatures' && !!s.envelopeId);
  const envelope = env.client.workflow.getHandle(envelopeWorkflowId(state.envelopeId!));
  await until('the envelope to ask its signers', async () => (await envelope.query(envelopeStateQuery)).signers.every((x) => x.status === 'to_sign'));
  const agreement = { documentId: state.document!.documentId, sha256: state.document!.sha256 };
  return { envelope, agreement };
}

/** Every party signs the agreement through its envelope; the lease, its deposit taken, is then active (no timer on the way). */
async function signAll(handle: WorkflowHandle<LeaseWorkflow>, input: LeaseInput) {
  const { envelope, agreement } = await envelopeOf(handle);
  const signedAt = new Date(await env.currentTimeMs()).toISOString();
  for (const party of input.terms.parties) {
    await envelope.executeUpdate(signEnvelopeUpdate, { args: [{ userId: party.userId, signedAt, ip: '203.0.113.7', userAgent: 'test', documents: [agreement] }] });
  }
  await untilStatus(handle, 'active');
}

// ---------------------------------------------------------------- the tests

test('a whole lease: screening, signatures, deposit, 13 rent periods with a soft decline recovered and one paid late with its fee, renewal accepted, a second term ended early, move-out with deductions and refund', async () => {
  const world = fakeWorld((period, attempt) => {
    if (period === 3 && attempt === 1) return 'failed'; // soft decline, recovered next day
    if (period === 6 && attempt < 3) return 'failed'; // paid on the third try, after the grace days
    return 'succeeded';
  });
  // Starting on the 13th: a prorated first and last month around 12 full ones, whatever the month.
  const input = await leaseInput({ startsOn: (d) => dayOfMonth(d) === 13, renewal: { ...DEFAULT_RENEWAL, noAnswer: 'end' } });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const firstEnd = leaseEndDate(input.terms.startDate, 12);
  const firstTermPeriods = termSchedule(input.terms);
  expect(firstTermPeriods).toHaveLength(13);
  expect([firstTermPeriods[0]!.prorated, firstTermPeriods[12]!.prorated]).toEqual([true, true]);
  const offerDay = renewalOfferDay(firstTermPeriods, firstEnd, DEFAULT_RENEWAL.noticeDays);
  const secondStart = addDays(firstEnd, 1);
  // The second term is ended early: asked 40 days into it, moving out 20 days later (mid-month: its last month prorated).
  const terminateOn = addDays(secondStart, 40);
  const moveOutOn = addDays(terminateOn, 20);
  const secondTermPeriods = rentSchedule(secondStart, moveOutOn, 154_500, input.terms.dueDay);
  expect(secondTermPeriods.at(-1)!.prorated).toBe(true);

  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    const { envelope, agreement } = await envelopeOf(handle);
    // The agreement is signed through its envelope, not on the lease; a stranger cannot sign it, nor can a party sign a stale copy.
    await expect(
      handle.executeUpdate(signUpdate, { args: [{ userId: input.terms.parties[0]!.userId, signedAt: 'x', ip: 'x', userAgent: 'x', documentSha256: agreement.sha256 }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/signed through its envelope/) } });
    await expect(
      envelope.executeUpdate(signEnvelopeUpdate, { args: [{ userId: randomUUID(), signedAt: 'x', ip: 'x', userAgent: 'x', documents: [agreement] }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not a signer/) } });
    await expect(
      envelope.executeUpdate(signEnvelopeUpdate, {
        args: [{ userId: input.terms.parties[0]!.userId, signedAt: 'x', ip: 'x', userAgent: 'x', documents: [{ ...agreement, sha256: 'c'.repeat(64) }] }],
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not the current one/) } });
    await signAll(handle, input);
    // The renewal offer comes on the first due date 60 days or less before the end of the first term; the tenant accepts.
    await skipToNoonOf(offerDay);
    const offered = await untilState(handle, 'the renewal offer', (s) => s.renewalOffer !== null);
    expect(offered.renewalOffer).toMatchObject({ monthlyRentMinor: 154_500, termMonths: 12, offeredOn: offerDay, respondBy: addDays(offerDay, DEFAULT_RENEWAL.responseDays), answer: null });
    await handle.executeUpdate(renewalDecisionUpdate, { args: [{ accept: true, by: tenant.userId }] });
    // Into the second term (a new run, continued as new), then ended early.
    await skipToNoonOf(secondStart);
    await untilState(handle, 'the second term', (s) => s.term === 2);
    await skipToNoonOf(terminateOn);
    await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'bought a house' }] });
    await expect(handle.executeUpdate(moveOutUpdate, { args: [{ deductions: [{ description: 'Carpet', amountMinor: 0 }], by: 'manager-1' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/positive/) },
    });
    await handle.executeUpdate(moveOutUpdate, { args: [{ deductions: [{ description: 'Carpet cleaning', amountMinor: 12_000 }], by: 'manager-1' }] });
    const closed = await handle.result(); // follows the continued runs to the last one
    await recordHistories(handle.workflowId, 'lease-whole-life-with-envelope');
    return closed;
  });

  expect(result.status).toBe('closed');
  expect(result.term).toBe(2);
  expect(result.termination).toMatchObject({ moveOutOn, reason: 'bought a house', feeMinor: 154_500 }); // a month at the renewed rent
  expect(world.settlement()).toEqual({ applied: 12_000, refunded: 150_000 - 12_000 });
  expect(world.notices).toContain('deposit_statement');
  expect(result.screening?.decision).toBe('approve');
  expect(result.signatures.map((x) => x.name).sort()).toEqual(['Zoë Ångström', 'Νίκος Παπαδόπουλος']);
  expect(world.envelopeStatuses).toEqual(['sent', 'completed']);
  expect(world.statuses).toEqual(['screening', 'awaiting_signatures', 'awaiting_move_in', 'active', 'ended', 'closed']);
  expect(world.depositMinor()).toBe(150_000);
  // The first term: its 13 periods as the calendar draws them (a prorated first and last month around 12 full ones).
  const rent = rentCharges(world.charges);
  const firstTerm = rent.filter((c) => c.periodIndex <= firstTermPeriods.length);
  expect(firstTerm).toEqual(expectedRent(firstTermPeriods));
  expect(firstTerm.slice(1, -1).every((c) => c.amountMinor === 150_000)).toBe(true);
  // The second term at the renewed rent, indexed on, its last month prorated to the move-out day, nothing after it.
  const secondTerm = rent.filter((c) => c.periodIndex > firstTermPeriods.length);
  expect(secondTerm).toEqual(expectedRent(secondTermPeriods, firstTermPeriods.length));
  expect(secondTerm.slice(1, -1).every((c) => c.amountMinor === 154_500)).toBe(true);
  expect(secondTerm.at(-1)!.amountMinor).toBeLessThan(154_500);
  expect(secondTerm.every((c) => c.dueOn <= moveOutOn)).toBe(true);
  expect(result.periodsBilled).toBe(rent.length);
  // One late fee, on period 6 only, charged once; the early-termination fee.
  const fees = world.charges.filter((c) => c.kind === 'late_fee');
  expect(fees.map((f) => [f.periodIndex, f.amountMinor])).toEqual([[6, 7_500]]);
  expect(world.charges.filter((c) => c.kind === 'early_termination_fee').map((c) => c.amountMinor)).toEqual([154_500]);
  expect(result.feesMinor).toBe(7_500 + 154_500);
  // Everything billed was paid, and nothing twice.
  expect(world.openMinor()).toBe(0);
  const billed = world.charges.filter((c) => c.kind !== 'damages').reduce((n, c) => n + c.amountMinor, 0);
  expect(world.paidMinor()).toBe(billed + 12_000); // rent and fees by card, the deductions from the deposit
  expect(result.paidMinor).toBe(billed);
  expect(world.attempts.filter((a) => a.startsWith('3:'))).toEqual(['3:1', '3:2']);
  expect(world.attempts.filter((a) => a.startsWith('6:'))).toEqual(['6:1', '6:2', '6:3']);
  expect(world.notices.filter((n) => n === 'payment_failed')).toHaveLength(3);
  expect(world.notices).toContain('late_fee_applied');
  // A receipt for every card payment: one a period (its fees paid with it), a reminder before every due date but the first.
  expect(world.receipts).toHaveLength(rent.length);
  expect(new Set(world.receipts).size).toBe(world.receipts.length);
  expect(world.notices.filter((n) => n === 'payment_received')).toHaveLength(world.receipts.length);
  // (The first month of each term is due the day the term starts: the renewed term's gets no reminder; see NOTES.md.)
  expect(world.notices.filter((n) => n === 'rent_due_reminder')).toHaveLength(rent.length - 2);
});

test('an offer nobody signs expires after the signing deadline', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput();
  const result = await withWorker(world.activities, async (taskQueue) =>
    env.client.workflow.execute<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] }),
  );
  expect(result.status).toBe('expired');
  expect(world.envelopeStatuses).toEqual(['sent', 'expired']);
  expect(world.notices).toContain('offer_expired');
  expect(world.charges).toEqual([]);
});

test('an application below the income rule waits for a manager, who may reject it with a reason', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ incomeMinor: 300_000 }); // 2x the rent: below the review threshold
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    const state = await untilStatus(handle, 'awaiting_decision');
    expect(state.screening).toMatchObject({ decision: 'reject' });
    await expect(handle.executeUpdate(screeningDecisionUpdate, { args: [{ decision: 'reject', by: 'manager-1', reason: ' ' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/reason/) } });
    await handle.executeUpdate(screeningDecisionUpdate, { args: [{ decision: 'reject', by: 'manager-1', reason: 'income too low for this unit' }] });
    return handle.result();
  });
  expect(result.status).toBe('rejected');
  expect(result.decisions).toMatchObject([{ by: 'manager-1', decision: 'reject', reason: 'income too low for this unit' }]);
});

test('after a hard decline the card is not retried until the tenant gives a new one; partial manual payments count', async () => {
  const world = fakeWorld((period, _attempt, pm) => (period === 2 && pm === 'pm_1' ? 'hard' : 'succeeded'));
  const input = await leaseInput({ graceDays: 10 });
  const period2 = termSchedule(input.terms)[1]!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    // Period 2 is charged the day after its due date (the rent run's wait), and declined hard.
    await skipToNoonOf(addDays(period2.dueOn, 1));
    await until('the hard decline of period 2 and its notice', () => world.attempts.includes('2:1') && world.notices.includes('payment_method_needed'));
    // Two days on (a retry day among them), the card has not been tried again.
    await skipToNoonOf(addDays(period2.dueOn, 3));
    expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual(['2:1']); // no retry on the same card
    const partial = await handle.executeUpdate(manualPaymentUpdate, {
      args: [{ idempotencyKey: 'cash-1', amountMinor: 50_000, method: 'cash', receivedOn: addDays(period2.dueOn, 3), recordedBy: 'manager-1' }],
    });
    expect(partial.allocatedMinor).toBe(50_000);
    // A new card, well inside the grace days: charged at once, no late fee.
    await handle.executeUpdate(paymentMethodUpdatedUpdate, { args: [{ customerId: 'cus_1', paymentMethodId: 'pm_2' }] });
    await until('the new card charged for period 2', () => world.attempts.includes('2:2'));
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual(['2:1', '2:2']);
  expect(world.settlement()).toEqual({ applied: 0, refunded: 150_000 }); // no move-out report: settled without deductions
  expect(world.openMinor()).toBe(0);
  expect(world.charges.filter((c) => c.kind === 'late_fee')).toEqual([]);
});

test('a renewal accepted starts a second term at the offered rent (continuing as new); an offer left unanswered ends the lease', async () => {
  const world = fakeWorld(() => 'succeeded');
  const renewal = { noticeDays: 30, responseDays: 10, rentChangeBps: 500, termMonths: 2, noAnswer: 'end' as const, monthToMonthPremiumBps: 1000 };
  // Starting mid-month (the 13th): three months make 4 periods, the two renewed ones 3.
  const input = await leaseInput({ termMonths: 3, startsOn: (d) => dayOfMonth(d) === 13, renewal });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const firstEnd = leaseEndDate(input.terms.startDate, 3);
  const firstTerm = termSchedule(input.terms);
  const secondStart = addDays(firstEnd, 1);
  const secondTerm = rentSchedule(secondStart, leaseEndDate(secondStart, 2), 157_500, input.terms.dueDay);
  expect([firstTerm.length, secondTerm.length]).toEqual([4, 3]);
  const offerDay = renewalOfferDay(firstTerm, firstEnd, renewal.noticeDays);
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    // To the offer's day, then wait for the offer itself; answer it while it is open (the clock held still).
    await skipToNoonOf(offerDay);
    const state = await untilState(handle, 'the renewal offer', (s) => s.renewalOffer !== null);
    expect(state.renewalOffer).toMatchObject({ monthlyRentMinor: 157_500, termMonths: 2, offeredOn: offerDay, respondBy: addDays(offerDay, 10), answer: null });
    await expect(handle.executeUpdate(renewalDecisionUpdate, { args: [{ accept: true, by: randomUUID() }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/only a tenant/) },
    });
    await handle.executeUpdate(renewalDecisionUpdate, { args: [{ accept: true, by: tenant.userId }] });
    // A new card given in the first term is the one the second term charges.
    await handle.executeUpdate(paymentMethodUpdatedUpdate, { args: [{ customerId: 'cus_1', paymentMethodId: 'pm_renewed' }] });
    return handle.result(); // follows the continued runs to the last one
  });
  expect(result.status).toBe('closed');
  expect(result.term).toBe(2);
  expect(result.decisions.map((d) => d.decision)).toEqual(['renewal accepted']);
  expect(world.currentCard()).toBe('pm_renewed');
  // Three months from a mid-month start (4 periods), then two more (3 periods) at the offered rent, indexed on across the terms.
  const rent = rentCharges(world.charges);
  expect(rent).toEqual([...expectedRent(firstTerm), ...expectedRent(secondTerm, firstTerm.length)]);
  expect(rent.map((c) => c.periodIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(rent.slice(1, 3).every((c) => c.amountMinor === 150_000)).toBe(true);
  expect(rent[5]!.amountMinor).toBe(157_500);
  expect(world.notices.filter((n) => n === 'renewal_offer')).toHaveLength(2);
  expect(world.openMinor()).toBe(0);
  expect(result.periodsBilled).toBe(firstTerm.length + secondTerm.length);
});

test('rent collected by the rent run is signalled to the lease, which does not charge it again', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 2, startInDays: 3 });
  const periods = termSchedule(input.terms);
  const period2 = periods[1]!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    // Period 2's due date, before the lease's own charge (a day later): the lease has written its schedule and waits for the rent run.
    await skipToNoonOf(period2.dueOn);
    const state = await untilState(handle, 'period 2 due', (s) => s.nextDue?.dueOn === period2.dueOn);
    expect(world.scheduled.get(2)?.dueOn).toBe(period2.dueOn);
    expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual([]);
    // Play the rent run for it.
    const outcome = await world.activities.collectRentPeriod({ leaseId: input.terms.leaseId, periodIndex: 2, today: state.nextDue!.dueOn });
    await handle.signal(rentCollectedSignal, { periodIndex: 2, outcome });
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual(['2:1']); // the run's charge only
  expect(world.scheduled.size).toBe(periods.length);
  expect(rentCharges(world.charges)).toEqual(expectedRent(periods));
  expect(world.notices.filter((n) => n === 'payment_received')).toHaveLength(periods.length);
  expect(world.openMinor()).toBe(0);
});

test('early termination charges the lease fee, prorates the last month to the move-out day and closes the lease', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 12, startInDays: 1 });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const period3 = termSchedule(input.terms)[2]!;
  // Asked once period 3 is charged (the day after its due date: the rent run's wait); moving out on the 20th of a month
  // at least 40 days on, so that the month's rent is prorated to 20 days.
  const today = addDays(period3.dueOn, 1);
  const moveOutOn = nextDayOfMonth(addDays(today, 40), 20);
  const periods = termSchedule(input.terms, moveOutOn);
  expect(periods.at(-1)).toMatchObject({ to: moveOutOn, prorated: true });
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    await skipToNoonOf(today);
    await until('three periods charged', () => world.charges.filter((c) => c.kind === 'rent').length === 3 && world.receipts.length === 3);
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn: '2000-01-01', reason: 'job move' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/past/) },
    });
    const state = await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'job move' }] });
    expect(state.termination).toMatchObject({ moveOutOn, requestedOn: today, feeMinor: 150_000 });
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'again' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/already terminating/) },
    });
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(world.statuses.slice(-2)).toEqual(['ended', 'closed']);
  expect(result.termination!.moveOutOn).toBe(moveOutOn);
  // No rent after the move-out day; the month it falls in is prorated to that day.
  const rent = rentCharges(world.charges);
  expect(rent).toEqual(expectedRent(periods));
  expect(rent.every((c) => c.dueOn <= moveOutOn)).toBe(true);
  expect(rent.at(-1)!.amountMinor).toBeLessThan(150_000);
  expect([...world.scheduled.values()].every((p) => p.from <= moveOutOn)).toBe(true);
  expect(world.charges.filter((c) => c.kind === 'early_termination_fee').map((c) => c.amountMinor)).toEqual([150_000]);
  expect(world.openMinor()).toBe(0); // the fee and the rent paid (card, then the deposit)
});

test('a termination on a reminder day, after that day\'s reminder went out, does not remind of the same period again', async () => {
  const world = fakeWorld(() => 'succeeded');
  // Starting by the 25th, so that period 2's reminder day (3 days before the 1st) comes after the start, whatever the date.
  const input = await leaseInput({ termMonths: 12, startInDays: 1, startsOn: (d) => dayOfMonth(d) <= 25 });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const period3 = termSchedule(input.terms)[2]!;
  const reminderDay = addDays(period3.dueOn, -3);
  const moveOutOn = nextDayOfMonth(addDays(period3.dueOn, 40), 20);
  const periods = termSchedule(input.terms, moveOutOn);
  const reminders = () => world.notices.filter((n) => n === 'rent_due_reminder').length;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    await skipToNoonOf(reminderDay);
    // Periods 2 and 3 have been reminded of: period 3's reminder went out this morning.
    await until('period 3\'s reminder', () => reminders() === 2);
    await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'moving abroad' }] });
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(rentCharges(world.charges)).toEqual(expectedRent(periods));
  // One reminder before each due date but the first (move-in), and none twice.
  expect(reminders()).toBe(periods.length - 1);
});

test('a lease can be cancelled before move-in, not after', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput();
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    const awaiting = await untilStatus(handle, 'awaiting_signatures');
    expect(awaiting.parties?.map((p) => p.role).sort()).toEqual(['landlord', 'tenant']);
    expect(awaiting.termStart).toBe(input.terms.startDate);
    const noted = await handle.executeUpdate(addNoteUpdate, { args: [{ by: 'manager-1', text: 'The unit failed its fire inspection.' }] });
    expect(noted.notes).toEqual([expect.objectContaining({ by: 'manager-1', text: 'The unit failed its fire inspection.' })]);
    await expect(handle.executeUpdate(addNoteUpdate, { args: [{ by: 'manager-1', text: '  ' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/needs text/) },
    });
    await expect(handle.executeUpdate(cancelUpdate, { args: [{ by: 'manager-1', reason: ' ' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/reason/) },
    });
    await handle.executeUpdate(cancelUpdate, { args: [{ by: 'manager-1', reason: 'unit no longer available' }] });
    return handle.result();
  });
  expect(result.status).toBe('cancelled');
  expect(world.envelopeStatuses).toEqual(['sent', 'voided']); // the envelope out for signature withdrawn
  expect(world.notices).toContain('lease_cancelled');
  expect(world.depositMinor()).toBe(0);
  expect(result.decisions).toMatchObject([{ by: 'manager-1', decision: 'cancelled', reason: 'unit no longer available' }]);
});

test('a payment reversed after it succeeded is collected again, with the returned-payment fee', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 3, startInDays: 1 });
  const period2 = termSchedule(input.terms)[1]!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    // The day after period 2's due date: charged (after the rent run's wait) and paid.
    await skipToNoonOf(addDays(period2.dueOn, 1));
    await until('period 2 paid', () => world.receipts.includes('pay-2-1'));
    // What the webhook's processing does in the ledger: period 2 owed again, plus a fee.
    const rent2 = world.charges.find((c) => c.kind === 'rent' && c.periodIndex === 2)!;
    expect(rent2.openMinor).toBe(0);
    rent2.openMinor = rent2.amountMinor;
    world.charges.push({ id: 'nsf', periodIndex: 2, kind: 'returned_payment_fee', dueOn: rent2.dueOn, amountMinor: 2_500, openMinor: 2_500 });
    const reversal = { paymentId: 'pay-2', periodIndex: 2, amountMinor: rent2.amountMinor, feeMinor: 2_500, reason: 'returned' as const };
    await handle.signal(paymentReversedSignal, reversal);
    await handle.signal(paymentReversedSignal, reversal); // a redelivered webhook changes nothing
    return handle.result();
  });
  expect(result.reversals).toEqual([{ paymentId: 'pay-2', amountMinor: period2.amountMinor, feeMinor: 2_500, reason: 'returned' }]);
  expect(world.notices.filter((n) => n === 'payment_returned')).toHaveLength(1);
  expect(world.attempts).toContain('2:1001'); // the re-collection's own key space
  expect(world.openMinor()).toBe(0);
});

test('a month-to-month lease ends on its move-out day when terminated after the month was billed', async () => {
  const world = fakeWorld(() => 'succeeded');
  // Starting on the 1st: each month-to-month term is one calendar month, a single period billed at its start.
  const input = await leaseInput({ termMonths: 1, startInDays: 1, startsOn: (d) => dayOfMonth(d) === 1 });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const firstTerm = termSchedule(input.terms);
  const secondStart = addDays(leaseEndDate(input.terms.startDate, 1), 1);
  const secondEnd = leaseEndDate(secondStart, 1);
  const secondTerm = rentSchedule(secondStart, secondEnd, 150_000, input.terms.dueDay);
  expect([firstTerm.length, secondTerm.length]).toEqual([1, 1]);
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await startLease(taskQueue, input);
    await signAll(handle, input);
    // Into the second month (a new run): its only period is charged the day after its first day (the rent run's wait).
    await skipToNoonOf(addDays(secondStart, 1));
    const s = await untilState(handle, 'the second month billed', (x) => x.term === 2 && x.periodsBilled === 2);
    expect(s.termEnd).toBe(secondEnd);
    // Notice for the last day of this month: allowed (the term's last day), and nothing after it is billed.
    const ended = await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn: secondEnd, reason: 'moving away' }] });
    expect(ended.termination?.moveOutOn).toBe(secondEnd);
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(result.term).toBe(2);
  const rent = rentCharges(world.charges);
  expect(rent).toEqual([...expectedRent(firstTerm), ...expectedRent(secondTerm, 1)]);
  expect(rent.every((c) => c.dueOn <= result.termination!.moveOutOn)).toBe(true);
  // Ended the day after the move-out day, at its start.
  expect(result.history.find((h) => /status: ended/.test(h.event))?.at.slice(0, 10)).toBe(addDays(secondEnd, 1));
  expect(world.openMinor()).toBe(0);
});
