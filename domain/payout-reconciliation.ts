/**
 * Stripe payouts against the platform's cash postings. Stripe pays its
 * balance out to the bank in payouts, each made of balance transactions
 * (charges, refunds, dispute adjustments, Stripe's own fees) whose nets add
 * up to the payout. Every charge should have its `payment_received` posting
 * (posted when its payment intent succeeded, activities/payments/) and every
 * refund, bank return or dispute its `payment_reversed`
 * (activities/stripe-events/); they are found through the payment intent of
 * the charge a balance transaction comes from. Pure: the activity
 * (activities/reconciliation/stripe-payouts.ts) reads Stripe and the ledger,
 * this compares them, in whole minor units.
 *
 * Stripe's objects are typed in their documented JSON shape
 * (docs.stripe.com/api/balance_transactions/object, /api/payouts/object),
 * only the fields used, so the SDK's objects and plain JSON both fit.
 */

type Expandable = string | { id: string } | null | undefined;

/** A balance transaction's source when expanded: a charge, refund or dispute (other objects carry neither link). */
export interface StripeSourceObject {
  id: string;
  object: string;
  /** The payment intent of a charge, a refund or a dispute. */
  payment_intent?: Expandable;
  /** The charge a refund or dispute is of. */
  charge?: Expandable;
}

export interface StripeBalanceTransaction {
  id: string;
  /** Gross: positive is money in (a charge), negative money out (a refund, a dispute). */
  amount: number;
  fee: number;
  /** amount − fee. */
  net: number;
  /** Lower case, as Stripe writes it ('usd'). */
  currency: string;
  type: string;
  /** The id ('ch_…', 're_…', 'dp_…') or, with `expand: ['data.source']`, the object. */
  source: string | StripeSourceObject | null;
  /** Unix seconds. */
  created: number;
}

export interface StripePayout {
  id: string;
  /** What reached the bank; the nets of its balance transactions add up to it. */
  amount: number;
  currency: string;
  arrival_date: number;
  status: string;
  /** The payout's own balance transaction (type `payout`), which is not one of its movements. */
  balance_transaction: Expandable;
}

/** A ledger transaction that moved cash through Stripe, with the payment intent of its payment. */
export interface CashPosting {
  transactionId: string;
  kind: 'payment_received' | 'payment_reversed';
  amountMinor: number;
  /** ISO, upper case ('USD'). */
  currency: string;
  occurredOn: string;
  paymentIntentId: string | null;
  chargeId?: string | null;
  reference: string | null;
}

export interface PayoutMatchInput {
  payout: StripePayout;
  balanceTransactions: readonly StripeBalanceTransaction[];
  postings: readonly CashPosting[];
  /** Charge id → payment intent id, for sources whose object does not carry the payment intent (or is not expanded). */
  chargePaymentIntents?: Readonly<Record<string, string>>;
}

export interface PayoutReconciliation {
  payoutId: string;
  payoutAmountMinor: number;
  /** ISO, upper case. */
  currency: string;
  matched: { balanceTransactionId: string; transactionId: string; amountMinor: number; feeMinor: number }[];
  /** Stripe's fees: each balance transaction's `fee` and Stripe's own fee transactions. A cost, not a mismatch. */
  fees: { balanceTransactionId: string; type: string; feeMinor: number }[];
  unmatchedBalanceTransactions: { id: string; type: string; amountMinor: number; reason: string }[];
  unmatchedPostings: { transactionId: string; amountMinor: number; reason: string }[];
  feesMinor: number;
  /** Amounts of the movements other than Stripe's fee transactions; grossMinor − feesMinor = netMinor. */
  grossMinor: number;
  netMinor: number;
  netEqualsPayout: boolean;
  /** Nets add up to the payout, and every balance transaction and posting is matched. */
  reconciled: boolean;
}

/** Money in from a payer. */
const RECEIPT_TYPES = new Set(['charge', 'payment']);
/** Money back to a payer: refunds, bank returns (ACH) and disputes (an `adjustment` from a dispute). */
const REVERSAL_TYPES = new Set(['refund', 'payment_refund', 'payment_failure_refund', 'adjustment']);
/** Stripe's own charges to us: costs, nobody's payment. */
const FEE_TYPES = new Set(['stripe_fee', 'stripe_fx_fee', 'tax_fee']);

const idOf = (ref: Expandable): string | null => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);
const isDispute = (id: string, object?: string) => object === 'dispute' || id.startsWith('dp_') || id.startsWith('du_');
const sameCurrency = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/** The UTC day of a Stripe timestamp. */
export const stripeDay = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

