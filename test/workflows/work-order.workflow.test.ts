/**
 * The work-order workflow on the time-skipping test server, its activities
 * replaced by an in-memory world: the vendor directory is chosen from with
 * the same rule as the Postgres activity (`candidates`), payments are kept
 * as the ledger's lines would be, e-mails are listed. Acceptance windows,
 * SLA alerts and the reopen window pass by moving the server's clock
 * (env.sleep), never by waiting.
 * With RECORD_HISTORIES=1 the first test writes the replay fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { addDays, dateOfInstant } from '../../domain/calendar';
import { accountBalance } from '../../domain/ledger';
import { ContractorIdKey, ProcessStatusKey, SlaBreachedKey } from '../../domain/search-attributes';
import { DEFAULT_MAINTENANCE_POLICY } from '../../domain/work-order/policy';
import {
  accessRefusedUpdate,
  assignUpdate,
  completeWorkUpdate,
  decideInvoiceUpdate,
  decideQuoteUpdate,
  rateWorkUpdate,
  recordPaymentUpdate,
  reopenUpdate,
  respondToAssignmentUpdate,
  scheduleVisitUpdate,
  startWorkUpdate,
  submitInvoiceUpdate,
  submitQuoteUpdate,
  triageUpdate,
  WORK_ORDER_WORKFLOW_TYPE,
  workOrderStateQuery,
  workOrderWorkflowId,
  type WorkOrderInput,
  type WorkOrderState,
} from '../../contracts/work-order';
import { eventually, workflowBundle } from '../support/harness';
import { contractor, fakeWorkOrderWorld, manager, owner, tenant, POSTAL, type WorkOrderWorld } from '../support/work-orders';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
async function withWorker<T>(world: WorkOrderWorld, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `work-orders-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.activities });
  return worker.runUntil(fn(taskQueue));
}

const today = async () => dateOfInstant(await env.currentTimeMs());

async function input(o: Partial<WorkOrderInput> & { priority?: WorkOrderInput['request']['priority'] } = {}): Promise<WorkOrderInput> {
  const { priority = 'routine', ...rest } = o;
  return {
    workOrderId: randomUUID(),
    request: { category: 'plumbing', description: 'the kitchen sink leaks under the basin', priority, photoIds: [], permissionToEnter: true, preferredTimes: ['weekday mornings'] },
    source: { kind: 'request' },
    property: {
      propertyId: randomUUID(),
      unitId: null,
      address: '12 Elm St, Ames, IA 50010',
      postalCode: POSTAL,
      leaseId: randomUUID(),
      currency: 'USD',
      approvalThresholdMinor: DEFAULT_MAINTENANCE_POLICY.approvalThresholdMinor,
      sla: DEFAULT_MAINTENANCE_POLICY.sla,
      legalRepairWindow: null,
      compliance: DEFAULT_MAINTENANCE_POLICY.compliance,
    },
    requestedBy: tenant,
    managers: [manager],
    owners: [owner],
    occupants: [tenant],
    responsibility: 'owner',
    triaged: false,
    raisedAt: new Date(await env.currentTimeMs()).toISOString(),
    ...rest,
  };
}

const start = (taskQueue: string, i: WorkOrderInput) =>
  env.client.workflow.start(WORK_ORDER_WORKFLOW_TYPE, { taskQueue, workflowId: workOrderWorkflowId(i.workOrderId), args: [i] }).then(endsWithTest);

const stateOf = (h: WorkflowHandle) => h.query(workOrderStateQuery);

/** Queries until the state satisfies `ok` (the workflow's own timers fire as the server's clock moves). */
const until = (h: WorkflowHandle, ok: (s: WorkOrderState) => boolean, what: string): Promise<WorkOrderState> =>
  eventually(async () => {
    const s = await stateOf(h);
    return ok(s) && s;
  }, 60_000, `the work order: ${what}`);

const searchAttribute = async <T>(h: WorkflowHandle, key: { name: string }) => (await h.describe()).typedSearchAttributes.get(key as never) as T | undefined;

/** Waits for an e-mail the workflow records just after the state it follows. */
const mailed = (world: WorkOrderWorld, ok: (m: WorkOrderWorld['mails'][number]) => boolean, what: string) => eventually(async () => world.mails.some(ok), 60_000, `an e-mail: ${what}`);

const asManager = { by: manager.userId, as: 'manager' as const };
const asOwner = { by: owner.userId, as: 'owner' as const };
const asTenant = { by: tenant.userId, as: 'requester' as const };
const asContractor = (c: { contractorId: string }) => ({ by: c.contractorId, as: 'contractor' as const });

