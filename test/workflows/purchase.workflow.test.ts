/**
 * The purchase workflow on the time-skipping test server, its activities
 * replaced by an in-memory world: the listing's offer book runs the same
 * decision as the Postgres activity (bookDecision), escrow and the closing's
 * postings are kept as the ledger would, and title records change as the
 * county records. Timers (offer expiry, the closing date, the TRID wait)
 * pass by time skipping, never by waiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { addDays } from '../../domain/calendar';
import { emptyOfferBook, type OfferBook } from '../../domain/purchase/offer-book';
import { closingFunds } from '../../domain/purchase/settlement';
import type { OfferTerms } from '../../domain/purchase/offer';
import type { TitleRecord } from '../../domain/purchase/title';
import { envelopeStateQuery, envelopeWorkflowId, signEnvelopeUpdate, type EnvelopeActivities } from '../../contracts/envelope';
import {
  acceptOfferUpdate,
  closingDisclosureUpdate,
  contingencyUpdate,
  counterOfferUpdate,
  depositEarnestMoneyUpdate,
  PURCHASE_WORKFLOW_TYPE,
  purchaseStateQuery,
  purchaseWorkflowId,
  recordFundsUpdate,
  reviewDocumentUpdate,
  submitDocumentUpdate,
  terminateUpdate,
  withdrawOfferUpdate,
  recordInspectionUpdate,
  recordAppraisalUpdate,
  proposeAmendmentUpdate,
  answerAmendmentUpdate,
  wireInstructionsUpdate,
  wireCallbackUpdate,
  approveReleaseUpdate,
  titleRecordedSignal,
  type PurchaseActivities,
  type PurchaseInput,
  type PurchaseState,
  type PurchaseWorkflow,
} from '../../contracts/purchase';
import { bookDecision } from '../../activities/purchase/offer-book';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

const person = (name: string) => ({ userId: randomUUID(), name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` });
const seller = person('Ada Seller');
const staff = randomUUID();
const SHA = 'a'.repeat(64);

function fakeWorld() {
  const books = new Map<string, OfferBook>();
  const listingStatus = new Map<string, string>();
  const records = new Map<string, TitleRecord[]>();
  const escrow = new Map<string, number>();
  const disbursed: { purchaseId: string; to: string; amountMinor: number }[] = [];
  const closings: { purchaseId: string; balanced: boolean }[] = [];
  const mails: { template: string; data: Record<string, string | number> }[] = [];
  const purchase: PurchaseActivities = {
    async recordPurchase() {},
    async offerBookEvent({ listingId, event }) {
      const { next, listingStatuses, outcome } = bookDecision(books.get(listingId) ?? emptyOfferBook(), event);
      if (next) books.set(listingId, next);
      for (const s of listingStatuses) listingStatus.set(listingId, s);
      return outcome;
    },
    async collectEarnestMoney({ purchaseId, amountMinor }) {
      escrow.set(purchaseId, amountMinor);
      return { status: 'succeeded', paymentId: `pay-${purchaseId}` };
    },
    async disburseEarnestMoney({ purchaseId, to, amountMinor }) {
      disbursed.push({ purchaseId, to, amountMinor });
      escrow.set(purchaseId, (escrow.get(purchaseId) ?? 0) - amountMinor);
    },
    async titleRecords({ propertyId }) {
      return records.get(propertyId) ?? [];
    },
    async renderPurchaseDocument({ purchaseId, kind }) {
      return { documentId: `${kind}-${purchaseId}`, sha256: SHA };
    },
    async postClosing({ purchaseId, statement }) {
      const f = closingFunds(statement);
      const out = f.toSellerMinor + f.commissionsMinor + f.thirdPartyMinor + f.payoffs.reduce((n, p) => n + p.amountMinor, 0);
      closings.push({ purchaseId, balanced: (escrow.get(purchaseId) ?? 0) + f.fromBuyerMinor + f.fromLenderMinor === out });
    },
    async recordDeed({ today }) {
      return { status: 'recorded', instrument: `STOR-${today.slice(0, 4)}-000001`, recordedOn: today };
    },
    async transferTitle({ propertyId, grantors, buyers, instrument, recordedOn, priceMinor, releasedLiens }) {
      const list = records.get(propertyId) ?? [];
      list.push({ kind: 'deed', instrument, recordedOn, grantors, grantees: buyers.map((b) => b.name), considerationMinor: priceMinor });
      for (const lien of releasedLiens) list.push({ kind: 'release', instrument: `${instrument}-REL-${lien}`, recordedOn, releases: lien });
      records.set(propertyId, list);
    },
    async notifyPurchase({ template, data }) {
      mails.push({ template, data });
    },
  };
  const envelope: EnvelopeActivities = {
    async recordEnvelope() {},
    async completeEnvelope({ documents }) {
      return documents.map((d) => ({ documentId: `signed-${d.documentId}`, sha256: SHA, of: d.documentId }));
    },
    async notifyEnvelope() {},
  };
  return { activities: { ...purchase, ...envelope }, books, listingStatus, records, disbursed, closings, mails };
}

async function today() {
  return new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
}

async function offer(overrides: Partial<OfferTerms> = {}): Promise<OfferTerms> {
  const now = await env.currentTimeMs();
  return {
    priceMinor: 21_500_000,
    currency: 'USD',
    earnestMoneyMinor: 500_000,
    earnestMoneyDueBusinessDays: 3,
    financing: { type: 'conventional', downPaymentMinor: 4_300_000 },
    contingencies: [
      { kind: 'inspection', days: 10, count: 'calendar' },
      { kind: 'appraisal', days: 17, count: 'calendar' },
      { kind: 'financing', days: 21, count: 'calendar' },
    ],
    onMissedDeadline: 'waived',
    closingDate: addDays(await today(), 30),
    sellerCreditMinor: 0,
    expiresAt: new Date(now + 2 * 86_400_000).toISOString(),
    ...overrides,
  };
}

async function input(listingId: string, propertyId: string, buyer = person('Bo Buyer'), terms?: OfferTerms): Promise<PurchaseInput> {
  return {
    purchaseId: randomUUID(),
    subject: {
      listingId,
      propertyId,
      address: '2304 Duff Ave, Ames, IA',
      legalDescription: 'Lot 4, Block 2, Duff Addition, Ames, Story County, Iowa',
      county: 'Story',
      state: 'IA',
      facts: { state: 'IA', financed: true, yearBuilt: 1965, inHoa: false, land: false },
      annualPropertyTaxMinor: 360_000,
      monthlyHoaDuesMinor: 0,
    },
    parties: { buyers: [buyer], sellers: [seller], buyerAgents: [], sellerAgents: [] },
    offer: terms ?? (await offer()),
    offeredAt: new Date(await env.currentTimeMs()).toISOString(),
    offeredBy: buyer.userId,
  };
}

async function withWorker<T>(world: ReturnType<typeof fakeWorld>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `purchase-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.activities });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, i: PurchaseInput) =>
  env.client.workflow.start<PurchaseWorkflow>(PURCHASE_WORKFLOW_TYPE, { taskQueue, workflowId: purchaseWorkflowId(i.purchaseId), args: [i] }).then(endsWithTest);

/** A purchase started and on its listing's offer book. */
async function startOnBook(world: ReturnType<typeof fakeWorld>, taskQueue: string, i: PurchaseInput) {
  const handle = await start(taskQueue, i);
  await until(handle, 'on the book', () => world.books.get(i.subject.listingId)?.open.includes(i.purchaseId) ?? false);
  return handle;
}

