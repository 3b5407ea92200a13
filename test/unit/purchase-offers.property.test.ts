/**
 * Random histories of one listing's offers, driven through the two reducers
 * composed the way the system composes them: a negotiation per purchase, the
 * listing's offer book fed by what the negotiations decide, and the book's
 * effects carried back to the negotiations and the listing. Whatever the order
 * of offers, counters, lapses, fall-throughs and closings, the listing never
 * has two contracts and nothing that ended comes back.
 *
 * Times start at a fixed instant and only move forward: nothing here depends
 * on today's date.
 */
import fc from 'fast-check';
import { addDays } from '../../domain/calendar';
import { CONTINGENCY_KINDS, DEFAULT_CONTINGENCY_DAYS, offerTermsProblem, utcDateOf, type ContingencyKind, type OfferTerms } from '../../domain/purchase/offer';
import {
  backupHoldAction,
  negotiate,
  negotiationProblem,
  openNegotiation,
  openRound,
  sellerEndingAction,
  whoseTurn,
  type Negotiation,
  type NegotiationAction,
  type Party,
} from '../../domain/purchase/negotiation';
import {
  REJECTED_FOR_ANOTHER_OFFER,
  applyOfferBook,
  emptyOfferBook,
  offerBookProblem,
  type OfferBook,
  type OfferBookEffect,
  type OfferBookEvent,
} from '../../domain/purchase/offer-book';

const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR_MS = 3_600_000;
const BUYERS = 5;
const iso = (ms: number) => new Date(ms).toISOString();
const purchaseOf = (buyer: number) => `purchase-${buyer}`;

/** The shape of an offer, turned into terms at the moment it is made; a few are deliberately wrong. */
interface TermsSeed {
  priceThousands: number;
  cash: boolean;
  contingencies: ContingencyKind[];
  expiresInHours: number;
  flaw: 'none' | 'other_currency' | 'already_lapsed' | 'no_price';
}

function termsAt(seed: TermsSeed, nowMs: number): OfferTerms {
  const price = seed.flaw === 'no_price' ? 0 : seed.priceThousands * 1000_00;
  return {
    priceMinor: price,
    currency: seed.flaw === 'other_currency' ? 'EUR' : 'USD',
    earnestMoneyMinor: price / 100,
    earnestMoneyDueBusinessDays: 3,
    financing: seed.cash ? { type: 'cash', downPaymentMinor: price } : { type: 'conventional', downPaymentMinor: price / 5 },
    contingencies: seed.contingencies
      .filter((kind) => !(seed.cash && kind === 'financing'))
      .map((kind) => ({ kind, days: DEFAULT_CONTINGENCY_DAYS[kind], count: 'calendar' as const })),
    onMissedDeadline: 'waived',
    closingDate: addDays(utcDateOf(nowMs), 45),
    sellerCreditMinor: 0,
    expiresAt: iso(seed.flaw === 'already_lapsed' ? nowMs : nowMs + seed.expiresInHours * HOUR_MS),
  };
}

/** Who acts: a given party, or whoever has the turn (so that a good share of answers are allowed). */
type Actor = Party | 'turn';
/** Which purchase: a given buyer's, or the n-th of those it could apply to (so that most steps aim at something alive). */
type Who = number | { live: number };
type Target = Who | 'primary';

type Step =
  | { kind: 'offer'; buyer: Who; seed: TermsSeed }
  | { kind: 'counter'; buyer: Who; by: Actor; seed: TermsSeed }
  | { kind: 'accept'; buyer: Who; by: Actor; others: 'reject' | 'backup' }
  | { kind: 'reject'; buyer: Who; by: Actor }
  | { kind: 'withdraw'; buyer: Who; by: Party }
  | { kind: 'expire'; buyer: Who; roundShift: number }
  | { kind: 'backup_withdraws'; buyer: Who }
  | { kind: 'fall_through'; target: Target }
  | { kind: 'close'; target: Target };

type Timed = Step & { waitMinutes: number };

