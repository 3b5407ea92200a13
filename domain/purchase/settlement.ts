/**
 * The settlement statement of a purchase, in the sections of the ALTA Combined
 * Settlement Statement, computed from the deal's facts: exact to the minor unit
 * and deterministic, so the closing workflow, the documents and the ledger all
 * show the same figures. Integer arithmetic only (BigInt where a product could
 * pass 2^53), rounding half up.
 */
import { addDays, compareDates, daysBetween, isValidDate, type IsoDate } from '../calendar';
import { basisPointsOf, divideRoundHalfUp, formatMoney, SUPPORTED_CURRENCIES, type Currency } from '../money';

export type Side = 'buyer' | 'seller';

export interface SettlementInput {
  currency: Currency;
  closingDate: IsoDate;
  priceMinor: number;
  /** Earnest money held in escrow, applied to the buyer at closing. */
  earnestMoneyMinor: number;
  /** 0 for a cash purchase. */
  loanAmountMinor: number;
  /** Credits from the seller to the buyer (a repair credit, concessions). */
  sellerCredits: { description: string; amountMinor: number }[];
  /**
   * Amounts for a period that straddles closing (property tax, HOA dues), split by day:
   * the seller is responsible through the day before closing, the buyer from the closing
   * day. `paidInAdvance`: the seller already paid the whole period (buyer reimburses the
   * seller for the buyer's days); otherwise it is unpaid, due after closing (seller
   * credits the buyer for the seller's days). periodEnd inclusive.
   */
  prorations: { description: string; periodStart: IsoDate; periodEnd: IsoDate; amountMinor: number; paidInAdvance: boolean }[];
  /** Lender's charges, paid by the buyer. */
  loanCharges: { description: string; amountMinor: number }[];
  /** Title insurance, settlement/escrow fees. */
  titleCharges: { description: string; amountMinor: number; paidBy: Side }[];
  /** Brokers' commissions as basis points of the price, paid by the seller (one line per side). */
  commissions: { description: string; basisPoints: number }[];
  recordingFees: { description: string; amountMinor: number; paidBy: Side }[];
  /** Transfer tax as basis points of the price. */
  transferTaxes: { description: string; basisPoints: number; paidBy: Side }[];
  /** Liens paid off from the seller's proceeds; `reference` names the lien (its recorded instrument). */
  payoffs: { description: string; amountMinor: number; reference: string }[];
}

export interface SettlementLine {
  description: string;
  buyerDebitMinor: number;
  buyerCreditMinor: number;
  sellerDebitMinor: number;
  sellerCreditMinor: number;
  /** what the line settles, e.g. a lien's instrument for a payoff */
  reference?: string;
}

export const SETTLEMENT_SECTIONS = ['financial', 'prorations', 'loan_charges', 'title_escrow', 'commissions', 'government', 'payoffs'] as const;
export type SettlementSectionId = (typeof SETTLEMENT_SECTIONS)[number];

/** The headings the ALTA Combined Settlement Statement uses. */
export const SETTLEMENT_SECTION_TITLES: Record<SettlementSectionId, string> = {
  financial: 'Financial',
  prorations: 'Prorations/Adjustments',
  loan_charges: 'Loan Charges',
  title_escrow: 'Title Charges & Escrow/Settlement Charges',
  commissions: 'Commission',
  government: 'Government Recording and Transfer Charges',
  payoffs: 'Payoff(s)',
};

export interface SettlementSection {
  id: SettlementSectionId;
  title: string;
  lines: SettlementLine[];
}

export interface SettlementTotals {
  buyerDebitsMinor: number;
  buyerCreditsMinor: number;
  dueFromBuyerMinor: number;
  sellerCreditsMinor: number;
  sellerDebitsMinor: number;
  dueToSellerMinor: number;
}

export interface SettlementStatement {
  currency: Currency;
  closingDate: IsoDate;
  sections: SettlementSection[];
  totals: SettlementTotals;
}

/** Fixed descriptions of the financial section's own lines: closingFunds finds the earnest money and the loan by them. */
export const SALE_PRICE_LINE = 'Sale price of property';
export const EARNEST_MONEY_LINE = 'Deposit (earnest money)';
export const LOAN_AMOUNT_LINE = 'Loan amount';

