/**
 * The settlement statement's input from the deal: the agreed terms, the
 * property's taxes and dues, the liens to pay off, and the platform's
 * standard schedule of closing costs (a title agent's rate card, set here
 * in one place until a per-market schedule is configured):
 *   - commissions: listing side 3%, buyer's side 2.5% of the price (seller pays)
 *   - owner's title policy 0.35% of the price (seller), lender's policy 0.25% of the loan (buyer)
 *   - settlement fee 450.00 per side; recording: deed 17.00 (buyer), mortgage 32.00 (buyer)
 *   - transfer tax 0.16% of the price (seller), as Iowa's $0.80 per $500
 *   - lender's origination 1% of the loan (buyer)
 * Property tax is paid in arrears (the seller credits the buyer for their
 * days of the year); HOA dues are paid in advance for the month.
 */
import { addDays, addMonths, type IsoDate } from '../calendar';
import { basisPointsOf } from '../money';
import type { SettlementInput } from './settlement';
import type { OfferTerms } from './offer';

export const STANDARD_COMMISSIONS = [
  { description: 'Listing broker commission', basisPoints: 300 },
  { description: 'Buyer broker commission', basisPoints: 250 },
] as const;

export interface ClosingFacts {
  terms: OfferTerms;
  closingDate: IsoDate;
  earnestMoneyMinor: number;
  annualPropertyTaxMinor: number;
  monthlyHoaDuesMinor: number;
  payoffs: { description: string; amountMinor: number; reference: string }[];
}

export function loanAmountOf(terms: OfferTerms): number {
  return terms.financing.type === 'cash' ? 0 : terms.priceMinor - terms.financing.downPaymentMinor;
}

export function settlementInputFor(f: ClosingFacts): SettlementInput {
  const { terms, closingDate } = f;
  const loan = loanAmountOf(terms);
  const year = closingDate.slice(0, 4);
  const monthStart = `${closingDate.slice(0, 7)}-01`;
  const prorations: SettlementInput['prorations'] = [];
  if (f.annualPropertyTaxMinor > 0) {
    prorations.push({ description: `Property tax ${year} (unpaid)`, periodStart: `${year}-01-01`, periodEnd: `${year}-12-31`, amountMinor: f.annualPropertyTaxMinor, paidInAdvance: false });
  }
  if (f.monthlyHoaDuesMinor > 0) {
    prorations.push({ description: `HOA dues ${closingDate.slice(0, 7)} (paid)`, periodStart: monthStart, periodEnd: addDays(addMonths(monthStart, 1), -1), amountMinor: f.monthlyHoaDuesMinor, paidInAdvance: true });
  }
  return {
    currency: terms.currency,
    closingDate,
    priceMinor: terms.priceMinor,
    earnestMoneyMinor: f.earnestMoneyMinor,
    loanAmountMinor: loan,
    sellerCredits: terms.sellerCreditMinor > 0 ? [{ description: 'Seller credit', amountMinor: terms.sellerCreditMinor }] : [],
    prorations,
    loanCharges: loan > 0 ? [{ description: 'Origination charge (1% of loan)', amountMinor: basisPointsOf(loan, 100) }] : [],
    titleCharges: [
      { description: "Owner's title policy", amountMinor: basisPointsOf(terms.priceMinor, 35), paidBy: 'seller' },
      ...(loan > 0 ? [{ description: "Lender's title policy", amountMinor: basisPointsOf(loan, 25), paidBy: 'buyer' as const }] : []),
      { description: 'Settlement fee', amountMinor: 45_000, paidBy: 'buyer' },
      { description: 'Settlement fee', amountMinor: 45_000, paidBy: 'seller' },
    ],
    commissions: STANDARD_COMMISSIONS.map((c) => ({ ...c })),
    recordingFees: [
      { description: 'Recording fee: deed', amountMinor: 1_700, paidBy: 'buyer' },
      ...(loan > 0 ? [{ description: 'Recording fee: mortgage', amountMinor: 3_200, paidBy: 'buyer' as const }] : []),
    ],
    transferTaxes: [{ description: 'State transfer tax', basisPoints: 16, paidBy: 'seller' }],
    payoffs: f.payoffs,
  };
}
