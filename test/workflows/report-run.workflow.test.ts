/**
 * The report run workflow on the time-skipping test server, its activities
 * replaced by plain functions that record what they were asked and when
 * (the real activities run on Postgres: activities/reports/). With
 * RECORD_HISTORIES=1 the first test writes the replay fixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { defaultPayloadConverter, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { ProcessStatusKey, ReportRunKey } from '../../domain/search-attributes';
import {
  REPORT_RUN_WORKFLOW_TYPE,
  reportRunProgressQuery,
  reportRunScheduleId,
  reportRunWorkflowId,
  type ReportRunActivities,
  type ReportRunInput,
  type ReportRunKind,
  type ReportRunProgress,
  type ReportRunWorkflow,
  type ReportTask,
  type ReportTaskResult,
} from '../../contracts/report-run';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e), { searchAttributes: true });

/**
 * The nominal time a Schedule gives each run it starts (a system search
 * attribute on a real server). The test server has no Schedules: registered
 * here, a run can be started as a Schedule would start it.
 */
const ScheduledStartTimeKey = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
beforeAll(async () => {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { [ScheduledStartTimeKey.name]: encodeSearchAttributeIndexedValueType(ScheduledStartTimeKey.type)! },
  });
});

type Plan = { postings: ReportTask[]; reports: ReportTask[] };

/** A task's short name in the recorded order: `postings:0`, `statements:2`, `delinquency:2026-11-30`. */
function nameOf(task: ReportTask): string {
  switch (task.type) {
    case 'month-end-postings':
      return `postings:${task.propertyIds[0]}`;
    case 'owner-statements':
      return `statements:${task.ownerIds[0]}`;
    case 'portfolio-report':
      return `${task.kind}:${task.asOf}`;
  }
}

const postings = (month: string, n: number): ReportTask[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'month-end-postings' as const, month, propertyIds: [String(i), `${i}-b`] }));
const statements = (month: string, n: number): ReportTask[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'owner-statements' as const, month, ownerIds: [String(i), `${i}-b`] }));

const ok = (r: Partial<ReportTaskResult> = {}): ReportTaskResult => ({ built: 0, existing: 0, withheld: [], failed: [], ...r });

/**
 * Activities over a fixed plan. `task` answers each task (it may throw or
 * wait); every call is recorded, with the order tasks started and finished
 * and the most in flight at once. With `overlap`, a task waits (at most 10 s,
 * then goes on, so a broken bound fails an assertion rather than hanging)
 * until `overlap` tasks of its stage are in flight or its whole stage has
 * started: the bound is then reached whenever the workflow allows it, however
 * slowly the worker picks tasks up.
 */
function fakeReports(o: { plan: Plan; period?: string; task: (task: ReportTask) => Promise<ReportTaskResult> | ReportTaskResult; overlap?: number }) {
  const periodCalls: Parameters<ReportRunActivities['reportRunPeriod']>[0][] = [];
  const planCalls: Parameters<ReportRunActivities['planReportRun']>[0][] = [];
  const taskCalls: { task: string; runId: string; attempt: number }[] = [];
  const order: string[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());

  const stageOf = (task: ReportTask) => (task.type === 'month-end-postings' ? o.plan.postings : o.plan.reports);
  const startedIn = (stage: ReportTask[]) => stage.filter((t) => attempts.has(nameOf(t))).length;
  const inFlightIn = new Map<ReportTask[], number>();

  async function overlapped(stage: ReportTask[], want: number) {
    const ready = () => (inFlightIn.get(stage) ?? 0) >= want || startedIn(stage) === stage.length;
    if (ready()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 10_000);
      function done() {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      }
      function check() {
        if (ready()) done();
      }
      waiters.add(check);
    });
  }

  const activities: ReportRunActivities = {
    async reportRunPeriod(a) {
      periodCalls.push(a);
      return o.period ?? 'no-period';
    },
    async planReportRun(a) {
      planCalls.push(a);
      return o.plan;
    },
    async runReportTask({ task, runId }) {
      const name = nameOf(task);
      const attempt = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, attempt);
      taskCalls.push({ task: name, runId, attempt });
      const stage = stageOf(task);
      inFlight++;
      inFlightIn.set(stage, (inFlightIn.get(stage) ?? 0) + 1);
      maxInFlight = Math.max(maxInFlight, inFlight);
      order.push(`start ${name}`);
      changed();
      try {
        if (o.overlap) await overlapped(stage, o.overlap);
        return await o.task(task);
      } finally {
        inFlight--;
        inFlightIn.set(stage, inFlightIn.get(stage)! - 1);
        order.push(`finish ${name}`);
        changed();
      }
    },
  };
  return { activities, periodCalls, planCalls, taskCalls, order, attempts, maxInFlight: () => maxInFlight };
}

