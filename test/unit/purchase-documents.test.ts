/** Purchase documents are real PDFs: parsed back, their text, figures, page counts and hashes checked. */
import { renderDeed, type DeedData } from '../../lib/documents/deed';
import { renderPurchaseAgreement, type PurchaseAgreementData } from '../../lib/documents/purchase-agreement';
import { renderSettlementStatement, type SettlementStatementData } from '../../lib/documents/settlement-statement';
import { settlementStatement } from '../../domain/purchase/settlement';
import { readPdf } from '../support/pdf-text';

const squash = (s: string) => s.replace(/\s+/g, '');
const textOf = async (bytes: Uint8Array) => {
  const { pages, text } = await readPdf(bytes);
  return { pages, perPage: text.map(squash), all: squash(text.join(' ')) };
};

const purchaseId = '5f0c2d7e-8a41-4b7a-9c1e-3d2b6a9e4f10';
const propertyAddress = '2118 Northwestern Avenue, Ames, IA 50010';
const legalDescription =
  'Lot Seven (7), Block Three (3), Ridgewood Second Addition to the City of Ames, Story County, Iowa, according to the recorded plat thereof.';
const buyers = ['Jordan Ellis', 'Mariana Solís'];
const sellers = ['Harold Lindqvist', 'Ingrid Lindqvist'];

const agreement: PurchaseAgreementData = {
  purchaseId,
  propertyAddress,
  legalDescription,
  buyers,
  sellers,
  terms: {
    priceMinor: 21_500_000,
    currency: 'USD',
    earnestMoneyMinor: 500_000,
    earnestMoneyDueBusinessDays: 3,
    financing: { type: 'conventional', downPaymentMinor: 4_300_000 },
    contingencies: [
      { kind: 'inspection', days: 10, count: 'calendar' },
      { kind: 'appraisal', days: 17, count: 'calendar' },
      { kind: 'financing', days: 21, count: 'calendar' },
    ],
    onMissedDeadline: 'waived',
    closingDate: '2026-06-12',
    sellerCreditMinor: 300_000,
    expiresAt: '2026-05-04T22:00:00.000Z',
  },
  acceptedOn: '2026-05-04',
  deadlines: [
    { kind: 'inspection', deadline: '2026-05-14' },
    { kind: 'appraisal', deadline: '2026-05-21' },
    { kind: 'financing', deadline: '2026-05-25' },
  ],
  earnestMoneyDueOn: '2026-05-07',
};

