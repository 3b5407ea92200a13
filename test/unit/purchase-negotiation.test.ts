/**
 * The rules of buying a listing, by example: what makes an offer's terms
 * valid, how one buyer's negotiation moves, and how the listing's offer book
 * keeps one contract and an ordered queue of backups. Every time is fixed:
 * nothing here depends on today's date.
 */
import {
  offerTermsProblem,
  instantMs,
  DEFAULT_CONTINGENCY_DAYS,
  MAX_EARNEST_MONEY_DUE_BUSINESS_DAYS,
  type OfferTerms,
} from '../../domain/purchase/offer';
import {
  MAX_ROUNDS,
  agreedTerms,
  backupHoldAction,
  hasLapsed,
  negotiate,
  negotiationProblem,
  openNegotiation,
  openRound,
  sellerEndingAction,
  whoseTurn,
  type Negotiation,
  type NegotiationAction,
} from '../../domain/purchase/negotiation';
import {
  REJECTED_FOR_ANOTHER_OFFER,
  REJECTED_LISTING_SOLD,
  applyOfferBook,
  emptyOfferBook,
  offerBookProblem,
  type OfferBook,
  type OfferBookEvent,
} from '../../domain/purchase/offer-book';

const AT = '2026-03-02T15:00:00.000Z';
const EXPIRES = '2026-03-04T17:00:00.000Z';
const hoursAfter = (iso: string, h: number) => new Date(instantMs(iso)! + h * 3_600_000).toISOString();

function terms(over: Partial<OfferTerms> = {}): OfferTerms {
  return {
    priceMinor: 450_000_00,
    currency: 'USD',
    earnestMoneyMinor: 10_000_00,
    earnestMoneyDueBusinessDays: 3,
    financing: { type: 'conventional', downPaymentMinor: 90_000_00 },
    contingencies: [
      { kind: 'inspection', days: DEFAULT_CONTINGENCY_DAYS.inspection, count: 'calendar' },
      { kind: 'financing', days: DEFAULT_CONTINGENCY_DAYS.financing, count: 'calendar' },
    ],
    onMissedDeadline: 'waived',
    closingDate: '2026-04-15',
    sellerCreditMinor: 0,
    expiresAt: EXPIRES,
    ...over,
  };
}

const cash = (over: Partial<OfferTerms> = {}) =>
  terms({ financing: { type: 'cash', downPaymentMinor: 450_000_00 }, contingencies: [{ kind: 'inspection', days: 7, count: 'business' }], ...over });

