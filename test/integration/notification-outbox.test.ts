/**
 * The outbox sweep on the real services: a notification left unsent (its
 * workflow gave up, or it was written outside one) is e-mailed by the
 * scheduled sweep once it is old enough, once.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { QueryTypes } from 'sequelize';
import { createMailer } from '../../lib/mail';
import { createStripe } from '../../lib/stripe';
import { smtpSinkDir } from '../../scripts/services';
import type { notificationOutboxSweepWorkflow } from '../../workflows/notification-outbox-sweep';
import { createLeaseWorker } from '../../workers/lease-worker';
import { createHarness, workflowBundle, type Harness } from '../support/harness';

let h: Harness;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `outbox-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  h = await createHarness('outbox');
  worker = await createLeaseWorker({
    connection: h.nativeConnection,
    namespace: h.config.temporal.namespace,
    taskQueue,
    deps: { db: h.db, stripe: createStripe(h.config), offSessionConfirm: false, mailer: createMailer(h.config) },
    workflowBundle: await workflowBundle(),
    shutdownGraceSeconds: 5,
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
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
  h.client.workflow.execute<typeof notificationOutboxSweepWorkflow>('notificationOutboxSweepWorkflow', { taskQueue, workflowId: `sweep-${id}`, args: [] });

test('a notification left unsent is e-mailed by the sweep once it is old enough, and only once', async () => {
  const stale = await outboxRow(30);
  const fresh = await outboxRow(0);
  expect(await sweep(stale)).toEqual({ sent: 1 });
  const rows = await h.db.query<{ id: string; sent_at: Date | null }>('select id, sent_at from notification_outbox where id = any($1::uuid[])', {
    bind: [[stale, fresh]],
    type: QueryTypes.SELECT,
  });
  expect(rows.find((r) => r.id === stale)!.sent_at).not.toBeNull();
  expect(rows.find((r) => r.id === fresh)!.sent_at).toBeNull(); // still its workflow's to send
  const sink = smtpSinkDir(h.config);
  const mail = fs
    .readdirSync(sink)
    .map((f) => fs.readFileSync(path.join(sink, f), 'utf8'))
    .filter((m) => m.includes(`<${stale}@trilight.local>`));
  expect(mail).toHaveLength(1);
  expect(mail[0]).toMatch(/Subject: Rent is due soon/);
  expect(mail[0]).toMatch(/1,234\.56/);
  expect(await sweep(`${stale}-again`)).toEqual({ sent: 0 });
});
