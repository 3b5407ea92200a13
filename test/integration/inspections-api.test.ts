/**
 * Inspections through the API, on the real services with the operations
 * worker running them: a unit's move-in inspection reported with a photo
 * (its PDF carries the thumbnail), then its move-out inspection reported with
 * worse items the tenant answers for → proposed deductions → the manager
 * settles them on the lease (its move-out Update) → the lease's deposit
 * statement and books carry them; and a periodic inspection whose finding
 * starts a work order, visible under /v1/work-orders. Who sees what, and
 * the notice of entry, along the way.
 */
import { QueryTypes } from 'sequelize';
import sharp from 'sharp';
import { leaseBook } from '../../domain/ledger';
import { ledgerInvariantViolations } from '../../lib/ledger';
import { createProperty, created, errorFields, expectProblem, startLeaseWorker } from '../support/api-scenarios';
import { createHarness, eventually, type Harness } from '../support/harness';
import {
  checklist,
  inMinutes,
  inspectionRecorded,
  inspectionStep,
  inspectionWhen,
  leaseAtMoveOut,
  reportBody,
  scheduleInspection,
  terminateInspections,
  withoutEntryNotice,
} from '../support/inspections';
import { readPdf } from '../support/pdf-text';
import { startOperationsWorkers, type RunningWorkers } from '../support/workers';

type User = Awaited<ReturnType<Harness['user']>>;

let h: Harness;
let leaseWorker: Awaited<ReturnType<typeof startLeaseWorker>> | undefined;
let operationsWorkers: RunningWorkers | undefined;
let owner: User, manager: User, inspector: User, otherInspector: User, tenant: User, stranger: User;
let property: { id: string };
let unit: { id: string };
const started: string[] = [];

const squash = (s: string) => s.replace(/\s+/g, '');

beforeAll(async () => {
  h = await createHarness('inspections-api');
  leaseWorker = await startLeaseWorker(h);
  // Beside the lease workers, whose notifications queue it may not share in one process.
  operationsWorkers = await startOperationsWorkers({ ...h, notificationTaskQueue: `${h.notificationTaskQueue}-operations` });
  [owner, manager, inspector, otherInspector, tenant, stranger] = await Promise.all([
    h.user(['owner'], 'inspections-owner'),
    h.user(['manager'], 'inspections-manager'),
    h.user(['inspector'], 'ivy-inspector'),
    h.user(['inspector'], 'other-inspector'),
    h.user(['tenant'], 'tess-tenant'),
    h.user(['owner', 'manager'], 'inspections-stranger'),
  ]);
  property = await createProperty(h, owner.token, { managerId: manager.id });
  unit = await created(await h.request(`/v1/properties/${property.id}/units`, { method: 'POST', token: owner.token, json: { label: 'A1' } }), 'unit');
  await withoutEntryNotice(h, property.id);
});

afterAll(async () => {
  if (h) await terminateInspections(h, started).catch(() => undefined);
  await operationsWorkers?.stop();
  if (h) {
    const leases = await h.db.query<{ workflow_id: string | null }>('select workflow_id from leases', { type: QueryTypes.SELECT }).catch(() => []);
    await Promise.allSettled(leases.filter((l) => l.workflow_id).map((l) => h.client.workflow.getHandle(l.workflow_id!).terminate('test finished')));
  }
  await leaseWorker?.stop();
  await h?.close();
});

async function schedule(body: Parameters<typeof scheduleInspection>[2], token = manager.token) {
  const id = await scheduleInspection(h, token, body);
  started.push(id);
  return id;
}

async function pdfText(path: string, token: string) {
  const res = await h.request(path, { token });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return squash((await readPdf(new Uint8Array(await res.arrayBuffer()))).text.join(' '));
}

