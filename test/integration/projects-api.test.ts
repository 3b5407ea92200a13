/**
 * A construction project over real HTTP, on the real services with the
 * operations worker running its workflow and activities: the owner sets up
 * a renovation (a retry with the same Idempotency-Key starts nothing new);
 * the manager lets a contract, which the contractor then sees; a change
 * order goes to the owner as a signing envelope, is signed through the
 * envelope's own route and changes the contract; a pay application is
 * drafted, submitted and approved, then waits for its milestone inspection,
 * its conditional lien waiver and its permit before the draw is paid; the
 * project's book is checked with the ledger's invariants and balances.
 * Then substantial completion, the final inspection and the final waiver
 * release the retainage, the property's record shows the work and the final
 * report is filed. Who may not do what answers 403 or 404 along the way.
 */
import { QueryTypes } from 'sequelize';
import { addDays, todayUtc } from '../../domain/calendar';
import { ProcessStatusKey, PropertyIdKey } from '../../domain/search-attributes';
import type { ProjectState } from '../../contracts/project';
import { ledgerBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { createProperty, errorFields, expectProblem } from '../support/api-scenarios';
import { inMinutes, inspectionRecorded, inspectionStep, inspectionWhen, reportBody, scheduleInspection, withoutEntryNotice } from '../support/inspections';
import { createHarness, eventually, type Harness } from '../support/harness';
import { readPdf } from '../support/pdf-text';
import { startOperationsWorkers, type RunningWorkers } from '../support/workers';

type User = Awaited<ReturnType<Harness['user']>>;
type ProjectBody = ProjectState & { readFrom: 'workflow' | 'database' };

let h: Harness;
let workers: RunningWorkers | undefined;
let owner: User, manager: User, gia: User, inspector: User, otherOwner: User, otherContractor: User;
let property: { id: string };
let projectId: string;
const today = todayUtc();

async function body<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 800)}`);
  return JSON.parse(text) as T;
}

const post = (path: string, token: string, json: unknown, headers: Record<string, string> = {}) => h.request(path, { method: 'POST', token, json, headers });
/** A decision on the project, which must succeed: the state after it. */
const step = async (action: string, token: string, json: unknown) => body<ProjectBody>(await post(`/v1/projects/${projectId}/${action}`, token, json), 200);
const read = async (token: string) => body<ProjectBody>(await h.request(`/v1/projects/${projectId}`, { token }), 200);
/** Reads the project (as its manager) until `ok` holds. */
const until = (ok: (s: ProjectBody) => boolean, what: string) =>
  eventually(async () => {
    const s = await read(manager.token);
    return ok(s) && s;
  }, 60_000, what);
const book = () => ({ type: 'project' as const, id: projectId });
const app = (s: ProjectState, no: number) => s.payApplications.find((a) => a.commitmentId === 'gc-1' && a.applicationNo === no)!;
const contractSum = (s: ProjectState) => s.commitments[0]!.contract.originalContractSumMinor + s.commitments[0]!.contract.netChangeOrdersMinor;

const projectBody = () => ({
  kind: 'renovation',
  name: 'Larkspur kitchen and bath',
  propertyId: property.id,
  budget: [
    { costCode: '06-100', description: 'Framing and carpentry', amountMinor: 4_000_000 },
    { costCode: '09-200', description: 'Drywall and finishes', amountMinor: 3_000_000 },
    { costCode: '22-000', description: 'Plumbing', amountMinor: 2_000_000 },
  ],
  contingencyMinor: 500_000,
  plannedStart: today,
  plannedCompletion: addDays(today, 100),
  improvements: { addedLivingAreaSqft: 120, newFeatures: ['second bathroom', 'open kitchen'] },
});

beforeAll(async () => {
  h = await createHarness('projects-api');
  workers = await startOperationsWorkers(h);
  [owner, manager, gia, inspector, otherOwner, otherContractor] = await Promise.all([
    h.user(['owner'], 'project-owner'),
    h.user(['manager'], 'project-manager'),
    h.user(['contractor'], 'gia-builders'),
    h.user(['inspector'], 'project-inspector'),
    h.user(['owner'], 'other-owner'),
    h.user(['contractor'], 'other-contractor'),
  ]);
  property = await createProperty(h, owner.token, { managerId: manager.id, livingAreaSqft: 1500 });
});

afterAll(async () => {
  if (h) {
    const rows = await h.db.query<{ workflow_id: string }>('select workflow_id from projects', { type: QueryTypes.SELECT }).catch(() => []);
    const envelopes = await h.db.query<{ workflow_id: string }>(`select workflow_id from envelopes where subject_type = 'project'`, { type: QueryTypes.SELECT }).catch(() => []);
    await Promise.allSettled([...rows, ...envelopes].map((r) => h.client.workflow.getHandle(r.workflow_id).terminate('test finished')));
  }
  await workers?.stop();
  await h?.close();
});

test('the owner sets up a renovation: 202 with its Location, once per Idempotency-Key; its workflow answers with the budget', async () => {
  const key = { 'idempotency-key': `project-${Date.now()}` };
  const res = await post('/v1/projects', owner.token, projectBody(), key);
  const started = await body<{ projectId: string; workflowId: string; status: string; location: string }>(res, 202);
  projectId = started.projectId;
  expect(started).toMatchObject({ workflowId: `project-${projectId}`, status: 'active', location: `/v1/projects/${projectId}` });
  expect(res.headers.get('location')).toBe(started.location);
  const again = await post('/v1/projects', owner.token, projectBody(), key);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect((await body<{ projectId: string }>(again, 202)).projectId).toBe(projectId);
  expect(Number((await h.db.query<{ n: string }>('select count(*) as n from projects', { type: QueryTypes.SELECT }))[0]!.n)).toBe(1);

  const s = await until((x) => x.status === 'active' && x.readFrom === 'workflow', 'the project set up');
  expect(s.site).toMatchObject({ propertyId: property.id, parcelId: null });
  expect(s.summary.totals).toMatchObject({ budgetMinor: 9_000_000, contingencyRemainingMinor: 500_000, authorizedMinor: 9_500_000, committedMinor: 0, paidMinor: 0 });
  const described = await h.client.workflow.getHandle(started.workflowId).describe();
  expect(described.typedSearchAttributes.get(PropertyIdKey)).toBe(property.id);
  expect(described.typedSearchAttributes.get(ProcessStatusKey)).toBe('active');

  // The owner and the manager read it; another owner does not know it exists; only owners, managers and admins set one up.
  expect((await read(owner.token)).projectId).toBe(projectId);
  await expectProblem(await h.request(`/v1/projects/${projectId}`, { token: otherOwner.token }), 404, 'not-found');
  await expectProblem(await post('/v1/projects', otherOwner.token, projectBody()), 404, 'not-found');
  await expectProblem(await post('/v1/projects', gia.token, projectBody()), 403, 'forbidden');
});

test('the manager lets a contract; the contractor then sees the project, another contractor does not', async () => {
  await expectProblem(await h.request(`/v1/projects/${projectId}`, { token: gia.token }), 404, 'not-found');
  const contract = {
    commitmentId: 'gc-1',
    contractorId: gia.id,
    description: 'general contract: framing, drywall, plumbing',
    originalContractSumMinor: 8_800_000,
    scheduleOfValues: [
      { itemNo: '1', description: 'Framing', scheduledValueMinor: 3_800_000, costCode: '06-100' },
      { itemNo: '2', description: 'Drywall and paint', scheduledValueMinor: 3_000_000, costCode: '09-200' },
      { itemNo: '3', description: 'Plumbing rough-in', scheduledValueMinor: 2_000_000, costCode: '22-000' },
    ],
    milestones: [
      { milestoneId: 'm-framing', name: 'Framing complete', plannedOn: addDays(today, 30), shareBasisPoints: 4_000 },
      { milestoneId: 'm-rest', name: 'Everything else', plannedOn: addDays(today, 90), shareBasisPoints: 6_000 },
    ],
    permitNames: ['Building permit'],
  };
  // Letting contracts is the manager's (or an admin's), not the owner's.
  await expectProblem(await post(`/v1/projects/${projectId}/commitments`, owner.token, contract), 403, 'forbidden');
  const s = await step('commitments', manager.token, contract);
  expect(s.commitments[0]).toMatchObject({ commitmentId: 'gc-1', contractor: { contractorId: gia.id, name: 'gia-builders' }, contract: { retainage: { kind: 'flat', basisPoints: 1_000 } } });
  expect(s.summary.totals).toMatchObject({ committedMinor: 8_800_000 });
  // The same contract twice: the workflow refuses it.
  await expectProblem(await post(`/v1/projects/${projectId}/commitments`, manager.token, contract), 409, 'invalid-state');

  // At once (the workflow's state names the contractor), and in the lists once the row is recorded.
  expect((await read(gia.token)).projectId).toBe(projectId);
  await eventually(async () => {
    const page = await body<{ items: { projectId: string }[] }>(await h.request('/v1/projects?limit=100', { token: gia.token }), 200);
    return page.items.some((p) => p.projectId === projectId);
  }, 60_000, 'the contractor\'s list');
  await expectProblem(await h.request(`/v1/projects/${projectId}`, { token: otherContractor.token }), 404, 'not-found');
  const others = await body<{ items: unknown[] }>(await h.request('/v1/projects?limit=100', { token: otherOwner.token }), 200);
  expect(others.items).toEqual([]);
});

test('a change order goes to the owner as an envelope; signed through the envelope\'s route, it changes the contract, the budget and the schedule', async () => {
  const proposed = await step('change-orders', manager.token, {
    changeOrderId: 'co-bath',
    commitmentId: 'gc-1',
    scope: 'second bathroom',
    lines: [{ itemNo: '4', description: 'Second bathroom fixtures', costCode: '22-000', changeMinor: 300_000 }],
    scheduleImpactDays: 5,
    approveBy: addDays(today, 10),
  });
  const co = proposed.changeOrders.find((x) => x.changeOrderId === 'co-bath')!;
  expect(co).toMatchObject({ number: 1, status: 'pending_approval', netChangeMinor: 300_000 });
  expect(contractSum(proposed)).toBe(8_800_000);
  expect(proposed.pendingApprovals).toContainEqual(expect.objectContaining({ kind: 'change_order', ref: 'co-bath', waitingOn: 'owner' }));

  // The change order's PDF, as the owner reads it before signing.
  const pdf = await h.request(`/v1/projects/${projectId}/documents/${co.document!.documentId}`, { token: owner.token });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  const text = (await readPdf(new Uint8Array(await pdf.arrayBuffer()))).text.join(' ').replace(/\s+/g, '');
  expect(text).toContain('ChangeOrderNo.1');
  expect(text).toContain('Thenewcontractsumincludingthischangeorderwillbe91,000.00');
  await expectProblem(await h.request(`/v1/projects/${projectId}/documents/${co.document!.documentId}`, { token: otherOwner.token }), 404, 'not-found');

  const envelope = await eventually(async () => {
    const e = await body<{ status: string; subject: { type: string; id: string }; documents: { documentId: string; sha256: string }[]; signers: { userId: string; status: string }[] }>(
      await h.request(`/v1/envelopes/${co.envelopeId}`, { token: owner.token }),
      200,
    );
    return e.signers.every((x) => x.status === 'to_sign') && e;
  }, 60_000, 'the change order\'s envelope');
  expect(envelope).toMatchObject({ status: 'sent', subject: { type: 'project', id: projectId }, signers: [{ userId: owner.id }] });
  // The manager sent it; only the owner signs.
  await expectProblem(await post(`/v1/envelopes/${co.envelopeId}/signatures`, manager.token, { documents: envelope.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })) }), 403, 'forbidden');
  await body(await post(`/v1/envelopes/${co.envelopeId}/signatures`, owner.token, { documents: envelope.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })) }), 200);

  const s = await until((x) => x.changeOrders[0]!.status === 'approved', 'the change order approved');
  expect(contractSum(s)).toBe(9_100_000);
  expect(s.commitments[0]!.contract.scheduleOfValues.at(-1)).toEqual({ itemNo: '4', description: 'Second bathroom fixtures', scheduledValueMinor: 300_000, costCode: '22-000' });
  expect(s.summary.byCostCode.find((r) => r.costCode === '22-000')).toMatchObject({ approvedChangesMinor: 300_000, budgetMinor: 2_300_000, committedMinor: 2_300_000 });
  expect(s.schedule).toMatchObject({ originalPlannedCompletion: addDays(today, 100), plannedCompletion: addDays(today, 105) });
  expect(s.milestones.map((m) => m.plannedOn)).toEqual([addDays(today, 35), addDays(today, 95)]);
  // The signed copy is filed under the project.
  const kinds = await h.db.query<{ kind: string }>(`select kind from documents where subject_type = 'project' and subject_id = $1 order by created_at`, { bind: [projectId], type: QueryTypes.SELECT });
  expect(kinds.map((k) => k.kind)).toEqual(['change_order', 'change_order_signed']);
});

test('a pay application through to a paid draw: reviewed, then held until the milestone inspection, the conditional waiver and the permit; the project\'s book balances', async () => {
  const lines = [
    { itemNo: '1', workThisPeriodMinor: 1_900_000 },
    { itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 234_567 },
  ];
  // Only the contractor of the contract drafts it (the manager is refused by role, another contractor does not see the project).
  await expectProblem(await post(`/v1/projects/${projectId}/pay-applications`, manager.token, { commitmentId: 'gc-1', periodTo: today, lines }), 403, 'forbidden');
  await expectProblem(await post(`/v1/projects/${projectId}/pay-applications`, otherContractor.token, { commitmentId: 'gc-1', periodTo: today, lines }), 404, 'not-found');
  let s = await step('pay-applications', gia.token, { commitmentId: 'gc-1', periodTo: today, lines });
  expect(app(s, 1)).toMatchObject({ status: 'draft', application: { summary: { contractSumToDateMinor: 9_100_000, completedAndStoredToDateMinor: 2_134_567, totalRetainageMinor: 213_457, currentPaymentDueMinor: 1_921_110 } } });
  s = await step('pay-application-submissions', gia.token, { commitmentId: 'gc-1', applicationNo: 1 });
  expect(app(s, 1).status).toBe('under_review');
  // The contractor does not review their own application.
  await expectProblem(await post(`/v1/projects/${projectId}/pay-application-reviews`, gia.token, { commitmentId: 'gc-1', applicationNo: 1, decision: 'approve' }), 403, 'forbidden');
  s = await step('pay-application-reviews', manager.token, { commitmentId: 'gc-1', applicationNo: 1, decision: 'approve' });
  expect(app(s, 1)).toMatchObject({ status: 'approved', blockers: ['no milestone inspection of the work billed yet', 'the conditional lien waiver for application 1 is not signed', 'permit "Building permit" is not issued yet'] });
  expect(s.pendingApprovals).toContainEqual(expect.objectContaining({ kind: 'draw', ref: 'gc-1#1', waitingOn: 'conditions' }));

  // The milestone inspection: scheduled on the contract (a visit minutes ahead: the notice of entry lifted), then reported.
  await withoutEntryNotice(h, property.id);
  const visit = { propertyId: property.id, kind: 'milestone', inspectorId: inspector.id, slotAt: inMinutes(2) };
  expect(errorFields(await expectProblem(await post('/v1/inspections', manager.token, visit), 422, 'validation-error'))).toEqual(['project']);
  expect(errorFields(await expectProblem(await post('/v1/inspections', manager.token, { ...visit, project: { projectId, commitmentId: 'gc-9' } }), 422, 'validation-error'))).toEqual(['project.commitmentId']);
  const inspectionId = await scheduleInspection(h, manager.token, { ...visit, kind: 'milestone', project: { projectId, commitmentId: 'gc-1' } });
  await inspectionRecorded(h, inspectionId);
  // The inspector finds framing at 48% (billed at 50%: within tolerance); the result goes to the project by itself.
  await inspectionStep(h, inspectionId, 'report', inspector.token, { ...reportBody('milestone', { summary: 'Framing nearly half done' }), observedBasisPoints: { '1': 4_800, '3': 0 } });
  s = await until((x) => x.inspections.some((i) => i.inspectionId === inspectionId), 'the milestone inspection recorded on the project');
  expect(s.inspections.find((i) => i.inspectionId === inspectionId)).toMatchObject({ commitmentId: 'gc-1', observedBasisPoints: { '1': 4_800, '3': 0 }, recordedBy: inspector.id });
  expect(app(s, 1).blockers).toEqual(['the conditional lien waiver for application 1 is not signed', 'permit "Building permit" is not issued yet']);
  const inspected = await inspectionWhen(h, manager.token, inspectionId, (x) => x.status === 'closed', 'the milestone inspection closed');
  expect(inspected.project).toEqual({ projectId, commitmentId: 'gc-1', outcome: { recorded: true, reason: null, at: expect.any(String) } });
  s = await step('lien-waivers', gia.token, { commitmentId: 'gc-1', kind: 'conditional', applicationNo: 1 });
  expect(app(s, 1).blockers).toEqual(['permit "Building permit" is not issued yet']);
  expect(await h.db.query('select 1 from ledger_transactions where book_type = $1 and book_id = $2', { bind: ['project', projectId], type: QueryTypes.SELECT })).toEqual([]);
  // Permits are the manager's to record.
  await expectProblem(await post(`/v1/projects/${projectId}/permits`, gia.token, { name: 'Building permit', status: 'issued', expiresOn: addDays(today, 180) }), 403, 'forbidden');
  await step('permits', manager.token, { name: 'Building permit', status: 'issued', number: 'BP-2031-118', expiresOn: addDays(today, 180) });

  s = await until((x) => app(x, 1).status === 'paid', 'draw 1 paid');
  expect(app(s, 1).payment).toMatchObject({ paidOn: expect.any(String), currentPaymentDueMinor: 1_921_110, postings: [{ kind: 'draw_paid', amountMinor: 1_921_110 }, { kind: 'retainage_withheld', amountMinor: 213_457 }] });
  expect(s.commitments[0]!.retainage).toMatchObject({ heldMinor: 213_457, status: 'held' });

  // The project's book: every posting balanced and in the chart; the expense is the work and materials paid for,
  // the cash out is the payment due, the rest is retainage owed to the contractor.
  expect(await ledgerInvariantViolations(h.db, book())).toEqual([]);
  const balances = await ledgerBalances(h.db, book());
  expect(balances).toEqual({ cash: -1_921_110, repairs_expense: 2_134_567, retainage_payable: 213_457 });
  expect(balances.repairs_expense).toBe(s.summary.totals.paidMinor);
  expect(-balances.cash).toBe(s.summary.totals.cashPaidMinor);
  expect(balances.retainage_payable).toBe(s.summary.totals.retainageHeldMinor);
  const postings = await h.db.query<{ kind: string; amount_minor: string; property_id: string; idempotency_key: string }>(
    `select kind, amount_minor, property_id, idempotency_key from ledger_transactions where book_type = 'project' and book_id = $1 order by kind`,
    { bind: [projectId], type: QueryTypes.SELECT },
  );
  expect(postings.map((p) => [p.kind, Number(p.amount_minor), p.property_id, p.idempotency_key])).toEqual([
    ['draw_paid', 1_921_110, property.id, `project:${projectId}:draw:gc-1:1:draw_paid`],
    ['retainage_withheld', 213_457, property.id, `project:${projectId}:draw:gc-1:1:retainage_withheld`],
  ]);
  // The list shows the figures the row recorded.
  await eventually(async () => {
    const page = await body<{ items: { projectId: string; figures: { paidMinor: number } | null }[] }>(await h.request(`/v1/projects?propertyId=${property.id}`, { token: owner.token }), 200);
    return page.items.find((p) => p.projectId === projectId)?.figures?.paidMinor === 2_134_567;
  }, 60_000, 'the list\'s figures');
});

test('substantial completion, the final inspection and the final waiver release the retainage; the property\'s record shows the work and the final report is filed', async () => {
  await expectProblem(await post(`/v1/projects/${projectId}/substantial-completion`, owner.token, { on: today }), 403, 'forbidden');
  let s = await step('substantial-completion', manager.token, { on: today, improvements: { addedLivingAreaSqft: 135, newFeatures: ['second bathroom', 'open kitchen'] }, punchList: ['touch up the hall paint'] });
  expect(s.status).toBe('substantially_complete');
  expect(s.commitments[0]!.retainage.blockers).toEqual(['the final inspection has not passed', 'the unconditional final lien waiver is not signed']);
  // The manager records the inspector's findings (as the inspector).
  s = await step('final-inspections', manager.token, { inspectionId: 'final-1', inspectedOn: today, passed: true });
  expect(s.finalInspections).toEqual([expect.objectContaining({ inspectionId: 'final-1', passed: true, recordedBy: manager.id })]);
  await step('lien-waivers', gia.token, { commitmentId: 'gc-1', kind: 'unconditional' });

  // Completed first, then the final report is filed: wait for both.
  s = await until((x) => x.status === 'completed' && x.documents.some((d) => d.kind === 'final_report'), 'the project completed, its report filed');
  expect(s.commitments[0]!.retainage).toMatchObject({ status: 'released', releasedMinor: 213_457, heldMinor: 0 });
  expect(s.schedule).toMatchObject({ substantialCompletionOn: today, completedOn: expect.any(String) });
  const report = s.documents.find((d) => d.kind === 'final_report')!;
  expect(report).toBeDefined();

  expect(await ledgerInvariantViolations(h.db, book())).toEqual([]);
  expect(await ledgerBalances(h.db, book())).toEqual({ cash: -2_134_567, repairs_expense: 2_134_567, retainage_payable: 0 });
  expect(s.summary.totals).toMatchObject({ paidMinor: 2_134_567, cashPaidMinor: 2_134_567, retainageHeldMinor: 0 });

  const [record] = await h.db.query<{ year_renovated: number; living_area_sqft: number; added_area_sqft: number; features: string[] }>(
    'select year_renovated, living_area_sqft, added_area_sqft, features from properties where id = $1',
    { bind: [property.id], type: QueryTypes.SELECT },
  );
  expect(record).toEqual({ year_renovated: Number(today.slice(0, 4)), living_area_sqft: 1_635, added_area_sqft: 135, features: ['second bathroom', 'open kitchen'] });
  await eventually(async () => {
    const [row] = await h.db.query<{ status: string }>('select status from projects where id = $1', { bind: [projectId], type: QueryTypes.SELECT });
    return row?.status === 'completed';
  }, 60_000, 'the row recorded completed');

  const pdf = await h.request(`/v1/projects/${projectId}/documents/${report.documentId}`, { token: owner.token });
  expect(pdf.status).toBe(200);
  const text = (await readPdf(new Uint8Array(await pdf.arrayBuffer()))).text.join(' ').replace(/\s+/g, '');
  expect(text).toContain('ProjectFinalReport');
  expect(text).toContain('Paidtocontractors21,345.67');
  // Completed, it takes no more changes.
  await expectProblem(await post(`/v1/projects/${projectId}/permits`, manager.token, { name: 'Electrical permit', status: 'applied' }), 409, 'invalid-state');
});