describe('offerTermsProblem', () => {
  it.each<[string, OfferTerms, string]>([
    ['a financed offer', terms(), AT],
    ['a cash offer whose down payment is the price', cash(), AT],
    ['a cash offer with an appraisal contingency', cash({ contingencies: [{ kind: 'appraisal', days: 17, count: 'calendar' }] }), AT],
    ['no contingencies at all', terms({ contingencies: [] }), AT],
    ['earnest money, seller credit and earnest days at their limits', terms({ earnestMoneyMinor: 450_000_00, sellerCreditMinor: 450_000_00, earnestMoneyDueBusinessDays: 0 }), AT],
    ['a down payment of nothing', terms({ financing: { type: 'va', downPaymentMinor: 0 } }), AT],
    ['contingencies of 1 and 365 days', terms({ contingencies: [{ kind: 'inspection', days: 1, count: 'business' }, { kind: 'home_sale', days: 365, count: 'calendar' }] }), AT],
    ['closing on the day of the offer (UTC)', terms({ closingDate: '2026-03-02' }), AT],
    ['an expiry given with a zone offset', terms({ expiresAt: '2026-03-02T17:00:00+01:00' }), AT],
    ['an expiry a millisecond later', terms({ expiresAt: '2026-03-02T15:00:00.001Z' }), AT],
    ['a currency without minor units', terms({ currency: 'JPY' }), AT],
  ])('accepts %s', (_label, t, at) => {
    expect(offerTermsProblem(t, at)).toBeUndefined();
  });

  it.each<[string, OfferTerms, string, string, string]>([
    ['an unreadable moment', terms(), '2026-03-02', 'at', 'must be an ISO instant with a zone'],
    ['an unsupported currency', terms({ currency: 'XYZ' as 'USD' }), AT, 'currency', 'must be one of USD, EUR, GBP, JPY, CAD, AUD, CHF, MXN'],
    ['a zero price', terms({ priceMinor: 0 }), AT, 'priceMinor', 'must be a whole number of minor units above 0'],
    ['a fractional price', terms({ priceMinor: 100.5 }), AT, 'priceMinor', 'must be a whole number of minor units above 0'],
    ['negative earnest money', terms({ earnestMoneyMinor: -1 }), AT, 'earnestMoneyMinor', 'must be a whole number of minor units, 0 or more'],
    ['earnest money above the price', terms({ earnestMoneyMinor: 450_000_01 }), AT, 'earnestMoneyMinor', 'may not be more than the price'],
    ['earnest money due too late', terms({ earnestMoneyDueBusinessDays: MAX_EARNEST_MONEY_DUE_BUSINESS_DAYS + 1 }), AT, 'earnestMoneyDueBusinessDays', 'must be a whole number of business days from 0 to 30'],
    ['an unknown financing type', terms({ financing: { type: 'barter' as 'cash', downPaymentMinor: 0 } }), AT, 'financing.type', 'must be one of cash, conventional, fha, va, usda'],
    ['a negative down payment', terms({ financing: { type: 'fha', downPaymentMinor: -5 } }), AT, 'financing.downPaymentMinor', 'must be a whole number of minor units, 0 or more'],
    ['a down payment above the price', cash({ financing: { type: 'cash', downPaymentMinor: 450_000_01 } }), AT, 'financing.downPaymentMinor', 'may not be more than the price'],
    ['a cash offer paying less than the price', cash({ financing: { type: 'cash', downPaymentMinor: 400_000_00 } }), AT, 'financing.downPaymentMinor', 'a cash offer pays the whole price: the down payment must equal the price'],
    ['a financed offer paying the whole price down', terms({ financing: { type: 'conventional', downPaymentMinor: 450_000_00 } }), AT, 'financing.downPaymentMinor', 'a financed offer borrows part of the price: the down payment must be below the price'],
    ['a negative seller credit', terms({ sellerCreditMinor: -1 }), AT, 'sellerCreditMinor', 'must be a whole number of minor units, 0 or more'],
    ['a seller credit above the price', terms({ sellerCreditMinor: 450_000_01 }), AT, 'sellerCreditMinor', 'may not be more than the price'],
    ['an unknown deadline outcome', terms({ onMissedDeadline: 'ignored' as 'waived' }), AT, 'onMissedDeadline', 'must be one of waived, failed'],
    ['an unknown contingency', terms({ contingencies: [{ kind: 'survey' as 'inspection', days: 5, count: 'calendar' }] }), AT, 'contingencies.0.kind', 'must be one of inspection, appraisal, financing, home_sale'],
    ['a contingency twice', terms({ contingencies: [{ kind: 'inspection', days: 5, count: 'calendar' }, { kind: 'appraisal', days: 5, count: 'calendar' }, { kind: 'inspection', days: 9, count: 'calendar' }] }), AT, 'contingencies.2.kind', 'the inspection contingency is already in the offer'],
    ['a financing contingency on a cash offer', cash({ contingencies: [{ kind: 'financing', days: 21, count: 'calendar' }] }), AT, 'contingencies.0.kind', 'a cash offer has no financing contingency'],
    ['a contingency of 0 days', terms({ contingencies: [{ kind: 'inspection', days: 0, count: 'calendar' }] }), AT, 'contingencies.0.days', 'must be a whole number of days from 1 to 365'],
    ['a contingency of 366 days', terms({ contingencies: [{ kind: 'home_sale', days: 366, count: 'calendar' }] }), AT, 'contingencies.0.days', 'must be a whole number of days from 1 to 365'],
    ['an unknown way to count days', terms({ contingencies: [{ kind: 'inspection', days: 5, count: 'lunar' as 'calendar' }] }), AT, 'contingencies.0.count', 'must be one of calendar, business'],
    ['a closing date that is not a date', terms({ closingDate: '2026-02-30' }), AT, 'closingDate', 'must be a date (YYYY-MM-DD)'],
    ['a closing date before the offer', terms({ closingDate: '2026-03-01' }), AT, 'closingDate', "may not be before the offer's date, 2026-03-02"],
    ['an expiry without a zone', terms({ expiresAt: '2026-03-04T17:00:00' }), AT, 'expiresAt', 'must be an ISO instant with a zone, e.g. 2026-12-07T17:00:00.000Z'],
    ['an expiry on a day that does not exist', terms({ expiresAt: '2026-02-30T17:00:00Z' }), AT, 'expiresAt', 'must be an ISO instant with a zone, e.g. 2026-12-07T17:00:00.000Z'],
    ['an expiry at the moment of the offer', terms({ expiresAt: AT }), AT, 'expiresAt', 'must be after the moment the offer is made'],
    ['an expiry before the offer, once zones are applied', terms({ expiresAt: '2026-03-02T16:00:00+02:00' }), AT, 'expiresAt', 'must be after the moment the offer is made'],
  ])('refuses %s', (_label, t, at, field, message) => {
    expect(offerTermsProblem(t, at)).toEqual({ field, message });
  });
});

