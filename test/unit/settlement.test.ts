import fc from 'fast-check';
import { addDays, daysBetween } from '../../domain/calendar';
import { basisPointsOf } from '../../domain/money';
import {
  closingFunds,
  prorationSplit,
  SETTLEMENT_SECTIONS,
  settlementProblem,
  settlementStatement,
  type SettlementInput,
  type SettlementLine,
  type SettlementStatement,
} from '../../domain/purchase/settlement';

/**
 * A financed purchase closing Monday 2026-03-16 at $487,350.50, with every kind of line.
 * The expected figures below are worked out by hand.
 */
const FINANCED: SettlementInput = {
  currency: 'USD',
  closingDate: '2026-03-16',
  priceMinor: 48_735_050,
  earnestMoneyMinor: 1_000_000,
  loanAmountMinor: 38_988_040, // 80% of the price
  sellerCredits: [{ description: 'Repair credit (roof)', amountMinor: 250_000 }],
  prorations: [
    // Unpaid (billed in arrears): the seller credits the buyer for Jan 1..Mar 15.
    { description: 'County property tax 2026', periodStart: '2026-01-01', periodEnd: '2026-12-31', amountMinor: 600_000, paidInAdvance: false },
    // Paid by the seller for March: the buyer reimburses Mar 16..31.
    { description: 'HOA dues March 2026', periodStart: '2026-03-01', periodEnd: '2026-03-31', amountMinor: 35_000, paidInAdvance: true },
  ],
  loanCharges: [
    { description: 'Origination fee', amountMinor: 200_000 },
    { description: 'Appraisal fee', amountMinor: 65_000 },
  ],
  titleCharges: [
    { description: "Owner's title policy", amountMinor: 180_000, paidBy: 'seller' },
    { description: "Lender's title policy", amountMinor: 95_000, paidBy: 'buyer' },
    { description: 'Settlement fee', amountMinor: 75_000, paidBy: 'buyer' },
    { description: 'Settlement fee', amountMinor: 75_000, paidBy: 'seller' },
    { description: 'Survey', amountMinor: 0, paidBy: 'buyer' }, // zero: left out
  ],
  commissions: [
    { description: 'Listing broker commission', basisPoints: 300 },
    { description: "Buyer's broker commission", basisPoints: 250 },
  ],
  recordingFees: [
    { description: 'Recording fee, deed', amountMinor: 12_000, paidBy: 'buyer' },
    { description: 'Recording fee, deed of trust', amountMinor: 15_000, paidBy: 'buyer' },
    { description: 'Recording fee, release', amountMinor: 4_000, paidBy: 'seller' },
  ],
  transferTaxes: [
    { description: 'State transfer tax', basisPoints: 10, paidBy: 'seller' },
    { description: 'County transfer tax', basisPoints: 15, paidBy: 'buyer' },
  ],
  payoffs: [
    { description: 'First mortgage payoff', amountMinor: 21_234_567, reference: 'Deed of Trust, instrument 2015-0012345' },
    { description: 'HELOC payoff', amountMinor: 1_500_000, reference: 'Deed of Trust, instrument 2019-0098765' },
  ],
};

const debitBuyer = (description: string, amount: number): SettlementLine => ({
  description, buyerDebitMinor: amount, buyerCreditMinor: 0, sellerDebitMinor: 0, sellerCreditMinor: 0,
});
const debitSeller = (description: string, amount: number): SettlementLine => ({
  description, buyerDebitMinor: 0, buyerCreditMinor: 0, sellerDebitMinor: amount, sellerCreditMinor: 0,
});

function linesOf(s: SettlementStatement, id: (typeof SETTLEMENT_SECTIONS)[number]): SettlementLine[] {
  return s.sections.find((x) => x.id === id)!.lines;
}

