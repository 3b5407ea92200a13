/**
 * The worker process as deployed (`node --import tsx workers/main.ts`), started
 * by tests that stop or kill it. tsx runs as a loader in the one process (not
 * the tsx CLI, which supervises a child and may kill it when a busy event loop
 * answers a relayed signal too slowly). Every process started is remembered so
 * `killAll` can make sure none outlives its test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { escrowReconciliationScheduleId } from '../../contracts/escrow-reconciliation';
import { notificationOutboxScheduleId } from '../../contracts/notifications';
import { rentRunScheduleId } from '../../contracts/rent-run';
import { searchOutboxScheduleId } from '../../contracts/search';
import { taskQueues } from '../../lib/task-queues';
import type { Harness } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const spawned: ChildProcess[] = [];

export interface WorkerProcess {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the worker on the harness's database and index prefix, its task queues under `queuePrefix`. */
export function startWorkerProcess(h: Harness, queuePrefix: string, env: Record<string, string> = {}): WorkerProcess {
  let output = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      TEMPORAL_TASK_QUEUE_PREFIX: queuePrefix,
      ELASTICSEARCH_INDEX_PREFIX: h.indexPrefix,
      DATABASE_URL: h.config.postgres.url,
      WORKER_SHUTDOWN_GRACE_SECONDS: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  spawned.push(proc);
  return { proc, output: () => output, exited };
}

export function killAllWorkerProcesses() {
  for (const proc of spawned) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

/** The worker process creates its queues' schedules at start: a test removes them so none outlives it. */
export async function deleteSchedulesOf(h: Harness, queuePrefix: string) {
  const queues = taskQueues(queuePrefix);
  const ids = [searchOutboxScheduleId(queues.search), rentRunScheduleId(queues.rent), notificationOutboxScheduleId(queues.leases), escrowReconciliationScheduleId(queues.purchases)];
  await Promise.all(ids.map((id) => h.client.schedule.getHandle(id).delete().catch(() => undefined)));
}