test('a move-in and a move-out of the unit: the move-out\'s worse items become deductions the manager settles on the lease, and its deposit statement carries them', async () => {
  const leaseId = await leaseAtMoveOut(h, { propertyId: property.id, unitLabel: 'A1', tenantId: tenant.id, landlordId: owner.id });
  const lease = async () => (await (await h.request(`/v1/leases/${leaseId}`, { token: manager.token })).json()) as { status: string; history: { event: string }[] };
  await eventually(async () => (await lease()).status === 'ended', 60_000, 'the lease waiting for its move-out');

  // The notice of entry: a property that keeps its 24 hours refuses a visit in five minutes, naming slotAt.
  const noticed = await createProperty(h, owner.token, { managerId: manager.id });
  const early = await h.request('/v1/inspections', { method: 'POST', token: manager.token, json: { propertyId: noticed.id, kind: 'periodic', inspectorId: inspector.id, slotAt: inMinutes(5) } });
  expect(errorFields(await expectProblem(early, 422, 'validation-error'))).toEqual(['slotAt']);
  // Only a user with the inspector role inspects.
  const notInspector = await h.request('/v1/inspections', { method: 'POST', token: manager.token, json: { propertyId: property.id, kind: 'move_in', inspectorId: tenant.id, slotAt: inMinutes(5) } });
  expect(errorFields(await expectProblem(notInspector, 422, 'validation-error'))).toEqual(['inspectorId']);

  // The move-in, with a photo of the kitchen counter.
  const picture = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer();
  const uploaded = await h.request('/v1/uploads', { method: 'POST', token: inspector.token, body: new Uint8Array(picture), headers: { 'content-type': 'image/jpeg' } });
  expect(uploaded.status).toBe(201);
  const photoId = ((await uploaded.json()) as { id: string }).id;

  const res = await h.request('/v1/inspections', {
    method: 'POST',
    token: manager.token,
    json: { propertyId: property.id, unitId: unit.id, kind: 'move_in', inspectorId: inspector.id, slotAt: inMinutes(2), leaseId },
  });
  expect(res.status).toBe(202);
  const moveInStarted = (await res.json()) as { inspectionId: string; workflowId: string; status: string; noticeHours: number; location: string };
  const moveIn = moveInStarted.inspectionId;
  started.push(moveIn);
  expect(moveInStarted).toMatchObject({ workflowId: `inspection-${moveIn}`, status: 'scheduled', noticeHours: 0, location: `/v1/inspections/${moveIn}` });
  expect(res.headers.get('location')).toBe(moveInStarted.location);
  // The tenant of the lease sees it (and is told of the visit); another inspector does not.
  const seen = await inspectionWhen(h, tenant.token, moveIn, (s) => s.status === 'scheduled', 'scheduled, as the tenant sees it');
  expect(seen).toMatchObject({ kind: 'move_in', leaseId, unitId: unit.id, inspector: { userId: inspector.id } });
  await expectProblem(await h.request(`/v1/inspections/${moveIn}`, { token: otherInspector.token }), 404, 'not-found');
  await expectProblem(await h.request(`/v1/inspections/${moveIn}/report`, { method: 'POST', token: otherInspector.token, json: reportBody('move_in') }), 404, 'not-found');

  // A photo that was never uploaded is named; an incomplete checklist is refused by the workflow.
  const unknownPhoto = '3f0c8a4e-6b1d-4c2a-9e5f-7a8b9c0d1e2f';
  const badPhoto = await h.request(`/v1/inspections/${moveIn}/report`, {
    method: 'POST',
    token: inspector.token,
    json: reportBody('move_in', { items: checklist('move_in', [{ area: 'Kitchen', item: 'Oven', photoIds: [photoId, unknownPhoto] }]) }),
  });
  const ovenIndex = checklist('move_in').findIndex((i) => i.area === 'Kitchen' && i.item === 'Oven');
  expect(errorFields(await expectProblem(badPhoto, 422, 'validation-error'))).toEqual([`items.${ovenIndex}.photoIds.1`]);
  const incomplete = await expectProblem(
    await h.request(`/v1/inspections/${moveIn}/report`, { method: 'POST', token: inspector.token, json: reportBody('move_in', { items: checklist('move_in').slice(1) }) }),
    409,
    'invalid-state',
  );
  expect(incomplete.detail).toMatch(/Entry: Door and lock has no condition/);

  const reported = await inspectionStep(h, moveIn, 'report', inspector.token, reportBody('move_in', { items: checklist('move_in', [{ area: 'Kitchen', item: 'Countertop', photoIds: [photoId] }]) }));
  expect(reported.report).toMatchObject({ by: inspector.id });
  // No finding needs work: closed with its final report.
  const closedIn = await inspectionWhen(h, manager.token, moveIn, (s) => s.status === 'closed', 'the move-in closed');
  expect(closedIn.documents.map((d) => d.kind)).toEqual(['report', 'final_report']);
  const report = closedIn.documents[0]!;
  expect(report.href).toBe(`/v1/inspections/${moveIn}/documents/${report.documentId}`);
  const reportText = await pdfText(report.href, tenant.token);
  expect(reportText).toContain(squash('Move-in Inspection Report'));
  expect(reportText).toContain(squash('ivy-inspector'));
  // The photo's thumbnail is embedded, captioned with what it shows.
  expect(reportText).toContain(squash(`Kitchen: Countertop (${photoId.slice(0, 8)})`));
  await expectProblem(await h.request(report.href, { token: stranger.token }), 404, 'not-found');

  // The move-out: the counter burnt and the tub cracked on the tenant, the bedroom floor worn (the owner's).
  const moveOut = await schedule({ propertyId: property.id, unitId: unit.id, kind: 'move_out', inspectorId: inspector.id, slotAt: inMinutes(2), leaseId });
  await inspectionRecorded(h, moveOut);
  await inspectionStep(
    h,
    moveOut,
    'report',
    inspector.token,
    reportBody('move_out', {
      items: checklist('move_out', [
        { area: 'Kitchen', item: 'Countertop', condition: 'damaged', notes: 'burn mark', responsibility: 'tenant', estimatedCostMinor: 45_000 },
        { area: 'Bathroom', item: 'Tub or shower', condition: 'poor', notes: 'cracked tile', responsibility: 'tenant', estimatedCostMinor: 12_000 },
        { area: 'Bedroom', item: 'Floor', condition: 'fair', notes: 'worn', responsibility: 'owner' },
      ]),
    }),
  );
  const closedOut = await inspectionWhen(h, manager.token, moveOut, (s) => s.status === 'closed', 'the move-out compared and closed');
  expect(closedOut.comparison!.moveInInspectionId).toBe(moveIn);
  expect(closedOut.comparison!.proposedDeductions).toEqual([
    { area: 'Kitchen', item: 'Countertop', amountMinor: 45_000, description: 'Kitchen: Countertop, good at move-in, damaged at move-out (burn mark)' },
    { area: 'Bathroom', item: 'Tub or shower', amountMinor: 12_000, description: 'Bathroom: Tub or shower, good at move-in, poor at move-out (cracked tile)' },
  ]);
  expect(await pdfText(closedOut.documents[0]!.href, manager.token)).toContain(squash('Proposed deductions'));

  // Only the property's manager (or an admin) settles them, and only a move-out's.
  await expectProblem(await h.request(`/v1/inspections/${moveOut}/move-out-deductions`, { method: 'POST', token: inspector.token, json: {} }), 403, 'forbidden');
  await expectProblem(await h.request(`/v1/inspections/${moveOut}/move-out-deductions`, { method: 'POST', token: stranger.token, json: {} }), 404, 'not-found');
  await expectProblem(await h.request(`/v1/inspections/${moveIn}/move-out-deductions`, { method: 'POST', token: manager.token, json: {} }), 409, 'invalid-state');

  // As proposed: the lease's own move-out receives them, and the deposit settles.
  const settled = await h.request(`/v1/inspections/${moveOut}/move-out-deductions`, { method: 'POST', token: manager.token, json: {} });
  const settledText = await settled.text();
  if (settled.status !== 200) throw new Error(`settling: ${settled.status} ${settledText}`);
  const body = JSON.parse(settledText) as { leaseId: string; deductions: { description: string; amountMinor: number }[]; lease: { history: { event: string }[] } };
  expect(body.leaseId).toBe(leaseId);
  expect(body.deductions.map((d) => d.amountMinor)).toEqual([45_000, 12_000]);
  expect(body.lease.history.some((e) => /move-out recorded .* with 2 deduction/.test(e.event))).toBe(true);
  // Once: the lease takes no second move-out.
  await expectProblem(await h.request(`/v1/inspections/${moveOut}/move-out-deductions`, { method: 'POST', token: manager.token, json: {} }), 409, 'invalid-state');

  await eventually(async () => (await lease()).status === 'closed', 60_000, 'the deposit settled and the lease closed');
  const docs = (await (await h.request(`/v1/leases/${leaseId}/documents`, { token: manager.token })).json()) as { items: { id: string; kind: string }[] };
  const statement = docs.items.find((d) => d.kind === 'deposit_statement');
  expect(statement).toBeDefined();
  const statementText = await pdfText(`/v1/documents/${statement!.id}`, tenant.token);
  expect(statementText).toContain(squash('USD 450.00'));
  expect(statementText).toContain(squash('USD 120.00'));
  expect(statementText).toContain(squash('Kitchen: Countertop'));
  const ledger = (await (await h.request(`/v1/leases/${leaseId}/ledger`, { token: manager.token })).json()) as { transactions: { kind: string; amountMinor: number }[] };
  expect(ledger.transactions.filter((t) => t.kind === 'damages_charged').map((t) => t.amountMinor)).toEqual([57_000]);
  // What the tenant now owes is a charge like any other: the books agree with it.
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
}, 240_000);

