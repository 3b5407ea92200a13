import { claimOf, matchPayout, payoutWindow, postingsForPayouts, type CashPosting } from '../../domain/payout-reconciliation';

/**
 * One automatic payout in Stripe's documented JSON shape (api/payouts/object,
 * api/balance_transactions/object, listed with expand: ['data.source']):
 * three rent charges, a dashboard refund of an earlier payment, a dispute on
 * another, a Stripe fee, and the payout's own balance transaction.
 */
const at = (iso: string) => Date.parse(iso) / 1000;
const PAYOUT_ID = 'po_1RbQx2LkdIwHu7ixK3yT8mPq';

function cardFee(amount: number, currency = 'usd') {
  return [{ amount, application: null, currency, description: 'Stripe processing fees', type: 'stripe_fee' }];
}

function chargeTxn(n: number, amount: number, fee: number, created: string, currency = 'usd') {
  return {
    id: `txn_3RbPch${n}LkdIwHu7ix0Bal`,
    object: 'balance_transaction',
    amount,
    available_on: at(created) + 2 * 86_400,
    balance_type: 'payments',
    created: at(created),
    currency,
    description: `Rent, period ${n}`,
    exchange_rate: null,
    fee,
    fee_details: cardFee(fee, currency),
    net: amount - fee,
    reporting_category: 'charge',
    source: {
      id: `ch_3RbPch${n}LkdIwHu7ix1Chg`,
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      balance_transaction: `txn_3RbPch${n}LkdIwHu7ix0Bal`,
      captured: true,
      currency,
      customer: `cus_R1tenant${n}`,
      paid: true,
      payment_intent: `pi_3RbPch${n}LkdIwHu7ix2Int`,
      payment_method: `pm_1Card${n}`,
      status: 'succeeded',
    },
    status: 'available',
    type: 'charge',
  };
}

const refundTxn = {
  id: 'txn_3RbRfdLkdIwHu7ix0Bal',
  object: 'balance_transaction',
  amount: -95_000,
  available_on: at('2025-06-04T15:12:00Z'),
  balance_type: 'payments',
  created: at('2025-06-04T15:12:00Z'),
  currency: 'usd',
  description: 'REFUND FOR CHARGE (Rent, period 4)',
  exchange_rate: null,
  fee: 0,
  fee_details: [],
  net: -95_000,
  reporting_category: 'refund',
  source: {
    id: 're_3RbPch4LkdIwHu7ix3Rfd',
    object: 'refund',
    amount: 95_000,
    balance_transaction: 'txn_3RbRfdLkdIwHu7ix0Bal',
    charge: 'ch_3RbPch4LkdIwHu7ix1Chg',
    currency: 'usd',
    payment_intent: 'pi_3RbPch4LkdIwHu7ix2Int',
    reason: 'requested_by_customer',
    status: 'succeeded',
  },
  status: 'available',
  type: 'refund',
};

const disputeTxn = {
  id: 'txn_1RbDspLkdIwHu7ix0Bal',
  object: 'balance_transaction',
  amount: -120_000,
  available_on: at('2025-06-04T18:40:00Z'),
  balance_type: 'payments',
  created: at('2025-06-04T18:40:00Z'),
  currency: 'usd',
  description: 'Chargeback withdrawal for ch_3RbPch5LkdIwHu7ix1Chg',
  exchange_rate: null,
  fee: 1_500,
  fee_details: [{ amount: 1_500, application: null, currency: 'usd', description: 'Dispute fee', type: 'stripe_fee' }],
  net: -121_500,
  reporting_category: 'dispute',
  source: {
    id: 'dp_1RbDspLkdIwHu7ixDsp5',
    object: 'dispute',
    amount: 120_000,
    balance_transactions: [],
    charge: 'ch_3RbPch5LkdIwHu7ix1Chg',
    currency: 'usd',
    payment_intent: 'pi_3RbPch5LkdIwHu7ix2Int',
    reason: 'fraudulent',
    status: 'needs_response',
  },
  status: 'available',
  type: 'adjustment',
};