describe('settlementStatement: a financed purchase', () => {
  const s = settlementStatement(FINANCED);

  it('keeps every section in order', () => {
    expect(s.sections.map((x) => x.id)).toEqual([...SETTLEMENT_SECTIONS]);
    expect(s.currency).toBe('USD');
    expect(s.closingDate).toBe('2026-03-16');
  });

  it('financial: price, earnest money, loan, seller credit', () => {
    expect(linesOf(s, 'financial')).toEqual([
      { description: 'Sale price of property', buyerDebitMinor: 48_735_050, buyerCreditMinor: 0, sellerDebitMinor: 0, sellerCreditMinor: 48_735_050 },
      { description: 'Deposit (earnest money)', buyerDebitMinor: 0, buyerCreditMinor: 1_000_000, sellerDebitMinor: 0, sellerCreditMinor: 0 },
      { description: 'Loan amount', buyerDebitMinor: 0, buyerCreditMinor: 38_988_040, sellerDebitMinor: 0, sellerCreditMinor: 0 },
      { description: 'Repair credit (roof)', buyerDebitMinor: 0, buyerCreditMinor: 250_000, sellerDebitMinor: 250_000, sellerCreditMinor: 0 },
    ]);
  });

  it('prorations: split by whole days, buyer from the closing day', () => {
    // Tax: 365 days; seller Jan 1..Mar 15 = 31 + 28 + 15 = 74 days, buyer 291.
    //   buyer share = 600,000 × 291 / 365 = 174,600,000 / 365 = 478,356.16 → 478,356
    //   seller share = 600,000 − 478,356 = 121,644 (seller credits the buyer: unpaid tax)
    // HOA: 31 days; seller Mar 1..15 = 15, buyer Mar 16..31 = 16.
    //   buyer share = 35,000 × 16 / 31 = 560,000 / 31 = 18,064.516 → 18,065 (buyer reimburses the seller)
    expect(linesOf(s, 'prorations')).toEqual([
      { description: 'County property tax 2026 2026-01-01 to 2026-03-15', buyerDebitMinor: 0, buyerCreditMinor: 121_644, sellerDebitMinor: 121_644, sellerCreditMinor: 0 },
      { description: 'HOA dues March 2026 2026-03-16 to 2026-03-31', buyerDebitMinor: 18_065, buyerCreditMinor: 0, sellerDebitMinor: 0, sellerCreditMinor: 18_065 },
    ]);
  });

  it('loan, title and escrow charges by who pays them, the zero survey left out', () => {
    expect(linesOf(s, 'loan_charges')).toEqual([debitBuyer('Origination fee', 200_000), debitBuyer('Appraisal fee', 65_000)]);
    expect(linesOf(s, 'title_escrow')).toEqual([
      debitSeller("Owner's title policy", 180_000),
      debitBuyer("Lender's title policy", 95_000),
      debitBuyer('Settlement fee', 75_000),
      debitSeller('Settlement fee', 75_000),
    ]);
  });

  it('commissions: basis points of the price, rounded half up', () => {
    // 48,735,050 × 300 / 10,000 = 1,462,051.5  → 1,462,052 (exactly half: up)
    // 48,735,050 × 250 / 10,000 = 1,218,376.25 → 1,218,376
    expect(linesOf(s, 'commissions')).toEqual([
      debitSeller('Listing broker commission', 1_462_052),
      debitSeller("Buyer's broker commission", 1_218_376),
    ]);
  });

  it('government: recording fees, then transfer taxes', () => {
    // State 10 bp: 48,735,050 × 10 / 10,000 = 48,735.05 → 48,735
    // County 15 bp: 48,735,050 × 15 / 10,000 = 73,102.575 → 73,103
    expect(linesOf(s, 'government')).toEqual([
      debitBuyer('Recording fee, deed', 12_000),
      debitBuyer('Recording fee, deed of trust', 15_000),
      debitSeller('Recording fee, release', 4_000),
      debitSeller('State transfer tax', 48_735),
      debitBuyer('County transfer tax', 73_103),
    ]);
  });

  it('payoffs name the lien they release', () => {
    expect(linesOf(s, 'payoffs')).toEqual([
      { ...debitSeller('First mortgage payoff', 21_234_567), reference: 'Deed of Trust, instrument 2015-0012345' },
      { ...debitSeller('HELOC payoff', 1_500_000), reference: 'Deed of Trust, instrument 2019-0098765' },
    ]);
  });

  it('totals', () => {
    // Buyer debits:  price 48,735,050 + HOA 18,065 + loan charges 265,000 (200,000 + 65,000)
    //   + title 170,000 (95,000 + 75,000) + recording 27,000 (12,000 + 15,000) + county tax 73,103
    //   = 49,288,218
    // Buyer credits: earnest 1,000,000 + loan 38,988,040 + repair 250,000 + tax 121,644 = 40,359,684
    // Due from buyer: 49,288,218 − 40,359,684 = 8,928,534
    // Seller credits: price 48,735,050 + HOA 18,065 = 48,753,115
    // Seller debits: repair 250,000 + tax 121,644 + title 255,000 (180,000 + 75,000)
    //   + commissions 2,680,428 (1,462,052 + 1,218,376) + release 4,000 + state tax 48,735
    //   + payoffs 22,734,567 (21,234,567 + 1,500,000) = 26,094,374
    // Due to seller: 48,753,115 − 26,094,374 = 22,658,741
    expect(s.totals).toEqual({
      buyerDebitsMinor: 49_288_218,
      buyerCreditsMinor: 40_359_684,
      dueFromBuyerMinor: 8_928_534,
      sellerCreditsMinor: 48_753_115,
      sellerDebitsMinor: 26_094_374,
      dueToSellerMinor: 22_658_741,
    });
  });

  it('closing funds: where the money comes from and goes to', () => {
    // In:  earnest 1,000,000 + buyer 8,928,534 + lender 38,988,040 = 48,916,574
    // Out: seller 22,658,741 + payoffs 22,734,567 + commissions 2,680,428
    //   + third parties 842,838 = 48,916,574
    //   third parties: loan 265,000 + title 425,000 (170,000 + 255,000)
    //   + government 152,838 (27,000 + 73,103 + 4,000 + 48,735)
    const funds = closingFunds(s);
    expect(funds).toEqual({
      earnestMoneyMinor: 1_000_000,
      fromBuyerMinor: 8_928_534,
      fromLenderMinor: 38_988_040,
      toSellerMinor: 22_658_741,
      payoffs: [
        { reference: 'Deed of Trust, instrument 2015-0012345', amountMinor: 21_234_567 },
        { reference: 'Deed of Trust, instrument 2019-0098765', amountMinor: 1_500_000 },
      ],
      commissionsMinor: 2_680_428,
      thirdPartyMinor: 842_838,
    });
    expect(balanceGap(funds)).toBe(0);
  });

  it('is deterministic and leaves its input alone', () => {
    const copy = structuredClone(FINANCED);
    expect(settlementStatement(FINANCED)).toEqual(s);
    expect(FINANCED).toEqual(copy);
  });
});