/** The contractor's side of a visit: accepted, scheduled tomorrow, on site, done. */
async function visit(h: WorkflowHandle, c: { contractorId: string }, notes = 'replaced the trap and the washer') {
  const at = new Date((await env.currentTimeMs()) + DAY).toISOString();
  await h.executeUpdate(scheduleVisitUpdate, { args: [{ ...asContractor(c), at }] });
  await env.sleep(DAY);
  await h.executeUpdate(startWorkUpdate, { args: [asContractor(c)] });
  return h.executeUpdate(completeWorkUpdate, { args: [{ ...asContractor(c), notes, photoIds: [], materialsMinor: 2_500, labourMinor: 19_000 }] });
}

test('a tenant request from triage to a rated, paid repair: the owner approves a quote above the limit, the invoice within 10% is approved alone, the property pays; the run ends 14 days after completion', async () => {
  const day = await today();
  const ann = contractor('Ann Plumber', day, { figures: { rating: 4.8, firstTimeFixBasisPoints: 9_500, medianResponseMinutes: 20 } });
  const bob = contractor('Bob Plumber', day);
  const world = fakeWorkOrderWorld([bob, ann]);
  await withWorker(world, async (taskQueue) => {
    const i = await input();
    const h = await start(taskQueue, i);
    let s = await until(h, (x) => x.status === 'triage', 'triage');
    expect(s.next?.step).toBe('a manager reviews the request');
    expect(s.sla.map((d) => d.target)).toEqual(['acknowledged', 'resolved']);

    s = await h.executeUpdate(triageUpdate, { args: [{ ...asManager, priority: 'routine', category: 'plumbing' }] });
    expect(s.sla.find((d) => d.target === 'acknowledged')!.metAt).not.toBeNull();
    // The directory's best first: Ann has a record, Bob none yet.
    s = await until(h, (x) => x.status === 'awaiting_acceptance', 'offered to a contractor');
    expect(s.assignment).toMatchObject({ contractorId: ann.contractorId, acceptedAt: null });
    expect(s.next).toEqual({ step: 'Ann Plumber accepts the work', by: s.assignment!.acceptBy });
    expect(await searchAttribute(h, ContractorIdKey)).toBe(ann.contractorId);
    await mailed(world, (m) => m.template === 'work_order_offered' && m.to.includes(ann.email), 'the offer to Ann');

    // Bob may not answer work offered to Ann.
    await expect(h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(bob), accept: true }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not assigned to you/) } });
    await h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(ann), accept: true }] });
    s = await h.executeUpdate(submitQuoteUpdate, { args: [{ ...asContractor(ann), amountMinor: 80_000, note: 'new trap, two hours' }] });
    expect(s.status).toBe('awaiting_approval');
    expect(world.mails.some((m) => m.template === 'work_order_approval_needed' && m.to.includes(owner.email))).toBe(true);
    // Only the owner (or staff) approves; a manager cannot.
    await expect(h.executeUpdate(decideQuoteUpdate, { args: [{ ...asManager, approve: true }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only owner or staff/) } });
    s = await h.executeUpdate(decideQuoteUpdate, { args: [{ ...asOwner, approve: true }] });
    expect(s.status).toBe('scheduling');

    s = await visit(h, ann);
    expect(s.status).toBe('completed');
    expect(s.sla.find((d) => d.target === 'resolved')!.metAt).toBe(s.completion!.at);
    // 80,000 + 10% = 88,000: an invoice of 87,500 needs nobody.
    s = await h.executeUpdate(submitInvoiceUpdate, { args: [{ ...asContractor(ann), amountMinor: 87_500, reference: 'INV-1001' }] });
    expect(s.invoice).toMatchObject({ status: 'approved', decidedBy: 'tolerance' });
    s = await h.executeUpdate(recordPaymentUpdate, { args: [{ ...asManager, reference: 'ACH-77' }] });
    expect(s.status).toBe('closed');
    expect(s.invoice).toMatchObject({ status: 'paid', chargedToLeaseId: null, payment: { method: 'transfer', reference: 'ACH-77' } });
    s = await h.executeUpdate(rateWorkUpdate, { args: [{ ...asTenant, stars: 5, comment: 'quick and tidy' }] });
    expect(s.next).toBeNull();

    // The ledger: the property's repairs expense, balanced against its cash; nothing charged to the lease.
    const propertyLines = world.lines.get(`property:${i.property.propertyId}`)!;
    expect(accountBalance(propertyLines, 'repairs_expense')).toBe(87_500);
    expect(accountBalance(propertyLines, 'cash')).toBe(-87_500);
    expect(world.lines.has(`lease:${i.property.leaseId}`)).toBe(false);
    expect(s.slaBreached).toBe(false);
    expect(await searchAttribute(h, ProcessStatusKey)).toBe('closed');

    // The requester heard of every step, each with what comes next.
    const updates = world.mails.filter((m) => m.template === 'work_order_update' && m.to.includes(tenant.email));
    expect(updates.length).toBeGreaterThanOrEqual(8);
    const final: WorkOrderState = await h.result(); // skips the 14-day reopen window
    expect(final.status).toBe('closed');
    expect(final.rating).toMatchObject({ stars: 5 });
    expect(world.rows.get(i.workOrderId)?.status).toBe('closed');
    await recordHistory(h, 'work-order-request-to-payment');
  });
});