const stripeFeeTxn = {
  id: 'txn_1RbFeeLkdIwHu7ix0Bal',
  object: 'balance_transaction',
  amount: -250,
  available_on: at('2025-06-05T00:00:00Z'),
  balance_type: 'payments',
  created: at('2025-06-04T23:59:00Z'),
  currency: 'usd',
  description: 'Radar for Fraud Teams (2025-06-04)',
  exchange_rate: null,
  fee: 0,
  fee_details: [],
  net: -250,
  reporting_category: 'fee',
  source: null,
  status: 'available',
  type: 'stripe_fee',
};

// 179,605 + 138,337 + 203,880 − 95,000 − 121,500 − 250 = 305,072
const PAYOUT_AMOUNT = 305_072;

const payoutTxn = {
  id: 'txn_1RbPoutLkdIwHu7ix0Bal',
  object: 'balance_transaction',
  amount: -PAYOUT_AMOUNT,
  available_on: at('2025-06-06T00:00:00Z'),
  balance_type: 'payments',
  created: at('2025-06-05T02:00:00Z'),
  currency: 'usd',
  description: 'STRIPE PAYOUT',
  exchange_rate: null,
  fee: 0,
  fee_details: [],
  net: -PAYOUT_AMOUNT,
  reporting_category: 'payout',
  source: PAYOUT_ID,
  status: 'available',
  type: 'payout',
};

const payout = {
  id: PAYOUT_ID,
  object: 'payout',
  amount: PAYOUT_AMOUNT,
  application_fee: null,
  application_fee_amount: null,
  arrival_date: at('2025-06-06T00:00:00Z'),
  automatic: true,
  balance_transaction: payoutTxn.id,
  created: at('2025-06-05T02:00:00Z'),
  currency: 'usd',
  description: 'STRIPE PAYOUT',
  destination: 'ba_1RbBankLkdIwHu7ixAcct',
  failure_balance_transaction: null,
  failure_code: null,
  failure_message: null,
  livemode: false,
  metadata: {},
  method: 'standard',
  reconciliation_status: 'completed',
  source_type: 'card',
  statement_descriptor: null,
  status: 'paid',
  type: 'bank_account',
};

const charges = [
  chargeTxn(1, 185_000, 5_395, '2025-06-02T06:01:10Z'),
  chargeTxn(2, 142_500, 4_163, '2025-06-02T06:01:12Z'),
  chargeTxn(3, 210_000, 6_120, '2025-06-03T06:00:58Z'),
];
// Stripe lists newest first, the payout's own transaction at the top.
const balanceTransactions = [payoutTxn, stripeFeeTxn, disputeTxn, refundTxn, ...[...charges].reverse()];

/** The ledger's side: as the activity reads it (payment intent from the payments row; ISO currency). */
const posting = (id: string, kind: CashPosting['kind'], amountMinor: number, pi: number, occurredOn: string, currency = 'USD'): CashPosting => ({
  transactionId: id,
  kind,
  amountMinor,
  currency,
  occurredOn,
  paymentIntentId: `pi_3RbPch${pi}LkdIwHu7ix2Int`,
  chargeId: null,
  reference: kind === 'payment_received' ? `pi_3RbPch${pi}LkdIwHu7ix2Int` : `charge.refunded evt_${pi}`,
});
const T = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const postings: CashPosting[] = [
  posting(T(1), 'payment_received', 185_000, 1, '2025-06-02'),
  posting(T(2), 'payment_received', 142_500, 2, '2025-06-02'),
  posting(T(3), 'payment_received', 210_000, 3, '2025-06-03'),
  posting(T(4), 'payment_reversed', 95_000, 4, '2025-06-04'),
  posting(T(5), 'payment_reversed', 120_000, 5, '2025-06-04'),
];

