/**
 * Stripe webhooks on the real services: signatures checked (missing, wrong,
 * stale → 400), each event processed once, and a dispute on a rent payment
 * that had succeeded reverses it in the ledger, reopens what it paid and
 * charges the lease's returned-payment fee.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import Stripe from 'stripe';
import { createRentCollection } from '../../activities/lease/rent-collection';
import { createRentPeriods } from '../../activities/lease/rent-periods';
import { createCardCharges } from '../../activities/payments/card-charges';
import { stripeEventWorkflowId } from '../../contracts/stripe-events';
import { leaseBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { leaseBook } from '../../domain/ledger';
import { createStripe } from '../../lib/stripe';
import { createHarness, type Harness } from '../support/harness';
import { savedCard } from '../support/stripe';
import { leaseDeps, startLeaseWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let leaseWorkers: RunningWorkers;
const signer = new Stripe('sk_test_signature_helper');

beforeAll(async () => {
  h = await createHarness('webhooks');
  leaseWorkers = await startLeaseWorkers(h);
});

afterAll(async () => {
  await leaseWorkers?.stop();
  await h?.close();
});

const cards = () => createCardCharges(leaseDeps(h));
/** A lease's rent periods, billed and collected as the rent run does. */
const rentPeriods = () => createRentPeriods(h.db, createRentCollection(h.db, cards()));

function post(payload: string, signature?: string) {
  return h.request('/v1/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    body: payload,
  });
}

function signed(event: object, opts: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = signer.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? h.config.stripe.webhookSecret,
    timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { payload, header };
}