function whole(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number of minor units, got ${n}`);
  return n;
}

/** What a balance transaction should have on the ledger: a posting kind and the payment it is of. */
export interface PostingClaim {
  kind: CashPosting['kind'];
  paymentIntentId: string | null;
  chargeId: string | null;
}

/** The posting a balance transaction claims, or why it can have none. */
export function claimOf(bt: StripeBalanceTransaction, chargePaymentIntents: Readonly<Record<string, string>> = {}): PostingClaim | { reason: string } {
  const receipt = RECEIPT_TYPES.has(bt.type);
  if (!receipt && !REVERSAL_TYPES.has(bt.type)) return { reason: `type ${bt.type} has no posting on the ledger` };
  const source = bt.source;
  const sourceId = idOf(source);
  const object = typeof source === 'object' && source ? source.object : undefined;
  if (bt.type === 'adjustment' && !(sourceId && isDispute(sourceId, object))) return { reason: 'an adjustment not from a dispute has no posting on the ledger' };
  if (receipt ? bt.amount <= 0 : bt.amount >= 0) {
    // E.g. a dispute won: the money comes back, but the ledger keeps the payment reversed.
    return { reason: `${bt.type} of ${bt.amount} moves money the other way than a ${receipt ? 'payment_received' : 'payment_reversed'} posting` };
  }
  // A charge is its own source ('ch_…', 'py_…'); a refund or dispute points at its charge.
  let chargeId: string | null = null;
  let paymentIntentId: string | null = null;
  if (typeof source === 'object' && source) {
    chargeId = source.object === 'charge' ? source.id : idOf(source.charge);
    paymentIntentId = idOf(source.payment_intent);
  } else if (sourceId && (sourceId.startsWith('ch_') || sourceId.startsWith('py_'))) {
    chargeId = sourceId;
  }
  paymentIntentId ??= chargeId ? (chargePaymentIntents[chargeId] ?? null) : null;
  if (!paymentIntentId && !chargeId) return { reason: `its source ${sourceId ?? '(none)'} names no charge or payment intent (list with expand: ['data.source'])` };
  return { kind: receipt ? 'payment_received' : 'payment_reversed', paymentIntentId, chargeId };
}

const claims = (c: PostingClaim, p: CashPosting) =>
  p.kind === c.kind && ((c.paymentIntentId !== null && p.paymentIntentId === c.paymentIntentId) || (c.chargeId !== null && p.chargeId === c.chargeId));

/** The payout's movements: every balance transaction but the payout's own. */
function movementsOf(payout: StripePayout, balanceTransactions: readonly StripeBalanceTransaction[]) {
  const own = idOf(payout.balance_transaction);
  return balanceTransactions.filter((bt) => bt.type !== 'payout' && bt.id !== own);
}

/** Matches one payout's balance transactions with the postings (those of the payout's window) one to one. */
export function matchPayout({ payout, balanceTransactions, postings, chargePaymentIntents = {} }: PayoutMatchInput): PayoutReconciliation {
  const r: PayoutReconciliation = {
    payoutId: payout.id,
    payoutAmountMinor: whole(payout.amount, `payout ${payout.id}'s amount`),
    currency: payout.currency.toUpperCase(),
    matched: [],
    fees: [],
    unmatchedBalanceTransactions: [],
    unmatchedPostings: [],
    feesMinor: 0,
    grossMinor: 0,
    netMinor: 0,
    netEqualsPayout: false,
    reconciled: false,
  };
  const matchedBy = new Map<string, string>(); // posting → balance transaction
  const problems = new Map<string, string>(); // posting → why the balance transaction claiming it did not match
  const unmatched = (bt: StripeBalanceTransaction, reason: string) => r.unmatchedBalanceTransactions.push({ id: bt.id, type: bt.type, amountMinor: bt.amount, reason });

  for (const bt of movementsOf(payout, balanceTransactions)) {
    r.netMinor += whole(bt.net, `${bt.id}'s net`);
    if (FEE_TYPES.has(bt.type)) {
      // Stripe's fee transactions are negative amounts with no fee of their own: the cost is −net.
      r.fees.push({ balanceTransactionId: bt.id, type: bt.type, feeMinor: -bt.net });
      r.feesMinor -= bt.net;
      continue;
    }
    r.grossMinor += whole(bt.amount, `${bt.id}'s amount`);
    r.feesMinor += whole(bt.fee, `${bt.id}'s fee`);
    if (bt.fee !== 0) r.fees.push({ balanceTransactionId: bt.id, type: bt.type, feeMinor: bt.fee });

    const claim = claimOf(bt, chargePaymentIntents);
    if ('reason' in claim) {
      unmatched(bt, claim.reason);
      continue;
    }
    const expected = claim.kind === 'payment_received' ? bt.amount : -bt.amount;
    const fits = (p: CashPosting) => sameCurrency(p.currency, bt.currency) && p.amountMinor === expected;
    const candidates = postings.filter((p) => claims(claim, p));
    const free = candidates.filter((p) => !matchedBy.has(p.transactionId));
    const posting = free.find(fits) ?? free[0];
    const of = claim.paymentIntentId ? `payment intent ${claim.paymentIntentId}` : `charge ${claim.chargeId}`;
    if (!posting) {
      const taken = candidates[0];
      unmatched(bt, taken ? `its ${claim.kind} posting ${taken.transactionId} is already matched by ${matchedBy.get(taken.transactionId)}` : `no ${claim.kind} posting for ${of}`);
    } else if (!sameCurrency(posting.currency, bt.currency)) {
      unmatched(bt, `currency ${bt.currency} differs from posting ${posting.transactionId}'s ${posting.currency}`);
      problems.set(posting.transactionId, `balance transaction ${bt.id} is in ${bt.currency}, the posting in ${posting.currency}`);
    } else if (posting.amountMinor !== expected) {
      unmatched(bt, `amount ${bt.amount} does not match posting ${posting.transactionId} (${claim.kind} of ${posting.amountMinor})`);
      problems.set(posting.transactionId, `balance transaction ${bt.id} is ${bt.amount}, the ${claim.kind} ${posting.amountMinor}`);
    } else {
      matchedBy.set(posting.transactionId, bt.id);
      problems.delete(posting.transactionId);
      r.matched.push({ balanceTransactionId: bt.id, transactionId: posting.transactionId, amountMinor: bt.amount, feeMinor: bt.fee });
    }
  }

  const seen = new Set<string>();
  for (const p of postings) {
    if (matchedBy.has(p.transactionId) || seen.has(p.transactionId)) continue;
    seen.add(p.transactionId);
    r.unmatchedPostings.push({ transactionId: p.transactionId, amountMinor: p.amountMinor, reason: problems.get(p.transactionId) ?? `no balance transaction in payout ${payout.id}` });
  }
  r.netEqualsPayout = r.netMinor === r.payoutAmountMinor;
  r.reconciled = r.netEqualsPayout && r.unmatchedBalanceTransactions.length === 0 && r.unmatchedPostings.length === 0;
  return r;
}

