/**
 * The inspection workflow on the time-skipping test server, with the work
 * orders it starts running as real child workflows on the same worker; the
 * activities of both are in memory (test/support/work-orders.ts for work
 * orders). Time moves by env.sleep; tests wait on the workflows' state.
 * With RECORD_HISTORIES=1 the first test writes the replay fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { dateOfInstant } from '../../domain/calendar';
import { accountBalance } from '../../domain/ledger';
import type { InspectedItem } from '../../domain/inspection/comparison';
import { CHECKLIST_TEMPLATES, type InspectionKind } from '../../domain/inspection/report';
import { DEFAULT_MAINTENANCE_POLICY } from '../../domain/work-order/policy';
import {
  INSPECTION_WORKFLOW_TYPE,
  inspectionStateQuery,
  inspectionWorkflowId,
  recordMissedUpdate,
  recordReinspectionUpdate,
  rescheduleInspectionUpdate,
  submitReportUpdate,
  type InspectionActivities,
  type InspectionInput,
  type InspectionState,
  type ReportFinding,
  type ReportItem,
  cancelInspectionUpdate,
} from '../../contracts/inspection';
import type { MilestoneInspectionRequest } from '../../contracts/project';
import {
  assignUpdate,
  completeWorkUpdate,
  decideQuoteUpdate,
  recordPaymentUpdate,
  respondToAssignmentUpdate,
  scheduleVisitUpdate,
  startWorkUpdate,
  submitInvoiceUpdate,
  submitQuoteUpdate,
  workOrderStateQuery,
  workOrderWorkflowId,
  type WorkOrderState,
} from '../../contracts/work-order';
import { eventually, workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';
import { contractor, fakeWorkOrderWorld, manager, owner, person, POSTAL, tenant, type WorkOrderWorld } from '../support/work-orders';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

const HOUR = 3_600_000;
const inspector = person('Ivy Inspector');

/** `project`: how the project answers a milestone inspection's result (null: recorded; else the reason it refused). */
function fakeInspections(moveIn: { inspectionId: string; items: InspectedItem[] } | null = null, project: (r: MilestoneInspectionRequest) => string | null = () => null) {
  const sentToProject: { projectId: string; request: MilestoneInspectionRequest }[] = [];
  const rows = new Map<string, InspectionState>();
  const rendered: { inspectionId: string; final: boolean; findings: number }[] = [];
  const mails: { template: string; to: string[]; data: Record<string, string | number> }[] = [];
  const activities: InspectionActivities = {
    async recordInspection({ state }) {
      rows.set(state.inspectionId, state);
    },
    async renderInspectionReport({ state, final }) {
      rendered.push({ inspectionId: state.inspectionId, final, findings: state.report?.findings.length ?? 0 });
      return { documentId: randomUUID(), sha256: (final ? 'f' : 'a').repeat(64) };
    },
    async moveInReport() {
      return moveIn;
    },
    async notifyInspection({ template, to, data }) {
      mails.push({ template, to, data });
    },
    async recordOnProject(a) {
      sentToProject.push(a);
      const refused = project(a.request);
      return { recorded: refused === null, reason: refused };
    },
  };
  return { activities, rows, rendered, mails, sentToProject };
}