/** A promise and the function that settles it: an activity that waits until the test lets it go. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  return { opened, release };
}

/**
 * The run's tasks as its history has them: `schedule <task>` when the
 * workflow scheduled one, `close <task>` when it heard how it ended
 * (retries are the server's, inside one scheduled activity). What the
 * workflow allowed, however the worker happened to pick tasks up.
 */
async function taskWindows(handle: WorkflowHandle): Promise<string[]> {
  const scheduled = new Map<string, string>();
  const windows: string[] = [];
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'runReportTask') {
      const { task } = defaultPayloadConverter.fromPayload<{ task: ReportTask }>(s.input!.payloads![0]!);
      scheduled.set(String(e.eventId), nameOf(task));
      windows.push(`schedule ${nameOf(task)}`);
    }
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    const name = closed && scheduled.get(String(closed.scheduledEventId));
    if (name) windows.push(`close ${name}`);
  }
  return windows;
}

/** The most tasks scheduled and not yet closed at once. */
function mostAtOnce(windows: string[]): number {
  let open = 0;
  let most = 0;
  for (const w of windows) most = Math.max(most, (open += w.startsWith('schedule') ? 1 : -1));
  return most;
}

async function withWorker<T>(activities: ReportRunActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `reports-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

/** A run started by hand, with the id the API gives it (each test has a queue of its own, so the same period may run in several). */
const start = (taskQueue: string, input: ReportRunInput) =>
  env.client.workflow
    .start<ReportRunWorkflow>(REPORT_RUN_WORKFLOW_TYPE, { taskQueue, workflowId: reportRunWorkflowId(taskQueue, input.kind, input.period ?? 'by-hand'), args: [input] })
    .then(endsWithTest);

const progressOf = (handle: WorkflowHandle) => handle.query(reportRunProgressQuery);

/** Polls the run's progress until `ready` holds (state, not time: the time-skipping clock is not ours), for at most 30 s. */
async function until(handle: WorkflowHandle, what: string, ready: (p: ReportRunProgress) => boolean): Promise<ReportRunProgress> {
  const deadline = Date.now() + 30_000;
  let last: ReportRunProgress | undefined;
  while (Date.now() < deadline) {
    last = await progressOf(handle);
    if (ready(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the run never got to: ${what} (last progress ${JSON.stringify(last)})`);
}

async function searchAttributesOf(handle: WorkflowHandle) {
  const { typedSearchAttributes } = await handle.describe();
  return { status: typedSearchAttributes.get(ProcessStatusKey), reportRun: typedSearchAttributes.get(ReportRunKey) };
}

const findable = (status: string, kind: ReportRunKind, period: string) => ({ status, reportRun: [kind, period] });

test('a month-end run for a given month posts every property batch before any statement, at most `parallelism` at once, and sums what was built', async () => {
  const plan = { postings: postings('2026-11', 2), reports: statements('2026-11', 5) };
  const fake = fakeReports({
    plan,
    overlap: 2,
    task: (task) => {
      if (task.type === 'month-end-postings') return ok({ postedMinor: 125_000 });
      // Owner i's batch: i + 1 statements built now, one found built by an earlier run.
      const i = task.type === 'owner-statements' ? Number(task.ownerIds[0]) : 0;
      return ok({ built: i + 1, existing: 1 });
    },
  });
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, { kind: 'month-end', period: '2026-11', parallelism: 2 });
    const { workflowId } = handle;
    const result = await handle.result();

    expect(result).toMatchObject({ kind: 'month-end', period: '2026-11', status: 'completed', tasks: 7, tasksDone: 7, built: 15, existing: 5, withheld: [], failed: [] });
    expect(fake.periodCalls).toEqual([]);
    expect(fake.planCalls).toEqual([{ kind: 'month-end', period: '2026-11' }]);
    // Each task once, with the run's id to key what it stores (two scheduled together may start in either order).
    expect(fake.taskCalls.map((c) => c.task).sort()).toEqual([...plan.postings, ...plan.reports].map(nameOf).sort());
    expect(fake.taskCalls.every((c) => c.runId === workflowId && c.attempt === 1)).toBe(true);
    // Every posting finished before the first statement started.
    const lastPostingFinished = Math.max(...fake.order.flatMap((e, i) => (/^finish postings:/.test(e) ? [i] : [])));
    const firstStatementStarted = fake.order.findIndex((e) => /^start statements:/.test(e));
    expect(lastPostingFinished).toBeLessThan(firstStatementStarted);
    expect(fake.order.filter((e) => e.startsWith('finish postings:'))).toHaveLength(2);
    // Two at once, never more.
    expect(fake.maxInFlight()).toBe(2);
    // The same in what the workflow scheduled (independent of how fast the worker took tasks up).
    const windows = await taskWindows(handle);
    expect(windows.filter((w) => w.startsWith('schedule'))).toHaveLength(7);
    expect(Math.max(...windows.flatMap((w, i) => (/^close postings:/.test(w) ? [i] : [])))).toBeLessThan(windows.findIndex((w) => /^schedule statements:/.test(w)));
    expect(mostAtOnce(windows)).toBe(2);

    expect(await searchAttributesOf(handle)).toEqual(findable('completed', 'month-end', '2026-11'));
    await recordHistory(handle, 'report-run-month-end');
  });
});