const CASH: SettlementInput = {
  currency: 'USD',
  closingDate: '2025-06-02',
  priceMinor: 10_000_000,
  earnestMoneyMinor: 500_000,
  loanAmountMinor: 0,
  sellerCredits: [],
  prorations: [],
  loanCharges: [],
  titleCharges: [],
  commissions: [],
  recordingFees: [],
  transferTaxes: [],
  payoffs: [],
};

describe('settlementStatement: edge cases', () => {
  it('a cash purchase: no loan line, every other section shown empty', () => {
    const s = settlementStatement(CASH);
    expect(linesOf(s, 'financial').map((l) => l.description)).toEqual(['Sale price of property', 'Deposit (earnest money)']);
    for (const id of SETTLEMENT_SECTIONS.slice(1)) expect(linesOf(s, id)).toEqual([]);
    // 10,000,000 − 500,000 = 9,500,000 from the buyer; the seller gets the whole price
    expect(s.totals.dueFromBuyerMinor).toBe(9_500_000);
    expect(s.totals.dueToSellerMinor).toBe(10_000_000);
    expect(closingFunds(s)).toMatchObject({ earnestMoneyMinor: 500_000, fromBuyerMinor: 9_500_000, fromLenderMinor: 0, thirdPartyMinor: 0 });
  });

  it('keeps the sign when the buyer deposited more than is due', () => {
    // Debits 10,000,000; credits 1,000,000 + 9,500,000 = 10,500,000 → −500,000 (refunded)
    const s = settlementStatement({ ...CASH, earnestMoneyMinor: 1_000_000, loanAmountMinor: 9_500_000 });
    expect(s.totals.dueFromBuyerMinor).toBe(-500_000);
    const funds = closingFunds(s);
    expect(funds.fromBuyerMinor).toBe(-500_000);
    expect(balanceGap(funds)).toBe(0);
  });

  it('leaves out a proration that comes to nothing for the side that owes it', () => {
    // Closing on the period's first day: the seller has no days of unpaid tax to credit.
    const s = settlementStatement({
      ...CASH,
      prorations: [{ description: 'City tax', periodStart: '2025-06-02', periodEnd: '2026-06-01', amountMinor: 120_000, paidInAdvance: false }],
    });
    expect(linesOf(s, 'prorations')).toEqual([]);
  });

  it('a seller credit named like the earnest money line is still a seller credit', () => {
    const s = settlementStatement({ ...CASH, sellerCredits: [{ description: 'Deposit (earnest money)', amountMinor: 10_000 }] });
    expect(closingFunds(s).earnestMoneyMinor).toBe(500_000);
  });
});