export interface ProrationSplit {
  /** Days from periodStart to the day before closing. */
  sellerDays: number;
  /** Days from closing to periodEnd, both included. */
  buyerDays: number;
  sellerShareMinor: number;
  buyerShareMinor: number;
}

/**
 * A period's amount split by whole days at closing: the buyer's share is amount ×
 * buyerDays / days in the period, rounded half up (no rounded per-day rate in between);
 * the seller's is the remainder, so the two always add up to the amount.
 */
export function prorationSplit(periodStart: IsoDate, periodEnd: IsoDate, closingDate: IsoDate, amountMinor: number): ProrationSplit {
  const periodDays = daysBetween(periodStart, periodEnd) + 1;
  const sellerDays = daysBetween(periodStart, closingDate);
  const buyerDays = periodDays - sellerDays;
  const buyerShareMinor = Number(divideRoundHalfUp(BigInt(amountMinor) * BigInt(buyerDays), BigInt(periodDays)));
  return { sellerDays, buyerDays, sellerShareMinor: amountMinor - buyerShareMinor, buyerShareMinor };
}

type Amounts = Partial<Omit<SettlementLine, 'description' | 'reference'>>;

function line(description: string, amounts: Amounts, reference?: string): SettlementLine {
  return {
    description,
    buyerDebitMinor: amounts.buyerDebitMinor ?? 0,
    buyerCreditMinor: amounts.buyerCreditMinor ?? 0,
    sellerDebitMinor: amounts.sellerDebitMinor ?? 0,
    sellerCreditMinor: amounts.sellerCreditMinor ?? 0,
    ...(reference !== undefined ? { reference } : {}),
  };
}

/** A charge to one side only: a debit of whoever pays it. */
function charge(description: string, amountMinor: number, paidBy: Side): SettlementLine {
  return line(description, paidBy === 'buyer' ? { buyerDebitMinor: amountMinor } : { sellerDebitMinor: amountMinor });
}

function isZero(l: SettlementLine): boolean {
  return l.buyerDebitMinor === 0 && l.buyerCreditMinor === 0 && l.sellerDebitMinor === 0 && l.sellerCreditMinor === 0;
}

function financialLines(input: SettlementInput): SettlementLine[] {
  return [
    line(SALE_PRICE_LINE, { buyerDebitMinor: input.priceMinor, sellerCreditMinor: input.priceMinor }),
    line(EARNEST_MONEY_LINE, { buyerCreditMinor: input.earnestMoneyMinor }),
    line(LOAN_AMOUNT_LINE, { buyerCreditMinor: input.loanAmountMinor }),
    ...input.sellerCredits.map((c) => line(c.description, { buyerCreditMinor: c.amountMinor, sellerDebitMinor: c.amountMinor })),
  ];
}

/**
 * Paid in advance: the buyer reimburses the seller for closing..periodEnd. Unpaid:
 * the seller credits the buyer for periodStart..the day before closing. The line
 * names the days it covers, as settlement statements do.
 */
function prorationLine(p: SettlementInput['prorations'][number], closingDate: IsoDate): SettlementLine {
  const split = prorationSplit(p.periodStart, p.periodEnd, closingDate, p.amountMinor);
  if (p.paidInAdvance) {
    const amount = split.buyerShareMinor;
    return line(`${p.description} ${closingDate} to ${p.periodEnd}`, { buyerDebitMinor: amount, sellerCreditMinor: amount });
  }
  const amount = split.sellerShareMinor;
  return line(`${p.description} ${p.periodStart} to ${addDays(closingDate, -1)}`, { buyerCreditMinor: amount, sellerDebitMinor: amount });
}

function sectionLines(id: SettlementSectionId, input: SettlementInput): SettlementLine[] {
  switch (id) {
    case 'financial':
      return financialLines(input);
    case 'prorations':
      return input.prorations.map((p) => prorationLine(p, input.closingDate));
    case 'loan_charges':
      return input.loanCharges.map((c) => charge(c.description, c.amountMinor, 'buyer'));
    case 'title_escrow':
      return input.titleCharges.map((c) => charge(c.description, c.amountMinor, c.paidBy));
    case 'commissions':
      return input.commissions.map((c) => charge(c.description, basisPointsOf(input.priceMinor, c.basisPoints), 'seller'));
    case 'government':
      return [
        ...input.recordingFees.map((f) => charge(f.description, f.amountMinor, f.paidBy)),
        ...input.transferTaxes.map((t) => charge(t.description, basisPointsOf(input.priceMinor, t.basisPoints), t.paidBy)),
      ];
    case 'payoffs':
      return input.payoffs.map((p) => line(p.description, { sellerDebitMinor: p.amountMinor }, p.reference));
  }
}

