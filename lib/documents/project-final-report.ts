/**
 * A project's final report: the money by cost code (the budget as change
 * orders moved it against what was committed, paid and is left), each
 * contract's sums, the change orders and what became of them, the timeline
 * planned against actual (milestones, substantial completion), the draws
 * paid, and the permits and final inspection. Rendered from the project's
 * state alone, so the same state renders the same bytes.
 */
import { daysBetween } from '../../domain/calendar';
import { formatMoney } from '../../domain/money';
import type { ProjectState } from '../../contracts/project';
import { DocumentWriter, sha256, type RenderedDocument, type TableRow } from './pdf';

const label = (s: string) => s.replaceAll('_', ' ');

/** Days after the plan something happened ("on time" when not after it; "" when it has not happened). */
export function lateness(planned: string, actual: string | null): string {
  if (!actual) return '';
  const late = daysBetween(planned, actual);
  return late > 0 ? `${late} day${late === 1 ? '' : 's'} late` : 'on time';
}

export async function renderProjectFinalReport(s: ProjectState): Promise<RenderedDocument> {
  const currency = s.currency;
  const money = (minor: number) => formatMoney(minor, currency).replace(`${currency} `, '');
  const signed = (minor: number) => (minor > 0 ? `+${money(minor)}` : money(minor));
  const contractorOf = new Map(s.commitments.map((c) => [c.commitmentId, c.contractor.name]));
  const t = s.summary.totals;

  const w = await DocumentWriter.create(`Final report: ${s.name}`);
  w.heading('Project Final Report', 16);
  w.table(
    [
      { header: '', width: 130, bold: true },
      { header: '', width: w.contentWidth - 130 },
    ],
    [
      { cells: ['Project', s.name] },
      { cells: ['Site', s.site.address] },
      { cells: ['Kind', label(s.kind)] },
      { cells: ['Status', label(s.status)] },
      { cells: ['Planned start', s.schedule.plannedStart] },
      { cells: ['Substantial completion', s.schedule.substantialCompletionOn ?? 'not yet'] },
      { cells: ['Completed', s.schedule.completedOn ?? 'not yet'] },
      { cells: ['Improvements', `${s.improvements.addedLivingAreaSqft} sq ft added${s.improvements.newFeatures.length ? `; ${s.improvements.newFeatures.join(', ')}` : ''}`] },
      { cells: ['Currency', `All amounts in ${currency}`] },
    ],
    { size: 9.5, padding: 0 },
  );

  // ---------------------------------------------------------------- money by cost code
  w.heading('Budget, committed and paid by cost code', 11);
  const m = 54;
  const byCode: TableRow[] = s.summary.byCostCode.map((r) => ({
    cells: [r.costCode, r.description, money(r.originalBudgetMinor), r.approvedChangesMinor ? signed(r.approvedChangesMinor) : '', money(r.budgetMinor), money(r.committedMinor), money(r.paidMinor), money(r.remainingMinor)],
  }));
  byCode.push({
    cells: ['', 'Totals', money(t.originalBudgetMinor), signed(t.budgetMinor - t.originalBudgetMinor), money(t.budgetMinor), money(t.committedMinor), money(t.paidMinor), money(t.remainingMinor)],
    bold: true,
    ruleAbove: true,
  });
  w.table(
    [
      { header: 'Code', width: 46 },
      { header: 'Description', width: w.contentWidth - 46 - 6 * m },
      { header: 'Original budget', width: m, align: 'right' },
      { header: 'Approved changes', width: m, align: 'right' },
      { header: 'Budget', width: m, align: 'right' },
      { header: 'Committed', width: m, align: 'right' },
      { header: 'Paid', width: m, align: 'right' },
      { header: 'Remaining', width: m, align: 'right' },
    ],
    byCode,
    { size: 8 },
  );
  w.table(
    [
      { header: '', width: w.contentWidth - 110 },
      { header: '', width: 110, align: 'right' },
    ],
    [
      { cells: ['Contingency at the start', money(t.contingencyOriginalMinor)] },
      { cells: ['Contingency left after approved change orders', money(t.contingencyRemainingMinor)] },
      { cells: ['Budget and contingency authorized', money(t.authorizedMinor)] },
      { cells: ['Projected cost', money(t.projectedMinor)] },
      { cells: ['Over budget and contingency by', money(t.overrunMinor)] },
      { cells: ['Paid to contractors', money(t.cashPaidMinor)], ruleAbove: true },
      { cells: ['Retainage still held', money(t.retainageHeldMinor)] },
    ],
    { size: 9 },
  );

  // ---------------------------------------------------------------- contracts
  w.heading('Contracts', 11);
  const contracts: TableRow[] = s.commitments.map((c) => {
    const paid = s.payApplications.filter((a) => a.commitmentId === c.commitmentId && a.status === 'paid').at(-1);
    const cash = (paid?.application.summary.earnedLessRetainageMinor ?? 0) + c.retainage.releasedMinor;
    return {
      cells: [c.contractor.name, c.description, money(c.contract.originalContractSumMinor), signed(c.contract.netChangeOrdersMinor), money(c.contract.originalContractSumMinor + c.contract.netChangeOrdersMinor), money(cash), `${money(c.retainage.releasedMinor)}${c.retainage.releasedOn ? ` on ${c.retainage.releasedOn}` : ''}`],
    };
  });
  w.table(
    [
      { header: 'Contractor', width: 80 },
      { header: 'Scope', width: w.contentWidth - 80 - 4 * m - 84 },
      { header: 'Original sum', width: m, align: 'right' },
      { header: 'Change orders', width: m, align: 'right' },
      { header: 'Contract sum', width: m, align: 'right' },
      { header: 'Paid', width: m, align: 'right' },
      { header: 'Retainage released', width: 84, align: 'right' },
    ],
    contracts.length ? contracts : [{ cells: ['No contract was let.', '', '', '', '', '', ''] }],
    { size: 8 },
  );

  // ---------------------------------------------------------------- change orders
  w.heading('Change orders', 11);
  if (s.changeOrders.length === 0) w.paragraph('None.', 9.5);
  else
    w.table(
      [
        { header: 'No.', width: 28 },
        { header: 'Contractor', width: 80 },
        { header: 'Scope', width: w.contentWidth - 28 - 80 - 60 - 40 - 70 - 64 },
        { header: 'Net change', width: 60, align: 'right' },
        { header: 'Days', width: 40, align: 'right' },
        { header: 'Status', width: 70 },
        { header: 'Decided', width: 64 },
      ],
      s.changeOrders.map((co) => ({
        cells: [String(co.number), contractorOf.get(co.commitmentId) ?? '', `${co.scope}${co.reason && co.status !== 'approved' ? ` (${co.reason})` : ''}`, signed(co.netChangeMinor), String(co.scheduleImpactDays), label(co.status), co.decidedAt?.slice(0, 10) ?? ''],
      })),
      { size: 8 },
    );

  // ---------------------------------------------------------------- timeline
  w.heading('Timeline: planned and actual', 11);
  const timeline: TableRow[] = [{ cells: ['Start', '', s.schedule.plannedStart, s.schedule.plannedStart, '', ''] }];
  for (const mi of s.milestones) {
    timeline.push({ cells: [mi.name, contractorOf.get(mi.commitmentId) ?? '', mi.originalPlannedOn, mi.plannedOn, mi.reachedOn ?? 'not reached', lateness(mi.plannedOn, mi.reachedOn)] });
  }
  timeline.push({
    cells: ['Substantial completion', '', s.schedule.originalPlannedCompletion, s.schedule.plannedCompletion, s.schedule.substantialCompletionOn ?? 'not yet', lateness(s.schedule.plannedCompletion, s.schedule.substantialCompletionOn)],
    bold: true,
    ruleAbove: true,
  });
  timeline.push({ cells: ['Completed (retainage released, record updated)', '', '', '', s.schedule.completedOn ?? 'not yet', ''] });
  w.table(
    [
      { header: 'Milestone', width: w.contentWidth - 80 - 3 * 66 - 70 },
      { header: 'Contractor', width: 80 },
      { header: 'Originally planned', width: 66 },
      { header: 'Planned (after change orders)', width: 66 },
      { header: 'Actual', width: 66 },
      { header: 'Against the plan', width: 70 },
    ],
    timeline,
    { size: 8 },
  );

  // ---------------------------------------------------------------- draws
  w.heading('Pay applications', 11);
  if (s.payApplications.length === 0) w.paragraph('None.', 9.5);
  else
    w.table(
      [
        { header: 'Contractor', width: w.contentWidth - 28 - 64 - 4 * 66 },
        { header: 'No.', width: 28 },
        { header: 'Period to', width: 64 },
        { header: 'Completed and stored', width: 66, align: 'right' },
        { header: 'Retainage', width: 66, align: 'right' },
        { header: 'Paid', width: 66, align: 'right' },
        { header: 'Paid on', width: 66 },
      ],
      s.payApplications.map((a) => ({
        cells: [
          contractorOf.get(a.commitmentId) ?? '',
          String(a.applicationNo),
          a.periodTo,
          money(a.application.summary.completedAndStoredToDateMinor),
          money(a.application.summary.totalRetainageMinor),
          a.payment ? money(a.payment.currentPaymentDueMinor) : '',
          a.payment?.paidOn ?? label(a.status),
        ],
      })),
      { size: 8 },
    );

  // ---------------------------------------------------------------- permits and inspections
  w.heading('Permits and inspections', 11);
  const passed = s.finalInspections.find((i) => i.passed);
  w.paragraph(
    [
      s.permits.length ? `Permits: ${s.permits.map((p) => `${p.name}${p.number ? ` (${p.number})` : ''}, ${p.status}${p.expiresOn ? ` through ${p.expiresOn}` : ''}`).join('; ')}.` : 'No permits were recorded.',
      `${s.inspections.length} milestone inspection${s.inspections.length === 1 ? '' : 's'}.`,
      passed ? `The final inspection passed on ${passed.inspectedOn}${s.finalInspections.length > 1 ? ` (after ${s.finalInspections.length - 1} that did not)` : ''}.` : 'The final inspection has not passed.',
      s.substantialCompletion?.punchList.length ? `Punch list at substantial completion: ${s.substantialCompletion.punchList.join('; ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    9.5,
  );

  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