describe('settlementProblem', () => {
  it('is undefined for a sound input', () => {
    expect(settlementProblem(FINANCED)).toBeUndefined();
    expect(settlementProblem(CASH)).toBeUndefined();
  });

  it.each<[string, Partial<SettlementInput>, RegExp]>([
    ['a negative amount', { loanCharges: [{ description: 'Origination fee', amountMinor: -1 }] }, /Origination fee: the amount must be/],
    ['a fractional amount', { earnestMoneyMinor: 100.5 }, /earnest money/],
    ['a zero price', { priceMinor: 0 }, /price must be a positive/],
    ['basis points over 100%', { commissions: [{ description: 'Listing', basisPoints: 10_001 }] }, /basis points/],
    ['a bad closing date', { closingDate: '2025-02-30' }, /closing date/],
    ['a missing description', { sellerCredits: [{ description: ' ', amountMinor: 1 }] }, /description/],
    ['a payoff without a reference', { payoffs: [{ description: 'Lien', amountMinor: 1, reference: '' }] }, /name the lien/],
    [
      'a proration period that ends before closing',
      { prorations: [{ description: 'HOA', periodStart: '2025-05-01', periodEnd: '2025-05-31', amountMinor: 1_000, paidInAdvance: true }] },
      /does not contain the closing date 2025-06-02/,
    ],
    [
      'a proration period that starts after closing',
      { prorations: [{ description: 'HOA', periodStart: '2025-06-03', periodEnd: '2025-06-30', amountMinor: 1_000, paidInAdvance: true }] },
      /does not contain the closing date/,
    ],
    [
      'a reversed proration period',
      { prorations: [{ description: 'HOA', periodStart: '2025-06-30', periodEnd: '2025-06-01', amountMinor: 1_000, paidInAdvance: true }] },
      /starts after it ends/,
    ],
    // Seller credits 10,000,000; debits: payoff 9,800,000 + commission 600 bp = 600,000 → 10,400,000
    [
      "the seller's debits exceed what the sale brings",
      { payoffs: [{ description: 'Mortgage', amountMinor: 9_800_000, reference: 'DOT 1' }], commissions: [{ description: 'Listing', basisPoints: 600 }] },
      /seller's charges \(USD 104,000\.00\) exceed what the sale brings \(USD 100,000\.00\)/,
    ],
  ])('reports %s, and settlementStatement throws it', (_name, change, message) => {
    const input = { ...CASH, ...change };
    expect(settlementProblem(input)).toMatch(message);
    expect(() => settlementStatement(input)).toThrow(message);
  });

  it('accepts a seller who nets exactly zero', () => {
    const input = { ...CASH, payoffs: [{ description: 'Mortgage', amountMinor: 10_000_000, reference: 'DOT 1' }] };
    expect(settlementProblem(input)).toBeUndefined();
    expect(settlementStatement(input).totals.dueToSellerMinor).toBe(0);
  });

  it('reports totals too large to add exactly', () => {
    const huge = Number.MAX_SAFE_INTEGER - 1;
    expect(settlementProblem({ ...CASH, priceMinor: huge, loanCharges: [{ description: 'Fee', amountMinor: huge }] })).toMatch(/too large/);
  });
});

