/** The deposit disposition statement given to the tenant at move-out. */
import { formatMoney } from '../../domain/money';
import type { RenderedDocument } from './pdf';
import { DocumentWriter, sha256 } from './pdf';

export interface DepositDisposition {
  leaseId: string;
  propertyAddress: string;
  tenants: string[];
  currency: string;
  heldMinor: number;
  deductions: { description: string; amountMinor: number }[];
  appliedToUnpaidMinor: number;
  refundedMinor: number;
  date: string;
}

export async function renderDepositStatement(d: DepositDisposition): Promise<RenderedDocument> {
  const w = await DocumentWriter.create(`Deposit disposition ${d.leaseId}`);
  const money = (m: number) => formatMoney(m, d.currency);
  w.heading('Security Deposit Disposition Statement', 16);
  w.fields([
    ['Lease', d.leaseId],
    ['Premises', d.propertyAddress],
    ['Tenant(s)', d.tenants.join(', ')],
    ['Date', d.date],
  ]);
  w.rule();
  w.fields([['Deposit held', money(d.heldMinor)]]);
  w.heading('Itemized deductions', 12);
  if (d.deductions.length) w.fields(d.deductions.map((x) => [x.description.slice(0, 28), money(x.amountMinor)]));
  else w.paragraph('None.');
  w.rule();
  w.fields([
    ['Applied to amounts owed', money(d.appliedToUnpaidMinor)],
    ['Refunded to the tenant', money(d.refundedMinor)],
  ]);
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
