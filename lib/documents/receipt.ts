/** The receipt for a payment received (card, cash, check, bank transfer, or the deposit applied). */
import { formatMoney } from '../../domain/money';
import type { RenderedDocument } from './pdf';
import { DocumentWriter, sha256 } from './pdf';

export interface ReceiptData {
  paymentId: string;
  leaseId: string;
  propertyAddress: string;
  payers: string[];
  receivedOn: string;
  method: string;
  reference: string | null;
  currency: string;
  amountMinor: number;
  /** A security deposit is held for the tenant, not applied to charges. */
  isDeposit: boolean;
  /** What the payment paid, oldest first. */
  appliedTo: { description: string; amountMinor: number }[];
}

const METHODS: Record<string, string> = { card: 'Card', cash: 'Cash', check: 'Check', bank_transfer: 'Bank transfer', deposit: 'Security deposit applied' };

export async function renderReceipt(r: ReceiptData): Promise<RenderedDocument> {
  const w = await DocumentWriter.create(`Receipt ${r.paymentId}`);
  const money = (m: number) => formatMoney(m, r.currency);
  w.heading('Payment Receipt', 16);
  w.fields([
    ['Receipt no.', r.paymentId],
    ['Date received', r.receivedOn],
    ['Received from', r.payers.join(', ')],
    ['Premises', r.propertyAddress],
    ['Lease', r.leaseId],
    ['Method', METHODS[r.method] ?? r.method],
    ...(r.reference ? ([['Reference', r.reference]] as [string, string][]) : []),
  ]);
  w.rule();
  w.fields([['Amount received', money(r.amountMinor)]]);
  w.heading('Applied to', 12);
  if (r.isDeposit) w.paragraph('Held as the security deposit of the lease, to be returned or accounted for at move-out.');
  else if (r.appliedTo.length) w.fields(r.appliedTo.map((a) => [a.description.slice(0, 28), money(a.amountMinor)]));
  else w.paragraph('Held as a credit on the lease.');
  const unapplied = r.amountMinor - r.appliedTo.reduce((n, a) => n + a.amountMinor, 0);
  if (r.appliedTo.length && unapplied > 0) w.fields([['Credit on the lease', money(unapplied)]]);
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
