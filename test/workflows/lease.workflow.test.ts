/**
 * The lease workflow's logic on the time-skipping test server, its activities
 * replaced by an in-memory account (the Temporal way: the workflow is what is
 * under test here; the activities have their own tests on real services).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { allocateOldestFirst } from '../../domain/collection';
import type { RentPeriod } from '../../domain/rent-schedule';
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
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { installQuietRuntime, workflowBundle } from '../support/harness';

const TEST_SERVER = path.resolve(__dirname, '../../.tools/python/bin/temporal-test-server');
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  installQuietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER } } });
  // The workflow sets custom search attributes; the test server must know them too.
  // It implements adding them, not listing them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
  });
});

afterAll(async () => {
  await env?.teardown();
});

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
  const activities: LeaseActivities = {
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
  return { activities, charges, scheduled, savedCards, receipts, currentCard: () => card, statuses, notices, attempts, paidMinor: () => paid, depositMinor: () => deposit, openMinor: open, settlement: () => settlement };
}

async function leaseInput(
  overrides: { incomeMinor?: number; graceDays?: number; startInDays?: number; termMonths?: number; renewal?: LeaseInput['renewal'] } = {},
): Promise<LeaseInput> {
  const now = new Date(await env.currentTimeMs());
  const start = new Date(now.getTime() + (overrides.startInDays ?? 10) * 86_400_000).toISOString().slice(0, 10);
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

async function untilStatus(handle: { query: (q: typeof leaseStateQuery) => Promise<LeaseState> }, status: LeaseStatus) {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(leaseStateQuery);
    if (state.status === status) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the lease never reached ${status}`);
}

async function withWorker<T>(activities: LeaseActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `lease-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

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

async function signAll(handle: WorkflowHandle<LeaseWorkflow>, input: LeaseInput) {
  const state = await untilStatus(handle, 'awaiting_signatures');
  for (const party of input.terms.parties) {
    await handle.executeUpdate(signUpdate, {
      args: [{ userId: party.userId, signedAt: new Date().toISOString(), ip: '203.0.113.7', userAgent: 'test', documentSha256: state.document!.sha256 }],
    });
  }
}

test('a whole lease: screening, signatures, deposit, 13 rent periods with a soft decline recovered and one paid late with its fee, renewal accepted, a second term ended early, move-out with deductions and refund', async () => {
  const world = fakeWorld((period, attempt) => {
    if (period === 3 && attempt === 1) return 'failed'; // soft decline, recovered next day
    if (period === 6 && attempt < 3) return 'failed'; // paid on the third try, after the grace days
    return 'succeeded';
  });
  const input = await leaseInput({ renewal: { ...DEFAULT_RENEWAL, noAnswer: 'end' } });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    const state = await untilStatus(handle, 'awaiting_signatures');
    // A stranger cannot sign, nor can a party sign a stale document.
    await expect(
      handle.executeUpdate(signUpdate, { args: [{ userId: randomUUID(), signedAt: 'x', ip: 'x', userAgent: 'x', documentSha256: state.document!.sha256 }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not a party/) } });
    await expect(
      handle.executeUpdate(signUpdate, { args: [{ userId: input.terms.parties[0]!.userId, signedAt: 'x', ip: 'x', userAgent: 'x', documentSha256: 'c'.repeat(64) }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not the current one/) } });
    await signAll(handle, input);
    // The renewal offer comes 60 days before the end of the first term; the tenant accepts.
    let s = await handle.query(leaseStateQuery);
    for (let i = 0; i < 60 && !s.renewalOffer; i++) {
      await env.sleep('7 days');
      s = await handle.query(leaseStateQuery);
    }
    expect(s.renewalOffer).toMatchObject({ monthlyRentMinor: 154_500, termMonths: 12, answer: null });
    await handle.executeUpdate(renewalDecisionUpdate, { args: [{ accept: true, by: tenant.userId }] });
    // Into the second term (a new run, continued as new), then ended early.
    for (let i = 0; i < 30 && s.term < 2; i++) {
      await env.sleep('7 days');
      s = await handle.query(leaseStateQuery);
    }
    await env.sleep('40 days');
    const moveOutOn = new Date((await env.currentTimeMs()) + 20 * 86_400_000).toISOString().slice(0, 10);
    await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'bought a house' }] });
    await expect(handle.executeUpdate(moveOutUpdate, { args: [{ deductions: [{ description: 'Carpet', amountMinor: 0 }], by: 'manager-1' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/positive/) },
    });
    await handle.executeUpdate(moveOutUpdate, { args: [{ deductions: [{ description: 'Carpet cleaning', amountMinor: 12_000 }], by: 'manager-1' }] });
    for (let i = 0; i < 20 && (await handle.query(leaseStateQuery)).status !== 'closed'; i++) await env.sleep('7 days');
    await recordHistories(handle.workflowId, 'lease-whole-life');
    return handle.result();
  });

  expect(result.status).toBe('closed');
  expect(result.term).toBe(2);
  expect(result.termination).toMatchObject({ reason: 'bought a house', feeMinor: 154_500 }); // a month at the renewed rent
  expect(world.settlement()).toEqual({ applied: 12_000, refunded: 150_000 - 12_000 });
  expect(world.notices).toContain('deposit_statement');
  expect(result.screening?.decision).toBe('approve');
  expect(result.signatures.map((x) => x.name).sort()).toEqual(['Zoë Ångström', 'Νίκος Παπαδόπουλος']);
  expect(world.statuses).toEqual(['screening', 'awaiting_signatures', 'awaiting_move_in', 'active', 'ended', 'closed']);
  expect(world.depositMinor()).toBe(150_000);
  // The first term: a prorated first and last month around 12 full ones (it starts on a day other than the 1st).
  const rent = world.charges.filter((c) => c.kind === 'rent');
  const firstTerm = rent.filter((c) => c.periodIndex <= 13);
  expect(firstTerm).toHaveLength(13);
  expect(firstTerm.slice(1, -1).every((c) => c.amountMinor === 150_000)).toBe(true);
  expect(firstTerm[0]!.amountMinor + firstTerm[12]!.amountMinor).toBeGreaterThan(140_000);
  // The second term at the renewed rent, its last month prorated to the move-out day, nothing after it.
  const secondTerm = rent.filter((c) => c.periodIndex > 13);
  expect(secondTerm.length).toBeGreaterThanOrEqual(2);
  expect(secondTerm.slice(1, -1).every((c) => c.amountMinor === 154_500)).toBe(true);
  expect(secondTerm[secondTerm.length - 1]!.amountMinor).toBeLessThanOrEqual(154_500);
  expect(secondTerm.every((c) => c.dueOn <= result.termination!.moveOutOn)).toBe(true);
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
  // A receipt for every card payment, a reminder before every due date but the first.
  expect(world.receipts.length).toBeGreaterThanOrEqual(rent.length - 1); // the first term's last month may be paid with the one before
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
  expect(world.notices).toContain('offer_expired');
  expect(world.charges).toEqual([]);
});

test('an application below the income rule waits for a manager, who may reject it with a reason', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ incomeMinor: 300_000 }); // 2x the rent: below the review threshold
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
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
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    // Let time run until period 2 has been declined hard.
    for (let i = 0; i < 100 && !world.attempts.includes('2:1'); i++) await env.sleep('1 day');
    expect(world.notices).toContain('payment_method_needed');
    await env.sleep('2 days');
    expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual(['2:1']); // no retry on the same card
    const partial = await handle.executeUpdate(manualPaymentUpdate, {
      args: [{ idempotencyKey: 'cash-1', amountMinor: 50_000, method: 'cash', receivedOn: '2026-01-01', recordedBy: 'manager-1' }],
    });
    expect(partial.allocatedMinor).toBe(50_000);
    await handle.executeUpdate(paymentMethodUpdatedUpdate, { args: [{ customerId: 'cus_1', paymentMethodId: 'pm_2' }] });
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
  const input = await leaseInput({
    termMonths: 3,
    renewal: { noticeDays: 30, responseDays: 10, rentChangeBps: 500, termMonths: 2, noAnswer: 'end', monthToMonthPremiumBps: 1000 },
  });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    let state = await handle.query(leaseStateQuery);
    for (let i = 0; i < 200 && !state.renewalOffer; i++) {
      await env.sleep('1 day');
      state = await handle.query(leaseStateQuery);
    }
    expect(state.renewalOffer).toMatchObject({ monthlyRentMinor: 157_500, termMonths: 2, answer: null });
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
  const rent = world.charges.filter((c) => c.kind === 'rent');
  // Three months from a mid-month start (4 periods), then two more (3 periods), indexed on across the terms.
  expect(rent.map((c) => c.periodIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(rent.slice(1, 3).every((c) => c.amountMinor === 150_000)).toBe(true);
  expect(rent[5]!.amountMinor).toBe(157_500);
  expect(world.notices.filter((n) => n === 'renewal_offer')).toHaveLength(2);
  expect(world.openMinor()).toBe(0);
  expect(result.periodsBilled).toBe(7);
});

test('rent collected by the rent run is signalled to the lease, which does not charge it again', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 2, startInDays: 3 });
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    // Wait until the lease has written its schedule and reached period 2, then play the rent run for it.
    let state = await handle.query(leaseStateQuery);
    for (let i = 0; i < 100 && !(state.nextDue && state.nextDue.dueOn === world.scheduled.get(2)?.dueOn); i++) {
      await env.sleep('1 day');
      state = await handle.query(leaseStateQuery);
    }
    const outcome = await world.activities.collectRentPeriod({ leaseId: input.terms.leaseId, periodIndex: 2, today: state.nextDue!.dueOn });
    await handle.signal(rentCollectedSignal, { periodIndex: 2, outcome });
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(world.attempts.filter((a) => a.startsWith('2:'))).toEqual(['2:1']); // the run's charge only
  expect(world.notices.filter((n) => n === 'payment_received')).toHaveLength(world.scheduled.size);
  expect(world.openMinor()).toBe(0);
});

test('early termination charges the lease fee, prorates the last month to the move-out day and closes the lease', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 12, startInDays: 1 });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    await untilStatus(handle, 'active');
    for (let i = 0; i < 100 && world.charges.filter((c) => c.kind === 'rent').length < 3; i++) await env.sleep('1 day');
    const now = new Date(await env.currentTimeMs());
    const moveOutOn = new Date(now.getTime() + 40 * 86_400_000).toISOString().slice(0, 10);
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn: '2000-01-01', reason: 'job move' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/past/) },
    });
    const state = await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'job move' }] });
    expect(state.termination).toMatchObject({ moveOutOn, feeMinor: 150_000 });
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn, reason: 'again' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/already terminating/) },
    });
    // Drive the clock explicitly: the test server does not skip time by itself after an Update here.
    for (let i = 0; i < 20 && (await handle.query(leaseStateQuery)).status !== 'closed'; i++) await env.sleep('7 days');
    return handle.result();
  });
  expect(result.status).toBe('closed');
  expect(world.statuses.slice(-2)).toEqual(['ended', 'closed']);
  const rent = world.charges.filter((c) => c.kind === 'rent');
  const last = rent[rent.length - 1]!;
  const moveOut = result.termination!.moveOutOn;
  // No rent after the move-out day; the month it falls in is prorated to that day.
  expect(rent.every((c) => c.dueOn <= moveOut)).toBe(true);
  const day = Number(moveOut.slice(8, 10));
  if (day < 28) expect(last.amountMinor).toBeLessThan(150_000);
  expect([...world.scheduled.values()].every((p) => p.from <= moveOut)).toBe(true);
  expect(world.charges.filter((c) => c.kind === 'early_termination_fee').map((c) => c.amountMinor)).toEqual([150_000]);
  expect(world.openMinor()).toBe(0); // the fee and the rent paid (card, then the deposit)
});

test('a lease can be cancelled before move-in, not after', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput();
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
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
  expect(world.notices).toContain('lease_cancelled');
  expect(world.depositMinor()).toBe(0);
  expect(result.decisions).toMatchObject([{ by: 'manager-1', decision: 'cancelled', reason: 'unit no longer available' }]);
});

test('a payment reversed after it succeeded is collected again, with the returned-payment fee', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 3, startInDays: 1 });
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    for (let i = 0; i < 100 && world.charges.filter((c) => c.kind === 'rent').length < 2; i++) await env.sleep('1 day');
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
  expect(result.reversals).toEqual([{ paymentId: 'pay-2', amountMinor: expect.any(Number), feeMinor: 2_500, reason: 'returned' }]);
  expect(world.notices.filter((n) => n === 'payment_returned')).toHaveLength(1);
  expect(world.attempts).toContain('2:1001'); // the re-collection's own key space
  expect(world.openMinor()).toBe(0);
});

test('a month-to-month lease ends on its move-out day when terminated after the month was billed', async () => {
  const world = fakeWorld(() => 'succeeded');
  const input = await leaseInput({ termMonths: 1, startInDays: 1 });
  const tenant = input.terms.parties.find((p) => p.role === 'tenant')!;
  const result = await withWorker(world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: `lease-${input.terms.leaseId}`, taskQueue, args: [input] });
    await signAll(handle, input);
    // Into the second month (a new run): its only period is billed on its first day.
    let s = await handle.query(leaseStateQuery);
    for (let i = 0; i < 20 && !(s.term >= 2 && s.periodsBilled >= 2); i++) {
      await env.sleep('3 days');
      s = await handle.query(leaseStateQuery);
    }
    // Notice for the last day of this month: allowed (the term's last day), and nothing after it is billed.
    const ended = await handle.executeUpdate(terminateUpdate, { args: [{ by: tenant.userId, moveOutOn: s.termEnd!, reason: 'moving away' }] });
    expect(ended.termination?.moveOutOn).toBe(s.termEnd);
    for (let i = 0; i < 20 && (await handle.query(leaseStateQuery)).status !== 'closed'; i++) await env.sleep('7 days');
    return handle.result();
  });
  expect(result.status).toBe('closed');
  const rent = world.charges.filter((c) => c.kind === 'rent');
  expect(rent.every((c) => c.dueOn <= result.termination!.moveOutOn)).toBe(true);
  expect(result.history.some((h) => /status: ended/.test(h.event))).toBe(true);
  expect(world.openMinor()).toBe(0);
});