/** …and accepted by the seller, the listing's other offers rejected. */
async function startAccepted(world: ReturnType<typeof fakeWorld>, taskQueue: string, i: PurchaseInput) {
  const handle = await startOnBook(world, taskQueue, i);
  await handle.executeUpdate(acceptOfferUpdate, { args: [{ ...asSeller, others: 'reject' }] });
  return handle;
}

async function until(handle: WorkflowHandle<PurchaseWorkflow>, what: string, ok: (s: PurchaseState) => boolean): Promise<PurchaseState> {
  for (let i = 0; i < 600; i++) {
    const s = await handle.query(purchaseStateQuery);
    if (ok(s)) return s;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`the purchase never reached: ${what} (stage ${(await handle.query(purchaseStateQuery)).stage})`);
}

const asBuyer = (i: PurchaseInput) => ({ by: i.parties.buyers[0]!.userId, as: 'buyer' as const });
const asSeller = { by: seller.userId, as: 'seller' as const };
const asStaff = { by: staff, as: 'staff' as const };

/** Earnest money in; every contingency satisfied; every checklist document submitted and approved. */
async function clearToClose(handle: WorkflowHandle<PurchaseWorkflow>, i: PurchaseInput) {
  await handle.executeUpdate(depositEarnestMoneyUpdate, { args: [{ ...asBuyer(i), paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } }] });
  for (const { kind } of (await handle.query(purchaseStateQuery)).contingencies) {
    // The lender's decision on financing is recorded by staff; the buyer decides the rest.
    const actor = kind === 'financing' ? asStaff : asBuyer(i);
    await handle.executeUpdate(contingencyUpdate, { args: [{ ...actor, kind, action: 'satisfy' }] });
  }
  await handle.executeUpdate(wireInstructionsUpdate, { args: [{ ...asSeller, bankName: 'Ames Savings Bank', accountLast4: '4321' }] });
  const s = await handle.query(purchaseStateQuery);
  for (const item of s.checklist) {
    if (item.status !== 'submitted') await handle.executeUpdate(submitDocumentUpdate, { args: [{ ...asBuyer(i), kind: item.kind, documentId: `doc-${item.kind}` }] });
    await handle.executeUpdate(reviewDocumentUpdate, { args: [{ ...asStaff, kind: item.kind, decision: 'approve' }] });
  }
}

