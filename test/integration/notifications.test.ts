/**
 * Notifications on the real services: they never hold the process that
 * writes them (a lease goes on with the mail server down, and its e-mails go
 * out once it is back), and a notification left without a delivery (written
 * before deliveries were workflows, or its delivery was terminated) is handed
 * to one by the scheduled sweep once it is old enough, and e-mailed once.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { leaseWorkflowId } from '../../contracts/lease';
import { NOTIFICATION_SWEEP_WORKFLOW_TYPE, notificationWorkflowId } from '../../contracts/notifications';
import { createStripe } from '../../lib/stripe';
import { createMailer } from '../../lib/mail';
import { createNotifications } from '../../activities/notifications';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { notificationOutboxSweepWorkflow } from '../../workflows/notifications/sweep';
import { createHarness, eventually, type Harness } from '../support/harness';
import { leaseInput, leaseStateWhen, signThroughEnvelope, startLeaseWorkflow, type Party } from '../support/leases';
import { mailsFor } from '../support/mail';
import { savedCard } from '../support/stripe';
import { startTcpProxy } from '../support/tcp-proxy';
import { startLeaseWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let workers: RunningWorkers;

beforeAll(async () => {
  h = await createHarness('outbox');
  workers = await startLeaseWorkers(h);
});

afterAll(async () => {
  await workers?.stop();
  await h?.close();
});

async function outboxRow(ageMinutes: number) {
  const [row] = await h.db.query<{ id: string }>(
    `insert into notification_outbox (id, lease_id, template, data, recipients, dedupe_key, created_at)
     values (gen_random_uuid(), $1, 'rent_due_reminder', $2::jsonb, $3::text[], $4, now() - make_interval(mins => $5)) returning id`,
    {
      bind: [randomUUID(), JSON.stringify({ amountMinor: 123_456, currency: 'EUR', dueOn: '2031-07-01' }), ['zoe@example.com'], randomUUID(), ageMinutes],
      type: QueryTypes.SELECT,
    },
  );
  return row!.id;
}

const sweep = (id: string) =>
  h.client.workflow.execute<typeof notificationOutboxSweepWorkflow>(NOTIFICATION_SWEEP_WORKFLOW_TYPE, { taskQueue: h.leaseTaskQueue, workflowId: `sweep-${id}`, args: [] });

test('a notification left unsent is handed to its delivery by the sweep once it is old enough, and e-mailed once', async () => {
  const stale = await outboxRow(30);
  const fresh = await outboxRow(0);
  expect(await sweep(stale)).toEqual({ sent: 1 }); // one delivery started: the stale row's
  const sentAt = await eventually(async () => {
    const [row] = await h.db.query<{ sent_at: Date | null }>('select sent_at from notification_outbox where id = $1', { bind: [stale], type: QueryTypes.SELECT });
    return row?.sent_at ?? undefined;
  }, 60_000, 'the stale notification to be delivered');
  expect(sentAt).toBeInstanceOf(Date);
  const mail = mailsFor(h, stale);
  expect(mail).toHaveLength(1);
  expect(mail[0]).toMatch(/Subject: Rent is due soon/);
  expect(mail[0]).toMatch(/1,234\.56/);
  // The fresh row is still the business of the activity that wrote it: no delivery was started for it.
  await expect(h.client.workflow.getHandle(notificationWorkflowId(fresh)).describe()).rejects.toThrow(/not found/i);
  expect(await sweep(`${stale}-again`)).toEqual({ sent: 0 });
  expect(mailsFor(h, stale)).toHaveLength(1);
});

test("with the mail server up, a process's e-mail goes out as it is recorded: no delivery workflow is started for it", async () => {
  const notifications = createNotifications({ db: h.db, temporal: h.client, notificationTaskQueue: h.notificationTaskQueue, mailer: createMailer(h.config, { quick: true }) });
  const leaseId = randomUUID();
  const activity = new MockActivityEnvironment({ activityId: randomUUID() });
  await activity.run(notifications.notify, { leaseId, template: 'rent_due_reminder', data: { amountMinor: 98_700, currency: 'USD', dueOn: '2031-08-01' }, to: ['yan@example.com'] });
  const [row] = await h.db.query<{ id: string; sent_at: Date | null }>('select id, sent_at from notification_outbox where lease_id = $1', { bind: [leaseId], type: QueryTypes.SELECT });
  expect(row!.sent_at).toBeInstanceOf(Date);
  const mail = await eventually(async () => mailsFor(h, row!.id).length > 0 && mailsFor(h, row!.id), 30_000, 'the e-mail in the SMTP sink');
  expect(mail).toHaveLength(1);
  expect(mail[0]).toMatch(/987\.00/);
  await expect(h.client.workflow.getHandle(notificationWorkflowId(row!.id)).describe()).rejects.toThrow(/not found/i);
});

test('with the mail server down, a lease goes from offer to active with its first rent paid; its e-mails arrive once the server is back', async () => {
  // The lease and notification workers of this test send through a proxy to the SMTP sink, which the test cuts.
  const smtp = new URL(h.config.smtp.url);
  const proxy = await startTcpProxy({ host: smtp.hostname, port: Number(smtp.port) });
  await proxy.cut();
  const queues = { taskQueue: `${h.taskQueue}-outage-leases`, notificationTaskQueue: `${h.taskQueue}-outage-notifications` };
  const outageWorkers = await startLeaseWorkers(h, { ...queues, smtpUrl: `smtp://127.0.0.1:${new URL(proxy.url).port}` });
  try {
    const stripe = createStripe(h.config);
    const [tenant, landlord] = await Promise.all([h.user(['tenant'], 'outage-tenant'), h.user(['owner'], 'outage-landlord')]);
    const parties: Party[] = [
      { userId: tenant.id, name: 'Tenant', email: `tenant-${tenant.id}@example.com`, role: 'tenant' },
      { userId: landlord.id, name: 'Landlord', email: `landlord-${landlord.id}@example.com`, role: 'landlord' },
    ];
    const input = leaseInput(parties, await savedCard(stripe));
    const leaseId = input.terms.leaseId;
    await startLeaseWorkflow(h.client, queues.taskQueue, input);
    const awaiting = await leaseStateWhen(h.client, leaseId, (s) => s.status === 'awaiting_signatures', 'the agreement, with no mail server');
    await signThroughEnvelope(h.client, awaiting, parties);
    const active = await leaseStateWhen(h.client, leaseId, (s) => s.status === 'active' && s.paidMinor > 0, 'the first rent paid, with no mail server');
    expect(active.paidMinor).toBeGreaterThan(0);

    // Nothing went out: the notices wait in the outbox, each with a delivery retrying.
    const unsent = await eventually(async () => {
      const rows = await h.db.query<{ id: string; template: string; sent_at: Date | null }>(
        'select id, template, sent_at from notification_outbox where lease_id = $1 order by created_at',
        { bind: [leaseId], type: QueryTypes.SELECT },
      );
      return rows.filter((r) => r.template === 'payment_received').length === 2 ? rows : undefined;
    }, 60_000, 'the payment notices to be recorded');
    expect(unsent.map((r) => r.template)).toEqual(['signature_requested', 'payment_received', 'payment_received']);
    expect(unsent.every((r) => r.sent_at === null)).toBe(true);
    const delivery = await eventually(async () => {
      const d = await h.client.workflow.getHandle(notificationWorkflowId(unsent[0]!.id)).describe();
      const attempt = d.raw.pendingActivities?.[0]?.attempt ?? 0;
      return d.status.name === 'RUNNING' && attempt > 1 ? d : undefined;
    }, 60_000, 'a delivery to be retrying');
    expect(delivery.status.name).toBe('RUNNING');

    // The server is back: every notice goes out, once.
    await proxy.restore();
    await eventually(async () => {
      const [row] = await h.db.query<{ unsent: string }>('select count(*) filter (where sent_at is null) as unsent from notification_outbox where lease_id = $1', {
        bind: [leaseId],
        type: QueryTypes.SELECT,
      });
      return Number(row!.unsent) === 0;
    }, 120_000, 'every notice to be sent once the server is back');
    for (const row of unsent) expect(mailsFor(h, row.id)).toHaveLength(1);
    await h.client.workflow.getHandle(leaseWorkflowId(leaseId)).terminate('test finished').catch(() => undefined);
  } finally {
    await outageWorkers.stop();
    proxy.close();
  }
}, 240_000);