const seedArb: fc.Arbitrary<TermsSeed> = fc.record({
  priceThousands: fc.integer({ min: 150, max: 900 }),
  cash: fc.boolean(),
  contingencies: fc.subarray([...CONTINGENCY_KINDS]),
  expiresInHours: fc.integer({ min: 1, max: 72 }),
  flaw: fc.oneof(
    { arbitrary: fc.constant('none' as const), weight: 12 },
    { arbitrary: fc.constantFrom('other_currency' as const, 'already_lapsed' as const, 'no_price' as const), weight: 1 },
  ),
});
const buyerArb = fc.integer({ min: 0, max: BUYERS - 1 });
const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { arbitrary: buyerArb, weight: 1 },
  { arbitrary: fc.record({ live: fc.nat({ max: BUYERS - 1 }) }), weight: 6 },
);
const actorArb: fc.Arbitrary<Actor> = fc.constantFrom('turn', 'turn', 'turn', 'buyer', 'seller');
const targetArb: fc.Arbitrary<Target> = fc.oneof({ arbitrary: fc.constant('primary' as const), weight: 3 }, { arbitrary: whoArb, weight: 1 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('offer' as const), buyer: whoArb, seed: seedArb }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('counter' as const), buyer: whoArb, by: actorArb, seed: seedArb }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('accept' as const), buyer: whoArb, by: actorArb, others: fc.constantFrom('reject' as const, 'backup' as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('reject' as const), buyer: whoArb, by: actorArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('withdraw' as const), buyer: whoArb, by: fc.constantFrom<Party>('buyer', 'seller') }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('expire' as const), buyer: whoArb, roundShift: fc.constantFrom(0, 0, 0, -1, 1) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('backup_withdraws' as const), buyer: whoArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fall_through' as const), target: targetArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('close' as const), target: targetArb }), weight: 1 },
);
// Mostly short pauses, sometimes long enough for rounds to lapse.
const waitArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 180 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 48 * 60 }), weight: 1 },
);
const timedArb: fc.Arbitrary<Timed> = fc.tuple(stepArb, waitArb).map(([step, waitMinutes]) => ({ ...step, waitMinutes }));

type ListingState = 'active' | 'under_contract' | 'sold';

/** The system as the property sees it: the reducers' values plus what their effects told the caller. */
interface World {
  nowMs: number;
  book: OfferBook;
  negotiations: Map<string, Negotiation>;
  /** the listing's status as set by the book's effects alone */
  listing: ListingState;
  /** the primary as the caller learns it (acceptance, step-up, fall-through) */
  primary: string | null;
  /** each backup's position as the backup effects last said */
  positions: Map<string, number>;
  /** purchases that are out: their negotiation ended, the book rejected them, their contract fell through */
  gone: Set<string>;
}

const newWorld = (): World => ({
  nowMs: START_MS,
  book: emptyOfferBook(),
  negotiations: new Map(),
  listing: 'active',
  primary: null,
  positions: new Map(),
  gone: new Set(),
});

/** What happened over all runs: the test is worth something only if much of it was allowed. */
const tally = { applied: 0, refused: 0, kinds: new Map<string, number>() };
const count = (what: string) => tally.kinds.set(what, (tally.kinds.get(what) ?? 0) + 1);

/** Fails the property with a message (fast-check reports it with the shrunk history). */
function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

/**
 * Carries the book's effects back to the negotiations' side and the listing.
 * A purchase made a backup whose terms cannot be agreed on the spot is
 * ended, but only after the whole list: its renumbering must not be
 * overtaken by the positions still to come in this list.
 */
function applyEffects(w: World, effects: OfferBookEffect[]): void {
  const notHeld: string[] = [];
  for (const effect of effects) {
    count(`effect:${effect.type === 'listing' ? `listing:${effect.status}` : effect.type}`);
    switch (effect.type) {
      case 'reject': {
        w.gone.add(effect.purchaseId);
        w.positions.delete(effect.purchaseId);
        const n = w.negotiations.get(effect.purchaseId)!;
        // An open negotiation is ended by the seller; an accepted one (a backup) is simply out.
        const action = sellerEndingAction(n, iso(w.nowMs), effect.reason);
        if (action) w.negotiations.set(effect.purchaseId, negotiate(n, action));
        break;
      }
      case 'backup': {
        w.positions.set(effect.purchaseId, effect.position);
        const n = w.negotiations.get(effect.purchaseId)!;
        const action = backupHoldAction(n, iso(w.nowMs), REJECTED_FOR_ANOTHER_OFFER);
        if (!action) break;
        const next = negotiate(n, action);
        w.negotiations.set(effect.purchaseId, next);
        if (next.status !== 'accepted') notHeld.push(effect.purchaseId);
        break;
      }
      case 'step_up':
        w.positions.delete(effect.purchaseId);
        w.primary = effect.purchaseId;
        break;
      case 'listing':
        check(w.listing !== 'sold', `a sold listing was told to become ${effect.status}`);
        w.listing = effect.status;
        if (effect.status === 'active') w.primary = null;
        break;
    }
  }
  for (const id of notHeld) {
    count('backup_not_held');
    check(applyBook(w, { type: 'ended', purchaseId: id }), `the book refused to drop ${id}, a backup not held`);
    w.positions.delete(id);
    w.gone.add(id);
  }
}