describe('basisPointsOf and prorationSplit', () => {
  it('round half up', () => {
    expect(basisPointsOf(5, 1_000)).toBe(1); // 0.5 → 1
    expect(basisPointsOf(4, 1_000)).toBe(0); // 0.4 → 0
    expect(basisPointsOf(15, 1_000)).toBe(2); // 1.5 → 2
    expect(basisPointsOf(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER); // no float overflow
  });

  it('splits a period by days', () => {
    // 30-day June, closing June 11: seller June 1..10 = 10 days, buyer 20 days; 100 × 20 / 30 = 66.67 → 67
    expect(prorationSplit('2025-06-01', '2025-06-30', '2025-06-11', 100)).toEqual({
      sellerDays: 10, buyerDays: 20, sellerShareMinor: 33, buyerShareMinor: 67,
    });
    // closing on the last day: the buyer has that one day; 3,100 × 1 / 31 = 100
    expect(prorationSplit('2025-03-01', '2025-03-31', '2025-03-31', 3_100)).toMatchObject({ buyerDays: 1, buyerShareMinor: 100, sellerShareMinor: 3_000 });
  });

  it('always splits exactly, the buyer within half a minor unit of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (offset, before, after, amount) => {
          const closing = addDays('2020-01-01', offset);
          const start = addDays(closing, -before);
          const end = addDays(closing, after);
          const split = prorationSplit(start, end, closing, amount);
          const days = daysBetween(start, end) + 1;
          expect(split.buyerShareMinor + split.sellerShareMinor).toBe(amount);
          expect(split.sellerDays).toBe(before);
          expect(split.buyerDays + split.sellerDays).toBe(days);
          expect(split.buyerShareMinor).toBeGreaterThanOrEqual(0);
          expect(split.sellerShareMinor).toBeGreaterThanOrEqual(0);
          // |buyer − amount × buyerDays / days| ≤ 1/2, in integers: |2·buyer·days − 2·amount·buyerDays| ≤ days
          const gap = 2n * BigInt(split.buyerShareMinor) * BigInt(days) - 2n * BigInt(amount) * BigInt(split.buyerDays);
          expect(gap <= BigInt(days) && -gap < BigInt(days)).toBe(true);
        },
      ),
    );
  });
});

/** In minus out for escrow: zero when closing funds balance. */
function balanceGap(f: ReturnType<typeof closingFunds>): number {
  const payoffs = f.payoffs.reduce((total, p) => total + p.amountMinor, 0);
  return f.earnestMoneyMinor + f.fromBuyerMinor + f.fromLenderMinor - (f.toSellerMinor + payoffs + f.commissionsMinor + f.thirdPartyMinor);
}

const described = fc.constantFrom('Fee', 'Credit', 'Tax', 'Dues', 'Deposit (earnest money)', 'Loan amount');
const side = fc.constantFrom('buyer' as const, 'seller' as const);

