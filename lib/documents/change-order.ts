/**
 * A project's change order as the owners sign it (the content of an AIA
 * G701): the project and the contract it changes, the scope in words, each
 * line of the schedule of values it changes or adds with its value before
 * and after, the contract sum before and after (original, earlier change
 * orders, this one), what it does to the contract time, and the last day to
 * approve it. The signature page is the envelope's. Deterministic: the same
 * change order renders the same bytes (no clock is read).
 */
import { formatMoney } from '../../domain/money';
import { applyChangeOrder, changeByCostCode, netChangeOf, type ChangeOrderLine, type ProjectContract } from '../../domain/project/change-order';
import type { ChangeOrderState, ProjectContractor } from '../../contracts/project';
import { DocumentWriter, sha256, type RenderedDocument, type TableRow } from './pdf';

export interface ChangeOrderDocumentData {
  projectId: string;
  projectName: string;
  address: string;
  currency: string;
  changeOrder: Pick<ChangeOrderState, 'changeOrderId' | 'number' | 'scope' | 'lines' | 'scheduleImpactDays' | 'approveBy' | 'proposedAt'>;
  /** The contract as it stands before this change order. */
  contract: ProjectContract;
  contractor: Pick<ProjectContractor, 'name'>;
}

const days = (n: number) => `${n} day${Math.abs(n) === 1 ? '' : 's'}`;

/** What the change order does to the contract time, in the G701's words. */
export function scheduleImpactText(impactDays: number): string {
  if (impactDays === 0) return 'The contract time is unchanged by this change order.';
  return `The contract time will be ${impactDays > 0 ? 'increased' : 'decreased'} by ${days(Math.abs(impactDays))}: the milestones not yet reached and the planned completion move by as much once it is approved.`;
}

export async function renderChangeOrder(d: ChangeOrderDocumentData): Promise<RenderedDocument> {
  const co = d.changeOrder;
  const money = (minor: number) => formatMoney(minor, d.currency).replace(`${d.currency} `, '');
  const signed = (minor: number) => (minor > 0 ? `+${money(minor)}` : money(minor));
  const before = d.contract;
  const after = applyChangeOrder(before, co.lines);
  const net = netChangeOf(co.lines);
  const sumBefore = before.originalContractSumMinor + before.netChangeOrdersMinor;

  const w = await DocumentWriter.create(`Change order ${co.number}: ${d.projectName}`);
  w.heading(`Change Order No. ${co.number}`, 16);
  w.table(
    [
      { header: '', width: 120, bold: true },
      { header: '', width: w.contentWidth - 120 },
    ],
    [
      { cells: ['Project', d.projectName] },
      { cells: ['Site', d.address] },
      { cells: ['Contractor', d.contractor.name] },
      { cells: ['Change order', co.changeOrderId] },
      { cells: ['Proposed on', co.proposedAt.slice(0, 10)] },
      { cells: ['Approve by', `${co.approveBy} (end of day)`] },
      { cells: ['Currency', `All amounts in ${d.currency}`] },
    ],
    { size: 9.5, padding: 0 },
  );

  w.heading('Change in scope', 11);
  w.paragraph(co.scope, 10);

  w.heading('Schedule of values', 11);
  const current = new Map(before.scheduleOfValues.map((l) => [l.itemNo, l]));
  const changedTo = new Map(after.scheduleOfValues.map((l) => [l.itemNo, l]));
  const rows: TableRow[] = co.lines.map((l: ChangeOrderLine) => {
    const was = current.get(l.itemNo);
    const now = changedTo.get(l.itemNo)!;
    return { cells: [l.itemNo, was ? was.description : `${now.description} (new line)`, now.costCode, was ? money(was.scheduledValueMinor) : '', signed(l.changeMinor), money(now.scheduledValueMinor)] };
  });
  rows.push({ cells: ['', 'Net change', '', '', signed(net), ''], bold: true, ruleAbove: true });
  const money76 = 76;
  w.table(
    [
      { header: 'Item', width: 40 },
      { header: 'Description', width: w.contentWidth - 40 - 60 - 3 * money76 },
      { header: 'Cost code', width: 60 },
      { header: 'Scheduled value', width: money76, align: 'right' },
      { header: 'Change', width: money76, align: 'right' },
      { header: 'New scheduled value', width: money76, align: 'right' },
    ],
    rows,
  );

  w.heading('Contract sum', 11);
  w.table(
    [
      { header: '', width: w.contentWidth - 110 },
      { header: '', width: 110, align: 'right' },
    ],
    [
      { cells: ['The original contract sum was', money(before.originalContractSumMinor)] },
      { cells: ['The net change by previously authorized change orders', signed(before.netChangeOrdersMinor)] },
      { cells: ['The contract sum prior to this change order was', money(sumBefore)] },
      { cells: [`The contract sum will be ${net >= 0 ? 'increased' : 'decreased'} by this change order in the amount of`, money(Math.abs(net))] },
      { cells: ['The new contract sum including this change order will be', money(sumBefore + net)], bold: true, ruleAbove: true },
    ],
    { size: 9.5 },
  );

  const byCode = changeByCostCode(before, co.lines);
  w.heading('Budget', 11);
  w.paragraph(`Once approved, the project's budget moves by cost code as follows (funded from the contingency): ${byCode.map((c) => `${c.costCode} ${signed(c.changeMinor)}`).join('; ')}.`, 9.5);

  w.heading('Contract time', 11);
  w.paragraph(scheduleImpactText(co.scheduleImpactDays), 9.5);

  w.heading('Approval', 11);
  w.paragraph(
    `This change order takes effect only when every owner has signed it. Unsigned by the end of ${co.approveBy}, it expires and the contract stays as it is. Signing it, the owner agrees to the change in scope, contract sum and contract time above.`,
    9.5,
  );

  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