/** Applies actions one after another, failing the test on a refusal. */
const play = (n: Negotiation, ...actions: NegotiationAction[]) => actions.reduce(negotiate, n);
const opened = () => openNegotiation(terms(), AT);
const T1 = hoursAfter(AT, 1);
const T2 = hoursAfter(AT, 2);
const counterTerms = terms({ priceMinor: 470_000_00, expiresAt: hoursAfter(AT, 30) });
const sellerCounter: NegotiationAction = { type: 'counter', by: 'seller', terms: counterTerms, at: T1 };

describe('a negotiation', () => {
  it("opens with the buyer's offer as round 1, for the seller to answer", () => {
    const n = opened();
    expect(n).toEqual({ status: 'open', rounds: [{ n: 1, by: 'buyer', terms: terms(), at: AT, status: 'open', reason: null }] });
    expect(openRound(n)?.n).toBe(1);
    expect(whoseTurn(n)).toBe('seller');
    expect(agreedTerms(n)).toBeUndefined();
  });

  it('cannot open with invalid terms', () => {
    expect(() => openNegotiation(terms({ priceMinor: 0 }), AT)).toThrow(new RangeError('priceMinor: must be a whole number of minor units above 0'));
  });

  it('moves to a new round on a counter, in one step, leaving the old value as it was', () => {
    const before = opened();
    const n = negotiate(before, sellerCounter);
    expect(n.status).toBe('open');
    expect(n.rounds.map((r) => [r.n, r.by, r.status])).toEqual([
      [1, 'buyer', 'countered'],
      [2, 'seller', 'open'],
    ]);
    expect(n.rounds[1]).toMatchObject({ terms: counterTerms, at: T1, reason: null });
    expect(whoseTurn(n)).toBe('buyer');
    expect(before).toEqual(opened());
  });

  it('lets the buyer counter the counter, and either side accept', () => {
    const third = terms({ priceMinor: 460_000_00, expiresAt: hoursAfter(AT, 40) });
    const n = play(opened(), sellerCounter, { type: 'counter', by: 'buyer', terms: third, at: T2 });
    expect(whoseTurn(n)).toBe('seller');
    const bySeller = negotiate(n, { type: 'accept', by: 'seller', at: hoursAfter(AT, 3) });
    expect(bySeller.status).toBe('accepted');
    expect(bySeller.rounds.map((r) => r.status)).toEqual(['countered', 'countered', 'accepted']);
    expect(agreedTerms(bySeller)).toEqual(third);
    const byBuyer = play(opened(), sellerCounter, { type: 'accept', by: 'buyer', at: T2 });
    expect(agreedTerms(byBuyer)).toEqual(counterTerms);
    expect(whoseTurn(byBuyer)).toBeNull();
  });

  it.each<[string, NegotiationAction, string]>([
    ['the buyer countering their own offer', { type: 'counter', by: 'buyer', terms: terms(), at: T1 }, 'the buyer made round 1: only the seller can counter it'],
    ['the buyer accepting their own offer', { type: 'accept', by: 'buyer', at: T1 }, 'the buyer made round 1: only the seller can accept it'],
    ['the buyer rejecting their own offer', { type: 'reject', by: 'buyer', at: T1 }, 'the buyer made round 1: only the seller can reject it'],
    ['a counter in another currency', { type: 'counter', by: 'seller', terms: terms({ currency: 'EUR' }), at: T1 }, "the counter must be in the offer's currency, USD"],
    ['a counter with invalid terms', { type: 'counter', by: 'seller', terms: terms({ sellerCreditMinor: -1 }), at: T1 }, "the counter's sellerCreditMinor must be a whole number of minor units, 0 or more"],
    ['a counter that lapses before it is made', { type: 'counter', by: 'seller', terms: terms({ expiresAt: AT }), at: T1 }, "the counter's expiresAt must be after the moment the offer is made"],
    ['a counter after the round lapsed', { type: 'counter', by: 'seller', terms: counterTerms, at: EXPIRES }, `round 1 lapsed at ${EXPIRES}: it can no longer be countered`],
    ['an acceptance at the moment the round lapses', { type: 'accept', by: 'seller', at: EXPIRES }, `round 1 lapsed at ${EXPIRES}: it can no longer be accepted`],
    ['an acceptance after the round lapsed, expiry not yet applied', { type: 'accept', by: 'seller', at: hoursAfter(EXPIRES, 5) }, `round 1 lapsed at ${EXPIRES}: it can no longer be accepted`],
    ['the seller withdrawing the buyer\'s offer', { type: 'withdraw', by: 'seller', at: T1 }, "the seller can withdraw only their own counter: reject the buyer's round 1 instead"],
    ['expiring a round that is not open', { type: 'expire', round: 2, at: EXPIRES }, 'round 2 is not the open round (round 1 is)'],
    ['expiring a round before it lapses', { type: 'expire', round: 1, at: hoursAfter(EXPIRES, -1) }, `round 1 lapses at ${EXPIRES}, not before`],
    ['an action before the round was made', { type: 'accept', by: 'seller', at: hoursAfter(AT, -1) }, `the accept at ${hoursAfter(AT, -1)} comes before round 1 was made, at ${AT}`],
    ['an action at an unreadable moment', { type: 'reject', by: 'seller', at: 'yesterday' }, 'yesterday is not an ISO instant with a zone'],
  ])('refuses %s', (_label, action, message) => {
    const n = opened();
    expect(negotiationProblem(n, action)).toBe(message);
    expect(() => negotiate(n, action)).toThrow(new RangeError(message));
  });

  it('ends rejected, with the reason when one is given', () => {
    const n = negotiate(opened(), { type: 'reject', by: 'seller', at: T1, reason: '  too low  ' });
    expect(n.status).toBe('rejected');
    expect(n.rounds[0]).toMatchObject({ status: 'rejected', reason: 'too low' });
    expect(agreedTerms(n)).toBeUndefined();
    expect(negotiate(opened(), { type: 'reject', by: 'seller', at: T1 }).rounds[0]!.reason).toBeNull();
  });

  it('lets a lapsed round still be rejected: it ends the negotiation all the same', () => {
    expect(negotiate(opened(), { type: 'reject', by: 'seller', at: hoursAfter(EXPIRES, 1) }).status).toBe('rejected');
  });

  it('lets the author of the open round withdraw it', () => {
    const byBuyer = negotiate(opened(), { type: 'withdraw', by: 'buyer', at: T1 });
    expect(byBuyer.status).toBe('withdrawn');
    expect(byBuyer.rounds[0]).toMatchObject({ status: 'withdrawn', reason: null });
    const bySeller = play(opened(), sellerCounter, { type: 'withdraw', by: 'seller', at: T2 });
    expect(bySeller.status).toBe('withdrawn');
    expect(bySeller.rounds[1]).toMatchObject({ by: 'seller', status: 'withdrawn', reason: null });
  });

  it("lets the buyer walk away while the seller's counter is open, and after a lapse", () => {
    const n = play(opened(), sellerCounter, { type: 'withdraw', by: 'buyer', at: T2 });
    expect(n.status).toBe('withdrawn');
    expect(n.rounds[1]).toMatchObject({ by: 'seller', status: 'withdrawn', reason: 'withdrawn by the buyer' });
    expect(negotiate(opened(), { type: 'withdraw', by: 'buyer', at: hoursAfter(EXPIRES, 1) }).status).toBe('withdrawn');
  });

  it('expires the open round once its time has come, and only then', () => {
    const n = negotiate(opened(), { type: 'expire', round: 1, at: EXPIRES });
    expect(n.status).toBe('expired');
    expect(n.rounds[0]!.status).toBe('expired');
    expect(whoseTurn(n)).toBeNull();
    expect(hasLapsed(opened().rounds[0]!, hoursAfter(EXPIRES, -1))).toBe(false);
    expect(hasLapsed(opened().rounds[0]!, EXPIRES)).toBe(true);
  });

  it('expires a counter by its own expiry, not the offer it answered', () => {
    const n = negotiate(opened(), sellerCounter);
    expect(negotiationProblem(n, { type: 'expire', round: 1, at: hoursAfter(AT, 31) })).toBe('round 1 is not the open round (round 2 is)');
    expect(negotiate(n, { type: 'expire', round: 2, at: hoursAfter(AT, 30) }).status).toBe('expired');
  });

  const ended: [string, Negotiation][] = [
    ['accepted', negotiate(opened(), { type: 'accept', by: 'seller', at: T1 })],
    ['rejected', negotiate(opened(), { type: 'reject', by: 'seller', at: T1 })],
    ['withdrawn', negotiate(opened(), { type: 'withdraw', by: 'buyer', at: T1 })],
    ['expired', negotiate(opened(), { type: 'expire', round: 1, at: EXPIRES })],
  ];
  const anything: NegotiationAction[] = [
    { type: 'counter', by: 'seller', terms: counterTerms, at: T2 },
    { type: 'counter', by: 'buyer', terms: counterTerms, at: T2 },
    { type: 'accept', by: 'seller', at: T2 },
    { type: 'accept', by: 'buyer', at: T2 },
    { type: 'reject', by: 'seller', at: T2 },
    { type: 'withdraw', by: 'buyer', at: T2 },
    { type: 'withdraw', by: 'seller', at: T2 },
    { type: 'expire', round: 1, at: hoursAfter(EXPIRES, 1) },
  ];
  it.each(ended)('takes no action once %s', (status, n) => {
    expect(n.status).toBe(status);
    expect(whoseTurn(n)).toBeNull();
    for (const action of anything) {
      expect(negotiationProblem(n, action)).toBe(`the negotiation is ${status}: it takes no further action`);
    }
  });

  it(`stops counters at ${MAX_ROUNDS} rounds`, () => {
    let n = opened();
    for (let i = 1; i < MAX_ROUNDS; i++) {
      n = negotiate(n, { type: 'counter', by: i % 2 === 1 ? 'seller' : 'buyer', terms: counterTerms, at: T1 });
    }
    expect(n.rounds).toHaveLength(MAX_ROUNDS);
    const by = whoseTurn(n)!;
    expect(negotiationProblem(n, { type: 'counter', by, terms: counterTerms, at: T1 })).toBe(
      `the negotiation has reached its limit of ${MAX_ROUNDS} rounds: accept or reject round ${MAX_ROUNDS}`,
    );
    expect(negotiate(n, { type: 'accept', by, at: T1 }).status).toBe('accepted');
  });

  it('gives the seller a way to end it whoever has the turn', () => {
    const onBuyerRound = sellerEndingAction(opened(), T2, REJECTED_FOR_ANOTHER_OFFER)!;
    expect(onBuyerRound).toEqual({ type: 'reject', by: 'seller', at: T2, reason: REJECTED_FOR_ANOTHER_OFFER });
    expect(negotiate(opened(), onBuyerRound).rounds[0]!.reason).toBe(REJECTED_FOR_ANOTHER_OFFER);
    const countered = negotiate(opened(), sellerCounter);
    const onOwnCounter = sellerEndingAction(countered, T2, REJECTED_LISTING_SOLD)!;
    expect(onOwnCounter.type).toBe('withdraw');
    const n = negotiate(countered, onOwnCounter);
    expect(n.status).toBe('withdrawn');
    expect(n.rounds[1]!.reason).toBe(REJECTED_LISTING_SOLD);
    expect(sellerEndingAction(n, T2, 'x')).toBeUndefined();
  });

  it("holds a new backup by accepting the buyer's round, or ends it when nothing can be agreed now", () => {
    const hold = backupHoldAction(opened(), T1, REJECTED_FOR_ANOTHER_OFFER)!;
    expect(hold).toEqual({ type: 'accept', by: 'seller', at: T1 });
    expect(agreedTerms(negotiate(opened(), hold))).toEqual(terms());
    // The seller's counter awaits the buyer: nothing is agreed, so it cannot wait in line.
    const countered = negotiate(opened(), sellerCounter);
    expect(backupHoldAction(countered, T2, REJECTED_FOR_ANOTHER_OFFER)).toEqual({ type: 'withdraw', by: 'seller', at: T2, reason: REJECTED_FOR_ANOTHER_OFFER });
    // The buyer's round lapsed: too late to accept it.
    const lapsed = backupHoldAction(opened(), EXPIRES, REJECTED_FOR_ANOTHER_OFFER)!;
    expect(lapsed).toEqual({ type: 'reject', by: 'seller', at: EXPIRES, reason: REJECTED_FOR_ANOTHER_OFFER });
    expect(negotiate(opened(), lapsed).status).toBe('rejected');
    // Already accepted (an offer taken as a backup while under contract): nothing to do.
    expect(backupHoldAction(negotiate(opened(), hold), T2, REJECTED_FOR_ANOTHER_OFFER)).toBeUndefined();
  });
});

