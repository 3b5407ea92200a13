/**
 * The outbox sweep on the real services: a notification left without a
 * delivery (written before deliveries were workflows, or its delivery was
 * terminated) is handed to one by the scheduled sweep once it is old enough,
 * and e-mailed once.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { NOTIFICATION_SWEEP_WORKFLOW_TYPE, notificationWorkflowId } from '../../contracts/notifications';
import type { notificationOutboxSweepWorkflow } from '../../workflows/notifications/sweep';
import { createHarness, eventually, type Harness } from '../support/harness';
import { mailsFor } from '../support/mail';
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