function sum(lines: readonly SettlementLine[], field: keyof Amounts): number {
  return lines.reduce((total, l) => total + l[field], 0);
}

function totalsOf(sections: readonly SettlementSection[]): SettlementTotals {
  const lines = sections.flatMap((s) => s.lines);
  const buyerDebitsMinor = sum(lines, 'buyerDebitMinor');
  const buyerCreditsMinor = sum(lines, 'buyerCreditMinor');
  const sellerCreditsMinor = sum(lines, 'sellerCreditMinor');
  const sellerDebitsMinor = sum(lines, 'sellerDebitMinor');
  return {
    buyerDebitsMinor,
    buyerCreditsMinor,
    dueFromBuyerMinor: buyerDebitsMinor - buyerCreditsMinor,
    sellerCreditsMinor,
    sellerDebitsMinor,
    dueToSellerMinor: sellerCreditsMinor - sellerDebitsMinor,
  };
}

/** Every section, in the statement's order, even when empty; zero-amount lines left out. */
function buildStatement(input: SettlementInput): SettlementStatement {
  const sections = SETTLEMENT_SECTIONS.map((id) => ({
    id,
    title: SETTLEMENT_SECTION_TITLES[id],
    lines: sectionLines(id, input).filter((l) => !isZero(l)),
  }));
  return { currency: input.currency, closingDate: input.closingDate, sections, totals: totalsOf(sections) };
}

const isAmount = (n: number) => Number.isSafeInteger(n) && n >= 0;
const isBasisPoints = (n: number) => Number.isInteger(n) && n >= 0 && n <= 10_000;
const isDescribed = (s: string) => typeof s === 'string' && s.trim() !== '';

/** What is wrong with one field of the input, before any figure is computed. */
function inputProblem(input: SettlementInput): string | undefined {
  if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(input.currency)) return `unsupported currency: ${input.currency}`;
  if (!isValidDate(input.closingDate)) return `closing date is not a YYYY-MM-DD date: ${input.closingDate}`;
  if (!isAmount(input.priceMinor) || input.priceMinor === 0) return 'the price must be a positive whole number of minor units';
  if (!isAmount(input.earnestMoneyMinor)) return 'the earnest money must be a non-negative whole number of minor units';
  if (!isAmount(input.loanAmountMinor)) return 'the loan amount must be a non-negative whole number of minor units';
  const amounts = [...input.sellerCredits, ...input.prorations, ...input.loanCharges, ...input.titleCharges, ...input.recordingFees, ...input.payoffs];
  for (const item of [...amounts, ...input.commissions, ...input.transferTaxes]) {
    if (!isDescribed(item.description)) return 'every line needs a description';
  }
  for (const item of amounts) {
    if (!isAmount(item.amountMinor)) return `${item.description}: the amount must be a non-negative whole number of minor units`;
  }
  for (const item of [...input.commissions, ...input.transferTaxes]) {
    if (!isBasisPoints(item.basisPoints)) return `${item.description}: basis points must be a whole number from 0 to 10000`;
  }
  for (const payoff of input.payoffs) {
    if (!isDescribed(payoff.reference)) return `${payoff.description}: a payoff must name the lien it releases`;
  }
  for (const p of input.prorations) {
    if (!isValidDate(p.periodStart) || !isValidDate(p.periodEnd)) return `${p.description}: the period needs YYYY-MM-DD dates`;
    if (compareDates(p.periodStart, p.periodEnd) > 0) return `${p.description}: the period starts after it ends`;
    if (compareDates(p.periodStart, input.closingDate) > 0 || compareDates(input.closingDate, p.periodEnd) > 0) {
      return `${p.description}: the period ${p.periodStart} to ${p.periodEnd} does not contain the closing date ${input.closingDate}`;
    }
  }
  return undefined;
}