const ALL_MATCHED = [
  { balanceTransactionId: disputeTxn.id, transactionId: T(5), amountMinor: -120_000, feeMinor: 1_500 },
  { balanceTransactionId: refundTxn.id, transactionId: T(4), amountMinor: -95_000, feeMinor: 0 },
  { balanceTransactionId: charges[2]!.id, transactionId: T(3), amountMinor: 210_000, feeMinor: 6_120 },
  { balanceTransactionId: charges[1]!.id, transactionId: T(2), amountMinor: 142_500, feeMinor: 4_163 },
  { balanceTransactionId: charges[0]!.id, transactionId: T(1), amountMinor: 185_000, feeMinor: 5_395 },
];

describe('one payout against the ledger', () => {
  test('three charges, a refund, a dispute and a Stripe fee all matched: nets add up to the payout, fees listed as costs', () => {
    expect(matchPayout({ payout, balanceTransactions, postings })).toEqual({
      payoutId: PAYOUT_ID,
      payoutAmountMinor: 305_072,
      currency: 'USD',
      matched: ALL_MATCHED,
      fees: [
        { balanceTransactionId: stripeFeeTxn.id, type: 'stripe_fee', feeMinor: 250 },
        { balanceTransactionId: disputeTxn.id, type: 'adjustment', feeMinor: 1_500 },
        { balanceTransactionId: charges[2]!.id, type: 'charge', feeMinor: 6_120 },
        { balanceTransactionId: charges[1]!.id, type: 'charge', feeMinor: 4_163 },
        { balanceTransactionId: charges[0]!.id, type: 'charge', feeMinor: 5_395 },
      ],
      unmatchedBalanceTransactions: [],
      unmatchedPostings: [],
      feesMinor: 17_428,
      grossMinor: 322_500,
      netMinor: 305_072,
      netEqualsPayout: true,
      reconciled: true,
    });
  });

  test('a charge with no posting on the ledger is named with its payment intent', () => {
    const r = matchPayout({ payout, balanceTransactions, postings: postings.filter((p) => p.transactionId !== T(2)) });
    expect(r.unmatchedBalanceTransactions).toEqual([
      { id: charges[1]!.id, type: 'charge', amountMinor: 142_500, reason: 'no payment_received posting for payment intent pi_3RbPch2LkdIwHu7ix2Int' },
    ]);
    expect(r.matched).toHaveLength(4);
    expect(r.unmatchedPostings).toEqual([]);
    expect([r.netMinor, r.netEqualsPayout, r.reconciled]).toEqual([305_072, true, false]);
  });

  test('a posting of the window that no balance transaction claims is unmatched on the ledger side', () => {
    const stray = posting(T(6), 'payment_received', 99_000, 6, '2025-06-03');
    const r = matchPayout({ payout, balanceTransactions, postings: [...postings, stray] });
    expect(r.matched).toEqual(ALL_MATCHED);
    expect(r.unmatchedBalanceTransactions).toEqual([]);
    expect(r.unmatchedPostings).toEqual([{ transactionId: T(6), amountMinor: 99_000, reason: `no balance transaction in payout ${PAYOUT_ID}` }]);
    expect([r.netEqualsPayout, r.reconciled]).toEqual([true, false]);
  });

  test('an amount that differs is reported on both sides, with both figures', () => {
    const r = matchPayout({ payout, balanceTransactions, postings: postings.map((p) => (p.transactionId === T(3) ? { ...p, amountMinor: 201_000 } : p)) });
    expect(r.unmatchedBalanceTransactions).toEqual([
      { id: charges[2]!.id, type: 'charge', amountMinor: 210_000, reason: `amount 210000 does not match posting ${T(3)} (payment_received of 201000)` },
    ]);
    expect(r.unmatchedPostings).toEqual([{ transactionId: T(3), amountMinor: 201_000, reason: `balance transaction ${charges[2]!.id} is 210000, the payment_received 201000` }]);
    expect(r.matched.map((m) => m.transactionId)).toEqual([T(5), T(4), T(2), T(1)]);
    expect(r.reconciled).toBe(false);
  });

  test('a reversal whose amount differs (a partial refund against a whole reversal) is a mismatch too', () => {
    const partial = { ...refundTxn, amount: -45_000, net: -45_000 };
    const r = matchPayout({ payout: { ...payout, amount: PAYOUT_AMOUNT + 50_000 }, balanceTransactions: [payoutTxn, stripeFeeTxn, disputeTxn, partial, ...charges], postings });
    expect(r.unmatchedBalanceTransactions).toEqual([
      { id: refundTxn.id, type: 'refund', amountMinor: -45_000, reason: `amount -45000 does not match posting ${T(4)} (payment_reversed of 95000)` },
    ]);
    expect(r.netEqualsPayout).toBe(true);
  });

  test("Stripe's lower-case currency matches the ledger's ISO code; another currency does not", () => {
    const upper = matchPayout({ payout, balanceTransactions: [{ ...charges[0]!, currency: 'USD' }], postings: [{ ...postings[0]!, currency: 'usd' }] });
    expect(upper.matched).toEqual([ALL_MATCHED[4]]);

    const r = matchPayout({ payout, balanceTransactions, postings: postings.map((p) => (p.transactionId === T(1) ? { ...p, currency: 'EUR' } : p)) });
    expect(r.unmatchedBalanceTransactions).toEqual([{ id: charges[0]!.id, type: 'charge', amountMinor: 185_000, reason: `currency usd differs from posting ${T(1)}'s EUR` }]);
    expect(r.unmatchedPostings).toEqual([{ transactionId: T(1), amountMinor: 185_000, reason: `balance transaction ${charges[0]!.id} is in usd, the posting in EUR` }]);
  });

  test('nets that do not add up to the payout: everything matched, still not reconciled', () => {
    const r = matchPayout({ payout: { ...payout, amount: 305_000 }, balanceTransactions, postings });
    expect(r.matched).toEqual(ALL_MATCHED);
    expect({ payoutAmountMinor: r.payoutAmountMinor, grossMinor: r.grossMinor, feesMinor: r.feesMinor, netMinor: r.netMinor }).toEqual({
      payoutAmountMinor: 305_000,
      grossMinor: 322_500,
      feesMinor: 17_428,
      netMinor: 305_072,
    });
    expect([r.netEqualsPayout, r.reconciled]).toEqual([false, false]);
  });

  test('a posting claimed by two balance transactions is matched once; the second is reported', () => {
    const again = { ...charges[0]!, id: 'txn_3RbDupLkdIwHu7ix0Bal' };
    const r = matchPayout({ payout: { ...payout, amount: PAYOUT_AMOUNT + again.net }, balanceTransactions: [again, ...balanceTransactions], postings });
    expect(r.matched).toContainEqual({ balanceTransactionId: again.id, transactionId: T(1), amountMinor: 185_000, feeMinor: 5_395 });
    expect(r.unmatchedBalanceTransactions).toEqual([
      { id: charges[0]!.id, type: 'charge', amountMinor: 185_000, reason: `its payment_received posting ${T(1)} is already matched by ${again.id}` },
    ]);
    expect([r.netEqualsPayout, r.reconciled]).toEqual([true, false]);
  });

  test('a won dispute (money back) and an adjustment not from a dispute have no posting to match', () => {
    const won = { ...disputeTxn, id: 'txn_1RbWonLkdIwHu7ix0Bal', amount: 120_000, fee: 0, net: 120_000, reporting_category: 'dispute_reversal' };
    const other = { ...stripeFeeTxn, id: 'txn_1RbAdjLkdIwHu7ix0Bal', type: 'adjustment', amount: -1_000, net: -1_000, source: null };
    const r = matchPayout({ payout: { ...payout, amount: 119_000 }, balanceTransactions: [won, other], postings: [] });
    expect(r.unmatchedBalanceTransactions).toEqual([
      { id: won.id, type: 'adjustment', amountMinor: 120_000, reason: 'adjustment of 120000 moves money the other way than a payment_reversed posting' },
      { id: other.id, type: 'adjustment', amountMinor: -1_000, reason: 'an adjustment not from a dispute has no posting on the ledger' },
    ]);
    expect(r.netEqualsPayout).toBe(true);
  });

  test('a source not expanded is linked through the charge → payment intent map', () => {
    const plain = { ...charges[0]!, source: 'ch_3RbPch1LkdIwHu7ix1Chg' };
    const one = { ...payout, amount: plain.net };
    expect(matchPayout({ payout: one, balanceTransactions: [plain], postings: [postings[0]!] }).unmatchedBalanceTransactions[0]?.reason).toBe(
      'no payment_received posting for charge ch_3RbPch1LkdIwHu7ix1Chg',
    );
    const r = matchPayout({ payout: one, balanceTransactions: [plain], postings: [postings[0]!], chargePaymentIntents: { ch_3RbPch1LkdIwHu7ix1Chg: 'pi_3RbPch1LkdIwHu7ix2Int' } });
    expect([r.matched, r.reconciled]).toEqual([[ALL_MATCHED[4]], true]);
  });

  test('a refund expanded without its payment intent is linked through its charge', () => {
    const refund = { ...refundTxn, source: { ...refundTxn.source, payment_intent: null } };
    expect(claimOf(refund, { ch_3RbPch4LkdIwHu7ix1Chg: 'pi_3RbPch4LkdIwHu7ix2Int' })).toEqual({
      kind: 'payment_reversed',
      paymentIntentId: 'pi_3RbPch4LkdIwHu7ix2Int',
      chargeId: 'ch_3RbPch4LkdIwHu7ix1Chg',
    });
  });

  test('amounts must be whole minor units', () => {
    expect(() => matchPayout({ payout, balanceTransactions: [{ ...charges[0]!, net: 1796.05 }], postings })).toThrow(RangeError);
  });
});