async function withWorker<T>(orders: WorkOrderWorld, inspections: ReturnType<typeof fakeInspections>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `inspections-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { ...orders.activities, ...inspections.activities } });
  return worker.runUntil(fn(taskQueue));
}

async function input(kind: InspectionKind, slotInHours = 25): Promise<InspectionInput> {
  const now = await env.currentTimeMs();
  const propertyId = randomUUID();
  const leaseId = randomUUID();
  return {
    inspectionId: randomUUID(),
    kind,
    propertyId,
    unitId: null,
    address: '12 Elm St, Ames, IA 50010',
    leaseId,
    inspector,
    occupants: [tenant],
    managers: [manager],
    slotAt: new Date(now + slotInHours * HOUR).toISOString(),
    noticeHours: 24,
    workOrders: {
      property: {
        propertyId,
        unitId: null,
        address: '12 Elm St, Ames, IA 50010',
        postalCode: POSTAL,
        leaseId,
        currency: 'USD',
        approvalThresholdMinor: DEFAULT_MAINTENANCE_POLICY.approvalThresholdMinor,
        sla: DEFAULT_MAINTENANCE_POLICY.sla,
        legalRepairWindow: null,
        compliance: DEFAULT_MAINTENANCE_POLICY.compliance,
      },
      managers: [manager],
      owners: [owner],
      occupants: [tenant],
      requestedBy: manager,
    },
    requestedBy: manager.userId,
    scheduledAt: new Date(now).toISOString(),
  };
}

/** Every item of the kind's checklist in good order, but for those given. */
function checklist(kind: InspectionKind, except: Partial<ReportItem>[] = []): ReportItem[] {
  return CHECKLIST_TEMPLATES[kind].areas.flatMap(({ area, items }) =>
    items.map((item) => ({ area, item, condition: 'good' as const, notes: '', photoIds: [], ...except.find((e) => e.area === area && e.item === item) })),
  );
}

const start = (taskQueue: string, i: InspectionInput) => env.client.workflow.start(INSPECTION_WORKFLOW_TYPE, { taskQueue, workflowId: inspectionWorkflowId(i.inspectionId), args: [i] }).then(endsWithTest);

const untilInspection = (h: WorkflowHandle, ok: (s: InspectionState) => boolean, what: string) =>
  eventually(async () => {
    const s = await h.query(inspectionStateQuery);
    return ok(s) && s;
  }, 60_000, `the inspection: ${what}`);

const untilOrder = (id: string, ok: (s: WorkOrderState) => boolean, what: string) =>
  eventually(async () => {
    const s = await env.client.workflow.getHandle(workOrderWorkflowId(id)).query(workOrderStateQuery);
    return ok(s) && s;
  }, 60_000, `work order ${what}`);

const order = (id: string) => env.client.workflow.getHandle(workOrderWorkflowId(id));
const as = (c: { contractorId: string }) => ({ by: c.contractorId, as: 'contractor' as const });

/** A contractor's whole visit on a work order that waits to be scheduled: tomorrow, on site, done. */
async function visit(id: string, c: { contractorId: string }, notes: string) {
  const h = order(id);
  const at = new Date((await env.currentTimeMs()) + HOUR).toISOString();
  await h.executeUpdate(scheduleVisitUpdate, { args: [{ ...as(c), at }] });
  await h.executeUpdate(startWorkUpdate, { args: [as(c)] });
  return h.executeUpdate(completeWorkUpdate, { args: [{ ...as(c), notes, photoIds: [], materialsMinor: 1_000, labourMinor: 10_000 }] });
}

test('a periodic inspection with three findings starts three work orders (one escalated past its SLA and reassigned, one the owner approves, one charged to the tenant); the re-check fails one, which is reopened and redone; then closed with the final report', async () => {
  const day = dateOfInstant(await env.currentTimeMs());
  const ann = contractor('Ann Handy', day, { trades: ['plumbing', 'appliance', 'general'], figures: { rating: 4.9, firstTimeFixBasisPoints: 9_500, medianResponseMinutes: 10 } });
  const bob = contractor('Bob Handy', day, { trades: ['plumbing', 'appliance', 'general'], figures: { rating: 4.2, firstTimeFixBasisPoints: 8_500, medianResponseMinutes: 40 } });
  const orders = fakeWorkOrderWorld([ann, bob]);
  const inspections = fakeInspections();
  await withWorker(orders, inspections, async (taskQueue) => {
    const i = await input('periodic');
    const h = await start(taskQueue, i);
    await eventually(async () => inspections.mails.some((m) => m.template === 'inspection_scheduled' && m.to.includes(tenant.email)), 60_000, 'the notice of entry');
    // Too early: the report comes after the visit.
    await env.sleep(25 * HOUR);
    const findings: ReportFinding[] = [
      { area: 'Systems', item: 'Water heater', description: 'no hot water: the pilot will not stay lit', severity: 'emergency', responsibility: 'owner', needsWork: true, category: 'plumbing', photoIds: [] },
      { area: 'Kitchen', item: 'Oven', description: 'the oven does not heat', severity: 'routine', responsibility: 'owner', needsWork: true, category: 'appliance', photoIds: [] },
      { area: 'Living room', item: 'Walls', description: 'a hole punched in the drywall', severity: 'routine', responsibility: 'tenant', needsWork: true, category: 'other', photoIds: [], estimatedCostMinor: 30_000 },
    ];
    const items = checklist('periodic', [
      { area: 'Systems', item: 'Water heater', condition: 'damaged', notes: 'pilot fails' },
      { area: 'Kitchen', item: 'Oven', condition: 'poor', notes: 'no heat' },
      { area: 'Living room', item: 'Walls', condition: 'damaged', notes: 'hole, 10 cm', responsibility: 'tenant' },
    ]);
    await expect(h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'three problems', items: items.slice(1), findings }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/not complete: Unit: |Entry: Door and lock has no condition/) },
    });
    await h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'three problems', items, findings }] });
    let s = await untilInspection(h, (x) => x.status === 'repairs' && x.repairs.length === 3, 'three work orders');
    expect(s.documents.map((d) => d.kind)).toEqual(['report']);
    expect(s.repairs.map((r) => [r.findingRef, r.priority, r.responsibility])).toEqual([
      ['Systems / Water heater', 'emergency', 'owner'],
      ['Kitchen / Oven', 'routine', 'owner'],
      ['Living room / Walls', 'routine', 'tenant'],
    ]);
    const [heater, oven, wall] = s.repairs.map((r) => r.workOrderId) as [string, string, string];

    // Every work order is offered to Ann first; she takes the oven and the wall, and lets the emergency lapse.
    for (const id of [heater, oven, wall]) await untilOrder(id, (x) => x.status === 'awaiting_acceptance' && x.assignment?.contractorId === ann.contractorId, `${id} offered to Ann`);
    for (const id of [oven, wall]) await order(id).executeUpdate(respondToAssignmentUpdate, { args: [{ ...as(ann), accept: true }] });
    await env.sleep(31 * 60_000);
    await untilOrder(heater, (x) => x.assignment?.contractorId === bob.contractorId, 'the heater reassigned to Bob');
    await order(heater).executeUpdate(respondToAssignmentUpdate, { args: [{ ...as(bob), accept: true }] });
    // Bob is not on site within 4 hours of the report: escalated.
    await env.sleep(4 * HOUR);
    let heaterState = await untilOrder(heater, (x) => x.slaBreached, 'the heater escalated');
    expect(heaterState.sla.find((d) => d.target === 'on_site')).toMatchObject({ breached: true, alerted: [0.5, 0.8, 1] });
    expect(orders.mails.some((m) => m.template === 'work_order_sla_escalated' && m.to.includes(manager.email))).toBe(true);
    // The manager reassigns it to Ann, who takes it now.
    await order(heater).executeUpdate(assignUpdate, { args: [{ by: manager.userId, as: 'manager', contractorId: ann.contractorId }] });
    await order(heater).executeUpdate(respondToAssignmentUpdate, { args: [{ ...as(ann), accept: true }] });

    // Quotes: the heater and the wall within the limit; the oven's 1,200.00 needs the owner.
    await order(heater).executeUpdate(submitQuoteUpdate, { args: [{ ...as(ann), amountMinor: 35_000 }] });
    await order(wall).executeUpdate(submitQuoteUpdate, { args: [{ ...as(ann), amountMinor: 30_000 }] });
    const ovenQuoted = await order(oven).executeUpdate(submitQuoteUpdate, { args: [{ ...as(ann), amountMinor: 120_000 }] });
    expect(ovenQuoted.status).toBe('awaiting_approval');
    await order(oven).executeUpdate(decideQuoteUpdate, { args: [{ by: owner.userId, as: 'owner', approve: true }] });

    await visit(heater, ann, 'replaced the thermocouple');
    await visit(oven, ann, 'replaced the bake element');
    await visit(wall, ann, 'patched and painted the wall');
    for (const [id, amount] of [[heater, 35_000], [oven, 120_000], [wall, 30_000]] as const) {
      await order(id).executeUpdate(submitInvoiceUpdate, { args: [{ ...as(ann), amountMinor: amount, reference: `INV-${amount}` }] });
      await order(id).executeUpdate(recordPaymentUpdate, { args: [{ by: manager.userId, as: 'manager', reference: `ACH-${amount}` }] });
    }

    s = await untilInspection(h, (x) => x.status === 'reinspection', 'the re-check due');
    expect(inspections.mails.some((m) => m.template === 'inspection_reinspection_due' && m.to.includes(inspector.email))).toBe(true);
    await h.executeUpdate(recordReinspectionUpdate, {
      args: [{ by: inspector.userId, results: [{ workOrderId: heater, passed: true, notes: '' }, { workOrderId: oven, passed: true, notes: '' }, { workOrderId: wall, passed: false, notes: 'the patch is cracked' }] }],
    });
    // The wall's work order is reopened: back to Ann, counted against her.
    const reopened = await untilOrder(wall, (x) => x.status === 'scheduling' && x.reopened.length === 1, 'the wall reopened');
    expect(reopened.reopened[0]).toMatchObject({ countsAgainstContractor: true, reason: 'failed the post-repair inspection: the patch is cracked' });
    await untilInspection(h, (x) => x.status === 'repairs', 'waiting for the reopened repair');
    await visit(wall, ann, 'cut out and re-patched the wall');
    await untilInspection(h, (x) => x.status === 'reinspection' && x.reinspections.length === 1, 'the second re-check due');
    await h.executeUpdate(recordReinspectionUpdate, { args: [{ by: inspector.userId, results: [heater, oven, wall].map((workOrderId) => ({ workOrderId, passed: true, notes: '' })) }] });

    // Not h.result(): it would skip the clock to the work orders' reopen windows, and a child of this test
    // server that completes after its parent has closed holds the clock for every test after it.
    await eventually(async () => (await h.describe()).status.name === 'COMPLETED', 60_000, 'the inspection completed');
    const final = await h.query(inspectionStateQuery);
    expect(final.status).toBe('closed');
    expect(final.documents.map((d) => d.kind)).toEqual(['report', 'final_report']);
    expect(final.reinspections).toHaveLength(2);
    expect(final.repairs.map((r) => [r.status, r.reopened])).toEqual([['done', 0], ['done', 0], ['done', 1]]);
    heaterState = await order(heater).query(workOrderStateQuery);
    expect(heaterState).toMatchObject({ slaBreached: true, passedOver: [ann.contractorId, bob.contractorId], status: 'closed' });

    // The ledger: three repairs from the property's book; the wall, the tenant's, charged to the lease; every book balanced.
    const property = orders.lines.get(`property:${i.propertyId}`)!;
    const lease = orders.lines.get(`lease:${i.leaseId}`)!;
    expect(accountBalance(property, 'repairs_expense')).toBe(185_000);
    expect(accountBalance(lease, 'tenant_receivable')).toBe(30_000);
    for (const book of orders.lines.values()) expect(book.reduce((n, l) => n + l.debitMinor - l.creditMinor, 0)).toBe(0);
    await recordHistory(h, 'inspection-repairs-reinspection');
    // The work orders outlive the inspection by their reopen windows: ended with the test.
    for (const id of [heater, oven, wall]) endsWithTest(order(id));
  });
});

test('a move-out inspection compared with the unit\'s move-in proposes a deduction for each item that got worse on the tenant, at the inspector\'s estimate; wear on the owner is not charged', async () => {
  const moveInItems = checklist('move_in');
  const orders = fakeWorkOrderWorld([]);
  const inspections = fakeInspections({ inspectionId: 'move-in-1', items: moveInItems });
  await withWorker(orders, inspections, async (taskQueue) => {
    const i = await input('move_out');
    const h = await start(taskQueue, i);
    await env.sleep(25 * HOUR);
    const items = checklist('move_out', [
      { area: 'Kitchen', item: 'Countertop', condition: 'damaged', notes: 'burn mark', responsibility: 'tenant', estimatedCostMinor: 45_000 },
      { area: 'Bedroom', item: 'Floor', condition: 'fair', notes: '', responsibility: 'owner' },
      { area: 'Bathroom', item: 'Tub or shower', condition: 'poor', notes: 'cracked tile', responsibility: 'tenant' },
    ]);
    await h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'move-out', items, findings: [] }] });
    const s: InspectionState = await h.result();
    expect(s.comparison!.moveInInspectionId).toBe('move-in-1');
    expect(s.comparison!.proposedDeductions).toEqual([
      { area: 'Kitchen', item: 'Countertop', amountMinor: 45_000, description: 'Kitchen: Countertop, good at move-in, damaged at move-out (burn mark)' },
      { area: 'Bathroom', item: 'Tub or shower', amountMinor: 0, description: 'Bathroom: Tub or shower, good at move-in, poor at move-out (cracked tile)' },
    ]);
    expect(inspections.mails.find((m) => m.template === 'inspection_deductions_proposed')).toMatchObject({ to: [manager.email], data: { count: 2, totalMinor: 45_000 } });
    // No findings needed work: closed straight after the report.
    expect(s.status).toBe('closed');
  });
});

test('a visit needs the occupants\' notice; a missed visit is recorded and moved to the first slot the notice allows, also when nobody reports it', async () => {
  const orders = fakeWorkOrderWorld([]);
  const inspections = fakeInspections();
  await withWorker(orders, inspections, async (taskQueue) => {
    const i = await input('periodic');
    const h = await start(taskQueue, i);
    await untilInspection(h, (x) => x.status === 'scheduled', 'scheduled');
    const soon = new Date((await env.currentTimeMs()) + 2 * HOUR).toISOString();
    await expect(h.executeUpdate(rescheduleInspectionUpdate, { args: [{ by: manager.userId, at: soon }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/owed 24 hours' notice/) } });
    await expect(h.executeUpdate(recordMissedUpdate, { args: [{ by: inspector.userId, reason: 'nobody home' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not due until/) } });
    await env.sleep(25 * HOUR);
    let s = await h.executeUpdate(recordMissedUpdate, { args: [{ by: inspector.userId, reason: 'nobody home' }] });
    expect(s.missed).toEqual([expect.objectContaining({ slotAt: i.slotAt, reason: 'nobody home' })]);
    const now = await env.currentTimeMs();
    expect(Date.parse(s.slotAt)).toBeGreaterThanOrEqual(now + 24 * HOUR);
    expect(Date.parse(s.slotAt) % HOUR).toBe(0);
    // Nobody reports the new slot either: a day after it, the workflow records it missed itself.
    await env.sleep(Date.parse(s.slotAt) - now + 25 * HOUR);
    s = await untilInspection(h, (x) => x.missed.length === 2, 'missed again, by the timer');
    expect(s.missed[1]!.reason).toBe('no report within 24 hours of the slot');
    expect(inspections.mails.filter((m) => m.template === 'inspection_scheduled')).toHaveLength(3);
  });
});

test("a milestone inspection's result goes to its project by itself; one the project refuses is kept with the reason and the manager told", async () => {
  const projectId = randomUUID();
  // The project knows contract gc-1's lines 1 and 2 only.
  const unknownLine = (r: MilestoneInspectionRequest) => Object.keys(r.observedBasisPoints).find((k) => !['1', '2'].includes(k));
  const inspections = fakeInspections(null, (r) => (unknownLine(r) ? `item ${unknownLine(r)} is not in the schedule of values` : null));
  await withWorker(fakeWorkOrderWorld([]), inspections, async (taskQueue) => {
    const visit = async (observedBasisPoints: Record<string, number>) => {
      const i: InspectionInput = { ...(await input('milestone')), occupants: [], leaseId: null, project: { projectId, commitmentId: 'gc-1' } };
      const h = await start(taskQueue, i);
      await untilInspection(h, (x) => x.project?.commitmentId === 'gc-1', 'scheduled with its project');
      await env.sleep(25 * HOUR);
      // A milestone report without its percentages is refused.
      await expect(h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'framing', items: [], findings: [] }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/observedBasisPoints/) },
      });
      await h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'framing half done', items: [], findings: [], observedBasisPoints }] });
      return { i, h, s: await untilInspection(h, (x) => x.status === 'closed', 'closed') };
    };

    const accepted = await visit({ '1': 5_000, '2': 0 });
    expect(inspections.sentToProject[0]).toEqual({
      projectId,
      request: {
        by: inspector.userId,
        as: 'inspector',
        inspectionId: accepted.i.inspectionId,
        kind: 'milestone',
        commitmentId: 'gc-1',
        inspectedOn: accepted.s.report!.submittedAt.slice(0, 10),
        observedBasisPoints: { '1': 5_000, '2': 0 },
        notes: 'framing half done',
      },
    });
    expect(accepted.s.project).toEqual({ projectId, commitmentId: 'gc-1', outcome: { recorded: true, reason: null, at: expect.any(String) } });
    expect(accepted.s.documents.map((d) => d.kind)).toEqual(['report', 'final_report']);
    expect(accepted.s.repairs).toEqual([]);
    await recordHistory(accepted.h, 'inspection-milestone-to-project');

    const refused = await visit({ '1': 6_000, '7': 100 });
    expect(refused.s.project?.outcome).toEqual({ recorded: false, reason: 'item 7 is not in the schedule of values', at: expect.any(String) });
    expect(refused.s.history.map((e) => e.event)).toContainEqual(`project ${projectId} did not record the result: item 7 is not in the schedule of values`);
    expect(inspections.mails).toContainEqual(
      expect.objectContaining({ template: 'inspection_project_refused', to: [manager.email], data: expect.objectContaining({ reason: 'item 7 is not in the schedule of values' }) }),
    );
  });

  // Another kind reports no percentages.
  await withWorker(fakeWorkOrderWorld([]), fakeInspections(), async (taskQueue) => {
    const h = await start(taskQueue, await input('periodic'));
    await env.sleep(25 * HOUR);
    await expect(
      h.executeUpdate(submitReportUpdate, { args: [{ by: inspector.userId, summary: 'fine', items: checklist('periodic'), findings: [], observedBasisPoints: { '1': 100 } }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only a milestone inspection/) } });
    await h.executeUpdate(cancelInspectionUpdate, { args: [{ by: manager.userId, reason: 'the test is done' }] });
    await untilInspection(h, (x) => x.status === 'cancelled', 'cancelled');
  });
});

async function recordHistory(handle: WorkflowHandle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