test('a financed purchase from offer to recorded title: escrow, contingencies, checklist, a lien paid off at closing, the TRID wait, signatures, settlement that balances, title transferred', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  world.records.set(propertyId, [
    { kind: 'deed', instrument: 'STOR-2011-004411', recordedOn: '2011-06-01', grantors: ['Earlier Owner'], grantees: ['Ada Seller'], considerationMinor: 15_000_000 },
    { kind: 'lien', instrument: 'STOR-2011-004412', recordedOn: '2011-06-01', lienType: 'mortgage', holder: 'Ames Savings Bank', amountMinor: 9_800_000 },
  ]);
  const i = await input(listingId, propertyId);
  await withWorker(world, async (taskQueue) => {
    const handle = await start(taskQueue, i);
    await until(handle, 'the offer on the book', () => world.books.get(listingId)?.open.includes(i.purchaseId) ?? false);
    await expect(handle.executeUpdate(acceptOfferUpdate, { args: [{ ...asBuyer(i), others: 'reject' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/turn|seller/) } });
    const accepted = await handle.executeUpdate(acceptOfferUpdate, { args: [{ ...asSeller, others: 'reject' }] });
    expect(accepted.stage).toBe('under_contract');
    expect(world.listingStatus.get(listingId)).toBe('under_contract');
    const contract = await until(handle, 'the title searched', (s) => s.title !== null && s.closing.documents.length > 0);
    expect(contract.checklist.map((c) => c.kind)).toEqual(expect.arrayContaining(['purchase_agreement', 'lead_paint_disclosure', 'loan_commitment', 'appraisal_report']));
    expect(contract.title!.requirements.map((r) => r.id)).toEqual(['payoff:STOR-2011-004412', 'record_deed']);

    // The inspection finds work: the buyer asks a 5,000.00 credit, the seller counters 3,000.00, the buyer accepts.
    await handle.executeUpdate(recordInspectionUpdate, { args: [{ ...asBuyer(i), findings: [{ item: 'Water heater', severity: 'major', note: 'leaking, 19 years old' }] }] });
    await handle.executeUpdate(proposeAmendmentUpdate, { args: [{ ...asBuyer(i), kind: 'repair_credit', amountMinor: 500_000 }] });
    await expect(handle.executeUpdate(answerAmendmentUpdate, { args: [{ ...asBuyer(i), decision: 'accept' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/seller answers/) } });
    await handle.executeUpdate(proposeAmendmentUpdate, { args: [{ ...asSeller, kind: 'repair_credit', amountMinor: 300_000 }] });
    await handle.executeUpdate(answerAmendmentUpdate, { args: [{ ...asBuyer(i), decision: 'accept' }] });
    // The appraisal comes in low: the price is renegotiated to it.
    await handle.executeUpdate(recordAppraisalUpdate, { args: [{ ...asStaff, valueMinor: 21_000_000 }] });
    await handle.executeUpdate(proposeAmendmentUpdate, { args: [{ ...asBuyer(i), kind: 'price', amountMinor: 21_000_000 }] });
    const amended = await handle.executeUpdate(answerAmendmentUpdate, { args: [{ ...asSeller, decision: 'accept' }] });
    expect(amended.contract).toMatchObject({ priceMinor: 21_000_000, sellerCreditMinor: 300_000 });
    expect(amended.amendments.map((a) => [a.kind, a.by, a.status])).toEqual([
      ['repair_credit', 'buyer', 'superseded'],
      ['repair_credit', 'seller', 'accepted'],
      ['price', 'buyer', 'accepted'],
    ]);

    await clearToClose(handle, i);
    await handle.executeUpdate(closingDisclosureUpdate, { args: [{ ...asStaff, receivedOn: await today(), terms: { aprMilli: 6875, loanProduct: '30-year fixed', prepaymentPenalty: false } }] });
    const closing = await until(handle, 'closing documents out for signature', (s) => s.stage === 'closing' && !!s.closing.envelopeId);
    await signAll(closing.closing.envelopeId!, [seller, i.parties.buyers[0]!]);
    await until(handle, 'the deed approved', (s) => s.closing.deed?.status === 'approved');
    await handle.executeUpdate(recordFundsUpdate, { args: [{ ...asStaff, reference: 'WIRE-88213' }] });
    await env.sleep('31 days'); // to the closing date, past the TRID wait
    const done = await handle.result();
    expect(done.stage).toBe('closed');
    expect(done.closing.deed).toMatchObject({ status: 'recorded', instrument: expect.stringMatching(/^STOR-/) });
    expect(done.closing.statement!.sections.find((s) => s.id === 'payoffs')!.lines).toEqual([expect.objectContaining({ reference: 'STOR-2011-004412', sellerDebitMinor: 9_800_000 })]);
    expect(done.title!.requirements.every((r) => r.satisfiedBy)).toBe(true);
    const financial = done.closing.statement!.sections.find((s) => s.id === 'financial')!.lines;
    expect(financial).toEqual(expect.arrayContaining([expect.objectContaining({ description: 'Seller credit', buyerCreditMinor: 300_000, sellerDebitMinor: 300_000 })]));
    expect(financial[0]).toMatchObject({ buyerDebitMinor: 21_000_000 });
    expect(world.closings).toEqual([{ purchaseId: i.purchaseId, balanced: true }]);
    expect(world.listingStatus.get(listingId)).toBe('sold');
    const deeds = world.records.get(propertyId)!.filter((r) => r.kind === 'deed');
    expect(deeds.at(-1)).toMatchObject({ grantors: ['Ada Seller'], grantees: ['Bo Buyer'] });
    expect(world.records.get(propertyId)!.some((r) => r.kind === 'release' && r.releases === 'STOR-2011-004412')).toBe(true);
    await recordHistory(handle, 'purchase-financed-to-recorded-title');
  });
});

test('three offers: one accepted with the others kept as backups; its financing fails in time, the earnest money is refunded and the first backup steps up', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const inputs = [await input(listingId, propertyId, person('Bo First')), await input(listingId, propertyId, person('Cy Second')), await input(listingId, propertyId, person('Di Third'))];
  await withWorker(world, async (taskQueue) => {
    const handles = [];
    for (const i of inputs) {
      handles.push(await start(taskQueue, i));
      await until(handles.at(-1)!, 'on the book', () => world.books.get(listingId)?.open.includes(i.purchaseId) ?? false);
    }
    await handles[0]!.executeUpdate(acceptOfferUpdate, { args: [{ ...asSeller, others: 'backup' }] });
    const second = await until(handles[1]!, 'a backup', (s) => s.stage === 'backup');
    expect(second.backupPosition).toBe(1);
    expect((await until(handles[2]!, 'a backup', (s) => s.stage === 'backup')).backupPosition).toBe(2);

    await handles[0]!.executeUpdate(depositEarnestMoneyUpdate, { args: [{ ...asBuyer(inputs[0]!), paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } }] });
    await handles[0]!.executeUpdate(contingencyUpdate, { args: [{ ...asStaff, kind: 'financing', action: 'fail', note: 'loan denied' }] });
    const first = await handles[0]!.result();
    expect(first.stage).toBe('terminated');
    expect(first.escrow.disposition).toBe('refunded');
    expect(first.outcome!.compensations).toEqual(['earnest money 500000 USD refunded to the buyer', `backup offer ${inputs[1]!.purchaseId} steps up`]);
    expect(world.disbursed).toEqual([{ purchaseId: inputs[0]!.purchaseId, to: 'buyer', amountMinor: 500_000 }]);

    const stepped = await until(handles[1]!, 'stepped up, its contract drawn up', (s) => s.stage === 'under_contract' && s.closing.documents.length > 0 && s.blocking.length > 0);
    expect(stepped.contract!.priceMinor).toBe(21_500_000);
    expect((await until(handles[2]!, 'moved up', (s) => s.backupPosition === 1)).stage).toBe('backup');
    expect(world.books.get(listingId)).toMatchObject({ primary: inputs[1]!.purchaseId, backups: [inputs[2]!.purchaseId] });
    expect(world.listingStatus.get(listingId)).toBe('under_contract');
    // The last backup withdraws and the second buyer walks away: the listing is active with nothing on its book.
    await handles[2]!.executeUpdate(withdrawOfferUpdate, { args: [asBuyer(inputs[2]!)] });
    expect((await handles[2]!.result()).stage).toBe('withdrawn');
    await handles[1]!.executeUpdate(terminateUpdate, { args: [{ ...asBuyer(inputs[1]!), reason: 'changed plans' }] });
    expect((await handles[1]!.result()).outcome!.compensations).toEqual(['listing back to active']);
    expect(world.books.get(listingId)).toMatchObject({ primary: null, backups: [], open: [] });
    expect(world.listingStatus.get(listingId)).toBe('active');
  });
});

