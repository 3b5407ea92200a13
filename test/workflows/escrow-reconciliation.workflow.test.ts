/**
 * The escrow reconciliation workflow on the time-skipping test server, its
 * activity replaced by one that compares fixed sides with the domain rule
 * (the real activity runs on Postgres in test/integration/escrow-reconciliation.test.ts).
 * With RECORD_HISTORIES=1 the first test writes the replay fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { compareEscrow, type EscrowPosition, type PurchaseEscrowPosition } from '../../domain/escrow-reconciliation';
import { ProcessStatusKey } from '../../domain/search-attributes';
import {
  ESCROW_RECONCILIATION_WORKFLOW_TYPE,
  escrowReconciliationWorkflowId,
  type EscrowReconciliationActivities,
  type EscrowReconciliationInput,
  type EscrowReconciliationReport,
  type EscrowReconciliationWorkflow,
} from '../../contracts/escrow-reconciliation';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

const DAY_MS = 86_400_000;
const OPEN = '0b6c7a52-52f4-4f0e-9a53-3f1f2f7b6a01';
const ENDED = '0b6c7a52-52f4-4f0e-9a53-3f1f2f7b6a02';

/** An activity over fixed sides; `failFirst` makes its first attempts fail as if Postgres were away. */
function fakeReconciliation(purchases: PurchaseEscrowPosition[], ledger: EscrowPosition[], failFirst = 0) {
  const calls: { asOf: string; workflowId: string }[] = [];
  let attempts = 0;
  const activities: EscrowReconciliationActivities = {
    async reconcileEscrow({ asOf, workflowId }) {
      attempts++;
      if (attempts <= failFirst) throw ApplicationFailure.retryable('connect ECONNREFUSED 127.0.0.1:5432', 'SequelizeConnectionRefusedError');
      calls.push({ asOf, workflowId });
      return { id: '5d0c9a43-44a1-4c1f-8f1e-2a8e5b9f7c10', asOf, ranAt: new Date(`${asOf}T05:00:00.000Z`).toISOString(), workflowId, ...compareEscrow(purchases, ledger) };
    },
  };
  return { activities, calls, attempts: () => attempts };
}

async function withWorker<T>(activities: EscrowReconciliationActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `escrow-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, workflowId: string, input?: EscrowReconciliationInput) =>
  env.client.workflow.start<EscrowReconciliationWorkflow>(ESCROW_RECONCILIATION_WORKFLOW_TYPE, { taskQueue, workflowId, args: input ? [input] : [] }).then(endsWithTest);

/** Moves the test server's clock to noon (UTC) of the next day at noon or later, away from midnight; returns that day. */
async function noon(): Promise<string> {
  const now = await env.currentTimeMs();
  let at = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS / 2;
  if (at < now) at += DAY_MS;
  await env.sleep(at - now);
  return new Date(at).toISOString().slice(0, 10);
}

const statusOf = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(ProcessStatusKey);

test('a run with no date reconciles the day it runs: the ledger holding escrow a purchase says it does not is reported with both figures', async () => {
  const fake = fakeReconciliation(
    [
      { purchaseId: OPEN, currency: 'USD', heldMinor: 500_000, stage: 'under_contract' },
      { purchaseId: ENDED, currency: 'USD', heldMinor: 0, stage: 'terminated' },
    ],
    [
      { purchaseId: OPEN, currency: 'USD', heldMinor: 500_000 },
      { purchaseId: ENDED, currency: 'USD', heldMinor: 500_000 },
    ],
  );
  const today = await noon();
  await withWorker(fake.activities, async (taskQueue) => {
    const workflowId = escrowReconciliationWorkflowId(today, 'differences');
    const handle = await start(taskQueue, workflowId);
    const report: EscrowReconciliationReport = await handle.result();
    expect(fake.calls).toEqual([{ asOf: today, workflowId }]);
    expect(report).toMatchObject({ asOf: today, workflowId, status: 'differences', purchasesCompared: 2 });
    expect(report.currencies).toEqual([
      {
        currency: 'USD',
        purchasesHeldMinor: 500_000,
        ledgerHeldMinor: 1_000_000,
        differenceMinor: 500_000,
        differences: [{ purchaseId: ENDED, stage: 'terminated', purchaseHeldMinor: 0, ledgerHeldMinor: 500_000, differenceMinor: 500_000 }],
      },
    ]);
    expect(await statusOf(handle)).toBe('differences');
    await recordHistory(handle, 'escrow-reconciliation-differences');
  });
});

test('a run for a given day, with Postgres away at first, retries and reports the books balanced', async () => {
  const fake = fakeReconciliation(
    [{ purchaseId: OPEN, currency: 'EUR', heldMinor: 250_000, stage: 'clear_to_close' }],
    [{ purchaseId: OPEN, currency: 'EUR', heldMinor: 250_000 }],
    2,
  );
  await withWorker(fake.activities, async (taskQueue) => {
    const workflowId = escrowReconciliationWorkflowId('2026-03-02', `manual-${randomUUID().slice(0, 8)}`);
    const handle = await start(taskQueue, workflowId, { asOf: '2026-03-02' });
    const report = await handle.result();
    expect(fake.attempts()).toBe(3);
    expect(fake.calls).toEqual([{ asOf: '2026-03-02', workflowId }]);
    expect(report).toMatchObject({
      asOf: '2026-03-02',
      status: 'balanced',
      currencies: [{ currency: 'EUR', purchasesHeldMinor: 250_000, ledgerHeldMinor: 250_000, differenceMinor: 0, differences: [] }],
    });
    expect(await statusOf(handle)).toBe('balanced');
  });
});

/** With RECORD_HISTORIES=1, writes the run's history to test/fixtures/histories for the replay test. */
async function recordHistory(handle: WorkflowHandle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