test('the progress query tells how far a run is: posting, then building, with the tasks done so far', async () => {
  const posting = gate();
  const second = gate();
  const plan = { postings: postings('2026-10', 1), reports: statements('2026-10', 2) };
  const fake = fakeReports({
    plan,
    task: async (task) => {
      if (task.type === 'month-end-postings') {
        await posting.opened;
        return ok({ postedMinor: 40_000 });
      }
      if (task.type === 'owner-statements' && task.ownerIds[0] === '1') await second.opened;
      return ok({ built: 3, existing: 0 });
    },
  });
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, { kind: 'month-end', period: '2026-10', parallelism: 1 });
    try {
      const whilePosting = await until(handle, 'posting', (p) => p.status === 'posting' && fake.taskCalls.length === 1);
      expect(whilePosting).toMatchObject({ kind: 'month-end', period: '2026-10', status: 'posting', tasks: 3, tasksDone: 0, built: 0, existing: 0, withheld: [], failed: [] });
      expect(await searchAttributesOf(handle)).toEqual(findable('running', 'month-end', '2026-10'));
      posting.release();

      const whileBuilding = await until(handle, 'the second statement batch started', (p) => p.status === 'building' && p.tasksDone === 2 && fake.taskCalls.length === 3);
      expect(whileBuilding).toMatchObject({ kind: 'month-end', period: '2026-10', status: 'building', tasks: 3, tasksDone: 2, built: 3, existing: 0, withheld: [], failed: [] });
      expect(fake.order).toEqual(['start postings:0', 'finish postings:0', 'start statements:0', 'finish statements:0', 'start statements:1']);
      second.release();

      expect(await handle.result()).toMatchObject({ status: 'completed', tasks: 3, tasksDone: 3, built: 6 });
      expect(await progressOf(handle)).toMatchObject({ status: 'completed', tasksDone: 3 });
    } finally {
      // Should an assertion fail, let the run finish rather than leave it to be terminated mid-task after
      // the test: that holds the test server's clock still (no more time skipping) for the tests after it.
      posting.release();
      second.release();
      await handle.result().catch(() => undefined);
    }
  });
});

test('a task that keeps failing is retried, then reported by name; the rest of the run is still built', async () => {
  const plan = { postings: postings('2026-09', 1), reports: statements('2026-09', 3) };
  const fake = fakeReports({
    plan,
    task: (task) => {
      // As the real activity does: a batch with a failed item throws a plain (retryable) Error.
      if (task.type === 'owner-statements' && task.ownerIds[0] === '1') throw new Error('owner 1: statement PDF failed to render');
      return ok({ built: task.type === 'owner-statements' ? 2 : 0 });
    },
  });
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, { kind: 'month-end', period: '2026-09', parallelism: 2 });
    const result = await handle.result();

    expect(result).toMatchObject({
      kind: 'month-end',
      period: '2026-09',
      status: 'completed_with_problems',
      tasks: 4,
      tasksDone: 4,
      built: 4,
      existing: 0,
      withheld: [],
      failed: ['owner statements 2026-09 for 2 owners: owner 1: statement PDF failed to render'],
    });
    // The workflow's retry policy: six attempts (their backoff skipped by the test server), and no more.
    expect(fake.attempts.get('statements:1')).toBe(6);
    expect(fake.attempts.get('statements:0')).toBe(1);
    expect(fake.attempts.get('statements:2')).toBe(1);
    expect(await searchAttributesOf(handle)).toEqual(findable('completed_with_problems', 'month-end', '2026-09'));
  });
});

