/**
 * The combined settlement statement of a purchase, laid out like the ALTA
 * Combined Settlement Statement: the seller's debit and credit columns on the
 * left, the description in the middle, the buyer/borrower's on the right; a
 * heading per section, then subtotals, the balance due from the borrower and
 * to the seller, and totals that balance on each side.
 */
import { formatMoney } from '../../domain/money';
import type { SettlementLine, SettlementStatement } from '../../domain/purchase/settlement';
import { DocumentWriter, sha256, type RenderedDocument, type TableColumn, type TableRow } from './pdf';

export interface SettlementStatementData {
  purchaseId: string;
  propertyAddress: string;
  buyers: string[];
  sellers: string[];
  statement: SettlementStatement;
}

/** Refuses a statement whose totals are not its lines' sums: a printed statement that does not add up is worse than none. */
function checkTotals(s: SettlementStatement) {
  const lines = s.sections.flatMap((x) => x.lines);
  const sum = (f: (l: SettlementLine) => number) => lines.reduce((n, l) => n + f(l), 0);
  const t = s.totals;
  const expected: [string, number, number][] = [
    ['buyerDebitsMinor', t.buyerDebitsMinor, sum((l) => l.buyerDebitMinor)],
    ['buyerCreditsMinor', t.buyerCreditsMinor, sum((l) => l.buyerCreditMinor)],
    ['sellerDebitsMinor', t.sellerDebitsMinor, sum((l) => l.sellerDebitMinor)],
    ['sellerCreditsMinor', t.sellerCreditsMinor, sum((l) => l.sellerCreditMinor)],
    ['dueFromBuyerMinor', t.dueFromBuyerMinor, t.buyerDebitsMinor - t.buyerCreditsMinor],
    ['dueToSellerMinor', t.dueToSellerMinor, t.sellerCreditsMinor - t.sellerDebitsMinor],
  ];
  for (const [name, actual, want] of expected) {
    if (actual !== want) throw new Error(`settlement statement: totals.${name} is ${actual}, but its lines make ${want}`);
  }
}

export async function renderSettlementStatement(d: SettlementStatementData): Promise<RenderedDocument> {
  const s = d.statement;
  checkTotals(s);
  // The currency is named once, in the header: the columns carry bare amounts, and zero is left blank as on the ALTA form.
  const amount = (minor: number) => (minor === 0 ? '' : formatMoney(minor, s.currency).replace(`${s.currency} `, ''));
  const w = await DocumentWriter.create(`Settlement statement ${d.purchaseId}`);

  w.heading('Combined Settlement Statement', 16);
  w.table(
    [
      { header: '', width: 120, bold: true },
      { header: '', width: w.contentWidth - 120 },
    ],
    [
      { cells: ['File', d.purchaseId] },
      { cells: ['Property', d.propertyAddress] },
      { cells: [`Buyer/Borrower${d.buyers.length > 1 ? 's' : ''}`, d.buyers.join('; ')] },
      { cells: [`Seller${d.sellers.length > 1 ? 's' : ''}`, d.sellers.join('; ')] },
      { cells: ['Settlement date', s.closingDate] },
      { cells: ['Currency', `All amounts in ${s.currency}`] },
    ],
    { size: 9.5, padding: 0 },
  );

  const money = 66;
  const columns: TableColumn[] = [
    { header: 'Debit', width: money, align: 'right' },
    { header: 'Credit', width: money, align: 'right' },
    { header: 'Description', width: w.contentWidth - 4 * money },
    { header: 'Debit', width: money, align: 'right' },
    { header: 'Credit', width: money, align: 'right' },
  ];
  const row = (description: string, sellerDebit: number, sellerCredit: number, buyerDebit: number, buyerCredit: number): string[] => [
    amount(sellerDebit),
    amount(sellerCredit),
    description,
    amount(buyerDebit),
    amount(buyerCredit),
  ];

  const rows: TableRow[] = [];
  for (const section of s.sections) {
    rows.push({ cells: ['', '', section.title, '', ''], bold: true, shaded: true, keepWithNext: true });
    for (const l of section.lines) {
      const description = l.reference ? `${l.description} (${l.reference})` : l.description;
      rows.push({ cells: row(description, l.sellerDebitMinor, l.sellerCreditMinor, l.buyerDebitMinor, l.buyerCreditMinor) });
    }
  }

  const t = s.totals;
  rows.push({ cells: row('Subtotals', t.sellerDebitsMinor, t.sellerCreditsMinor, t.buyerDebitsMinor, t.buyerCreditsMinor), bold: true, ruleAbove: true });
  // The balances go on the side that makes each party's columns equal; a negative balance flips to the other column and name.
  const borrower =
    t.dueFromBuyerMinor >= 0
      ? row('Due from Borrower', 0, 0, 0, t.dueFromBuyerMinor)
      : row('Due to Borrower', 0, 0, -t.dueFromBuyerMinor, 0);
  const seller =
    t.dueToSellerMinor >= 0 ? row('Due to Seller', t.dueToSellerMinor, 0, 0, 0) : row('Due from Seller', 0, -t.dueToSellerMinor, 0, 0);
  rows.push({ cells: borrower, bold: true }, { cells: seller, bold: true });
  const sellerSide = Math.max(t.sellerDebitsMinor, t.sellerCreditsMinor);
  const buyerSide = Math.max(t.buyerDebitsMinor, t.buyerCreditsMinor);
  rows.push({ cells: row('Totals', sellerSide, sellerSide, buyerSide, buyerSide), bold: true, ruleAbove: true });

  w.table(columns, rows, {
    size: 8.5,
    groups: [
      { label: 'Seller', span: 2 },
      { label: '', span: 1 },
      { label: 'Borrower/Buyer', span: 2 },
    ],
  });

  w.heading('Acknowledgement', 11);
  w.paragraph(
    'The buyer/borrower and the seller have reviewed this statement and agree that it is a true and accurate account of this transaction. The settlement agent disburses the funds as shown.',
    9,
  );

  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
