/**
 * A project's documents are real PDFs: the change order the owners sign and
 * the final report, parsed back, their text and figures checked against
 * hand-computed ones; and the rows the project's activities write (the
 * projects row, the ledger postings' keys, the property's new features).
 */
import { budgetSummary } from '../../domain/project/budget';
import { nextPayApplication } from '../../domain/project/pay-application';
import type { ProjectContract } from '../../domain/project/change-order';
import type { ProjectState } from '../../contracts/project';
import { ProjectCreateSchema } from '../../contracts/project.schema';
import { renderChangeOrder, scheduleImpactText, type ChangeOrderDocumentData } from '../../lib/documents/change-order';
import { lateness, renderProjectFinalReport } from '../../lib/documents/project-final-report';
import { drawPostingsOf, featuresOf, projectRow, retainageReleaseOf } from '../../activities/project/rows';
import { renderNotification } from '../../domain/notifications';
import { readPdf } from '../support/pdf-text';

const squash = (s: string) => s.replace(/\s+/g, '');
const textOf = async (bytes: Uint8Array) => {
  const { pages, text } = await readPdf(bytes);
  return { pages, all: squash(text.join(' ')) };
};

const projectId = '0b8c5a2e-6f1d-4e3a-9b7c-2d4e6f8a0c1e';
const gia = { contractorId: '7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6', name: 'Gia Builders', email: 'gia@example.com' };

const contract: ProjectContract = {
  originalContractSumMinor: 8_800_000,
  netChangeOrdersMinor: 900_000,
  scheduleOfValues: [
    { itemNo: '1', description: 'Framing', scheduledValueMinor: 3_800_000, costCode: '06-100' },
    { itemNo: '2', description: 'Drywall and paint', scheduledValueMinor: 3_000_000, costCode: '09-200' },
    { itemNo: '3', description: 'Plumbing rough-in', scheduledValueMinor: 2_000_000, costCode: '22-000' },
    { itemNo: '4', description: 'Second bathroom fixtures', scheduledValueMinor: 900_000, costCode: '22-000' },
  ],
  retainage: { kind: 'flat', basisPoints: 1_000 },
};

const changeOrder: ChangeOrderDocumentData = {
  projectId,
  projectName: 'Elm St kitchen and bath',
  address: '12 Elm St, Ames, IA 50010',
  currency: 'USD',
  changeOrder: {
    changeOrderId: 'co-finish',
    number: 2,
    scope: 'Level 5 drywall finish in the kitchen; the pantry wall removed',
    lines: [
      { itemNo: '2', changeMinor: 250_000 },
      { itemNo: '5', description: 'Pantry wall removal', costCode: '06-100', changeMinor: 120_050 },
    ],
    scheduleImpactDays: 4,
    approveBy: '2031-05-20',
    proposedAt: '2031-05-10T14:03:00.000Z',
  },
  contract,
  contractor: gia,
};

describe('change order', () => {
  test('states the scope, each line before and after, the contract sum as G701 does, the time and the deadline', async () => {
    const doc = await renderChangeOrder(changeOrder);
    const { pages, all } = await textOf(doc.bytes);
    expect(pages).toBe(doc.pages);
    expect(pages).toBe(1);
    for (const s of ['Change Order No. 2', 'Elm St kitchen and bath', '12 Elm St, Ames, IA 50010', 'Gia Builders', 'co-finish', 'Proposed on 2031-05-10', 'Approve by 2031-05-20 (end of day)', 'All amounts in USD']) {
      expect(all).toContain(squash(s));
    }
    expect(all).toContain(squash('Level 5 drywall finish in the kitchen; the pantry wall removed'));
    // An existing line: its value, the change, the new value; a new line: no value before.
    expect(all).toContain(squash('2 Drywall and paint 09-200 30,000.00 +2,500.00 32,500.00'));
    expect(all).toContain(squash('5 Pantry wall removal (new line) 06-100 +1,200.50 1,200.50'));
    expect(all).toContain(squash('Net change +3,700.50'));
    // 88,000.00 + 9,000.00 earlier = 97,000.00; + 3,700.50 = 100,700.50.
    expect(all).toContain(squash('The original contract sum was 88,000.00'));
    expect(all).toContain(squash('The net change by previously authorized change orders +9,000.00'));
    expect(all).toContain(squash('The contract sum prior to this change order was 97,000.00'));
    expect(all).toContain(squash('The contract sum will be increased by this change order in the amount of 3,700.50'));
    expect(all).toContain(squash('The new contract sum including this change order will be 100,700.50'));
    expect(all).toContain(squash('09-200 +2,500.00; 06-100 +1,200.50'));
    expect(all).toContain(squash('The contract time will be increased by 4 days'));
    expect(all).toContain(squash('Unsigned by the end of 2031-05-20, it expires'));
  });

  test('a deduction decreases the sum; a change with no time impact says so', async () => {
    const doc = await renderChangeOrder({ ...changeOrder, changeOrder: { ...changeOrder.changeOrder, lines: [{ itemNo: '1', changeMinor: -300_000 }], scheduleImpactDays: 0 } });
    const { all } = await textOf(doc.bytes);
    expect(all).toContain(squash('1 Framing 06-100 38,000.00 -3,000.00 35,000.00'));
    expect(all).toContain(squash('The contract sum will be decreased by this change order in the amount of 3,000.00'));
    expect(all).toContain(squash('The new contract sum including this change order will be 94,000.00'));
    expect(all).toContain(squash('The contract time is unchanged by this change order.'));
    expect(scheduleImpactText(-1)).toMatch(/decreased by 1 day:/);
  });

  test('the same change order renders the same bytes; another figure another hash', async () => {
    const a = await renderChangeOrder(changeOrder);
    const b = await renderChangeOrder(changeOrder);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.sha256).toBe(b.sha256);
    const c = await renderChangeOrder({ ...changeOrder, changeOrder: { ...changeOrder.changeOrder, scheduleImpactDays: 5 } });
    expect(c.sha256).not.toBe(a.sha256);
  });
});

