/**
 * The terms of an offer to buy a listing, and the check that makes them an
 * offer a seller can answer. Pure: the moment the offer is made is passed in,
 * so the API (answering the buyer at once) and the purchase workflow (deciding
 * on replay) reach the same verdict.
 */
import { compareDates, isValidDate, type IsoDate } from '../calendar';
import { SUPPORTED_CURRENCIES, type Currency } from '../money';

export const FINANCING_TYPES = ['cash', 'conventional', 'fha', 'va', 'usda'] as const;
export type FinancingType = (typeof FINANCING_TYPES)[number];

export const CONTINGENCY_KINDS = ['inspection', 'appraisal', 'financing', 'home_sale'] as const;
export type ContingencyKind = (typeof CONTINGENCY_KINDS)[number];

/** Days each contingency runs from acceptance unless the offer says otherwise. */
export const DEFAULT_CONTINGENCY_DAYS: Record<ContingencyKind, number> = { inspection: 10, appraisal: 17, financing: 21, home_sale: 30 };

export const DEFAULT_EARNEST_MONEY_DUE_BUSINESS_DAYS = 3;

/** Bounds on a contingency's length: a day at least, and no contract waits more than a year on one. */
export const MIN_CONTINGENCY_DAYS = 1;
export const MAX_CONTINGENCY_DAYS = 365;

/** Earnest money is due within this many business days at most (0: on acceptance). */
export const MAX_EARNEST_MONEY_DUE_BUSINESS_DAYS = 30;

export const CONTINGENCY_COUNTS = ['calendar', 'business'] as const;
export const MISSED_DEADLINE_OUTCOMES = ['waived', 'failed'] as const;

export interface ContingencyTerms {
  kind: ContingencyKind;
  days: number;
  count: 'calendar' | 'business';
}

export interface OfferTerms {
  priceMinor: number;
  currency: Currency;
  earnestMoneyMinor: number;
  earnestMoneyDueBusinessDays: number;
  financing: { type: FinancingType; downPaymentMinor: number };
  contingencies: ContingencyTerms[];
  /** What a contingency deadline passing without a decision means: deemed waived (most US contracts) or failed. */
  onMissedDeadline: 'waived' | 'failed';
  closingDate: IsoDate;
  /** Credit from the seller to the buyer at closing. */
  sellerCreditMinor: number;
  /** When this round lapses if unanswered (ISO instant, e.g. 2026-12-07T17:00:00.000Z). */
  expiresAt: string;
}

export type OfferTermsProblem = { field: string; message: string };

// Seconds are required and hours stop at 23: Date.parse alone accepts "24:00" and rolls "02-30" into March.
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,3})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Milliseconds since the epoch of an ISO instant with an explicit zone
 * ("2026-12-07T17:00:00.000Z", "…+02:00"), or undefined when it is not one.
 * Instants are compared as numbers, never as strings: zones may differ.
 */
