/**
 * The residential purchase agreement PDF, rendered from the accepted offer's
 * terms. Its signature page is appended by the signing envelope
 * (./signature-page.ts) once every party has signed; this document draws no
 * signature lines of its own.
 */
import { formatMoney } from '../../domain/money';
import type { FinancingType, OfferTerms } from '../../domain/purchase/offer';
import { DocumentWriter, sha256, type RenderedDocument } from './pdf';

export interface PurchaseAgreementData {
  purchaseId: string;
  propertyAddress: string;
  legalDescription: string | null;
  buyers: string[];
  sellers: string[];
  terms: OfferTerms;
  /** YYYY-MM-DD */
  acceptedOn: string;
  /** Each contingency's deadline computed from acceptance. */
  deadlines: { kind: string; deadline: string }[];
  earnestMoneyDueOn: string;
}

const FINANCING: Record<FinancingType, string> = {
  cash: 'Cash (no loan)',
  conventional: 'Conventional loan',
  fha: 'FHA-insured loan',
  va: 'VA-guaranteed loan',
  usda: 'USDA-guaranteed loan',
};

const CONTINGENCIES: Record<string, { title: string; meaning: string }> = {
  inspection: {
    title: 'Inspection',
    meaning: 'The buyer may have the property inspected at the buyer\'s cost and, if not satisfied with the results, end this agreement by written notice.',
  },
  appraisal: {
    title: 'Appraisal',
    meaning: 'If the property appraises below the purchase price, the buyer may end this agreement by written notice unless the parties agree on a new price.',
  },
  financing: {
    title: 'Financing',
    meaning: 'If the buyer, having applied in good faith, cannot obtain the loan described above, the buyer may end this agreement by written notice.',
  },
  home_sale: {
    title: 'Sale of buyer\'s home',
    meaning: 'If the buyer\'s current home has not sold, the buyer may end this agreement by written notice.',
  },
};

const contingencyTitle = (kind: string) => CONTINGENCIES[kind]?.title ?? kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

const STANDARD_CLAUSES = [
  'Title. The seller conveys marketable title by deed, free of liens and encumbrances other than those the buyer accepts in writing and the usual easements and restrictions of record. The buyer receives a title commitment before closing and may object in writing to any defect it shows; the seller has until closing to cure it, and an uncured defect lets the buyer end this agreement with the earnest money refunded.',
  'Condition of the property. The seller keeps the property in its present condition, normal wear and tear excepted, until possession is delivered. If the property is substantially damaged before closing, the buyer may end this agreement with the earnest money refunded.',
  'Prorations and costs. Property taxes, assessments and association dues are prorated to the closing date. Each party pays the closing costs that local custom assigns to it, as itemized on the settlement statement.',
  'Possession. The seller delivers possession, with all keys, at closing.',
  'Remedies when a contingency fails. If a contingency fails and the buyer gives the seller written notice by its deadline, this agreement ends and the earnest money is refunded to the buyer in full.',
  'Remedies on default. If the buyer defaults after every contingency has been removed, satisfied or waived, the earnest money is released to the seller. If the seller defaults, the earnest money is refunded to the buyer, who keeps any other remedy the law gives.',
  'Entire agreement. This document is the whole agreement between the parties; it is changed only by a written amendment signed by all of them.',
];