describe('purchase agreement', () => {
  test('names the parties and property and states price, financing, earnest money, contingencies, closing and credit', async () => {
    const doc = await renderPurchaseAgreement(agreement);
    expect(doc.unsupportedCharacters).toEqual([]);
    const { pages, all, perPage } = await textOf(doc.bytes);
    expect(pages).toBe(doc.pages);
    expect(pages).toBe(3);
    for (const name of [...buyers, ...sellers]) expect(all).toContain(squash(name));
    expect(all).toContain(squash(propertyAddress));
    expect(all).toContain(squash(legalDescription));
    for (const title of ['1. Parties', '2. Property', '3. Price and financing', '4. Earnest money', '5. Contingencies', '6. Closing', '7. Seller credit', '8. Standard terms']) {
      expect(all).toContain(squash(title));
    }
    expect(all).toContain(squash('Purchase price USD 215,000.00'));
    expect(all).toContain(squash('Conventional loan'));
    expect(all).toContain(squash('Down payment USD 43,000.00'));
    expect(all).toContain(squash('Loan amount USD 172,000.00'));
    expect(all).toContain(squash('Amount USD 5,000.00'));
    expect(all).toContain(squash('Due by 2026-05-07 (3 business days after acceptance)'));
    expect(all).toContain(squash('held in escrow'));
    expect(all).toContain(squash('Inspection 10 calendar days 2026-05-14'));
    expect(all).toContain(squash('Appraisal 17 calendar days 2026-05-21'));
    expect(all).toContain(squash('Financing 21 calendar days 2026-05-25'));
    expect(all).toContain(squash('deemed satisfied and waived'));
    expect(all).toContain(squash('Closing takes place on or before 2026-06-12'));
    expect(all).toContain(squash('the seller credits the buyer USD 3,000.00'));
    expect(all).toContain(squash('the earnest money is refunded to the buyer in full'));
    expect(all).toContain(squash('If the buyer defaults after every contingency has been removed, satisfied or waived, the earnest money is released to the seller'));
    // The envelope appends the signature page: nothing here claims a signature.
    expect(perPage[pages - 1]).toContain(squash('The signature page appended to this document by the signing envelope'));
    expect(all).not.toContain('Signedby');
    expect(all).not.toContain('Signedat');
    expect(all).toContain(squash(`Page ${pages} of ${pages}`));
  });

  test('a cash offer without contingencies, where a missed deadline means failure, says so', async () => {
    const cash = await renderPurchaseAgreement({
      ...agreement,
      legalDescription: null,
      terms: { ...agreement.terms, financing: { type: 'cash', downPaymentMinor: 21_500_000 }, contingencies: [], onMissedDeadline: 'failed', sellerCreditMinor: 0 },
      deadlines: [],
    });
    const { all } = await textOf(cash.bytes);
    expect(all).toContain(squash('Cash (no loan)'));
    expect(all).toContain(squash('Paid at closing USD 215,000.00'));
    expect(all).not.toContain(squash('Loan amount'));
    expect(all).toContain(squash('None: this purchase does not depend on'));
    expect(all).toContain(squash('as shown in the title commitment'));

    const failed = await renderPurchaseAgreement({ ...agreement, terms: { ...agreement.terms, onMissedDeadline: 'failed' } });
    expect((await textOf(failed.bytes)).all).toContain(squash('is deemed failed; this agreement then ends and the earnest money is refunded'));
  });

  test('the same data renders the same bytes; a changed figure changes the hash', async () => {
    const a = await renderPurchaseAgreement(agreement);
    const b = await renderPurchaseAgreement(agreement);
    expect(a.sha256).toBe(b.sha256);
    const changed = await renderPurchaseAgreement({ ...agreement, terms: { ...agreement.terms, priceMinor: 21_500_100 } });
    expect(changed.sha256).not.toBe(a.sha256);
  });
});

const statement = settlementStatement({
  currency: 'USD',
  closingDate: '2026-06-12',
  priceMinor: 21_500_000,
  earnestMoneyMinor: 500_000,
  loanAmountMinor: 17_200_000,
  sellerCredits: [{ description: 'Seller credit toward closing costs', amountMinor: 300_000 }],
  prorations: [
    // Iowa taxes are paid in arrears: unpaid at closing, the seller credits the buyer for the seller's days.
    { description: 'County property taxes', periodStart: '2025-07-01', periodEnd: '2026-06-30', amountMinor: 324_000, paidInAdvance: false },
    { description: 'Homeowners association dues', periodStart: '2026-06-01', periodEnd: '2026-06-30', amountMinor: 4_500, paidInAdvance: true },
  ],
  loanCharges: [
    { description: 'Origination fee (1% of the loan)', amountMinor: 172_000 },
    { description: 'Appraisal fee', amountMinor: 57_500 },
    { description: 'Credit report', amountMinor: 4_500 },
    { description: 'Flood certification', amountMinor: 1_200 },
    { description: 'Tax service fee', amountMinor: 8_500 },
    { description: 'Underwriting fee', amountMinor: 69_500 },
  ],
  titleCharges: [
    { description: 'Title - Settlement fee (buyer)', amountMinor: 45_000, paidBy: 'buyer' },
    { description: 'Title - Settlement fee (seller)', amountMinor: 45_000, paidBy: 'seller' },
    { description: "Title - Lender's title certificate", amountMinor: 17_500, paidBy: 'buyer' },
    { description: "Title - Owner's title certificate", amountMinor: 17_500, paidBy: 'seller' },
    { description: 'Title - Abstract continuation', amountMinor: 32_500, paidBy: 'seller' },
    { description: 'Title - Wire fee', amountMinor: 3_500, paidBy: 'seller' },
  ],
  commissions: [
    { description: 'Commission - listing broker, Prairie Gate Realty', basisPoints: 300 },
    { description: "Commission - buyer's broker, Cardinal Home Partners", basisPoints: 250 },
  ],
  recordingFees: [
    { description: 'Recording fee - warranty deed', amountMinor: 2_700, paidBy: 'buyer' },
    { description: 'Recording fee - mortgage', amountMinor: 7_700, paidBy: 'buyer' },
    { description: 'Recording fee - release of mortgage', amountMinor: 2_700, paidBy: 'seller' },
  ],
  transferTaxes: [{ description: 'Real estate transfer tax', basisPoints: 16, paidBy: 'seller' }],
  payoffs: [
    { description: 'Payoff of first mortgage loan to Skunk River Savings Bank', amountMinor: 11_843_217, reference: 'Instrument 2014-05123' },
    { description: 'Payoff of home equity line to Campustown Credit Union', amountMinor: 1_215_088, reference: 'Instrument 2019-08841' },
  ],
});