test('the buyer walks away after removing every contingency: a default, the earnest money is released to the seller and the listing is active again', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const i = await input(listingId, propertyId);
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    await handle.executeUpdate(depositEarnestMoneyUpdate, { args: [{ ...asBuyer(i), paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } }] });
    for (const kind of ['inspection', 'appraisal', 'financing'] as const) await handle.executeUpdate(contingencyUpdate, { args: [{ ...asBuyer(i), kind, action: 'waive' }] });
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ ...asSeller, reason: 'changed my mind' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only the buyer walks away/) } });
    await handle.executeUpdate(terminateUpdate, { args: [{ ...asBuyer(i), reason: 'bought elsewhere' }] });
    const done = await handle.result();
    expect(done).toMatchObject({ stage: 'terminated', escrow: { disposition: 'released' }, outcome: { compensations: ['earnest money 500000 USD released to the seller', 'listing back to active'] } });
    expect(world.disbursed).toEqual([{ purchaseId: i.purchaseId, to: 'seller', amountMinor: 500_000 }]);
    expect(world.listingStatus.get(listingId)).toBe('active');
  });
});

test('counter-offer rounds alternate, only the party whose turn it is may act, and an unanswered round expires by its own timer', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const i = await input(listingId, propertyId);
  await withWorker(world, async (taskQueue) => {
    const handle = await startOnBook(world, taskQueue, i);
    const counter = await offer({ priceMinor: 22_500_000, expiresAt: new Date((await env.currentTimeMs()) + 86_400_000).toISOString() });
    const afterCounter = await handle.executeUpdate(counterOfferUpdate, { args: [{ ...asSeller, terms: counter }] });
    expect(afterCounter.negotiation.rounds.map((r) => [r.by, r.status])).toEqual([['buyer', 'countered'], ['seller', 'open']]);
    await expect(handle.executeUpdate(acceptOfferUpdate, { args: [{ ...asSeller, others: 'reject' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/turn|buyer/) } });
    const back = await offer({ priceMinor: 22_000_000, expiresAt: new Date((await env.currentTimeMs()) + 3 * 86_400_000).toISOString() });
    await handle.executeUpdate(counterOfferUpdate, { args: [{ ...asBuyer(i), terms: back }] });
    const done = await handle.result(); // nobody answers: time skips past the round's three days
    expect(done.stage).toBe('expired');
    expect(done.negotiation.rounds.map((r) => r.status)).toEqual(['countered', 'countered', 'expired']);
    expect(done.negotiation.status).toBe('expired'); // final: domain/purchase/negotiation refuses any action on it (unit-tested)
    expect(world.books.get(listingId)!.open).toEqual([]);
  });
});