test('an emergency: the first contractor lets 30 minutes pass and the next is asked; not on site in 4 hours, alerts go out at 50% and 80% and the manager is escalated to at 100%', async () => {
  const day = await today();
  const ann = contractor('Ann Plumber', day, { figures: { rating: 4.9, firstTimeFixBasisPoints: 9_000, medianResponseMinutes: 15 } });
  const bob = contractor('Bob Plumber', day, { figures: { rating: 4.1, firstTimeFixBasisPoints: 8_000, medianResponseMinutes: 45 } });
  const world = fakeWorkOrderWorld([ann, bob]);
  await withWorker(world, async (taskQueue) => {
    const i = await input({ priority: 'emergency', triaged: true, requestedBy: manager });
    const h = await start(taskQueue, i);
    let s = await until(h, (x) => x.status === 'awaiting_acceptance', 'offered');
    expect(s.assignment!.contractorId).toBe(ann.contractorId);
    expect(Date.parse(s.assignment!.acceptBy) - Date.parse(s.assignment!.askedAt)).toBe(30 * 60_000);
    expect(s.sla.map((d) => d.target)).toEqual(['acknowledged', 'on_site', 'resolved']);

    await env.sleep(31 * 60_000);
    s = await until(h, (x) => x.assignment?.contractorId === bob.contractorId, 'the next contractor asked');
    expect(s.passedOver).toEqual([ann.contractorId]);
    expect(s.history.some((e) => /Ann Plumber did not accept/.test(e.event))).toBe(true);
    // Ann's window has passed: her late acceptance is refused.
    await expect(h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(ann), accept: true }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not assigned to you/) } });
    await h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(bob), accept: true }] });

    // On site is due 4 h after the request: 2 h (50%), 3 h 12 min (80%), 4 h (escalation).
    await env.sleep(4 * HOUR);
    s = await until(h, (x) => x.slaBreached, 'the on-site deadline missed');
    const onSite = s.sla.find((d) => d.target === 'on_site')!;
    expect(onSite).toMatchObject({ breached: true, metAt: null, alerted: [0.5, 0.8, 1] });
    expect(Date.parse(onSite.dueAt!) - Date.parse(i.raisedAt)).toBe(4 * HOUR);
    expect(world.mails.filter((m) => m.template === 'work_order_sla_alert' && m.data.target === 'on site').map((m) => m.data.percent)).toEqual([50, 80]);
    expect(world.mails.some((m) => m.template === 'work_order_sla_escalated' && m.to.includes(manager.email) && m.data.target === 'on site')).toBe(true);
    expect(await searchAttribute(h, SlaBreachedKey)).toBe(true);

    // The manager, escalated to, reassigns it to Ann; the quote restarts with her.
    s = await h.executeUpdate(assignUpdate, { args: [{ ...asManager, contractorId: ann.contractorId }] });
    expect(s).toMatchObject({ status: 'awaiting_acceptance', assignment: { contractorId: ann.contractorId }, passedOver: [ann.contractorId, bob.contractorId] });
  });
});