const settlement: SettlementStatementData = { purchaseId, propertyAddress, buyers, sellers, statement };

describe('settlement statement', () => {
  test('the fixture has the lines a real closing has', () => {
    expect(statement.sections.flatMap((s) => s.lines).length).toBeGreaterThanOrEqual(20);
  });

  test('shows every section, each line in its column, subtotals, the balances due and totals, over two pages', async () => {
    const doc = await renderSettlementStatement(settlement);
    const { pages, all, perPage } = await textOf(doc.bytes);
    expect(pages).toBe(doc.pages);
    expect(pages).toBe(2);
    expect(all).toContain(squash('Combined Settlement Statement'));
    for (const name of [...buyers, ...sellers]) expect(all).toContain(squash(name));
    expect(all).toContain(squash(propertyAddress));
    expect(all).toContain(squash('All amounts in USD'));
    for (const s of statement.sections) expect(all).toContain(squash(s.title));
    // The column headings repeat on each page the table continues on.
    for (const page of perPage) expect(page).toContain(squash('Seller Borrower/Buyer Debit Credit Description Debit Credit'));
    // A section's heading never ends a page: its first line is on the same page.
    for (const s of statement.sections) {
      const page = perPage.find((p) => p.includes(squash(s.title)))!;
      expect(page).toContain(squash(s.lines[0]!.description));
    }

    // Columns read left to right: seller debit, seller credit, description, buyer debit, buyer credit.
    expect(all).toContain(squash('215,000.00 Sale price of property 215,000.00'));
    expect(all).toContain(squash('Deposit (earnest money) 5,000.00'));
    expect(all).toContain(squash('Loan amount 172,000.00'));
    expect(all).toContain(squash('3,000.00 Seller credit toward closing costs 3,000.00'));
    expect(all).toContain(squash('3,071.34 County property taxes 2025-07-01 to 2026-06-11 3,071.34'));
    expect(all).toContain(squash('28.50 Homeowners association dues 2026-06-12 to 2026-06-30 28.50'));
    expect(all).toContain(squash('Origination fee (1% of the loan) 1,720.00'));
    expect(all).toContain(squash('6,450.00 Commission - listing broker, Prairie Gate Realty'));
    expect(all).toContain(squash("5,375.00 Commission - buyer's broker, Cardinal Home Partners"));
    expect(all).toContain(squash('344.00 Real estate transfer tax'));
    expect(all).toContain(squash('118,432.17 Payoff of first mortgage loan to Skunk River Savings Bank (Instrument 2014-05123)'));

    const last = perPage[pages - 1]!;
    expect(last).toContain(squash('149,835.39 215,028.50 Subtotals 218,889.50 183,071.34'));
    expect(last).toContain(squash('Due from Borrower 35,818.16'));
    expect(last).toContain(squash('65,193.11 Due to Seller'));
    expect(last).toContain(squash('215,028.50 215,028.50 Totals 218,889.50 218,889.50'));
    expect(all).toContain(squash(`Page ${pages} of ${pages}`));
  });

  test('the same statement renders the same bytes', async () => {
    const a = await renderSettlementStatement(settlement);
    const b = await renderSettlementStatement(settlement);
    expect(a.sha256).toBe(b.sha256);
  });

  test('a statement whose totals are not the sum of its lines is refused, not printed', async () => {
    const wrong = { ...statement, totals: { ...statement.totals, buyerDebitsMinor: statement.totals.buyerDebitsMinor + 1 } };
    await expect(renderSettlementStatement({ ...settlement, statement: wrong })).rejects.toThrow(/totals.buyerDebitsMinor/);
  });

  test('a buyer who deposited more than is due is shown as owed money', async () => {
    const refund = settlementStatement({
      currency: 'USD',
      closingDate: '2026-06-12',
      priceMinor: 10_000_000,
      earnestMoneyMinor: 500_000,
      loanAmountMinor: 9_600_000,
      sellerCredits: [],
      prorations: [],
      loanCharges: [],
      titleCharges: [],
      commissions: [],
      recordingFees: [],
      transferTaxes: [],
      payoffs: [],
    });
    const { all } = await textOf((await renderSettlementStatement({ ...settlement, statement: refund })).bytes);
    expect(all).toContain(squash('Due to Borrower 1,000.00'));
    expect(all).toContain(squash('Totals 101,000.00 101,000.00'));
  });
});