/** Applies events in order, collecting every effect. */
function run(book: OfferBook, ...events: OfferBookEvent[]) {
  const effects = [];
  for (const e of events) {
    const next = applyOfferBook(book, e);
    book = next.book;
    effects.push(...next.effects);
  }
  return { book, effects };
}
const offered = (...ids: string[]): OfferBookEvent[] => ids.map((purchaseId) => ({ type: 'offered', purchaseId }));
const threeOffers = () => run(emptyOfferBook(), ...offered('a', 'b', 'c')).book;

describe('the offer book', () => {
  it('starts empty and takes offers in order', () => {
    expect(emptyOfferBook()).toEqual({ primary: null, backups: [], open: [], sold: false });
    expect(run(emptyOfferBook(), ...offered('a', 'b'))).toEqual({ book: { primary: null, backups: [], open: ['a', 'b'], sold: false }, effects: [] });
  });

  it('puts the listing under contract on accepting, rejecting the other offers', () => {
    expect(applyOfferBook(threeOffers(), { type: 'accepted', purchaseId: 'b', others: 'reject' })).toEqual({
      book: { primary: 'b', backups: [], open: [], sold: false },
      effects: [
        { type: 'listing', status: 'under_contract' },
        { type: 'reject', purchaseId: 'a', reason: REJECTED_FOR_ANOTHER_OFFER },
        { type: 'reject', purchaseId: 'c', reason: REJECTED_FOR_ANOTHER_OFFER },
      ],
    });
  });

  it('or keeps the other offers as backups, in the order they came', () => {
    expect(applyOfferBook(threeOffers(), { type: 'accepted', purchaseId: 'b', others: 'backup' })).toEqual({
      book: { primary: 'b', backups: ['a', 'c'], open: [], sold: false },
      effects: [
        { type: 'listing', status: 'under_contract' },
        { type: 'backup', purchaseId: 'a', position: 1 },
        { type: 'backup', purchaseId: 'c', position: 2 },
      ],
    });
  });

  it('queues an offer accepted while under contract as the last backup, leaving the others negotiating', () => {
    const { book } = run(threeOffers(), { type: 'accepted', purchaseId: 'a', others: 'backup' }, ...offered('d', 'e'));
    expect(applyOfferBook(book, { type: 'accepted', purchaseId: 'e', others: 'reject' })).toEqual({
      book: { primary: 'a', backups: ['b', 'c', 'e'], open: ['d'], sold: false },
      effects: [{ type: 'backup', purchaseId: 'e', position: 3 }],
    });
  });

  it('drops an ended negotiation quietly, and renumbers the backups behind an ended backup', () => {
    expect(applyOfferBook(threeOffers(), { type: 'ended', purchaseId: 'b' })).toEqual({ book: { primary: null, backups: [], open: ['a', 'c'], sold: false }, effects: [] });
    const { book } = run(emptyOfferBook(), ...offered('p', 'a', 'b', 'c'), { type: 'accepted', purchaseId: 'p', others: 'backup' });
    expect(applyOfferBook(book, { type: 'ended', purchaseId: 'a' })).toEqual({
      book: { primary: 'p', backups: ['b', 'c'], open: [], sold: false },
      effects: [
        { type: 'backup', purchaseId: 'b', position: 1 },
        { type: 'backup', purchaseId: 'c', position: 2 },
      ],
    });
    expect(applyOfferBook(book, { type: 'ended', purchaseId: 'c' }).effects).toEqual([]);
  });

  it('steps the first backup up when the contract falls through', () => {
    const { book } = run(emptyOfferBook(), ...offered('p', 'a', 'b', 'c'), { type: 'accepted', purchaseId: 'p', others: 'backup' });
    expect(applyOfferBook(book, { type: 'fell_through', purchaseId: 'p' })).toEqual({
      book: { primary: 'a', backups: ['b', 'c'], open: [], sold: false },
      effects: [
        { type: 'step_up', purchaseId: 'a' },
        { type: 'backup', purchaseId: 'b', position: 1 },
        { type: 'backup', purchaseId: 'c', position: 2 },
      ],
    });
  });

  it('puts the listing back on the market when a contract without backups falls through', () => {
    const { book } = run(threeOffers(), { type: 'accepted', purchaseId: 'a', others: 'reject' }, ...offered('d'));
    expect(applyOfferBook(book, { type: 'fell_through', purchaseId: 'a' })).toEqual({
      book: { primary: null, backups: [], open: ['d'], sold: false },
      effects: [{ type: 'listing', status: 'active' }],
    });
  });

  it('removes a backup whose contract fell through', () => {
    const { book } = run(threeOffers(), { type: 'accepted', purchaseId: 'a', others: 'backup' });
    expect(applyOfferBook(book, { type: 'fell_through', purchaseId: 'b' })).toEqual({
      book: { primary: 'a', backups: ['c'], open: [], sold: false },
      effects: [{ type: 'backup', purchaseId: 'c', position: 1 }],
    });
  });

  it('sells on closing, turning every other purchase away', () => {
    const { book } = run(emptyOfferBook(), ...offered('p', 'a'), { type: 'accepted', purchaseId: 'p', others: 'backup' }, ...offered('d'));
    expect(applyOfferBook(book, { type: 'closed', purchaseId: 'p' })).toEqual({
      book: { primary: 'p', backups: [], open: [], sold: true },
      effects: [
        { type: 'listing', status: 'sold' },
        { type: 'reject', purchaseId: 'd', reason: REJECTED_LISTING_SOLD },
        { type: 'reject', purchaseId: 'a', reason: REJECTED_LISTING_SOLD },
      ],
    });
  });

  const underContract = run(emptyOfferBook(), ...offered('p', 'b'), { type: 'accepted', purchaseId: 'p', others: 'backup' }, ...offered('o')).book;
  const sold = applyOfferBook(underContract, { type: 'closed', purchaseId: 'p' }).book;
  it.each<[string, OfferBook, OfferBookEvent, string]>([
    ['an offer twice', underContract, { type: 'offered', purchaseId: 'o' }, 'purchase o is still negotiating: it has already made its offer'],
    ['an offer from the purchase under contract', underContract, { type: 'offered', purchaseId: 'p' }, 'purchase p is under contract: it has already made its offer'],
    ['an offer on a sold listing', sold, { type: 'offered', purchaseId: 'z' }, 'the listing is sold: it takes no more offers'],
    ['accepting an unknown purchase', underContract, { type: 'accepted', purchaseId: 'z', others: 'reject' }, 'purchase z is not in the offer book: only an offer still negotiating can be accepted'],
    ['accepting a backup again', underContract, { type: 'accepted', purchaseId: 'b', others: 'reject' }, 'purchase b is backup offer #1: only an offer still negotiating can be accepted'],
    ['accepting the primary again', underContract, { type: 'accepted', purchaseId: 'p', others: 'reject' }, 'purchase p is under contract: only an offer still negotiating can be accepted'],
    ['accepting on a sold listing', sold, { type: 'accepted', purchaseId: 'o', others: 'reject' }, 'the listing is sold: no offer can be accepted'],
    ['ending the contract', underContract, { type: 'ended', purchaseId: 'p' }, 'purchase p is under contract: a contract ends by falling through or closing'],
    ['ending an unknown purchase', underContract, { type: 'ended', purchaseId: 'z' }, 'purchase z is not in the offer book: only an offer still negotiating or a backup offer can end'],
    ['ending the purchase that bought', sold, { type: 'ended', purchaseId: 'p' }, 'purchase p bought the listing: only an offer still negotiating or a backup offer can end'],
    ['an open offer falling through', underContract, { type: 'fell_through', purchaseId: 'o' }, 'purchase o is still negotiating: only a contract or a backup offer can fall through'],
    ['a sale falling through', sold, { type: 'fell_through', purchaseId: 'p' }, 'the listing is sold: its contract can no longer fall through'],
    ['a backup closing', underContract, { type: 'closed', purchaseId: 'b' }, 'purchase b is backup offer #1: only the purchase under contract can close'],
    ['closing without a contract', threeOffers(), { type: 'closed', purchaseId: 'a' }, 'purchase a is still negotiating: only the purchase under contract can close'],
    ['closing twice', sold, { type: 'closed', purchaseId: 'p' }, 'the listing is already sold'],
  ])('refuses %s', (_label, book, event, message) => {
    expect(offerBookProblem(book, event)).toBe(message);
    expect(() => applyOfferBook(book, event)).toThrow(new RangeError(message));
  });
});