test('vendor compliance: an expired insurance certificate, cover below the minimum and a missing W-9 each keep a contractor from the work, and a manager cannot assign them by name', async () => {
  const day = await today();
  const good = contractor('Gina Fixit', day);
  const expired = contractor('Eddie Expired', day, {
    documents: [...good.documents.filter((d) => d.kind !== 'general_liability_insurance'), { kind: 'general_liability_insurance', expiresOn: addDays(day, -1), coverageMinor: 200_000_000 }],
  });
  const thin = contractor('Tom Thin', day, {
    documents: [...good.documents.filter((d) => d.kind !== 'general_liability_insurance'), { kind: 'general_liability_insurance', expiresOn: addDays(day, 30), coverageMinor: 50_000_000 }],
  });
  const noW9 = contractor('Nora NoForm', day, { documents: good.documents.filter((d) => d.kind !== 'tax_form_w9') });
  const directory = [expired, thin, noW9];
  const world = fakeWorkOrderWorld(directory);
  await withWorker(world, async (taskQueue) => {
    const h = await start(taskQueue, await input({ triaged: true, requestedBy: manager }));
    const s = await until(h, (x) => x.status === 'unassigned', 'unassigned');
    const reasons = s.history.at(-1)!.event;
    expect(reasons).toContain(`Eddie Expired: the general liability insurance certificate expired on ${addDays(day, -1)}`);
    expect(reasons).toContain('Tom Thin: general liability cover of USD 500,000.00 is below the required USD 1,000,000.00');
    expect(reasons).toContain('Nora NoForm: no tax form (W-9) on file');
    await mailed(world, (m) => m.template === 'work_order_unassigned' && m.to.includes(manager.email), 'the manager told');
    await expect(h.executeUpdate(assignUpdate, { args: [{ ...asManager, contractorId: expired.contractorId }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/may not take this work: the general liability insurance certificate expired/) } });
    expect((await stateOf(h)).status).toBe('unassigned');

    // Once a compliant contractor is in the directory, the manager asks again.
    directory.push(good);
    await h.executeUpdate(assignUpdate, { args: [asManager] });
    await until(h, (x) => x.status === 'awaiting_acceptance' && x.assignment?.contractorId === good.contractorId, 'offered to the compliant contractor');
    // The offer's e-mail written too: no activity left in flight when the worker stops (it would hold the clock for the next test).
    await mailed(world, (m) => m.template === 'work_order_offered' && m.to.includes(good.email), 'the offer to Gina');
  });
});

test('tenant-caused damage: an invoice above the quote plus 10% waits for the owner, and the paid repair is charged to the tenant\'s lease as well as paid from the property\'s book', async () => {
  const day = await today();
  const ann = contractor('Ann Plumber', day);
  const world = fakeWorkOrderWorld([ann]);
  await withWorker(world, async (taskQueue) => {
    const i = await input({ responsibility: 'tenant', triaged: true, requestedBy: manager });
    const h = await start(taskQueue, i);
    await until(h, (x) => x.status === 'awaiting_acceptance', 'offered');
    await h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(ann), accept: true }] });
    let s = await h.executeUpdate(submitQuoteUpdate, { args: [{ ...asContractor(ann), amountMinor: 40_000 }] });
    expect(s.quote).toMatchObject({ status: 'approved', decidedBy: 'threshold' });
    await visit(h, ann, 'replaced the door the tenant broke');
    // 40,000 + 10% = 44,000: 45,000 needs the owner.
    s = await h.executeUpdate(submitInvoiceUpdate, { args: [{ ...asContractor(ann), amountMinor: 45_000, reference: 'INV-2002' }] });
    expect(s.status).toBe('awaiting_invoice_approval');
    await expect(h.executeUpdate(recordPaymentUpdate, { args: [{ ...asManager, reference: 'ACH-1' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/awaiting invoice approval: this needs it awaiting payment/) } });
    s = await h.executeUpdate(decideInvoiceUpdate, { args: [{ ...asOwner, approve: true }] });
    expect(s.status).toBe('awaiting_payment');
    s = await h.executeUpdate(recordPaymentUpdate, { args: [{ ...asManager, reference: 'ACH-2' }] });
    expect(s.invoice).toMatchObject({ status: 'paid', chargedToLeaseId: i.property.leaseId });

    const lease = world.lines.get(`lease:${i.property.leaseId}`)!;
    const property = world.lines.get(`property:${i.property.propertyId}`)!;
    expect(accountBalance(lease, 'tenant_receivable')).toBe(45_000);
    expect(accountBalance(lease, 'damages_income')).toBe(45_000);
    expect(accountBalance(property, 'repairs_expense')).toBe(45_000);
    for (const book of [lease, property]) expect(book.reduce((n, l) => n + l.debitMinor - l.creditMinor, 0)).toBe(0);
  });
});