const event = (type: string, object: object) => ({
  id: `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
  object: 'event',
  type,
  created: Math.floor(Date.now() / 1000),
  data: { object },
  api_version: '2024-06-20',
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
});

test('a missing, wrong or stale signature is refused with 400 problem+json; nothing is processed', async () => {
  const e = event('charge.dispute.created', { id: 'dp_1', object: 'dispute', payment_intent: 'pi_x', amount: 100 });
  const none = await post(JSON.stringify(e));
  expect(none.status).toBe(400);
  expect(none.headers.get('content-type')).toContain('application/problem+json');
  expect(await none.json()).toMatchObject({ type: expect.stringContaining('bad-signature'), detail: expect.stringMatching(/missing/) });

  const wrong = signed(e, { secret: 'whsec_not_ours' });
  expect((await post(wrong.payload, wrong.header)).status).toBe(400);

  const stale = signed(e, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  const staleRes = await post(stale.payload, stale.header);
  expect(staleRes.status).toBe(400);
  expect((await staleRes.json()).detail).toMatch(/tolerance|timestamp/i);

  // The body changed after signing.
  const tampered = signed(e);
  expect((await post(tampered.payload.replace('"amount":100', '"amount":1'), tampered.header)).status).toBe(400);

  const [row] = await h.db.query<{ n: string }>('select count(*) as n from stripe_events', { type: QueryTypes.SELECT });
  expect(Number(row!.n)).toBe(0);
});

test('a dispute on a paid rent reverses it once: ledger reversed, rent open again, returned-payment fee charged', async () => {
  // A lease whose rent was charged and paid through localstripe.
  const leaseId = randomUUID();
  const pm = await savedCard(createStripe(h.config));
  const terms = { lateFeePolicy: { graceDays: 5, oneTime: { type: 'flat', amountMinor: 5_000 }, dailyMinor: 0, capMinor: null, returnedPaymentFeeMinor: 3_500 } };
  await h.db.query(
    `insert into leases (id, status, terms, tenant_ids, workflow_id, created_at, updated_at) values ($1, 'active', $2::jsonb, '{}', $3, now(), now())`,
    { bind: [leaseId, JSON.stringify(terms), `lease-${leaseId}`] },
  );
  const periods = rentPeriods();
  await periods.schedule(leaseId, 'USD', pm, [{ index: 1, from: '2031-06-01', to: '2031-06-30', dueOn: '2031-06-01', amountMinor: 180_000, prorated: false }]);
  expect(await periods.collect(leaseId, 1, '2031-06-01')).toMatchObject({ status: 'succeeded', amountMinor: 180_000 });
  const [payment] = await h.db.query<{ id: string; stripe_payment_intent_id: string }>(
    `select id, stripe_payment_intent_id from payments where lease_id = $1`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  expect((await leaseBalances(h.db, leaseId)).tenant_receivable).toBe(0);

  const dispute = event('charge.dispute.created', {
    id: 'dp_test',
    object: 'dispute',
    amount: 180_000,
    currency: 'usd',
    payment_intent: payment!.stripe_payment_intent_id,
    reason: 'fraudulent',
  });
  const { payload, header } = signed(dispute);
  const res = await post(payload, header);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ received: true, duplicate: false, workflowId: stripeEventWorkflowId(dispute.id) });
  const result = await h.client.workflow.getHandle(stripeEventWorkflowId(dispute.id)).result();
  expect(result).toMatchObject({ leaseId, reversal: { paymentId: payment!.id, periodIndex: 1, amountMinor: 180_000, feeMinor: 3_500, reason: 'returned' } });

  // Stripe delivers again: received, not processed twice.
  const again = await post(payload, header);
  expect(await again.json()).toMatchObject({ duplicate: true });

  const [state] = await h.db.query<{ status: string }>('select status from payments where id = $1', { bind: [payment!.id], type: QueryTypes.SELECT });
  expect(state!.status).toBe('returned');
  const charges = await h.db.query<{ kind: string; open_minor: string }>(
    'select kind, open_minor from lease_charges where lease_id = $1 order by kind',
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  expect(charges.map((c) => [c.kind, Number(c.open_minor)])).toEqual([
    ['rent', 180_000],
    ['returned_payment_fee', 3_500],
  ]);
  const balances = await leaseBalances(h.db, leaseId);
  expect(balances.tenant_receivable).toBe(180_000 + 3_500); // invoices − payments + fees
  expect(balances.cash).toBe(0);
  expect(balances.fee_income).toBe(3_500);
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
  const [events] = await h.db.query<{ n: string }>('select count(*) as n from stripe_events where id = $1', { bind: [dispute.id], type: QueryTypes.SELECT });
  expect(Number(events!.n)).toBe(1);
});

test('an event about a payment that is not ours is recorded and changes nothing', async () => {
  const e = event('charge.refunded', { id: 'ch_x', object: 'charge', payment_intent: 'pi_not_ours', amount_refunded: 500 });
  const { payload, header } = signed(e);
  expect((await post(payload, header)).status).toBe(200);
  const result = await h.client.workflow.getHandle(stripeEventWorkflowId(e.id)).result();
  expect(result).toMatchObject({ leaseId: null, reversal: null, note: expect.stringMatching(/no payment of ours/) });
});

test('a dispute on the deposit: the deposit is no longer held, nothing more is owed, and the lease is not asked to collect', async () => {
  const leaseId = randomUUID();
  const pm = await savedCard(createStripe(h.config));
  await h.db.query(`insert into leases (id, status, tenant_ids, workflow_id, created_at, updated_at) values ($1, 'active', '{}', $2, now(), now())`, {
    bind: [leaseId, `lease-${leaseId}`],
  });
  const deposit = await cards().chargeCard({
    idempotencyKey: `deposit:${leaseId}`,
    leaseId,
    reference: 'Security deposit',
    amountMinor: 200_000,
    currency: 'USD',
    ...pm,
    occurredOn: '2031-06-01',
    postAs: 'deposit_received',
  });
  expect((await leaseBalances(h.db, leaseId)).deposits_held).toBe(200_000);
  const dispute = event('charge.dispute.created', { id: 'dp_dep', object: 'dispute', amount: 200_000, payment_intent: deposit.paymentIntentId });
  const { payload, header } = signed(dispute);
  expect((await post(payload, header)).status).toBe(200);
  const result = await h.client.workflow.getHandle(stripeEventWorkflowId(dispute.id)).result();
  expect(result).toMatchObject({ leaseId, reversal: null, signalled: false, note: expect.stringMatching(/deposit payment .* returned/) });
  const balances = await leaseBalances(h.db, leaseId);
  expect(balances).toMatchObject({ deposits_held: 0, cash: 0, tenant_receivable: 0 });
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
});

test('a partial refund is recorded for staff and leaves the books as they were', async () => {
  const leaseId = randomUUID();
  const pm = await savedCard(createStripe(h.config));
  await h.db.query(`insert into leases (id, status, tenant_ids, workflow_id, created_at, updated_at) values ($1, 'active', '{}', $2, now(), now())`, {
    bind: [leaseId, `lease-${leaseId}`],
  });
  const periods = rentPeriods();
  await periods.schedule(leaseId, 'USD', pm, [{ index: 1, from: '2031-06-01', to: '2031-06-30', dueOn: '2031-06-01', amountMinor: 90_000, prorated: false }]);
  await periods.collect(leaseId, 1, '2031-06-01');
  const [payment] = await h.db.query<{ stripe_payment_intent_id: string }>('select stripe_payment_intent_id from payments where lease_id = $1', {
    bind: [leaseId],
    type: QueryTypes.SELECT,
  });
  const refund = event('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: payment!.stripe_payment_intent_id, amount_refunded: 10_000 });
  const { payload, header } = signed(refund);
  expect((await post(payload, header)).status).toBe(200);
  expect(await h.client.workflow.getHandle(stripeEventWorkflowId(refund.id)).result()).toMatchObject({ reversal: null, note: expect.stringMatching(/partial refund of 10000 of 90000/) });
  expect((await leaseBalances(h.db, leaseId)).tenant_receivable).toBe(0);
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
});