test('wire instructions changed within 72 hours of closing hold the closing until the seller is called back; a release outside the contract takes two different staff', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  world.records.set(propertyId, [{ kind: 'deed', instrument: 'STOR-2015-000101', recordedOn: '2015-03-02', grantors: ['Earlier Owner'], grantees: ['Ada Seller'], considerationMinor: 17_000_000 }]);
  const i = await input(listingId, propertyId, person('Bo Buyer'), await offer({ financing: { type: 'cash', downPaymentMinor: 21_500_000 }, contingencies: [], closingDate: await today() }));
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    await until(handle, 'the contract drawn up', (s) => s.closing.documents.length > 0);
    await clearToClose(handle, i);
    const closing = await until(handle, 'closing documents out', (s) => s.stage === 'closing' && !!s.closing.envelopeId);
    await signAll(closing.closing.envelopeId!, [seller, i.parties.buyers[0]!]);
    // Closing is today: a change now is inside the 72 hours.
    const changed = await handle.executeUpdate(wireInstructionsUpdate, { args: [{ ...asSeller, bankName: 'Elsewhere Credit Union', accountLast4: '9876' }] });
    expect(changed.wire).toMatchObject({ heldForCallback: true, instructions: { accountLast4: '9876' } });
    const held = await until(handle, 'held on the call-back', (s) => s.blocking.some((b) => /call-back/.test(b)));
    expect(held.blocking).toEqual(['closing funds not received', 'wire instructions changed near closing: held until a call-back to the seller']);
    await handle.executeUpdate(wireCallbackUpdate, { args: [{ ...asStaff, note: 'called the seller on the number in the listing agreement; confirmed the change' }] });
    expect((await until(handle, 'the hold lifted', (s) => !s.blocking.some((b) => /call-back/.test(b)))).blocking).toEqual(['closing funds not received']);

    // Instead of closing, the parties settle a dispute outside the contract: two different staff release the money to the buyer.
    await handle.executeUpdate(approveReleaseUpdate, { args: [{ ...asStaff, to: 'buyer', reason: 'mutual release signed' }] });
    await expect(handle.executeUpdate(approveReleaseUpdate, { args: [{ ...asStaff, to: 'buyer', reason: 'again' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/different staff/) } });
    await expect(handle.executeUpdate(terminateUpdate, { args: [{ ...asStaff, reason: 'alone' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/two staff approvals/) } });
    await handle.executeUpdate(approveReleaseUpdate, { args: [{ by: randomUUID(), as: 'staff', to: 'buyer', reason: 'mutual release signed' }] });
    const done = await handle.result();
    expect(done).toMatchObject({ stage: 'terminated', escrow: { disposition: 'refunded' } });
    expect(world.disbursed).toEqual([{ purchaseId: i.purchaseId, to: 'buyer', amountMinor: 500_000 }]);
  });
});

