/**
 * The daily vendor-document reminders workflow on the time-skipping test
 * server, its activity replaced by one that applies the domain rule to fixed
 * documents (the real activity runs on Postgres in
 * test/integration/contractor-reminders.test.ts). With RECORD_HISTORIES=1 the
 * first test writes the replay fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { addDays } from '../../domain/calendar';
import { ProcessStatusKey } from '../../domain/search-attributes';
import { dueExpiryReminders, type ExpiringDocument } from '../../domain/work-order/vendor-compliance';
import {
  CONTRACTOR_REMINDERS_WORKFLOW_TYPE,
  contractorRemindersWorkflowId,
  type ContractorRemindersActivities,
  type ContractorRemindersInput,
  type ContractorRemindersWorkflow,
} from '../../contracts/contractor-reminders';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

const CONTRACTOR = '7a1d2c3e-0f4b-4c5d-8e6f-1a2b3c4d5e6f';

/** Fixed documents, reminded by the domain rule and remembered as sent; `failFirst` makes the first attempts fail as if Postgres were away. */
function fakeDirectory(documents: ExpiringDocument[], failFirst = 0) {
  let attempts = 0;
  const days: string[] = [];
  const activities: ContractorRemindersActivities = {
    async sendDocumentExpiryReminders({ asOf }) {
      attempts++;
      if (attempts <= failFirst) throw ApplicationFailure.retryable('connect ECONNREFUSED 127.0.0.1:5432', 'SequelizeConnectionRefusedError');
      days.push(asOf);
      const due = dueExpiryReminders(documents, asOf);
      for (const d of due) documents = documents.map((x) => (x.id === d.documentId ? { ...x, sent: [...x.sent, ...d.covers] } : x));
      return due.map((d) => ({ ...d, contractorId: CONTRACTOR, kind: 'trade_license', recipients: ['crew@example.com'] }));
    },
  };
  return { activities, days, attempts: () => attempts };
}

async function withWorker<T>(activities: ContractorRemindersActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `reminders-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, asOf: string, input?: ContractorRemindersInput) =>
  env.client.workflow
    .start<ContractorRemindersWorkflow>(CONTRACTOR_REMINDERS_WORKFLOW_TYPE, { taskQueue, workflowId: contractorRemindersWorkflowId(asOf, randomUUID().slice(0, 8)), args: input ? [input] : [] })
    .then(endsWithTest);

const statusOf = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(ProcessStatusKey);

test('a run with no date reminds for the day it runs, and says so in ProcessStatus', async () => {
  const today = new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
  const fake = fakeDirectory([
    { id: 'licence', expiresOn: addDays(today, 3), sent: [30] },
    { id: 'insurance', expiresOn: addDays(today, 31), sent: [] },
  ]);
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, today);
    const result = await handle.result();
    expect(fake.days).toEqual([today]);
    expect(result).toEqual({ asOf: today, sent: [expect.objectContaining({ documentId: 'licence', daysLeft: 3, covers: [3] })] });
    expect(await statusOf(handle)).toBe('sent');
    await recordHistory(handle, 'contractor-document-reminders');
  });
});

test('a run for a given day, with Postgres away at first, retries; a day with nothing due says so', async () => {
  const fake = fakeDirectory([{ id: 'insurance', expiresOn: '2027-05-01', sent: [] }], 2);
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, '2027-03-01', { asOf: '2027-03-01' });
    expect(await handle.result()).toEqual({ asOf: '2027-03-01', sent: [] });
    expect(fake.attempts()).toBe(3);
    expect(await statusOf(handle)).toBe('nothing_due');
  });
});

/** With RECORD_HISTORIES=1, writes the run's history to test/fixtures/histories for the replay test. */
async function recordHistory(handle: WorkflowHandle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