const deed: DeedData = {
  purchaseId,
  kind: 'warranty',
  grantors: sellers,
  grantees: buyers,
  legalDescription,
  propertyAddress,
  considerationMinor: 21_500_000,
  currency: 'USD',
  county: 'Story',
  state: 'Iowa',
  date: '2026-06-12',
};

describe('deed', () => {
  test('a warranty deed conveys and warrants the described land for the consideration, with room for recording and the notary', async () => {
    const doc = await renderDeed(deed);
    const { pages, all, perPage } = await textOf(doc.bytes);
    expect(pages).toBe(doc.pages);
    // The grantors sign on the first page; the acknowledgment is kept whole on the second.
    expect(pages).toBe(2);
    expect(perPage[0]).toContain(squash('Harold Lindqvist, Grantor'));
    expect(perPage[1]!.startsWith(squash('Acknowledgment State of Iowa County of Story County'))).toBe(true);
    expect(perPage[1]).toContain(squash('Notary seal'));
    // The recording box comes first, left blank for the county.
    expect(perPage[0]!.startsWith(squash("Recording information (for the county recorder's use) Instrument number: Recorded on:"))).toBe(true);
    expect(all).toContain(squash('WARRANTY DEED'));
    expect(all).toContain(
      squash(
        'Harold Lindqvist and Ingrid Lindqvist (the Grantors), for the consideration of USD 215,000.00 and other good and valuable consideration, ' +
          'the receipt of which is acknowledged, convey and warrant to Jordan Ellis and Mariana Solís (the Grantees) the real estate in Story County, Iowa',
      ),
    );
    expect(all).toContain(squash(legalDescription));
    expect(all).toContain(squash(propertyAddress));
    expect(all).toContain(squash('will warrant and defend the title to the real estate against the lawful claims of all persons'));
    expect(all).toContain(squash('Dated 2026-06-12.'));
    expect(all).toContain(squash('Harold Lindqvist, Grantor'));
    expect(all).toContain(squash('Ingrid Lindqvist, Grantor'));
    expect(all).toContain(squash('This record was acknowledged before me on'));
    expect(all).toContain(squash('Signature of notary public'));
    expect(all).toContain(squash('Notary seal'));
  });

  test('special warranty and quitclaim deeds carry their own, narrower covenants', async () => {
    const special = (await textOf((await renderDeed({ ...deed, kind: 'special_warranty' })).bytes)).all;
    expect(special).toContain(squash('SPECIAL WARRANTY DEED'));
    expect(special).toContain(squash('convey and specially warrant to'));
    expect(special).toContain(squash('claiming by, through or under the Grantors, and against no others'));

    const quitclaim = (await textOf((await renderDeed({ ...deed, kind: 'quitclaim', grantors: ['Harold Lindqvist'], county: 'Story County' })).bytes)).all;
    expect(quitclaim).toContain(squash('QUITCLAIM DEED'));
    expect(quitclaim).toContain(squash("releases and quitclaims to Jordan Ellis and Mariana Solís (the Grantees) all of the Grantor's right, title and interest"));
    expect(quitclaim).toContain(squash('in Story County, Iowa'));
    expect(quitclaim).toContain(squash('without any covenant or warranty of title'));
    expect(quitclaim).not.toContain(squash('warrant and defend'));
  });

  test('the same deed renders the same bytes', async () => {
    const a = await renderDeed(deed);
    const b = await renderDeed(deed);
    expect(a.sha256).toBe(b.sha256);
    expect((await renderDeed({ ...deed, considerationMinor: 21_400_000 })).sha256).not.toBe(a.sha256);
  });
});