export function instantMs(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = INSTANT.exec(value);
  if (!m || !isValidDate(m[1]!)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The UTC calendar date of an instant: dates in the platform are UTC (see calendar.ts). */
export function utcDateOf(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

const problem = (field: string, message: string): OfferTermsProblem => ({ field, message });
const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

/** An amount that must be a whole number of minor units from 0 up to the price. */
function amountProblem(field: string, amount: number, priceMinor: number): OfferTermsProblem | undefined {
  if (!isWhole(amount) || amount < 0) return problem(field, 'must be a whole number of minor units, 0 or more');
  if (amount > priceMinor) return problem(field, 'may not be more than the price');
  return undefined;
}

/**
 * Cash means the buyer brings the whole price: the down payment is the price,
 * so "price - down payment" is the loan everywhere, 0 for cash. A financed
 * offer borrows something, so its down payment is below the price.
 */
function financingProblem(terms: OfferTerms): OfferTermsProblem | undefined {
  const { type, downPaymentMinor } = terms.financing;
  if (!FINANCING_TYPES.includes(type)) return problem('financing.type', `must be one of ${FINANCING_TYPES.join(', ')}`);
  const amount = amountProblem('financing.downPaymentMinor', downPaymentMinor, terms.priceMinor);
  if (amount) return amount;
  if (type === 'cash' && downPaymentMinor !== terms.priceMinor) {
    return problem('financing.downPaymentMinor', 'a cash offer pays the whole price: the down payment must equal the price');
  }
  if (type !== 'cash' && downPaymentMinor >= terms.priceMinor) {
    return problem('financing.downPaymentMinor', 'a financed offer borrows part of the price: the down payment must be below the price');
  }
  return undefined;
}

function contingenciesProblem(terms: OfferTerms): OfferTermsProblem | undefined {
  if (!Array.isArray(terms.contingencies)) return problem('contingencies', 'must be a list');
  const seen = new Set<string>();
  for (const [i, c] of terms.contingencies.entries()) {
    const at = `contingencies.${i}`;
    if (!CONTINGENCY_KINDS.includes(c.kind)) return problem(`${at}.kind`, `must be one of ${CONTINGENCY_KINDS.join(', ')}`);
    if (seen.has(c.kind)) return problem(`${at}.kind`, `the ${c.kind} contingency is already in the offer`);
    seen.add(c.kind);
    // Only a buyer who borrows can fail to get the loan.
    if (c.kind === 'financing' && terms.financing.type === 'cash') {
      return problem(`${at}.kind`, 'a cash offer has no financing contingency');
    }
    if (!isWhole(c.days) || c.days < MIN_CONTINGENCY_DAYS || c.days > MAX_CONTINGENCY_DAYS) {
      return problem(`${at}.days`, `must be a whole number of days from ${MIN_CONTINGENCY_DAYS} to ${MAX_CONTINGENCY_DAYS}`);
    }
    if (!CONTINGENCY_COUNTS.includes(c.count)) return problem(`${at}.count`, `must be one of ${CONTINGENCY_COUNTS.join(', ')}`);
  }
  return undefined;
}

function moneyProblem(terms: OfferTerms): OfferTermsProblem | undefined {
  if (!SUPPORTED_CURRENCIES.includes(terms.currency)) return problem('currency', `must be one of ${SUPPORTED_CURRENCIES.join(', ')}`);
  if (!isWhole(terms.priceMinor) || terms.priceMinor <= 0) return problem('priceMinor', 'must be a whole number of minor units above 0');
  const earnest = amountProblem('earnestMoneyMinor', terms.earnestMoneyMinor, terms.priceMinor);
  if (earnest) return earnest;
  const due = terms.earnestMoneyDueBusinessDays;
  if (!isWhole(due) || due < 0 || due > MAX_EARNEST_MONEY_DUE_BUSINESS_DAYS) {
    return problem('earnestMoneyDueBusinessDays', `must be a whole number of business days from 0 to ${MAX_EARNEST_MONEY_DUE_BUSINESS_DAYS}`);
  }
  return financingProblem(terms) ?? amountProblem('sellerCreditMinor', terms.sellerCreditMinor, terms.priceMinor);
}

function timingProblem(terms: OfferTerms, atMs: number): OfferTermsProblem | undefined {
  if (typeof terms.closingDate !== 'string' || !isValidDate(terms.closingDate)) return problem('closingDate', 'must be a date (YYYY-MM-DD)');
  const today = utcDateOf(atMs);
  if (compareDates(terms.closingDate, today) < 0) return problem('closingDate', `may not be before the offer's date, ${today}`);
  const expires = instantMs(terms.expiresAt);
  if (expires === undefined) return problem('expiresAt', 'must be an ISO instant with a zone, e.g. 2026-12-07T17:00:00.000Z');
  if (expires <= atMs) return problem('expiresAt', 'must be after the moment the offer is made');
  return undefined;
}

/**
 * Why these terms are not a valid offer made at `at` (field path and
 * message), or undefined. The first problem found is reported, money before
 * contingencies before dates, so a form can be fixed one field at a time.
 */
export function offerTermsProblem(terms: OfferTerms, at: string): OfferTermsProblem | undefined {
  const atMs = instantMs(at);
  if (atMs === undefined) return problem('at', 'must be an ISO instant with a zone');
  const moneyIssue = moneyProblem(terms);
  if (moneyIssue) return moneyIssue;
  if (!MISSED_DEADLINE_OUTCOMES.includes(terms.onMissedDeadline)) {
    return problem('onMissedDeadline', `must be one of ${MISSED_DEADLINE_OUTCOMES.join(', ')}`);
  }
  return contingenciesProblem(terms) ?? timingProblem(terms, atMs);
}