/** The UTC days a payout's movements were made on (null when it has none): the ledger window it is compared with. */
export function payoutWindow(payout: StripePayout, balanceTransactions: readonly StripeBalanceTransaction[]): { from: string; to: string } | null {
  const days = movementsOf(payout, balanceTransactions).map((bt) => stripeDay(bt.created)).sort();
  return days.length ? { from: days[0]!, to: days[days.length - 1]! } : null;
}

export interface PayoutWithTransactions {
  payout: StripePayout;
  balanceTransactions: readonly StripeBalanceTransaction[];
}

/**
 * The postings each payout is compared with: those its balance transactions
 * claim (by kind and payment intent, whenever dated), and the postings no
 * payout here claims that are dated within its window — the
 * earliest-arriving payout's where windows overlap, so an unclaimed posting
 * is reported once. A posting claimed by a payout outside the list and dated
 * in a window is reported too: run over enough payouts.
 */
export function postingsForPayouts(
  payouts: readonly PayoutWithTransactions[],
  postings: readonly CashPosting[],
  chargePaymentIntents: Readonly<Record<string, string>> = {},
): Map<string, CashPosting[]> {
  const byPayout = new Map<string, CashPosting[]>(payouts.map((p) => [p.payout.id, []]));
  const claimsOf = new Map(
    payouts.map((p) => [
      p.payout.id,
      movementsOf(p.payout, p.balanceTransactions)
        .map((bt) => claimOf(bt, chargePaymentIntents))
        .filter((c): c is PostingClaim => !('reason' in c)),
    ]),
  );
  const byArrival = [...payouts].sort((a, b) => a.payout.arrival_date - b.payout.arrival_date || (a.payout.id < b.payout.id ? -1 : 1));
  const windows = byArrival.map((p) => ({ id: p.payout.id, window: payoutWindow(p.payout, p.balanceTransactions) }));
  for (const posting of postings) {
    const claimedBy = payouts.filter((p) => claimsOf.get(p.payout.id)!.some((c) => claims(c, posting)));
    if (claimedBy.length) {
      for (const p of claimedBy) byPayout.get(p.payout.id)!.push(posting);
      continue;
    }
    const home = windows.find((w) => w.window && w.window.from <= posting.occurredOn && posting.occurredOn <= w.window.to);
    if (home) byPayout.get(home.id)!.push(posting);
  }
  return byPayout;
}
