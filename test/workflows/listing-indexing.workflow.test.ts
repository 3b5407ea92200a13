/**
 * The indexing workflow's own logic on the time-skipping test server, with
 * its activity mocked: changes that arrive while it works collapse into one
 * more pass, and it completes once no change has come for its linger time.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { indexingStateQuery, listingChangedSignal } from '../../contracts/search';
import { workflowBundle } from '../support/harness';
import { useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e));

/** Polls `check` in real time until it holds; fails after `timeoutMs` (generous: a loaded machine is slow, not wrong). */
async function until(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('signals during a pass cause exactly one more pass; then it lingers and completes', async () => {
  const calls: string[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'indexing-unit',
    workflowBundle: await workflowBundle(),
    activities: {
      async indexListings({ listingIds: ids }: { listingIds: string[] }) {
        calls.push(ids);
        await gate; // hold the first pass until the test has signalled
        return { indexed: ids.length, stale: 0, deleted: 0 };
      },
    },
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('listingIndexingWorkflow', {
      workflowId: 'listing-index-unit-1',
      taskQueue: 'indexing-unit',
      args: [{ listingId: 'l-1' }],
    });
    await until('the first pass to start', () => calls.length > 0);
    await handle.signal(listingChangedSignal);
    await handle.signal(listingChangedSignal);
    expect(await handle.query(indexingStateQuery)).toEqual({ indexedTimes: 0, pending: true });
    release();
    gate = Promise.resolve();
    const result = await handle.result(); // the test server skips the linger timer
    expect(result).toEqual({ indexedTimes: 2 });
    expect(calls).toEqual([['l-1'], ['l-1']]);
  });
});

test('an activity failure is retried until it succeeds', async () => {
  let attempts = 0;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'indexing-retry',
    workflowBundle: await workflowBundle(),
    activities: {
      async indexListings({ listingIds: ids }: { listingIds: string[] }) {
        attempts++;
        if (attempts < 4) throw new Error('connect ECONNREFUSED 127.0.0.1:9200');
        return { indexed: ids.length, stale: 0, deleted: 0 };
      },
    },
  });
  const result = await worker.runUntil(
    env.client.workflow.execute('listingIndexingWorkflow', {
      workflowId: 'listing-index-unit-2',
      taskQueue: 'indexing-retry',
      args: [{ listingId: 'l-2' }],
    }),
  );
  expect(result).toEqual({ indexedTimes: 1 });
  expect(attempts).toBe(4);
});