function applyBook(w: World, event: OfferBookEvent): boolean {
  if (offerBookProblem(w.book, event) !== undefined) return false;
  const { book, effects } = applyOfferBook(w.book, event);
  w.book = book;
  applyEffects(w, effects);
  return true;
}

/** A negotiation action, and what its outcome means for the book. */
function act(w: World, id: string, action: NegotiationAction, others: 'reject' | 'backup' = 'reject'): boolean {
  const n = w.negotiations.get(id);
  if (!n || negotiationProblem(n, action) !== undefined) return false;
  const next = negotiate(n, action);
  if (next.status === 'accepted') {
    // The system checks the book before it records the acceptance; an open negotiation must always be acceptable there.
    const event: OfferBookEvent = { type: 'accepted', purchaseId: id, others };
    check(offerBookProblem(w.book, event) === undefined, `the book refused an accepted negotiation: ${offerBookProblem(w.book, event)}`);
    w.negotiations.set(id, next);
    const listingBefore = w.listing;
    applyBook(w, event);
    // The caller learns it holds the contract from the listing going under contract.
    if (listingBefore !== 'under_contract' && w.listing === 'under_contract') w.primary = id;
    return true;
  }
  w.negotiations.set(id, next);
  if (next.status !== 'open') {
    const ended = applyBook(w, { type: 'ended', purchaseId: id });
    check(ended, `the book refused the end of ${id}'s ${next.status} negotiation`);
    w.gone.add(id);
  }
  return true;
}

function actorOf(w: World, id: string, by: Actor): Party {
  if (by !== 'turn') return by;
  const n = w.negotiations.get(id);
  return (n && whoseTurn(n)) ?? 'seller';
}

/** The purchase a step aims at; `among` are those it could apply to, for the { live } choice. */
function pick(who: Who, among: string[]): string {
  if (typeof who === 'number') return purchaseOf(who);
  return among.length === 0 ? purchaseOf(who.live) : among[who.live % among.length]!;
}

const newcomers = (w: World) => Array.from({ length: BUYERS }, (_, b) => purchaseOf(b)).filter((id) => !w.negotiations.has(id));
const negotiating = (w: World) => [...w.negotiations].filter(([, n]) => n.status === 'open').map(([id]) => id);

function targetOf(w: World, target: Target): string {
  if (target === 'primary') return w.book.primary ?? 'nobody';
  return pick(target, w.book.backups);
}

/** One step of the history; false when the system refuses it. */
function step(w: World, s: Step): boolean {
  const at = iso(w.nowMs);
  switch (s.kind) {
    case 'offer': {
      const id = pick(s.buyer, newcomers(w));
      const terms = termsAt(s.seed, w.nowMs);
      // One purchase per buyer per listing: a buyer whose negotiation ended does not start another.
      if (w.negotiations.has(id) || offerTermsProblem(terms, at) !== undefined) return false;
      if (!applyBook(w, { type: 'offered', purchaseId: id })) return false;
      w.negotiations.set(id, openNegotiation(terms, at));
      return true;
    }
    case 'counter': {
      const id = pick(s.buyer, negotiating(w));
      return act(w, id, { type: 'counter', by: actorOf(w, id, s.by), terms: termsAt(s.seed, w.nowMs), at });
    }
    case 'accept': {
      const id = pick(s.buyer, negotiating(w));
      return act(w, id, { type: 'accept', by: actorOf(w, id, s.by), at }, s.others);
    }
    case 'reject': {
      const id = pick(s.buyer, negotiating(w));
      return act(w, id, { type: 'reject', by: actorOf(w, id, s.by), at, reason: 'not for us' });
    }
    case 'withdraw':
      return act(w, pick(s.buyer, negotiating(w)), { type: 'withdraw', by: s.by, at });
    case 'expire': {
      const id = pick(s.buyer, negotiating(w));
      const n = w.negotiations.get(id);
      const round = (n && openRound(n)?.n) ?? 1;
      return act(w, id, { type: 'expire', round: round + s.roundShift, at });
    }
    case 'backup_withdraws': {
      const id = pick(s.buyer, w.book.backups);
      // Only a backup's buyer walks away through the book alone; an open negotiation ends through its own reducer.
      if (!w.book.backups.includes(id) || !applyBook(w, { type: 'ended', purchaseId: id })) return false;
      w.positions.delete(id);
      w.gone.add(id);
      return true;
    }
    case 'fall_through': {
      const id = targetOf(w, s.target);
      if (!applyBook(w, { type: 'fell_through', purchaseId: id })) return false;
      w.positions.delete(id);
      w.gone.add(id);
      return true;
    }
    case 'close':
      return applyBook(w, { type: 'closed', purchaseId: targetOf(w, s.target) });
  }
}