test.each(['inspection', 'appraisal', 'financing'] as const)('the %s contingency failing in time ends the contract and refunds the earnest money; the listing is active again', async (kind) => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const i = await input(listingId, propertyId);
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    await handle.executeUpdate(depositEarnestMoneyUpdate, { args: [{ ...asBuyer(i), paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } }] });
    await handle.executeUpdate(contingencyUpdate, { args: [{ ...(kind === 'financing' ? asStaff : asBuyer(i)), kind, action: 'fail', note: `${kind} failed` }] });
    const done = await handle.result();
    expect(done).toMatchObject({ stage: 'terminated', escrow: { disposition: 'refunded' }, outcome: { reason: `the ${kind} contingency failed: ${kind} failed` } });
    expect(world.disbursed).toEqual([{ purchaseId: i.purchaseId, to: 'buyer', amountMinor: 500_000 }]);
    expect(world.listingStatus.get(listingId)).toBe('active');
  });
});

test('a contract that says a missed deadline fails the contingency: the inspection period runs out undecided, the contract ends by its timer and the earnest money is refunded', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const i = await input(listingId, propertyId, person('Bo Buyer'), await offer({ onMissedDeadline: 'failed' }));
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    await handle.executeUpdate(depositEarnestMoneyUpdate, { args: [{ ...asBuyer(i), paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } }] });
    const done = await handle.result(); // nobody decides: time skips to the end of the inspection period
    const inspection = done.contingencies.find((c) => c.kind === 'inspection')!;
    expect(inspection).toMatchObject({ status: 'failed', decidedBy: 'deadline' });
    expect(done.outcome!.reason).toBe(`the inspection contingency failed at its deadline ${inspection.deadline}`);
    // Reminded two days before, once.
    expect(world.mails.filter((m) => m.template === 'purchase_deadline_reminder')).toEqual([
      { template: 'purchase_deadline_reminder', data: expect.objectContaining({ what: 'the inspection contingency', deadline: inspection.deadline }) },
    ]);
    expect(world.disbursed).toEqual([{ purchaseId: i.purchaseId, to: 'buyer', amountMinor: 500_000 }]);
  });
});

