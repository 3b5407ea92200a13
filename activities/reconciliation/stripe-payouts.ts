/**
 * Stripe payouts against the ledger (domain/payout-reconciliation.ts): the
 * payouts that arrived in a window, each with its balance transactions
 * (sources expanded, so a refund or dispute names its payment intent), and
 * the cash postings of card payments, read from Postgres.
 *
 * A card payment's postings are found through its payments row: the
 * `payment_received` posted when it succeeded has the key `payment:<the
 * payment's key>` (activities/payments/card-charges.ts), its reversal
 * (dispute, bank return, dashboard refund) the key `reversal:<payment id>`
 * (activities/stripe-events/). Payments recorded by hand have no intent and
 * are not Stripe's.
 *
 * Real Stripe only (see isRealStripe): localstripe has no payouts. No worker
 * runs this yet; scripts/reconcile-payouts.ts does, by hand.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type Stripe from 'stripe';
import type { Config } from '../../lib/config';
import {
  claimOf,
  matchPayout,
  payoutWindow,
  postingsForPayouts,
  type CashPosting,
  type PayoutReconciliation,
  type PayoutWithTransactions,
} from '../../domain/payout-reconciliation';

/** Whether the configured Stripe is the real API (localstripe, embedded or in compose, has no payouts). */
export function isRealStripe(config: Pick<Config, 'stripe'>): boolean {
  return !config.stripe.embedded && config.stripe.host === 'api.stripe.com';
}

const POSTING_COLUMNS = `t.id::text as transaction_id, t.kind, t.amount_minor, trim(t.currency) as currency, t.occurred_on::text as occurred_on,
       t.reference, p.stripe_payment_intent_id as payment_intent_id`;
const WHERE = `p.stripe_payment_intent_id is not null and (p.stripe_payment_intent_id = any($1::text[]) or t.occurred_on between $2::date and $3::date)`;

/** Card payments' cash postings: of these payment intents, or dated in the window. */
const CASH_POSTINGS = `
  select ${POSTING_COLUMNS}
    from ledger_transactions t join payments p on t.idempotency_key = 'payment:' || p.idempotency_key
   where t.kind = 'payment_received' and ${WHERE}
  union all
  select ${POSTING_COLUMNS}
    from ledger_transactions t join payments p on t.idempotency_key = 'reversal:' || p.id::text
   where t.kind = 'payment_reversed' and ${WHERE}`;

interface PostingRow {
  transaction_id: string;
  kind: CashPosting['kind'];
  amount_minor: number;
  currency: string;
  occurred_on: string;
  reference: string | null;
  payment_intent_id: string;
}

async function cashPostings(db: Sequelize, payouts: readonly PayoutWithTransactions[]): Promise<CashPosting[]> {
  const intents = new Set<string>();
  const days: string[] = [];
  for (const { payout, balanceTransactions } of payouts) {
    for (const bt of balanceTransactions) {
      const claim = claimOf(bt);
      if (!('reason' in claim) && claim.paymentIntentId) intents.add(claim.paymentIntentId);
    }
    const window = payoutWindow(payout, balanceTransactions);
    if (window) days.push(window.from, window.to);
  }
  days.sort();
  const rows = await db.query<PostingRow>(CASH_POSTINGS, {
    bind: [[...intents], days[0] ?? null, days[days.length - 1] ?? null],
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => ({
    transactionId: r.transaction_id,
    kind: r.kind,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    occurredOn: r.occurred_on,
    paymentIntentId: r.payment_intent_id,
    chargeId: null,
    reference: r.reference,
  }));
}

/** YYYY-MM-DD → Unix seconds at the start of that UTC day (Date.parse alone takes 2025-02-30 for March 2nd). */
function unixDay(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return ms / 1000;
}

/**
 * Reconciles each payout arriving from `arrivalFrom` to `arrivalTo` (UTC
 * days, inclusive). Only payouts Stripe has reconciled are listed: a manual
 * payout's transactions are not known to Stripe (`not_applicable`), and one
 * still `in_progress` would look incomplete (run again later).
 */
export async function reconcileStripePayouts({
  db,
  stripe,
  arrivalFrom,
  arrivalTo,
}: {
  db: Sequelize;
  stripe: Stripe;
  arrivalFrom: string;
  arrivalTo: string;
}): Promise<PayoutReconciliation[]> {
  const payouts: PayoutWithTransactions[] = [];
  for await (const payout of stripe.payouts.list({ arrival_date: { gte: unixDay(arrivalFrom), lte: unixDay(arrivalTo) + 86_399 }, limit: 100 })) {
    if (payout.reconciliation_status !== 'completed') continue;
    const balanceTransactions: Stripe.BalanceTransaction[] = [];
    for await (const bt of stripe.balanceTransactions.list({ payout: payout.id, expand: ['data.source'], limit: 100 })) balanceTransactions.push(bt);
    payouts.push({ payout, balanceTransactions });
  }
  if (!payouts.length) return [];
  const byPayout = postingsForPayouts(payouts, await cashPostings(db, payouts));
  return payouts.map((p) => matchPayout({ ...p, postings: byPayout.get(p.payout.id) ?? [] }));
}