/** What is wrong with the figures the input makes. */
function statementProblem(s: SettlementStatement): string | undefined {
  const { buyerDebitsMinor, buyerCreditsMinor, sellerCreditsMinor, sellerDebitsMinor, dueToSellerMinor } = s.totals;
  // Sums of non-negative amounts: past 2^53 they are no longer exact.
  if (![buyerDebitsMinor, buyerCreditsMinor, sellerCreditsMinor, sellerDebitsMinor].every(Number.isSafeInteger)) {
    return 'the amounts are too large to add up exactly';
  }
  if (dueToSellerMinor < 0) {
    return (
      `the seller's charges (${formatMoney(sellerDebitsMinor, s.currency)}) exceed what the sale brings ` +
      `(${formatMoney(sellerCreditsMinor, s.currency)}): the seller would have to bring funds to closing`
    );
  }
  return undefined;
}

/**
 * Why the input cannot make a statement (e.g. seller's debits exceed what the sale
 * brings, a negative amount, proration period not containing the closing date), or undefined.
 */
export function settlementProblem(input: SettlementInput): string | undefined {
  return inputProblem(input) ?? statementProblem(buildStatement(input));
}

/**
 * The statement, every section present in SETTLEMENT_SECTIONS order (an empty one
 * has no lines), lines with only zero amounts left out. Throws a RangeError with
 * settlementProblem's reason when the input cannot make one.
 */
export function settlementStatement(input: SettlementInput): SettlementStatement {
  const wrongInput = inputProblem(input);
  if (wrongInput) throw new RangeError(wrongInput);
  const statement = buildStatement(input);
  const wrongFigures = statementProblem(statement);
  if (wrongFigures) throw new RangeError(wrongFigures);
  return statement;
}

/**
 * Where the money at closing comes from and goes to, for the ledger: escrow receives
 * the buyer's funds and the loan; it pays out the seller's proceeds, the payoffs, the
 * commissions and the third-party charges.
 * earnestMoneyMinor + fromBuyerMinor + fromLenderMinor === toSellerMinor + payoffs total + commissionsMinor + thirdPartyMinor.
 */
export interface ClosingFunds {
  earnestMoneyMinor: number;
  /** Negative when the buyer deposited more than is due: escrow refunds the difference. */
  fromBuyerMinor: number;
  fromLenderMinor: number;
  toSellerMinor: number;
  payoffs: { reference: string; amountMinor: number }[];
  commissionsMinor: number;
  /** title, escrow, recording, transfer taxes, loan charges */
  thirdPartyMinor: number;
}

function section(s: SettlementStatement, id: SettlementSectionId): SettlementLine[] {
  return s.sections.find((x) => x.id === id)?.lines ?? [];
}

/** Both sides' charges in a section: what escrow pays to third parties for it. */
function chargesIn(s: SettlementStatement, id: SettlementSectionId): number {
  const lines = section(s, id);
  return sum(lines, 'buyerDebitMinor') + sum(lines, 'sellerDebitMinor');
}

/** A financial line that only credits the buyer (a seller credit also debits the seller). */
function buyerOnlyCredit(s: SettlementStatement, description: string): number {
  const lines = section(s, 'financial').filter((l) => l.description === description && l.sellerDebitMinor === 0);
  return sum(lines, 'buyerCreditMinor');
}

/**
 * Prorations and seller credits move no money through escrow beyond what the two
 * dues already carry: a credit lowers what the buyer brings and the seller takes.
 */
export function closingFunds(s: SettlementStatement): ClosingFunds {
  return {
    earnestMoneyMinor: buyerOnlyCredit(s, EARNEST_MONEY_LINE),
    fromBuyerMinor: s.totals.dueFromBuyerMinor,
    fromLenderMinor: buyerOnlyCredit(s, LOAN_AMOUNT_LINE),
    toSellerMinor: s.totals.dueToSellerMinor,
    payoffs: section(s, 'payoffs').map((l) => ({ reference: l.reference ?? l.description, amountMinor: l.sellerDebitMinor })),
    commissionsMinor: sum(section(s, 'commissions'), 'sellerDebitMinor'),
    thirdPartyMinor: chargesIn(s, 'loan_charges') + chargesIn(s, 'title_escrow') + chargesIn(s, 'government'),
  };
}