test('earnest money not received by its due date (business days from acceptance) voids the contract: nothing to refund, the listing active again', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  const i = await input(listingId, propertyId);
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    const done = await handle.result();
    expect(done.stage).toBe('terminated');
    expect(done.outcome).toEqual({ reason: `the earnest money was not received by ${done.escrow.dueOn}: the contract is void`, by: 'deadline', compensations: ['listing back to active'] });
    expect(done.remindersSent).toContain('earnest_money');
    expect(world.disbursed).toEqual([]);
    expect(world.listingStatus.get(listingId)).toBe('active');
  });
});

test('a lis pendens recorded against the property blocks closing until its release is recorded', async () => {
  const world = fakeWorld();
  const [listingId, propertyId] = [randomUUID(), randomUUID()];
  world.records.set(propertyId, [
    { kind: 'deed', instrument: 'STOR-2015-000101', recordedOn: '2015-03-02', grantors: ['Earlier Owner'], grantees: ['Ada Seller'], considerationMinor: 17_000_000 },
    { kind: 'encumbrance', instrument: 'STOR-2024-000555', recordedOn: '2024-05-01', type: 'lis_pendens', description: 'Boundary suit, Story County case 24-1187', blocksTransfer: true },
  ]);
  const i = await input(listingId, propertyId, person('Bo Buyer'), await offer({ financing: { type: 'cash', downPaymentMinor: 21_500_000 }, contingencies: [], closingDate: await today() }));
  await withWorker(world, async (taskQueue) => {
    const handle = await startAccepted(world, taskQueue, i);
    await until(handle, 'the contract drawn up', (s) => s.closing.documents.length > 0);
    await clearToClose(handle, i);
    const blocked = await until(handle, 'blocked on title', (s) => s.blocking.length === 1);
    expect(blocked.blocking[0]).toMatch(/^title: .*STOR-2024-000555/);
    expect(blocked.stage).toBe('under_contract');
    world.records.get(propertyId)!.push({ kind: 'release', instrument: 'STOR-2026-000001', recordedOn: await today(), releases: 'STOR-2024-000555' });
    await handle.signal(titleRecordedSignal);
    const cleared = await until(handle, 'clear to close', (s) => s.stage === 'closing');
    expect(cleared.title!.requirements.find((r) => r.id === 'cure:STOR-2024-000555')!.satisfiedBy).toMatchObject({ type: 'recorded_release', ref: 'STOR-2026-000001' });
    await handle.executeUpdate(terminateUpdate, { args: [{ ...asBuyer(i), reason: 'test over' }] }).catch(() => undefined);
    await handle.result();
  });
});

/** Every signer signs the closing envelope. */
async function signAll(envelopeId: string, signers: { userId: string }[]) {
  const envelope = env.client.workflow.getHandle(envelopeWorkflowId(envelopeId));
  const signing = await untilEnvelope(envelope);
  const at = new Date(await env.currentTimeMs()).toISOString();
  for (const signer of signers) {
    await envelope.executeUpdate(signEnvelopeUpdate, { args: [{ userId: signer.userId, signedAt: at, ip: '203.0.113.9', userAgent: 'test', documents: signing.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })) }] });
  }
}

/** The closing envelope once it has asked its signers (the purchase names it just before starting it). */
async function untilEnvelope(envelope: WorkflowHandle) {
  for (let i = 0; i < 600; i++) {
    const state = await envelope.query(envelopeStateQuery).catch(() => undefined);
    if (state?.signers.every((s) => s.status === 'to_sign')) return state;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the closing envelope never asked its signers');
}

/** With RECORD_HISTORIES=1, writes the run's history to test/fixtures/histories for the replay test. */
async function recordHistory(handle: WorkflowHandle<PurchaseWorkflow>, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