/** Deals of every shape, from $1,000 to $50M, mostly sound, some with seller charges too big. */
const inputs: fc.Arbitrary<SettlementInput> = fc
  .record({
    closingOffset: fc.integer({ min: 0, max: 3_000 }),
    priceMinor: fc.integer({ min: 100_000, max: 5_000_000_000 }),
    earnestPercent: fc.integer({ min: 0, max: 20 }),
    loanPercent: fc.integer({ min: 0, max: 97 }),
    charge: fc.integer({ min: 0, max: 2_000_000 }),
  })
  .chain(({ closingOffset, priceMinor, earnestPercent, loanPercent, charge }) => {
    const closingDate = addDays('2022-01-01', closingOffset);
    const amount = fc.integer({ min: 0, max: charge });
    return fc.record({
      currency: fc.constantFrom('USD' as const, 'EUR' as const, 'JPY' as const),
      closingDate: fc.constant(closingDate),
      priceMinor: fc.constant(priceMinor),
      earnestMoneyMinor: fc.constant(Math.floor((priceMinor * earnestPercent) / 100)),
      loanAmountMinor: fc.constant(Math.floor((priceMinor * loanPercent) / 100)),
      sellerCredits: fc.array(fc.record({ description: described, amountMinor: amount }), { maxLength: 3 }),
      prorations: fc.array(
        fc.record({
          description: described,
          periodStart: fc.integer({ min: 0, max: 400 }).map((d) => addDays(closingDate, -d)),
          periodEnd: fc.integer({ min: 0, max: 400 }).map((d) => addDays(closingDate, d)),
          amountMinor: amount,
          paidInAdvance: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
      loanCharges: fc.array(fc.record({ description: described, amountMinor: amount }), { maxLength: 4 }),
      titleCharges: fc.array(fc.record({ description: described, amountMinor: amount, paidBy: side }), { maxLength: 4 }),
      commissions: fc.array(fc.record({ description: described, basisPoints: fc.integer({ min: 0, max: 700 }) }), { maxLength: 2 }),
      recordingFees: fc.array(fc.record({ description: described, amountMinor: amount, paidBy: side }), { maxLength: 3 }),
      transferTaxes: fc.array(fc.record({ description: described, basisPoints: fc.integer({ min: 0, max: 300 }), paidBy: side }), { maxLength: 2 }),
      payoffs: fc.array(
        fc.record({
          description: described,
          amountMinor: fc.integer({ min: 0, max: Math.floor((priceMinor * 4) / 5) }),
          reference: fc.constantFrom('DOT 2015-1', 'DOT 2019-2', 'Judgment 2021-3'),
        }),
        { maxLength: 2 },
      ),
    });
  });

describe('settlement properties', () => {
  it('closing funds always balance, totals add up from the lines, and prorations split exactly', () => {
    let sound = 0;
    fc.assert(
      fc.property(inputs, (input) => {
        const problem = settlementProblem(input);
        if (problem !== undefined) {
          expect(() => settlementStatement(input)).toThrow(problem);
          return;
        }
        sound++;
        const s = settlementStatement(input);
        expect(balanceGap(closingFunds(s))).toBe(0);

        const lines = s.sections.flatMap((x) => x.lines);
        const total = (field: Exclude<keyof SettlementLine, 'description' | 'reference'>) => lines.reduce((t, l) => t + l[field], 0);
        expect(s.totals.buyerDebitsMinor).toBe(total('buyerDebitMinor'));
        expect(s.totals.buyerCreditsMinor).toBe(total('buyerCreditMinor'));
        expect(s.totals.dueFromBuyerMinor).toBe(s.totals.buyerDebitsMinor - s.totals.buyerCreditsMinor);
        expect(s.totals.dueToSellerMinor).toBe(s.totals.sellerCreditsMinor - s.totals.sellerDebitsMinor);
        expect(s.totals.dueToSellerMinor).toBeGreaterThanOrEqual(0);
        for (const l of lines) {
          expect(Number.isSafeInteger(l.buyerDebitMinor + l.buyerCreditMinor + l.sellerDebitMinor + l.sellerCreditMinor)).toBe(true);
          expect(l.buyerDebitMinor + l.buyerCreditMinor + l.sellerDebitMinor + l.sellerCreditMinor).toBeGreaterThan(0);
        }

        for (const p of input.prorations) {
          const split = prorationSplit(p.periodStart, p.periodEnd, input.closingDate, p.amountMinor);
          expect(split.buyerShareMinor + split.sellerShareMinor).toBe(p.amountMinor);
        }
        // Every proration line moves money between the two sides only: what one side pays, the other gets.
        for (const l of linesOf(s, 'prorations')) {
          expect(l.buyerDebitMinor).toBe(l.sellerCreditMinor);
          expect(l.buyerCreditMinor).toBe(l.sellerDebitMinor);
        }
      }),
      { numRuns: 500 },
    );
    expect(sound).toBeGreaterThan(250); // most generated deals are sound, so the property is exercised
  });
});