test('a periodic inspection\'s finding that needs work starts a work order, listed under /v1/work-orders; lists are scoped', async () => {
  const id = await schedule({ propertyId: property.id, kind: 'periodic', inspectorId: inspector.id, slotAt: inMinutes(2) });
  await inspectionRecorded(h, id);
  await inspectionStep(
    h,
    id,
    'report',
    inspector.token,
    reportBody('periodic', {
      items: checklist('periodic', [{ area: 'Systems', item: 'Water heater', condition: 'poor', notes: 'pilot keeps going out' }]),
      findings: [
        { area: 'Systems', item: 'Water heater', description: 'the pilot will not stay lit', severity: 'urgent', responsibility: 'owner', needsWork: true, category: 'plumbing', photoIds: [] },
        { area: 'Living room', item: 'Walls', description: 'scuffs by the door', severity: 'cosmetic', responsibility: 'owner', needsWork: false, category: 'other', photoIds: [] },
      ],
    }),
  );
  const s = await inspectionWhen(h, manager.token, id, (x) => x.status === 'repairs' && x.repairs.length === 1, 'a work order for the water heater');
  const [repair] = s.repairs;
  expect(repair).toMatchObject({ findingRef: 'Systems / Water heater', priority: 'urgent', responsibility: 'owner', status: 'open' });

  // The work order is a work order like any other: listed for the property's manager, with the inspection as its source.
  const listed = await eventually(async () => {
    const res = await h.request(`/v1/work-orders?propertyId=${property.id}&limit=100`, { token: manager.token });
    const items = ((await res.json()) as { items: { workOrderId: string; priority: string; category: string }[] }).items;
    return items.find((w) => w.workOrderId === repair!.workOrderId);
  }, 60_000, 'the work order listed');
  expect(listed).toMatchObject({ priority: 'urgent', category: 'plumbing' });
  const order = (await (await h.request(`/v1/work-orders/${repair!.workOrderId}`, { token: owner.token })).json()) as { source: unknown; description: string };
  expect(order.source).toEqual({ kind: 'inspection', inspectionId: id, findingRef: 'Systems / Water heater' });
  expect(order.description).toMatch(/Water heater: the pilot will not stay lit/);

  // Lists (from the rows the workflow writes): the inspector and the property's people see it; another inspector and another owner do not.
  await inspectionRecorded(h, id, 'repairs');
  const ids = async (u: User, query = '') =>
    ((await (await h.request(`/v1/inspections?limit=100${query}`, { token: u.token })).json()) as { items: { inspectionId: string }[] }).items.map((x) => x.inspectionId);
  expect(await ids(inspector)).toContain(id);
  expect(await ids(manager, `&propertyId=${property.id}&kind=periodic`)).toEqual([id]);
  expect(await ids(owner, '&status=repairs')).toContain(id);
  expect(await ids(otherInspector)).toEqual([]);
  expect(await ids(stranger)).toEqual([]);
  // The report is in: no more rescheduling or cancelling.
  await expectProblem(await h.request(`/v1/inspections/${id}/cancel`, { method: 'POST', token: manager.token, json: { reason: 'changed my mind' } }), 409, 'invalid-state');
  await expectProblem(await h.request(`/v1/inspections/${id}/reschedule`, { method: 'POST', token: inspector.token, json: { at: inMinutes(90) } }), 409, 'invalid-state');
}, 180_000);