test('access refused stops the SLA clock until the visit the tenant allows; a repair that fails within 14 days reopens with the same contractor and counts against them', async () => {
  const day = await today();
  const ann = contractor('Ann Plumber', day);
  const world = fakeWorkOrderWorld([ann]);
  await withWorker(world, async (taskQueue) => {
    const i = await input({ priority: 'urgent', triaged: true, requestedBy: manager });
    const h = await start(taskQueue, i);
    await until(h, (x) => x.status === 'awaiting_acceptance', 'offered');
    await h.executeUpdate(respondToAssignmentUpdate, { args: [{ ...asContractor(ann), accept: true }] });
    await h.executeUpdate(submitQuoteUpdate, { args: [{ ...asContractor(ann), amountMinor: 30_000 }] });
    const first = new Date((await env.currentTimeMs()) + 2 * HOUR).toISOString();
    await h.executeUpdate(scheduleVisitUpdate, { args: [{ ...asContractor(ann), at: first }] });
    await env.sleep(2 * HOUR);
    let s = await h.executeUpdate(accessRefusedUpdate, { args: [{ ...asContractor(ann), note: 'nobody home' }] });
    const refusedAt = Date.parse(s.pauses[0]!.from);
    expect(s.status).toBe('scheduling');
    // While the tenant holds it, nothing is due.
    expect(s.sla.find((d) => d.target === 'resolved')!.dueAt).toBeNull();
    const allowed = refusedAt + 10 * HOUR;
    s = await h.executeUpdate(scheduleVisitUpdate, { args: [{ by: tenant.userId, as: 'tenant', at: new Date(allowed).toISOString() }] });
    const resolved = s.sla.find((d) => d.target === 'resolved')!;
    expect(Date.parse(resolved.dueAt!) - Date.parse(i.raisedAt)).toBe(72 * HOUR + 10 * HOUR);
    expect(s.pauses).toEqual([{ from: new Date(refusedAt).toISOString(), to: new Date(allowed).toISOString(), reason: 'access refused: nobody home' }]);

    await env.sleep(10 * HOUR);
    await h.executeUpdate(startWorkUpdate, { args: [asContractor(ann)] });
    await h.executeUpdate(completeWorkUpdate, { args: [{ ...asContractor(ann), notes: 'reset the breaker, replaced the outlet', photoIds: [], materialsMinor: 1_500, labourMinor: 12_000 }] });
    await h.executeUpdate(submitInvoiceUpdate, { args: [{ ...asContractor(ann), amountMinor: 30_000, reference: 'INV-3' }] });
    await h.executeUpdate(recordPaymentUpdate, { args: [{ ...asManager, reference: 'ACH-3' }] });

    await env.sleep(3 * DAY);
    s = await h.executeUpdate(reopenUpdate, { args: [{ ...asTenant, reason: 'the outlet trips again' }] });
    expect(s).toMatchObject({ status: 'scheduling', assignment: { contractorId: ann.contractorId }, reopened: [{ countsAgainstContractor: true, reason: 'the outlet trips again' }] });
    s = await visit(h, ann, 'replaced the breaker too');
    // Already paid: the return visit closes it again, with no second payment.
    expect(s.status).toBe('closed');
    expect(world.payments).toHaveLength(1);

    // 14 days after the last completion the run ends, the reopen counted against Ann on the row the directory reads.
    const final: WorkOrderState = await h.result();
    expect(final).toMatchObject({ status: 'closed', reopened: [{ countsAgainstContractor: true }] });
    expect(world.rows.get(i.workOrderId)!.reopened).toHaveLength(1);
  });
});

// Last in the file: its held e-mail is the one test here whose activity may still be in flight when its worker stops.
test('a manager reassigns while the offer to the first contractor is still being e-mailed: the reassignment answers and the work order moves on', async () => {
  const day = await today();
  const ann = contractor('Ann Plumber', day);
  const world = fakeWorkOrderWorld([ann]);
  // The offer's e-mail is held until the manager has reassigned.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const notify = world.activities.notifyWorkOrder;
  world.activities.notifyWorkOrder = async (a) => {
    if (a.template === 'work_order_offered') await held;
    return notify(a);
  };
  await withWorker(world, async (taskQueue) => {
    const h = await start(taskQueue, await input({ triaged: true, requestedBy: manager }));
    await until(h, (x) => x.status === 'awaiting_acceptance', 'offered');
    try {
      expect(await h.executeUpdate(assignUpdate, { args: [asManager] })).toMatchObject({ status: 'assigning', passedOver: [ann.contractorId], assignment: null });
    } finally {
      release();
    }
    const s = await until(h, (x) => x.status === 'unassigned', 'unassigned: Ann passed over, nobody else');
    expect(s.passedOver).toEqual([ann.contractorId]);
    await mailed(world, (m) => m.template === 'work_order_offered' && m.to.includes(ann.email), 'the held offer, sent after all');
  });
});

async function recordHistory(handle: WorkflowHandle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
