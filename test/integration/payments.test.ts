/**
 * Card charges against localstripe (a stateful fake Stripe): a charge
 * happens once per key even when the activity runs again, including after a
 * crash between creating the PaymentIntent and confirming it; declines are
 * outcomes with a soft/hard classification; successes post to the ledger once.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import type Stripe from 'stripe';
import { createCardCharges, type CardCharge, type ChargeOutcome } from '../../activities/payments/card-charges';
import { createSequelize } from '../../lib/db';
import { leaseBalances } from '../../lib/ledger';
import { createStripe } from '../../lib/stripe';
import { paymentIntentsWhere, savedCard } from '../support/stripe';
import { createTestDatabase } from '../support/harness';

let db: Sequelize;
let drop: () => Promise<unknown>;
let stripe: Stripe;
let activities: ReturnType<typeof createCardCharges>;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  const t = await createTestDatabase('payments');
  drop = t.drop;
  db = createSequelize(t.config, { poolMax: 3 });
  stripe = createStripe(t.config);
  activities = createCardCharges({ db, stripe, offSessionConfirm: !t.config.stripe.embedded });
});

afterAll(async () => {
  await db?.close();
  await drop?.();
});

const customerWithCard = (number: string) => savedCard(stripe, number);

function charge(card: { customerId: string; paymentMethodId: string }, extra: Partial<CardCharge> = {}): CardCharge & { leaseId: string } {
  return {
    idempotencyKey: `rent:${randomUUID()}:attempt:1`,
    leaseId: randomUUID(),
    reference: 'Rent 2026-01',
    amountMinor: 150_000,
    currency: 'USD',
    occurredOn: '2026-01-01',
    ...card,
    ...extra,
  } as CardCharge & { leaseId: string };
}

/** PaymentIntents localstripe holds for a charge key. */
const intentsFor = (key: string) => paymentIntentsWhere(stripe, (pi) => pi.metadata.paymentKey === key);

test('a successful charge is recorded, posted to the ledger, and a second run charges nothing more', async () => {
  const c = charge(await customerWithCard('4242424242424242'));
  const first = (await env.run(activities.chargeCard, c)) as ChargeOutcome;
  expect(first.status).toBe('succeeded');
  const again = await env.run(activities.chargeCard, c);
  expect(again).toEqual(first);

  const intents = await intentsFor(c.idempotencyKey);
  expect(intents.map((pi) => [pi.id, pi.status, pi.amount])).toEqual([[first.paymentIntentId, 'succeeded', 150_000]]);
  const balances = await leaseBalances(db, c.leaseId);
  expect(balances.cash).toBe(150_000);
  expect(balances.tenant_receivable).toBe(-150_000); // paid ahead of any rent charge: a credit
  const [row] = await db.query<{ status: string }>('select status from payments where idempotency_key = $1', {
    bind: [c.idempotencyKey],
    type: QueryTypes.SELECT,
  });
  expect(row!.status).toBe('succeeded');
});

test('after a crash between creating and confirming the intent, the retry confirms that same intent', async () => {
  const c = charge(await customerWithCard('4242424242424242'));
  // What the first attempt left behind: a recorded, unconfirmed PaymentIntent.
  const orphan = await stripe.paymentIntents.create({
    amount: c.amountMinor,
    currency: 'usd',
    customer: c.customerId,
    payment_method: c.paymentMethodId,
    metadata: { paymentKey: c.idempotencyKey },
  });
  await db.query(
    `insert into payments (id, idempotency_key, lease_id, reference, method, amount_minor, currency, status, stripe_payment_intent_id, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, 'card', $4, 'USD', 'pending', $5, now(), now())`,
    { bind: [c.idempotencyKey, c.leaseId, c.reference, c.amountMinor, orphan.id] },
  );
  const outcome = await env.run(activities.chargeCard, c);
  expect(outcome).toMatchObject({ status: 'succeeded', paymentIntentId: orphan.id });
  expect((await intentsFor(c.idempotencyKey)).map((pi) => pi.id)).toEqual([orphan.id]);
  expect((await leaseBalances(db, c.leaseId)).cash).toBe(c.amountMinor);
});

test('a declined card is a failed payment with a soft decline, and nothing reaches the ledger', async () => {
  const c = charge(await customerWithCard('4000000000000341'));
  const outcome = (await env.run(activities.chargeCard, c)) as ChargeOutcome;
  expect(outcome).toMatchObject({ status: 'failed', declineKind: 'soft', code: 'card_declined' });
  // Running the same attempt again reads the outcome; it does not charge again.
  expect(await env.run(activities.chargeCard, c)).toMatchObject({ status: 'failed', paymentIntentId: outcome.paymentIntentId });
  expect(await intentsFor(c.idempotencyKey)).toHaveLength(1);
  expect((await leaseBalances(db, c.leaseId)).cash).toBe(0);
});

test('concurrent runs of one charge confirm at most one intent', async () => {
  const c = charge(await customerWithCard('4242424242424242'));
  const outcomes = await Promise.allSettled([1, 2, 3].map(() => env.run(activities.chargeCard, c) as Promise<ChargeOutcome>));
  const succeeded = outcomes.filter((o) => o.status === 'fulfilled' && o.value.status === 'succeeded');
  expect(succeeded.length).toBeGreaterThanOrEqual(1);
  const confirmed = (await intentsFor(c.idempotencyKey)).filter((pi) => pi.status === 'succeeded');
  expect(confirmed).toHaveLength(1);
  expect((await leaseBalances(db, c.leaseId)).cash).toBe(c.amountMinor);
});

test('a key reused for a different amount is refused without charging', async () => {
  const card = await customerWithCard('4242424242424242');
  const c = charge(card);
  await env.run(activities.chargeCard, c);
  await expect(env.run(activities.chargeCard, { ...c, amountMinor: c.amountMinor + 1 })).rejects.toMatchObject({
    type: 'PaymentKeyReused',
  });
  expect(await intentsFor(c.idempotencyKey)).toHaveLength(1);
});
