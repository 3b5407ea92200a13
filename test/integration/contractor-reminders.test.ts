/**
 * The vendor directory's document reminders on the real Postgres and
 * Temporal: contractors registered and their documents filed through the
 * API, the daily workflow run by the operations worker for chosen days, the
 * e-mails reaching the SMTP sink; and the daily schedule as the worker
 * declares it, on the real server.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { addDays } from '../../domain/calendar';
import { ProcessStatusKey } from '../../domain/search-attributes';
import {
  CONTRACTOR_REMINDERS_WORKFLOW_TYPE,
  contractorRemindersScheduleId,
  contractorRemindersWorkflowId,
  type ContractorRemindersResult,
  type ContractorRemindersWorkflow,
} from '../../contracts/contractor-reminders';
import { ensureSchedules } from '../../workers/schedules';
import { createProperty, created } from '../support/api-scenarios';
import { createHarness, eventually, type Harness } from '../support/harness';
import { mailsFor } from '../support/mail';
import { startOperationsWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let workers: RunningWorkers;
type User = Awaited<ReturnType<Harness['user']>>;
let manager: User, roofer: User, painter: User;
let rooferEmail: string, managerEmail: string;

// The day of the first run; every document's date is relative to it.
const DAY = '2027-03-01';

beforeAll(async () => {
  h = await createHarness('reminders');
  workers = await startOperationsWorkers(h);
  const owner = await h.user(['owner']);
  [manager, roofer, painter] = await Promise.all([h.user(['manager']), h.user(['contractor'], 'roofer'), h.user(['contractor'], 'painter')]);
  const emails = await h.db.query<{ id: string; email: string }>('select id, email from users where id = any($1::uuid[])', {
    bind: [[manager.id, roofer.id]],
    type: QueryTypes.SELECT,
  });
  rooferEmail = emails.find((u) => u.id === roofer.id)!.email;
  managerEmail = emails.find((u) => u.id === manager.id)!.email;

  for (const [who, company] of [[roofer, 'Ridge Roofing'], [painter, 'Prime Painters']] as const) {
    created(
      await h.request('/v1/contractors', {
        method: 'POST',
        token: manager.token,
        json: { userId: who.id, company, trades: ['structural', 'general'], serviceArea: ['50010'], hourlyRateMinor: 8_000, currency: 'USD' },
      }),
      'contractor',
    );
  }
  const file = async (who: User, doc: Record<string, unknown>) =>
    created(
      await h.request(`/v1/contractors/${who.id}/documents`, { method: 'POST', token: manager.token, json: doc }),
      'document',
    );
  // The roofer: insurance due for its 30-day reminder on DAY, a licence expiring in 2 days (inside both windows), a W-9.
  await file(roofer, { kind: 'general_liability_insurance', expiresOn: addDays(DAY, 30), coverageMinor: 200_000_000 });
  await file(roofer, { kind: 'trade_license', expiresOn: addDays(DAY, 2) });
  await file(roofer, { kind: 'tax_form_w9' });
  // The painter: an old certificate expiring in 10 days, already renewed for a year; a licence not due for 45 days.
  await file(painter, { kind: 'general_liability_insurance', expiresOn: addDays(DAY, 10), coverageMinor: 200_000_000 });
  await file(painter, { kind: 'general_liability_insurance', expiresOn: addDays(DAY, 375), coverageMinor: 200_000_000 });
  await file(painter, { kind: 'trade_license', expiresOn: addDays(DAY, 45) });

  // The roofer worked at a property this manager manages last month, so the manager is told too.
  const property = await createProperty(h, manager.token, { ownerId: owner.id });
  await h.db.query(
    `insert into work_orders (id, property_id, requested_by, status, priority, category, contractor_id, raised_at, currency, state, workflow_id)
     values ($1, $2, $3, 'closed', 'routine', 'structural', $4, $5::date - 30, 'USD', '{}'::jsonb, $6)`,
    { bind: [randomUUID(), property.id, manager.id, roofer.id, DAY, `workorder-${randomUUID()}`] },
  );
});

afterAll(async () => {
  await workers?.stop();
  await h?.close();
});

async function runFor(asOf: string) {
  const handle = await h.client.workflow.start<ContractorRemindersWorkflow>(CONTRACTOR_REMINDERS_WORKFLOW_TYPE, {
    taskQueue: h.operationsTaskQueue,
    workflowId: contractorRemindersWorkflowId(asOf, `test-${randomUUID().slice(0, 8)}`),
    args: [{ asOf }],
  });
  const result: ContractorRemindersResult = await handle.result();
  return { result, status: (await handle.describe()).typedSearchAttributes.get(ProcessStatusKey) };
}

const reminderRows = () =>
  h.db.query<{ kind: string; days_before: number; sent_on: string; notification_id: string }>(
    `select d.kind, r.days_before, to_char(r.sent_on, 'YYYY-MM-DD') as sent_on, r.notification_id
       from contractor_document_reminders r join contractor_documents d on d.id = r.document_id order by d.kind, r.days_before`,
    { type: QueryTypes.SELECT },
  );

test('on the day, each document inside a window gets one e-mail to the contractor and their managers; a renewed or distant one none', async () => {
  const { result, status } = await runFor(DAY);
  expect(status).toBe('sent');
  const byKind = Object.fromEntries(result.sent.map((r) => [r.kind, r]));
  expect(result.sent).toHaveLength(2);
  expect(byKind.general_liability_insurance).toMatchObject({ contractorId: roofer.id, expiresOn: addDays(DAY, 30), daysLeft: 30, covers: [30] });
  expect(byKind.trade_license).toMatchObject({ contractorId: roofer.id, expiresOn: addDays(DAY, 2), daysLeft: 2, covers: [30, 3] });
  for (const r of result.sent) expect([...r.recipients].sort()).toEqual([managerEmail, rooferEmail].sort());

  const rows = await reminderRows();
  expect(rows.map((r) => [r.kind, r.days_before, r.sent_on])).toEqual([
    ['general_liability_insurance', 30, DAY],
    ['trade_license', 3, DAY],
    ['trade_license', 30, DAY],
  ]);
  // The licence's two reminders are one e-mail; it reaches the sink, saying the days left.
  const licence = rows.filter((r) => r.kind === 'trade_license');
  expect(new Set(licence.map((r) => r.notification_id)).size).toBe(1);
  const [mail] = await eventually(async () => mailsFor(h, licence[0]!.notification_id).length > 0 && mailsFor(h, licence[0]!.notification_id), 60_000, 'the licence reminder in the SMTP sink');
  expect(mail).toContain('Ridge Roofing: your trade licence expires on');
  expect(mail).toMatch(/in 2\s+days/);
});

test('a second run of the day sends nothing again; two runs of a day at once send each reminder once', async () => {
  expect(await runFor(DAY)).toEqual({ result: { asOf: DAY, sent: [] }, status: 'nothing_due' });
  // The painter's licence enters its 30-day window 15 days after DAY.
  const day = addDays(DAY, 15);
  const [a, b] = await Promise.all([runFor(day), runFor(day)]);
  const sent = [...a.result.sent, ...b.result.sent];
  expect(sent).toEqual([expect.objectContaining({ contractorId: painter.id, kind: 'trade_license', daysLeft: 30, covers: [30] })]);
});

test('the insurance gets its 3-day reminder when that day comes, not before', async () => {
  expect((await runFor(addDays(DAY, 26))).result.sent).toEqual([]);
  const { result } = await runFor(addDays(DAY, 27));
  expect(result.sent).toEqual([expect.objectContaining({ kind: 'general_liability_insurance', daysLeft: 3, covers: [3] })]);
  expect((await reminderRows()).filter((r) => r.kind === 'general_liability_insurance').map((r) => r.days_before)).toEqual([3, 30]);
});

test('the worker declares the daily schedule on the operations queue at 14:00 UTC, skipping overlaps and catching up a day', async () => {
  const suffix = randomUUID().slice(0, 8);
  const queues = { search: `s-${suffix}`, rent: `r-${suffix}`, leases: `l-${suffix}`, purchases: `p-${suffix}`, operations: `o-${suffix}`, reports: `rp-${suffix}` };
  const ids = await ensureSchedules(h.client, queues, { time: '06:00', timeZone: 'UTC' });
  try {
    const id = contractorRemindersScheduleId(queues.operations);
    expect(ids).toContain(id);
    const d = await h.client.schedule.getHandle(id).describe();
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: CONTRACTOR_REMINDERS_WORKFLOW_TYPE, taskQueue: queues.operations, args: [{}] });
    expect(d.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 14, end: 14, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
    expect(d.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 86_400_000 });
    // A worker starting again keeps it (no error, nothing new).
    expect(await ensureSchedules(h.client, queues, { time: '06:00', timeZone: 'UTC' })).toEqual([]);
  } finally {
    await Promise.allSettled(ids.map((id) => h.client.schedule.getHandle(id).delete()));
  }
});