describe('which postings each payout is compared with', () => {
  const later = { ...payout, id: 'po_1RbQy9LkdIwHu7ixR2zU4nLm', arrival_date: at('2025-06-09T00:00:00Z'), balance_transaction: 'txn_1RbPout2LkdIwHu7ix0Bal', amount: 0 };
  const laterRefund = { ...refundTxn, id: 'txn_3RbRfd2LkdIwHu7ix0Bal', created: at('2025-06-06T10:00:00Z'), source: { ...refundTxn.source, id: 're_x', payment_intent: 'pi_3RbPch1LkdIwHu7ix2Int' } };

  test("a payout's window is the UTC days of its movements, its own transaction aside", () => {
    expect(payoutWindow(payout, balanceTransactions)).toEqual({ from: '2025-06-02', to: '2025-06-04' });
    expect(payoutWindow(payout, [payoutTxn])).toBeNull();
  });

  test('claimed postings go to the payout claiming them (by kind), unclaimed ones to the first payout whose window holds them', () => {
    const reversal1 = posting(T(7), 'payment_reversed', 185_000, 1, '2025-06-06');
    const old = posting(T(8), 'payment_received', 50_000, 9, '2025-05-20');
    const stray = posting(T(6), 'payment_received', 99_000, 6, '2025-06-03');
    const strayLater = posting(T(9), 'payment_received', 99_000, 7, '2025-06-06');
    const byPayout = postingsForPayouts(
      [
        { payout: later, balanceTransactions: [laterRefund] },
        { payout, balanceTransactions },
      ],
      [...postings, reversal1, old, stray, strayLater],
    );
    expect(byPayout.get(PAYOUT_ID)!.map((p) => p.transactionId)).toEqual([T(1), T(2), T(3), T(4), T(5), T(6)]);
    expect(byPayout.get(later.id)!.map((p) => p.transactionId)).toEqual([T(7), T(9)]);
  });
});
