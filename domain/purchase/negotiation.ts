/**
 * One buyer's negotiation with the seller over a listing: the buyer's offer,
 * then counters back and forth until a side accepts, rejects or withdraws, or
 * the open round lapses. A pure reducer: the purchase workflow holds the value
 * and the API asks negotiationProblem to explain a refusal before sending.
 */
import { instantMs, offerTermsProblem, type OfferTerms } from './offer';

export type Party = 'buyer' | 'seller';

export const ROUND_STATUSES = ['open', 'countered', 'accepted', 'rejected', 'withdrawn', 'expired'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export interface Round {
  n: number;
  by: Party;
  terms: OfferTerms;
  at: string;
  status: RoundStatus;
  reason: string | null;
}

export const NEGOTIATION_STATUSES = ['open', 'accepted', 'rejected', 'withdrawn', 'expired'] as const;
export type NegotiationStatus = (typeof NEGOTIATION_STATUSES)[number];

export interface Negotiation {
  status: NegotiationStatus;
  rounds: Round[];
}

/** Rounds a negotiation may reach: keeps the workflow's state (and its history) small. */
export const MAX_ROUNDS = 50;

export type NegotiationAction =
  | { type: 'counter'; by: Party; terms: OfferTerms; at: string }
  | { type: 'accept'; by: Party; at: string }
  | { type: 'reject'; by: Party; at: string; reason?: string }
  | { type: 'withdraw'; by: Party; at: string; reason?: string }
  | { type: 'expire'; round: number; at: string };

const otherParty = (p: Party): Party => (p === 'buyer' ? 'seller' : 'buyer');

/** Round 1: the buyer's offer. Throws RangeError when the terms are not a valid offer at `at`. */
export function openNegotiation(terms: OfferTerms, at: string): Negotiation {
  const problem = offerTermsProblem(terms, at);
  if (problem) throw new RangeError(`${problem.field}: ${problem.message}`);
  return { status: 'open', rounds: [{ n: 1, by: 'buyer', terms, at, status: 'open', reason: null }] };
}

/** The round awaiting an answer: the last one, while the negotiation is open. */
export function openRound(n: Negotiation): Round | undefined {
  if (n.status !== 'open') return undefined;
  const last = n.rounds[n.rounds.length - 1];
  return last?.status === 'open' ? last : undefined;
}

/** Who must answer now (the party who did not make the open round), or null when nothing is open. */
export function whoseTurn(n: Negotiation): Party | null {
  const round = openRound(n);
  return round ? otherParty(round.by) : null;
}

/** Whether a round has lapsed by `at`: from its expiresAt on, it can only expire. */
export function hasLapsed(round: Round, at: string): boolean {
  const atMs = instantMs(at);
  return atMs !== undefined && atMs >= instantMs(round.terms.expiresAt)!;
}

/** Counter, accept and reject answer the open round: only the party who did not make it may. */
function turnProblem(round: Round, by: Party, verb: string): string | undefined {
  if (by === round.by) return `the ${by} made round ${round.n}: only the ${otherParty(by)} can ${verb} it`;
  return undefined;
}

function counterProblem(n: Negotiation, round: Round, action: Extract<NegotiationAction, { type: 'counter' }>): string | undefined {
  const turn = turnProblem(round, action.by, 'counter');
  if (turn) return turn;
  if (hasLapsed(round, action.at)) return `round ${round.n} lapsed at ${round.terms.expiresAt}: it can no longer be countered`;
  if (n.rounds.length >= MAX_ROUNDS) return `the negotiation has reached its limit of ${MAX_ROUNDS} rounds: accept or reject round ${round.n}`;
  // Money is never converted: every round is in the currency of the buyer's offer.
  if (action.terms.currency !== round.terms.currency) return `the counter must be in the offer's currency, ${round.terms.currency}`;
  const problem = offerTermsProblem(action.terms, action.at);
  return problem ? `the counter's ${problem.field} ${problem.message}` : undefined;
}

function acceptProblem(round: Round, action: Extract<NegotiationAction, { type: 'accept' }>): string | undefined {
  const turn = turnProblem(round, action.by, 'accept');
  if (turn) return turn;
  // Lapsed even if the expiry has not been applied yet: the timer may simply not have fired.
  if (hasLapsed(round, action.at)) return `round ${round.n} lapsed at ${round.terms.expiresAt}: it can no longer be accepted`;
  return undefined;
}

/** The author may take back their own round; the buyer may walk away whatever is on the table. */
function withdrawProblem(round: Round, by: Party): string | undefined {
  if (by === round.by || by === 'buyer') return undefined;
  return `the seller can withdraw only their own counter: reject the buyer's round ${round.n} instead`;
}

function expireProblem(round: Round, action: Extract<NegotiationAction, { type: 'expire' }>): string | undefined {
  if (action.round !== round.n) return `round ${action.round} is not the open round (round ${round.n} is)`;
  if (!hasLapsed(round, action.at)) return `round ${round.n} lapses at ${round.terms.expiresAt}, not before`;
  return undefined;
}

/** Why the action is not allowed now (a sentence a user can read), or undefined. */
export function negotiationProblem(n: Negotiation, action: NegotiationAction): string | undefined {
  const round = openRound(n);
  if (!round) return `the negotiation is ${n.status}: it takes no further action`;
  const atMs = instantMs(action.at);
  if (atMs === undefined) return `${action.at} is not an ISO instant with a zone`;
  // History runs forward: nothing answers a round before the round was made.
  if (atMs < instantMs(round.at)!) return `the ${action.type} at ${action.at} comes before round ${round.n} was made, at ${round.at}`;
  switch (action.type) {
    case 'counter':
      return counterProblem(n, round, action);
    case 'accept':
      return acceptProblem(round, action);
    case 'reject':
      return turnProblem(round, action.by, 'reject');
    case 'withdraw':
      return withdrawProblem(round, action.by);
    case 'expire':
      return expireProblem(round, action);
    default:
      return `unknown action ${(action as { type: string }).type}`;
  }
}

const reasonOf = (reason: string | undefined): string | null => reason?.trim() || null;

/** Applies an allowed action; throws RangeError(problem) otherwise. Pure: returns a new value. */
export function negotiate(n: Negotiation, action: NegotiationAction): Negotiation {
  const problem = negotiationProblem(n, action);
  if (problem) throw new RangeError(problem);
  const round = openRound(n)!;
  const before = n.rounds.slice(0, -1);
  const close = (status: NegotiationStatus, roundStatus: RoundStatus, reason: string | null): Negotiation => ({
    status,
    rounds: [...before, { ...round, status: roundStatus, reason }],
  });
  switch (action.type) {
    case 'counter': {
      const next: Round = { n: round.n + 1, by: action.by, terms: action.terms, at: action.at, status: 'open', reason: null };
      return { status: 'open', rounds: [...before, { ...round, status: 'countered' }, next] };
    }
    case 'accept':
      return close('accepted', 'accepted', null);
    case 'reject':
      return close('rejected', 'rejected', reasonOf(action.reason));
    case 'withdraw': {
      // The buyer walking away from the seller's counter is told apart from a round taken back by its author.
      const fallback = action.by === round.by ? null : `withdrawn by the ${action.by}`;
      return close('withdrawn', 'withdrawn', reasonOf(action.reason) ?? fallback);
    }
    case 'expire':
      return close('expired', 'expired', null);
  }
}

/** The terms both agreed (the accepted round's), or undefined. */
export function agreedTerms(n: Negotiation): OfferTerms | undefined {
  if (n.status !== 'accepted') return undefined;
  return n.rounds.find((r) => r.status === 'accepted')?.terms;
}

/**
 * The action by which the seller ends an open negotiation whoever's turn it
 * is, when the listing's offer book rejects the purchase (another offer was
 * accepted, or the listing sold): reject the buyer's round, or withdraw the
 * seller's own counter. Undefined when nothing is open.
 */
export function sellerEndingAction(n: Negotiation, at: string, reason: string): NegotiationAction | undefined {
  const round = openRound(n);
  if (!round) return undefined;
  return round.by === 'buyer' ? { type: 'reject', by: 'seller', at, reason } : { type: 'withdraw', by: 'seller', at, reason };
}

/**
 * What becomes of an open negotiation the offer book has just made a backup
 * (the seller accepted another offer and kept this one in line). A backup
 * steps up on its own, so its terms must already be agreed: the seller
 * accepts the buyer's round when it is theirs to accept and has not lapsed.
 * Otherwise nothing is agreed (the seller's own counter awaits the buyer, or
 * the round lapsed) and the seller ends it; the caller then tells the book
 * the purchase 'ended'. Undefined when nothing is open: an accepted
 * negotiation is a backup as it stands.
 */
export function backupHoldAction(n: Negotiation, at: string, reason: string): NegotiationAction | undefined {
  if (!openRound(n)) return undefined;
  const accept: NegotiationAction = { type: 'accept', by: 'seller', at };
  return negotiationProblem(n, accept) === undefined ? accept : sellerEndingAction(n, at, reason);
}