function checkInvariants(w: World, wasSold: boolean): void {
  const { primary, backups, open, sold } = w.book;
  const everyone = [...(primary === null ? [] : [primary]), ...backups, ...open];
  check(new Set(everyone).size === everyone.length, `a purchase holds two places: ${JSON.stringify(w.book)}`);
  check(primary === null || !backups.includes(primary), 'the primary is also a backup');
  check(!open.some((id) => backups.includes(id)), 'a purchase is both open and a backup');
  for (const id of [...(primary === null ? [] : [primary]), ...backups]) {
    check(w.negotiations.get(id)?.status === 'accepted', `${id} holds a contract or a backup without an accepted negotiation`);
    check(!w.gone.has(id), `${id} ended but holds a contract or a backup`);
  }
  for (const id of open) check(!w.gone.has(id), `${id} ended but is still open in the book`);
  // The book's open list and the open negotiations are the same purchases, in both directions.
  const live = negotiating(w);
  check(JSON.stringify([...live].sort()) === JSON.stringify([...open].sort()), `open negotiations ${live} but the book has ${open}`);
  // What the caller learned from the effects matches the book.
  check(w.primary === primary, `the effects say the primary is ${w.primary}, the book says ${primary}`);
  backups.forEach((id, i) => check(w.positions.get(id) === i + 1, `${id} is backup #${i + 1} but was told #${w.positions.get(id)}`));
  check(w.positions.size === backups.length, 'a purchase still believes it is a backup');
  const expected: ListingState = sold ? 'sold' : primary === null ? 'active' : 'under_contract';
  check(w.listing === expected, `the listing is ${w.listing} by the effects, ${expected} by the book`);
  check(!wasSold || sold, 'a sold listing became unsold');
  if (sold) check(open.length === 0 && backups.length === 0, 'a sold listing still has offers');
}

describe('offers on one listing, at random', () => {
  it('keep one contract at most, an ordered queue of backups, and never revive what ended', () => {
    fc.assert(
      fc.property(fc.array(timedArb, { maxLength: 40, size: 'max' }), (history) => {
        const w = newWorld();
        for (const s of history) {
          const wasSold = w.book.sold;
          w.nowMs += s.waitMinutes * 60_000;
          if (step(w, s)) {
            tally.applied++;
            count(`applied:${s.kind}`);
          } else {
            tally.refused++;
            count(`refused:${s.kind}`);
          }
          checkInvariants(w, wasSold);
        }
      }),
      { numRuns: 1500 },
    );

    // Not vacuous: many actions were allowed, and every kind of step and outcome happened. Refusals still
    // outnumber them by design: each buyer makes one purchase, so a history soon runs out of live
    // negotiations, and a sold listing refuses everything.
    const total = tally.applied + tally.refused;
    expect(total).toBeGreaterThan(15_000);
    expect(tally.applied).toBeGreaterThan(5_000);
    expect(tally.applied / total).toBeGreaterThan(0.25);
    for (const kind of ['offer', 'counter', 'accept', 'reject', 'withdraw', 'expire', 'backup_withdraws', 'fall_through', 'close']) {
      expect(tally.kinds.get(`applied:${kind}`) ?? 0).toBeGreaterThan(40);
    }
    for (const effect of ['effect:reject', 'effect:backup', 'effect:step_up', 'effect:listing:active', 'effect:listing:under_contract', 'effect:listing:sold', 'backup_not_held']) {
      expect(tally.kinds.get(effect) ?? 0).toBeGreaterThan(40);
    }
  });
});