export async function renderPurchaseAgreement(a: PurchaseAgreementData): Promise<RenderedDocument & { unsupportedCharacters: string[] }> {
  const t = a.terms;
  const money = (minor: number) => formatMoney(minor, t.currency);
  const w = await DocumentWriter.create(`Residential purchase agreement ${a.purchaseId}`);

  w.heading('Residential Purchase Agreement', 18);
  w.paragraph(`Purchase ${a.purchaseId}. Offer accepted on ${a.acceptedOn}.`);
  w.rule();

  w.heading('1. Parties', 13);
  w.table(
    [
      { header: '', width: 150, bold: true },
      { header: '', width: w.contentWidth - 150 },
    ],
    [
      ...a.buyers.map((name, i) => ({ cells: [i === 0 ? `Buyer${a.buyers.length > 1 ? 's' : ''}` : '', name] })),
      ...a.sellers.map((name, i) => ({ cells: [i === 0 ? `Seller${a.sellers.length > 1 ? 's' : ''}` : '', name] })),
    ],
    { size: 10.5, padding: 0 },
  );
  w.paragraph('The sellers agree to sell and the buyers agree to buy the property below on the terms of this agreement.');

  w.heading('2. Property', 13);
  w.paragraph(a.propertyAddress);
  if (a.legalDescription) w.paragraph(`Legal description: ${a.legalDescription}`);
  else w.paragraph('Legal description: as shown in the title commitment, to be attached to the deed.');
  w.paragraph('The sale includes the land, the buildings on it and the fixtures attached to them.');

  w.heading('3. Price and financing', 13);
  const loanMinor = t.priceMinor - t.financing.downPaymentMinor;
  w.fields([
    ['Purchase price', money(t.priceMinor)],
    ['Financing', FINANCING[t.financing.type] ?? t.financing.type],
    ...(t.financing.type === 'cash'
      ? ([['Paid at closing', money(t.priceMinor)]] as [string, string][])
      : ([
          ['Down payment', money(t.financing.downPaymentMinor)],
          ['Loan amount', money(loanMinor)],
        ] as [string, string][])),
  ]);
  w.paragraph(
    t.financing.type === 'cash'
      ? 'The buyer pays the whole price in cash at closing; this purchase does not depend on a loan.'
      : 'The buyer pays the down payment at closing and borrows the loan amount; the earnest money is credited toward what the buyer owes.',
  );

  w.heading('4. Earnest money', 13);
  w.fields([
    ['Amount', money(t.earnestMoneyMinor)],
    [
      'Due by',
      t.earnestMoneyDueBusinessDays === 0
        ? `${a.earnestMoneyDueOn} (on acceptance)`
        : `${a.earnestMoneyDueOn} (${t.earnestMoneyDueBusinessDays} business day${t.earnestMoneyDueBusinessDays === 1 ? '' : 's'} after acceptance)`,
    ],
  ]);
  w.paragraph(
    `The buyer deposits ${money(t.earnestMoneyMinor)} of earnest money by ${a.earnestMoneyDueOn}. It is held in escrow by the escrow holder named for this purchase until closing, when it is credited to the buyer, or until it is refunded or released under section 8.`,
  );

  w.heading('5. Contingencies', 13);
  if (t.contingencies.length === 0) {
    w.paragraph('None: this purchase does not depend on an inspection, appraisal, loan or other condition.');
  } else {
    const deadline = (kind: string) => a.deadlines.find((d) => d.kind === kind)?.deadline ?? '';
    w.table(
      [
        { header: 'Contingency', width: 170 },
        { header: 'Period from acceptance', width: 160 },
        { header: 'Deadline', width: w.contentWidth - 330 },
      ],
      t.contingencies.map((c) => ({ cells: [contingencyTitle(c.kind), `${c.days} ${c.count} day${c.days === 1 ? '' : 's'}`, deadline(c.kind)] })),
      { size: 10 },
    );
    for (const c of t.contingencies) {
      const meaning = CONTINGENCIES[c.kind]?.meaning ?? 'If this condition is not met, the buyer may end this agreement by written notice.';
      w.paragraph(`${contingencyTitle(c.kind)}. ${meaning}`);
    }
    w.paragraph(
      t.onMissedDeadline === 'waived'
        ? 'Missed deadline: a contingency for which the buyer has given no written notice by its deadline is deemed satisfied and waived; the buyer may then no longer end this agreement because of it.'
        : 'Missed deadline: a contingency that the buyer has not removed in writing by its deadline is deemed failed; this agreement then ends and the earnest money is refunded to the buyer.',
    );
  }

  w.heading('6. Closing', 13);
  w.paragraph(
    `Closing takes place on or before ${t.closingDate}, through the escrow holder. At closing the buyer pays the balance of the price and the seller delivers the deed and possession.`,
  );

  w.heading('7. Seller credit', 13);
  w.paragraph(
    t.sellerCreditMinor > 0
      ? `At closing the seller credits the buyer ${money(t.sellerCreditMinor)}, to be applied to the buyer's closing costs as the lender allows.`
      : 'None.',
  );

  w.heading('8. Standard terms', 13);
  STANDARD_CLAUSES.forEach((clause, i) => w.paragraph(`8.${i + 1}. ${clause}`));

  w.heading('9. Offer and acceptance', 13);
  w.paragraph(`The offer on these terms was open for acceptance until ${t.expiresAt} and was accepted on ${a.acceptedOn}.`);

  w.heading('Signatures', 13);
  w.paragraph(
    'Each buyer and seller signs electronically. The signature page appended to this document by the signing envelope records who signed, as what, when and from where, and the SHA-256 of the content signed.',
  );

  const unsupportedCharacters = w.unsupported(JSON.stringify(a));
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount(), unsupportedCharacters };
}