test('a withheld report completes the run with problems and names what was withheld', async () => {
  const withheld = 'delinquency 2026-11-30 USD: aging total 1,250.00 does not match the ledger receivable 1,300.00';
  const plan = { postings: [], reports: [{ type: 'portfolio-report' as const, kind: 'delinquency' as const, asOf: '2026-11-30' }] };
  const fake = fakeReports({ plan, task: () => ok({ built: 1, withheld: [withheld] }) });
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, { kind: 'delinquency', period: '2026-11-30' });
    expect(await handle.result()).toMatchObject({
      kind: 'delinquency',
      period: '2026-11-30',
      status: 'completed_with_problems',
      tasks: 1,
      tasksDone: 1,
      built: 1,
      existing: 0,
      withheld: [withheld],
      failed: [],
    });
    expect(fake.taskCalls.map((c) => c.task)).toEqual(['delinquency:2026-11-30']);
    expect(await searchAttributesOf(handle)).toEqual(findable('completed_with_problems', 'delinquency', '2026-11-30'));
  });
});

test('a difference a check finds in the books completes the run with problems and is listed', async () => {
  const difference = 'property 4f1c: cash 800.00 USD below the deposits it holds 1,000.00 USD';
  const plan = { postings: [], reports: [{ type: 'portfolio-report' as const, kind: 'rent-roll' as const, asOf: '2026-12-02' }] };
  const fake = fakeReports({ plan, task: () => ok({ built: 1, differences: [difference] }) });
  await withWorker(fake.activities, async (taskQueue) => {
    const handle = await start(taskQueue, { kind: 'rent-roll', period: '2026-12-02' });
    expect(await handle.result()).toMatchObject({ status: 'completed_with_problems', built: 1, withheld: [], failed: [], differences: [difference] });
    expect(await searchAttributesOf(handle)).toEqual(findable('completed_with_problems', 'rent-roll', '2026-12-02'));
  });
});

test("a run without a period asks for the period of its Schedule's nominal time in its time zone, or of its start in UTC, and runs that period", async () => {
  const plan = { postings: postings('2026-11', 1), reports: statements('2026-11', 1) };
  const fake = fakeReports({ plan, period: '2026-11', task: (task) => ok({ existing: task.type === 'owner-statements' ? 2 : 0 }) });
  await withWorker(fake.activities, async (taskQueue) => {
    // As a Schedule starts it, in the organization's time zone: the period is of its nominal time, not of when the run
    // happened to start (a run started late, after an outage, is still for the nominal time's period).
    const nominal = new Date('2026-12-01T06:00:00.000Z');
    const scheduled = await env.client.workflow
      .start<ReportRunWorkflow>(REPORT_RUN_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `${reportRunScheduleId(taskQueue, 'month-end')}-${nominal.toISOString()}`,
        args: [{ kind: 'month-end', timeZone: 'America/Chicago' }],
        typedSearchAttributes: [{ key: ScheduledStartTimeKey, value: nominal }],
      })
      .then(endsWithTest);
    expect(await scheduled.result()).toMatchObject({ kind: 'month-end', period: '2026-11', status: 'completed', tasks: 2, tasksDone: 2, built: 0, existing: 2, withheld: [], failed: [] });
    expect(fake.periodCalls).toEqual([{ kind: 'month-end', scheduledAt: nominal.toISOString(), timeZone: 'America/Chicago' }]);
    expect(fake.planCalls).toEqual([{ kind: 'month-end', period: '2026-11' }]);
    expect(await searchAttributesOf(scheduled)).toEqual(findable('completed', 'month-end', '2026-11'));

    // Started by hand with neither: the run's start, in UTC.
    const byHand = await start(taskQueue, { kind: 'month-end' });
    expect(await byHand.result()).toMatchObject({ period: '2026-11', status: 'completed' });
    const startedAt = (await byHand.describe()).startTime.toISOString();
    expect(fake.periodCalls[1]).toMatchObject({ kind: 'month-end', scheduledAt: startedAt, timeZone: 'UTC' });
  });
});

/** With RECORD_HISTORIES=1, writes the run's history to test/fixtures/histories for the replay test. */
async function recordHistory(handle: WorkflowHandle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.writeFileSync(path.join(__dirname, `../fixtures/histories/${name}.json`), historyToJSON(await handle.fetchHistory()));
}