/** A completed project: one contract of 97,000.00 (one change order approved, one declined), paid in two draws, retainage released. */
function completedProject(): ProjectState {
  const budget = [
    { costCode: '06-100', description: 'Framing and carpentry', originalMinor: 4_000_000, changesMinor: 0 },
    { costCode: '09-200', description: 'Drywall and finishes', originalMinor: 3_000_000, changesMinor: 0 },
    { costCode: '22-000', description: 'Plumbing', originalMinor: 2_000_000, changesMinor: 900_000 },
  ];
  const first = nextPayApplication(contract, undefined, [{ itemNo: '1', workThisPeriodMinor: 1_900_000, materialsStoredMinor: 0 }]);
  const second = nextPayApplication(contract, first, [
    { itemNo: '1', workThisPeriodMinor: 1_900_000, materialsStoredMinor: 0 },
    { itemNo: '2', workThisPeriodMinor: 3_000_000, materialsStoredMinor: 0 },
    { itemNo: '3', workThisPeriodMinor: 2_000_000, materialsStoredMinor: 0 },
    { itemNo: '4', workThisPeriodMinor: 900_000, materialsStoredMinor: 0 },
  ]);
  const summary = budgetSummary({ budget, contingencyMinor: 500_000, commitments: [{ scheduleOfValues: contract.scheduleOfValues, lastPaid: second, retainageReleasedMinor: 970_000 }], pending: [] });
  const app = (no: number, a: typeof first, periodTo: string, paidOn: string) => ({
    commitmentId: 'gc-1',
    applicationNo: no,
    periodTo,
    status: 'paid' as const,
    billed: [],
    application: a,
    preparedAt: `${periodTo}T10:00:00.000Z`,
    submittedAt: `${periodTo}T11:00:00.000Z`,
    reviews: [],
    approvedAt: `${periodTo}T12:00:00.000Z`,
    blockers: [],
    payment: { paidOn, currentPaymentDueMinor: a.summary.currentPaymentDueMinor, postings: [] },
  });
  return {
    projectId,
    kind: 'renovation',
    name: 'Elm St kitchen and bath',
    site: { propertyId: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', parcelId: null, address: '12 Elm St, Ames, IA 50010' },
    currency: 'USD',
    status: 'completed',
    schedule: { plannedStart: '2031-03-01', originalPlannedCompletion: '2031-06-09', plannedCompletion: '2031-06-19', substantialCompletionOn: '2031-06-24', completedOn: '2031-06-30' },
    budget,
    contingencyMinor: 500_000,
    commitments: [
      {
        commitmentId: 'gc-1',
        contractor: gia,
        description: 'general contract: framing, drywall, plumbing',
        contract,
        permitNames: ['Building permit'],
        addedAt: '2031-03-01T09:00:00.000Z',
        addedBy: 'manager',
        retainage: { heldMinor: 0, status: 'released', releasedMinor: 970_000, releasedOn: '2031-06-30', blockers: [] },
      },
    ],
    milestones: [
      { milestoneId: 'm-framing', commitmentId: 'gc-1', name: 'Framing complete', shareBasisPoints: 4_000, cumulativeBasisPoints: 4_000, originalPlannedOn: '2031-03-31', plannedOn: '2031-04-10', status: 'reached', reachedOn: '2031-04-08', reachedByInspectionId: 'insp-1' },
      { milestoneId: 'm-done', commitmentId: 'gc-1', name: 'Finishes complete', shareBasisPoints: 6_000, cumulativeBasisPoints: 10_000, originalPlannedOn: '2031-05-30', plannedOn: '2031-06-09', status: 'reached', reachedOn: '2031-06-12', reachedByInspectionId: 'insp-2' },
    ],
    changeOrders: [
      { changeOrderId: 'co-bath', number: 1, commitmentId: 'gc-1', scope: 'second bathroom', lines: [{ itemNo: '4', description: 'Second bathroom fixtures', costCode: '22-000', changeMinor: 900_000 }], netChangeMinor: 900_000, scheduleImpactDays: 10, approveBy: '2031-04-20', status: 'approved', proposedBy: 'manager', proposedAt: '2031-04-09T09:00:00.000Z', envelopeId: 'env-1', document: null, decidedAt: '2031-04-12T09:00:00.000Z', reason: null },
      { changeOrderId: 'co-finish', number: 2, commitmentId: 'gc-1', scope: 'level 5 drywall finish', lines: [{ itemNo: '2', changeMinor: 250_000 }], netChangeMinor: 250_000, scheduleImpactDays: 4, approveBy: '2031-04-25', status: 'rejected', proposedBy: gia.contractorId, proposedAt: '2031-04-13T09:00:00.000Z', envelopeId: 'env-2', document: null, decidedAt: '2031-04-14T09:00:00.000Z', reason: 'level 4 is enough' },
    ],
    payApplications: [app(1, first, '2031-04-05', '2031-04-08'), app(2, second, '2031-06-12', '2031-06-13')],
    inspections: [],
    finalInspections: [
      { inspectionId: 'final-1', passed: false, notes: 'GFCI missing', inspectedOn: '2031-06-25', recordedBy: 'inspector' },
      { inspectionId: 'final-2', passed: true, notes: null, inspectedOn: '2031-06-29', recordedBy: 'inspector' },
    ],
    lienWaivers: [],
    permits: [{ name: 'Building permit', status: 'issued', expiresOn: '2031-09-01', number: 'BP-2031-118', recordedAt: '2031-03-01T09:00:00.000Z' }],
    alerts: [],
    overrun: true,
    improvements: { addedLivingAreaSqft: 135, newFeatures: ['second bathroom', 'open kitchen'] },
    substantialCompletion: { on: '2031-06-24', by: 'manager', punchList: ['touch up paint in the hall'] },
    documents: [],
    summary,
    pendingApprovals: [],
    criticalDates: [],
    history: [],
  };
}

describe('final report', () => {
  test('the money by cost code, the contracts, the change orders, the timeline planned and actual, the draws', async () => {
    const s = completedProject();
    // The fixture's own figures, by hand: 97,000.00 committed and paid; the plumbing budget moved by change order 1.
    expect(s.summary.totals).toMatchObject({ budgetMinor: 9_900_000, committedMinor: 9_700_000, paidMinor: 9_700_000, cashPaidMinor: 9_700_000, retainageHeldMinor: 0, remainingMinor: 200_000, overrunMinor: 400_000 });
    const doc = await renderProjectFinalReport(s);
    const { pages, all } = await textOf(doc.bytes);
    expect(pages).toBe(doc.pages);
    for (const x of ['Project Final Report', 'Elm St kitchen and bath', '12 Elm St, Ames, IA 50010', 'Substantial completion 2031-06-24', 'Completed 2031-06-30', '135 sq ft added; second bathroom, open kitchen']) expect(all).toContain(squash(x));
    // Code, description, original budget, approved changes, budget, committed, paid, remaining.
    expect(all).toContain(squash('06-100 Framing and carpentry 40,000.00 40,000.00 38,000.00 38,000.00 2,000.00'));
    expect(all).toContain(squash('22-000 Plumbing 20,000.00 +9,000.00 29,000.00 29,000.00 29,000.00 0.00'));
    expect(all).toContain(squash('Totals 90,000.00 +9,000.00 99,000.00 97,000.00 97,000.00 2,000.00'));
    expect(all).toContain(squash('Contingency left after approved change orders -4,000.00'));
    expect(all).toContain(squash('Over budget and contingency by 4,000.00'));
    expect(all).toContain(squash('Paid to contractors 97,000.00'));
    // The contract: 88,000.00 + 9,000.00 = 97,000.00, all of it paid, retainage released.
    expect(all).toContain(squash('88,000.00 +9,000.00 97,000.00 97,000.00 9,700.00 on 2031-06-30'));
    expect(all).toContain(squash('1 Gia Builders second bathroom +9,000.00 10 approved 2031-04-12'));
    expect(all).toContain(squash('2 Gia Builders level 5 drywall finish (level 4 is enough) +2,500.00 4 rejected 2031-04-14'));
    // Milestones: originally planned, as moved by change order 1, reached.
    expect(all).toContain(squash('Framing complete Gia Builders 2031-03-31 2031-04-10 2031-04-08 on time'));
    expect(all).toContain(squash('Finishes complete Gia Builders 2031-05-30 2031-06-09 2031-06-12 3 days late'));
    expect(all).toContain(squash('Substantial completion 2031-06-09 2031-06-19 2031-06-24 5 days late'));
    // Draw 1: 19,000.00 of work, 1,900.00 held, 17,100.00 paid; draw 2: the rest less 10% of everything.
    expect(all).toContain(squash('Gia Builders 1 2031-04-05 19,000.00 1,900.00 17,100.00 2031-04-08'));
    expect(all).toContain(squash('Gia Builders 2 2031-06-12 97,000.00 9,700.00 70,200.00 2031-06-13'));
    expect(all).toContain(squash('Building permit (BP-2031-118), issued through 2031-09-01'));
    expect(all).toContain(squash('The final inspection passed on 2031-06-29 (after 1 that did not).'));
    expect(all).toContain(squash('Punch list at substantial completion: touch up paint in the hall.'));
  });

  test('the same state renders the same bytes', async () => {
    const a = await renderProjectFinalReport(completedProject());
    const b = await renderProjectFinalReport(completedProject());
    expect(a.sha256).toBe(b.sha256);
  });

  test('lateness is counted against the plan', () => {
    expect(lateness('2031-06-09', '2031-06-12')).toBe('3 days late');
    expect(lateness('2031-06-09', '2031-06-10')).toBe('1 day late');
    expect(lateness('2031-06-09', '2031-06-01')).toBe('on time');
    expect(lateness('2031-06-09', null)).toBe('');
  });
});

describe('the rows the activities write', () => {
  test('the projects row: the state without its history, contractors by user id', () => {
    const s = { ...completedProject(), history: [{ at: '2031-03-01T09:00:00.000Z', event: 'set up' }] };
    s.commitments = [...s.commitments, { ...s.commitments[0]!, commitmentId: 'gc-2' }, { ...s.commitments[0]!, commitmentId: 'odd', contractor: { ...gia, contractorId: 'not-a-user' } }];
    const r = projectRow(s);
    expect(r).toMatchObject({ id: projectId, propertyId: s.site.propertyId, parcelId: null, kind: 'renovation', status: 'completed', currency: 'USD', workflowId: `project-${projectId}` });
    expect(r.contractorIds).toEqual([gia.contractorId]);
    expect(r.state.history).toEqual([]);
  });

  test('a draw posts each movement once per application and kind; retainage once per contract', () => {
    const posted = drawPostingsOf({
      projectId,
      commitmentId: 'gc-1',
      applicationNo: 2,
      contractorId: gia.contractorId,
      postings: [
        { kind: 'draw_paid', amountMinor: 6_808_890 },
        { kind: 'retainage_withheld', amountMinor: 756_543 },
        { kind: 'retainage_released', amountMinor: 0 },
      ],
    });
    expect(posted.map((p) => [p.kind, p.amountMinor, p.idempotencyKey])).toEqual([
      ['draw_paid', 6_808_890, `project:${projectId}:draw:gc-1:2:draw_paid`],
      ['retainage_withheld', 756_543, `project:${projectId}:draw:gc-1:2:retainage_withheld`],
    ]);
    expect(retainageReleaseOf({ projectId, commitmentId: 'gc-1', contractorId: gia.contractorId, amountMinor: 970_000 })).toMatchObject({ kind: 'retainage_released', amountMinor: 970_000, idempotencyKey: `project:${projectId}:retainage:gc-1` });
    expect(retainageReleaseOf({ projectId, commitmentId: 'gc-1', contractorId: gia.contractorId, amountMinor: 0 })).toBeUndefined();
  });

  test('new features are trimmed, each once, in order', () => {
    expect(featuresOf({ addedLivingAreaSqft: 0, newFeatures: [' deck ', 'second bathroom', 'deck', ''] })).toEqual(['deck', 'second bathroom']);
  });
});

describe('a new project as the API takes it', () => {
  const base = {
    kind: 'renovation',
    name: 'Kitchen',
    propertyId: projectId,
    budget: [{ costCode: '06-100', description: 'Carpentry', amountMinor: 100_000 }],
    plannedStart: '2031-03-01',
    plannedCompletion: '2031-06-01',
  };
  const fields = (body: unknown) => {
    const r = ProjectCreateSchema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };

  test('defaults: USD, no contingency, nothing added to the record', () => {
    const r = ProjectCreateSchema.parse(base);
    expect(r).toMatchObject({ currency: 'USD', contingencyMinor: 0, improvements: { addedLivingAreaSqft: 0, newFeatures: [] } });
  });

  test('a renovation is of a property, new construction on a parcel; dates in order; each cost code once', () => {
    expect(fields(base)).toEqual([]);
    expect(fields({ ...base, propertyId: undefined, parcelId: projectId })).toEqual(['propertyId']);
    expect(fields({ ...base, kind: 'new_construction' })).toEqual(['parcelId']);
    expect(fields({ ...base, kind: 'new_construction', propertyId: undefined, parcelId: projectId, propertyType: 'house' })).toEqual([]);
    expect(fields({ ...base, propertyType: 'house' })).toEqual(['propertyType']);
    expect(fields({ ...base, kind: 'new_construction', propertyId: undefined, parcelId: projectId, propertyType: 'land' })).toEqual(['propertyType']);
    expect(fields({ ...base, plannedCompletion: '2031-02-28' })).toEqual(['plannedCompletion']);
    expect(fields({ ...base, budget: [...base.budget, { costCode: '06-100', description: 'Again', amountMinor: 1 }] })).toEqual(['budget.1.costCode']);
    expect(fields({ ...base, plannedStart: '2031-02-30' })).toEqual(['plannedStart']);
  });
});

describe('the project\'s e-mails', () => {
  const common = { project: 'Elm St kitchen and bath', address: '12 Elm St, Ames', currency: 'USD' };
  test.each<[string, Record<string, string | number>, RegExp]>([
    ['project_started', { plannedCompletion: '2031-06-09' }, /planned completion is 2031-06-09/],
    ['project_alert', { kind: 'budget_overrun', message: 'the projected cost USD 99,000.00 is above budget + contingency USD 95,000.00 by USD 4,000.00' }, /is above budget \+ contingency/],
    ['project_contract_added', { contractor: 'Gia Builders', amountMinor: 8_800_000 }, /Gia Builders's contract of USD 88,000\.00/],
    ['project_change_order_decided', { number: 2, status: 'rejected', reason: 'level 4 is enough' }, /Change order 2 on Elm St kitchen and bath was rejected: level 4 is enough\./],
    ['project_pay_application_submitted', { contractor: 'Gia Builders', applicationNo: 1, amountMinor: 1_921_110 }, /application 1 .*USD 19,211\.10 due/],
    ['project_pay_application_reviewed', { applicationNo: 1, decision: 'revise', reason: 'attach the invoice', blockers: '' }, /sent back to revise: attach the invoice/],
    ['project_pay_application_reviewed', { applicationNo: 1, decision: 'approve', reason: '', blockers: 'permit "Building permit" is not issued yet' }, /approved; it is paid once nothing blocks it \(now: permit/],
    ['project_draw_paid', { contractor: 'Gia Builders', applicationNo: 1, amountMinor: 1_921_110 }, /was paid: USD 19,211\.10/],
    ['project_substantially_complete', { on: '2031-06-24' }, /substantially complete on 2031-06-24/],
    ['project_retainage_released', { contractor: 'Gia Builders', amountMinor: 970_000 }, /retainage of USD 9,700\.00/],
    ['project_completed', { documentId: 'doc', paidMinor: 9_700_000 }, /is complete: USD 97,000\.00 paid/],
  ])('%s', (template, data, text) => {
    const m = renderNotification(template, { ...common, ...data });
    expect(m.subject).toContain('Elm St kitchen and bath');
    expect(m.text).toMatch(text);
  });
});
