/**
 * Work-order benchmark (issue 9): work orders raised through the HTTP API and
 * left waiting on their SLA timers, on the development profile's services
 * (started or reused: Postgres, the Temporal dev server, localstripe,
 * Elasticsearch, the SMTP sink).
 *
 *   npm run bench:work-orders [-- --work-orders 10000 --deadlines 1000 --concurrency 50 --baseline 100 --idle-s 60 --spread-s 0]
 *
 * It prints figures; it asserts nothing. Like bench/purchase-bench.ts (whose
 * helpers it shares: bench/support.ts) it works in a database of its own
 * (bench_workorder_<stamp>, dropped at the end unless BENCH_KEEP_DB=1), task
 * queues and an index prefix bench-w<stamp>, and runs the processes as
 * deployed: the worker (workers/main.ts) and the API (api/main.ts, on a free
 * port) as child processes. The load generator is this process, a client over
 * HTTP like any other.
 *
 * Seeded in Postgres (not timed): an owner, a manager (the properties'
 * manager, who raises every request: already triaged, so each work order goes
 * straight to the vendor directory), a property per 10 waiting work orders
 * (the platform's default maintenance policy) and a property per deadline
 * work order. The directory has no contractor, so every work order goes
 * `unassigned` (the managers are told) and waits for a manager: its SLA
 * timers keep running (routine: resolution in 10 business days by default,
 * alerts at 50% and 80%, escalation at 100%).
 *
 * 0. Baseline: --baseline (100) work orders raised one at a time: latency without contention.
 * 1. Creation: --work-orders (10,000) raised with --concurrency (50) in flight: requests/s
 *    answered 202, their latency, then the time until every one is recorded `unassigned`
 *    (its workflow waiting); the worker's RSS against the number waiting as they pile up.
 * 2. Waiting: for --idle-s (60 s) with all of them waiting, the worker's and the API's
 *    RSS and CPU (the operations worker caches at most 250 workflows by default, so its memory
 *    must not grow with the number waiting).
 * 3. Same-minute deadlines: --deadlines (1,000) more, each on a property of its own whose
 *    policy (properties.maintenance_policy: routine resolution within a fractional number
 *    of hours) is set just before its request so that its resolution deadline falls at
 *    the start of one chosen minute (the first whole minute at least twice the burst's
 *    expected time, at phase 1's rate from first request to all waiting, plus a minute
 *    away), spread over --spread-s seconds of it (0: all at the same instant, the
 *    hardest case).
 *    Then the time until every one is escalated: the workflow's timer fires, it records
 *    the breach in its history and search attribute (SlaBreached) and writes the row
 *    (work_orders.sla_breached, state); "recorded" is the row's updated_at when
 *    sla_breached is true (nothing else changes the row after the escalation), against
 *    the deadline the workflow computed (state.sla[resolved].dueAt). For a sample the
 *    workflow's own history entry ("missed the resolved deadline") is read too, to split
 *    the lateness into timer-to-workflow and workflow-to-row.
 *
 * Flags win over the environment: BENCH_WORK_ORDERS, BENCH_DEADLINES (0 skips phase 3),
 * BENCH_CONCURRENCY, BENCH_BASELINE (0 skips it), BENCH_IDLE_S, BENCH_DEADLINE_SPREAD_S;
 * and BENCH_SETTLE_TIMEOUT_MS (60 min: for every work order to be waiting),
 * BENCH_ESCALATION_TIMEOUT_S (600: after the last deadline), BENCH_TIMEOUT_MS (whole run,
 * 180 min), BENCH_QUIET_WAIT_MS (90 s: how long to wait for other work on the machine to
 * stop first), BENCH_KEEP_DB, BENCH_WORKER_NODE_ARGS (extra node flags for the worker).
 *
 * At the end every work-order workflow of the run still open is terminated (they would
 * otherwise wait for ten business days on task queues nobody polls), and so are any
 * e-mail deliveries still running.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { QueryTypes, type Sequelize } from 'sequelize';
import { signToken } from '../lib/auth-token';
import { parseConfig, type Config } from '../lib/config';
import { migrateUp } from '../models/migrator';
import { WORK_ORDER_CATEGORIES, workOrderStateQuery, workOrderWorkflowId, type SlaState } from '../contracts/work-order';
import type { MaintenancePolicyOverride } from '../domain/work-order/policy';
import {
  Api,
  benchEnvironment,
  cpuByGroup,
  fmt,
  killChildren,
  machineDescription,
  out,
  printCpuGroups,
  readProcs,
  say,
  setting,
  sleep,
  startPlatform,
  stats,
  waitForQuiet,
  type Proc,
  type Sample,
} from './support';

// ---------------------------------------------------------------- settings

const { values: flags } = parseArgs({
  options: {
    'work-orders': { type: 'string' },
    deadlines: { type: 'string' },
    concurrency: { type: 'string' },
    baseline: { type: 'string' },
    'idle-s': { type: 'string' },
    'spread-s': { type: 'string' },
  },
});
const WORK_ORDERS = setting(flags['work-orders'], 'BENCH_WORK_ORDERS', 10_000);
const DEADLINES = setting(flags.deadlines, 'BENCH_DEADLINES', 1_000, 0);
const CONCURRENCY = setting(flags.concurrency, 'BENCH_CONCURRENCY', 50);
const BASELINE = setting(flags.baseline, 'BENCH_BASELINE', 100, 0);
const IDLE_S = setting(flags['idle-s'], 'BENCH_IDLE_S', 60, 0);
const SPREAD_S = Math.min(59, setting(flags['spread-s'], 'BENCH_DEADLINE_SPREAD_S', 0, 0));
const SETTLE_TIMEOUT_MS = setting(undefined, 'BENCH_SETTLE_TIMEOUT_MS', 60 * 60_000);
const ESCALATION_TIMEOUT_S = setting(undefined, 'BENCH_ESCALATION_TIMEOUT_S', 600);
const TIMEOUT_MS = setting(undefined, 'BENCH_TIMEOUT_MS', 180 * 60_000);
/** How long to wait for other work on the machine (tests, lint) to stop before measuring. */
const QUIET_WAIT_MS = setting(undefined, 'BENCH_QUIET_WAIT_MS', 90_000, 0);
/** Waiting work orders per seeded property. */
const PER_PROPERTY = 10;
/** The history sample of phase 3. */
const ESCALATION_SAMPLE = 20;
/** A deadline request is not sent when its window would be shorter than this (the burst overran the chosen minute). */
const MIN_WINDOW_MS = 20_000;

const GOAL_CREATED_PER_S = 50;
const GOAL_WORKER_RSS_MIB = 1024;
const GOAL_LATENESS_S = 60;

const stamp = Date.now().toString(36);
const prefix = `bench-w${stamp}`;
const database = `bench_workorder_${stamp}`;

/** Set by the total timeout or Ctrl-C: no new request starts, waits give up, what was measured is reported. */
let aborting: string | undefined;

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------- raising work orders

interface Person {
  id: string;
  token: string;
}

interface Raised {
  ok: boolean;
  workOrderId?: string;
  error?: string;
  ms: number;
  /** For phase 3: the deadline it was raised for (epoch ms). */
  target?: number;
}

const ROUTE = 'POST /maintenance-requests';

/** One maintenance request as the property's manager raises it: routine, already triaged, with an Idempotency-Key like any careful client. */
async function raise(api: Api, manager: Person, propertyId: string, k: number, what: string): Promise<Raised> {
  const t = performance.now();
  try {
    const body = await api.post<{ workOrderId: string }>(
      ROUTE,
      '/v1/maintenance-requests',
      manager.token,
      {
        propertyId,
        category: WORK_ORDER_CATEGORIES[k % WORK_ORDER_CATEGORIES.length],
        description: `Benchmark ${what} #${k}: the kitchen tap drips`,
        priority: 'routine',
        permissionToEnter: true,
      },
      202,
      { 'idempotency-key': randomUUID() },
    );
    return { ok: true, workOrderId: body.workOrderId, ms: performance.now() - t };
  } catch (err) {
    return { ok: false, error: (err as Error).message, ms: performance.now() - t };
  }
}

/** Runs `n` jobs with `concurrency` in flight; progress every 15 s. */
async function drive(n: number, concurrency: number, label: string, job: (k: number) => Promise<Raised | undefined>) {
  const results: Raised[] = [];
  let next = 0;
  let skipped = 0;
  const t0 = performance.now();
  const progress = setInterval(() => {
    const ok = results.filter((r) => r.ok).length;
    const s = (performance.now() - t0) / 1000;
    say(`${label}: ${ok} raised, ${results.length - ok} failed after ${fmt(s, 0)} s (${fmt(ok / s)}/s so far)`);
  }, 15_000);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n && !aborting) {
        const k = next++;
        const r = await job(k);
        if (!r) {
          skipped++;
          continue;
        }
        if (!r.ok && results.filter((x) => !x.ok).length < 5) say(`${label}: request ${k} failed: ${r.error}`);
        results.push(r);
      }
    }),
  );
  clearInterval(progress);
  return { wallMs: performance.now() - t0, results, skipped };
}

// ---------------------------------------------------------------- seeding (Postgres, not timed)

async function seed(db: Sequelize, config: Config, waitingProperties: number, deadlineProperties: number) {
  const one = async (email: string, name: string, role: string) => {
    const [row] = await db.query<{ id: string }>(`insert into users (id, email, name, roles, created_at, updated_at) values (gen_random_uuid(), $1, $2, array[$3]::text[], now(), now()) returning id`, {
      bind: [email, name, role],
      type: QueryTypes.SELECT,
    });
    return row!.id;
  };
  const ownerId = await one(`owner@${prefix}.bench.trilight.local`, 'Olive Owner', 'owner');
  const managerId = await one(`manager@${prefix}.bench.trilight.local`, 'Mo Manager', 'manager');
  const properties = async (kind: string, n: number) => {
    if (n === 0) return [];
    const rows = await db.query<{ id: string; g: number }>(
      `insert into properties (id, owner_id, manager_id, type, address_line1, city, region, postal_code, country, lat, lon, bedrooms, bathrooms, living_area_sqft, year_built, external_ref, created_at, updated_at)
       select gen_random_uuid(), $3, $4, 'house', g || ' ' || $5 || ' Lane', 'Ames', 'IA', '50010', 'US', 42.0 + g * 0.00001, -93.6, 3, 2, 1500, 2005, $1 || ':' || $5 || ':' || g, now(), now()
         from generate_series(1, $2) g
       returning id, split_part(external_ref, ':', 3)::int as g`,
      { bind: [prefix, n, ownerId, managerId, kind], type: QueryTypes.SELECT },
    );
    return rows.sort((a, b) => a.g - b.g).map((r) => r.id);
  };
  const waiting = await properties('Waiting', waitingProperties);
  const deadline = await properties('Deadline', deadlineProperties);
  const manager: Person = { id: managerId, token: await signToken(config.api.jwtSecret, managerId, ['manager']) };
  return { manager, waiting, deadline };
}

// ---------------------------------------------------------------- the worker's memory as work orders pile up

interface Point {
  atS: number;
  raised: number;
  waiting: number;
  workerRssMiB: number;
  apiRssMiB: number;
}

/** Every 2 s: how many are raised (the caller's count) and waiting (rows `unassigned`), and the processes' RSS. */
function sampler(db: Sequelize, worker: Proc, api: Proc, raised: () => number) {
  const points: Point[] = [];
  const t0 = performance.now();
  let running = true;
  const done = (async () => {
    while (running) {
      const [row] = await db.query<{ n: string }>(`select count(*) as n from work_orders where status = 'unassigned'`, { type: QueryTypes.SELECT });
      points.push({ atS: (performance.now() - t0) / 1000, raised: raised(), waiting: Number(row!.n), workerRssMiB: worker.rssMiB(), apiRssMiB: api.rssMiB() });
      await sleep(2000);
    }
  })();
  return {
    points,
    async stop() {
      running = false;
      await done;
      return points;
    },
  };
}

const waitingCount = async (db: Sequelize, ids?: string[]) => {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from work_orders where status = 'unassigned'${ids ? ' and id = any($1::uuid[])' : ''}`, {
    bind: ids ? [ids] : [],
    type: QueryTypes.SELECT,
  });
  return Number(row!.n);
};

/** Until `n` work orders (of `ids`, or all) are recorded `unassigned`; the time it took, or undefined on a timeout. */
async function untilWaiting(db: Sequelize, n: number, label: string, ids?: string[]) {
  const t0 = performance.now();
  let said = t0;
  for (;;) {
    const w = await waitingCount(db, ids);
    if (w >= n) return performance.now() - t0;
    if (aborting || performance.now() - t0 > SETTLE_TIMEOUT_MS) {
      say(`${label}: gave up with ${w} of ${n} waiting${aborting ? `: ${aborting}` : ' (BENCH_SETTLE_TIMEOUT_MS)'}`);
      return undefined;
    }
    if (performance.now() - said > 15_000) {
      said = performance.now();
      say(`${label}: ${w} of ${n} waiting`);
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------- figures

interface CreationFigures {
  label: string;
  requested: number;
  concurrency: number;
  wallMs: number;
  results: Raised[];
  samples: Sample[];
  /** From the last answer until every one raised is recorded waiting; undefined when that timed out. */
  settleMs?: number;
  workerCpu: number;
  apiCpu: number;
  workerPeakRssMiB: number;
  apiPeakRssMiB: number;
  cpuGroups: [string, number][];
  points?: Point[];
}

interface IdleFigures {
  /** The worker's RSS once it was ready, before any work order. */
  restRssMiB: number;
  seconds: number;
  waiting: number;
  rss: number[];
  apiRss: number[];
  workerCpu: number;
  apiCpu: number;
  workerHwmMiB: number;
  cpuGroups: [string, number][];
}

interface Deadline {
  workOrderId: string;
  dueAt: number;
  /** When the row was written with sla_breached = true (epoch ms); undefined when it was not escalated in time. */
  recordedAt?: number;
}

interface DeadlineFigures {
  creation: CreationFigures;
  skipped: number;
  /** The burst's work orders were all waiting only after the minute began. */
  settledAfterMinute: boolean;
  minute: number;
  deadlines: Deadline[];
  /** From the deadline minute's start until the phase ended. */
  waitedMs: number;
  workerCpu: number;
  workerRssMaxMiB: number;
  cpuGroups: [string, number][];
  sample: { workflowLateMs: number; rowLateMs: number }[];
  searchAttributeCount?: number;
}

const okOf = (c: CreationFigures) => c.results.filter((r) => r.ok);
const ratePerS = (c: CreationFigures) => okOf(c).length / (c.wallMs / 1000);
const lateness = (d: DeadlineFigures) => d.deadlines.filter((x) => x.recordedAt !== undefined).map((x) => (x.recordedAt! - x.dueAt) / 1000);

function printCreation(c: CreationFigures) {
  const ok = okOf(c);
  const lat = stats(c.samples.filter((s) => s.route === ROUTE).map((s) => s.ms));
  out();
  out(`${c.label}: ${c.requested} work orders, ${c.concurrency} in flight`);
  out(`  raised (202) ${ok.length}, failed ${c.results.length - ok.length}, not sent ${c.requested - c.results.length}; wall ${fmt(c.wallMs / 1000)} s (first request to last answer)`);
  out(`  CREATION RATE through the API: ${fmt(ratePerS(c))} work orders/s (goal >= ${GOAL_CREATED_PER_S})`);
  out(`  ${ROUTE} latency (client side): p50 ${fmt(lat.p50, 0)} ms, p95 ${fmt(lat.p95, 0)} ms, max ${fmt(lat.max, 0)} ms`);
  const codes = new Map<number, number>();
  for (const s of c.samples) if (s.status !== 202) codes.set(s.status, (codes.get(s.status) ?? 0) + 1);
  if (codes.size) out(`  answers other than 202: ${[...codes].map(([code, n]) => `${n}x ${code}`).join(', ')}`);
  if (c.settleMs !== undefined) {
    const total = (c.wallMs + c.settleMs) / 1000;
    out(`  every one recorded waiting (unassigned) ${fmt(c.settleMs / 1000)} s after the last answer: ${fmt(ok.length / total)} work orders/s from first request to all waiting`);
  } else {
    out('  NOT every one was recorded waiting in time (BENCH_SETTLE_TIMEOUT_MS)');
  }
  const secs = (c.wallMs + (c.settleMs ?? 0)) / 1000;
  out(`  worker process: ${fmt(c.workerCpu)} CPU s (${fmt((c.workerCpu / secs) * 100, 0)}% of one core), peak RSS ${fmt(c.workerPeakRssMiB, 0)} MiB`);
  out(`  API process:    ${fmt(c.apiCpu)} CPU s (${fmt((c.apiCpu / secs) * 100, 0)}% of one core), peak RSS ${fmt(c.apiPeakRssMiB, 0)} MiB`);
  printCpuGroups(c.cpuGroups, secs);
  const ours = c.cpuGroups.filter(([g]) => !g.endsWith('(not ours)') && g !== 'load generator (this)');
  const each = ours.reduce((a, [, s]) => a + s, 0) / Math.max(1, ok.length);
  out(`  platform CPU ms per work order raised and waiting (the load generator aside): ${fmt(each * 1000, 0)} (${ours.map(([g, s]) => `${g} ${fmt((s / Math.max(1, ok.length)) * 1000, 0)}`).join(', ')})`);
  out(`    -> at most ${fmt(os.cpus().length / each, 0)} work orders/s if every core did nothing else`);
  const failures = c.results.filter((r) => !r.ok);
  if (failures.length) {
    out('  failures (first 5):');
    for (const f of failures.slice(0, 5)) out(`    ${f.error}`);
  }
  if (c.points?.length) printPoints(c.points);
}

/** The worker's RSS as the work orders pile up: about a dozen rows, and the growth over the second half. */
function printPoints(points: Point[]) {
  out('  the worker\'s RSS as work orders pile up (every 2 s, about a dozen rows shown):');
  out(`    ${'s'.padStart(6)} ${'raised'.padStart(8)} ${'waiting'.padStart(8)} ${'worker RSS MiB'.padStart(15)} ${'API RSS MiB'.padStart(12)}`);
  const step = Math.max(1, Math.ceil(points.length / 12));
  const shown = points.filter((_, k) => k % step === 0 || k === points.length - 1);
  for (const p of shown) out(`    ${fmt(p.atS, 0).padStart(6)} ${String(p.raised).padStart(8)} ${String(p.waiting).padStart(8)} ${fmt(p.workerRssMiB, 0).padStart(15)} ${fmt(p.apiRssMiB, 0).padStart(12)}`);
  // Least squares of RSS on the number waiting, over the samples with at least half of them waiting.
  const last = points.at(-1)!;
  const half = points.filter((p) => p.waiting >= last.waiting / 2);
  const span = half.length ? last.waiting - half[0]!.waiting : 0;
  if (half.length >= 3 && span >= 100) {
    const mx = half.reduce((a, p) => a + p.waiting, 0) / half.length;
    const my = half.reduce((a, p) => a + p.workerRssMiB, 0) / half.length;
    const slope = half.reduce((a, p) => a + (p.waiting - mx) * (p.workerRssMiB - my), 0) / half.reduce((a, p) => a + (p.waiting - mx) ** 2, 0);
    out(`    worker RSS growth over the second half (${half[0]!.waiting} -> ${last.waiting} waiting, least squares): ${fmt(slope * 1000)} MiB per 1,000 more waiting`);
  }
}

function printIdle(i: IdleFigures) {
  const rss = stats(i.rss);
  const apiRss = stats(i.apiRss);
  out();
  out(`2. Waiting: ${i.waiting} work orders waiting (unassigned, SLA timers running), sampled every second for ${fmt(i.seconds, 0)} s`);
  out(`  WORKER RSS with ${i.waiting} waiting: mean ${fmt(rss.mean, 0)} MiB, max ${fmt(rss.max, 0)} MiB (goal < ${GOAL_WORKER_RSS_MIB} MiB); first ${fmt(i.rss[0] ?? NaN, 0)}, last ${fmt(i.rss.at(-1) ?? NaN, 0)} MiB; peak since it started (VmHWM) ${fmt(i.workerHwmMiB, 0)} MiB`);
  out(`  worker RSS when it was ready, before any work order: ${fmt(i.restRssMiB, 0)} MiB (so ${fmt(rss.mean - i.restRssMiB, 0)} MiB more with them waiting)`);
  out(`  worker CPU while they wait: ${fmt(i.workerCpu)} CPU s (${fmt((i.workerCpu / i.seconds) * 100, 1)}% of one core)`);
  out(`  API RSS mean ${fmt(apiRss.mean, 0)} MiB; CPU ${fmt(i.apiCpu)} s`);
  printCpuGroups(i.cpuGroups, i.seconds);
}

function printDeadlines(d: DeadlineFigures) {
  printCreation(d.creation);
  const dues = d.deadlines.map((x) => x.dueAt).sort((a, b) => a - b);
  const escalated = d.deadlines.filter((x) => x.recordedAt !== undefined);
  const late = stats(lateness(d));
  const lastRecorded = Math.max(...escalated.map((x) => x.recordedAt!));
  out();
  out(`3. Same-minute deadlines: ${d.deadlines.length} work orders whose resolution deadline falls in the minute from ${iso(d.minute)}${SPREAD_S ? ` (spread over its first ${SPREAD_S} s)` : ' (all at its start)'}`);
  if (d.settledAfterMinute) out('  NOTE: the burst\'s work orders were not all waiting (recorded unassigned) when the minute began: its backlog is part of the lateness');
  if (d.skipped) out(`  ${d.skipped} not sent: the burst overran, their window would have been under ${MIN_WINDOW_MS / 1000} s`);
  if (dues.length) out(`  the deadlines the workflows computed: ${iso(dues[0]!)} to ${iso(dues.at(-1)!)} (${fmt((dues.at(-1)! - dues[0]!) / 1000, 2)} s apart)`);
  out(`  escalated and recorded ${escalated.length} of ${d.deadlines.length}${escalated.length < d.deadlines.length ? ` (the others not within ${ESCALATION_TIMEOUT_S} s of the last deadline)` : ''}`);
  if (escalated.length) {
    out(`  TIME UNTIL EVERY ONE IS ESCALATED: the last recorded ${fmt((lastRecorded - dues[0]!) / 1000)} s after the first deadline (${fmt((lastRecorded - d.minute) / 1000)} s after the minute began)`);
    out(`  each one's lateness (row written with sla_breached minus its deadline): p50 ${fmt(late.p50)} s, p95 ${fmt(late.p95)} s, max ${fmt(late.max)} s; within ${GOAL_LATENESS_S} s: ${lateness(d).filter((s) => s <= GOAL_LATENESS_S).length} of ${d.deadlines.length} (goal: all)`);
  }
  if (d.sample.length) {
    const wf = stats(d.sample.map((s) => s.workflowLateMs / 1000));
    const row = stats(d.sample.map((s) => s.rowLateMs / 1000));
    out(`  a sample of ${d.sample.length}: the workflow's history entry "missed the resolved deadline" p50 ${fmt(wf.p50, 2)} s, max ${fmt(wf.max, 2)} s after the deadline; its row p50 ${fmt(row.p50, 2)} s, max ${fmt(row.max, 2)} s after`);
  }
  if (d.searchAttributeCount !== undefined) out(`  visibility: ${d.searchAttributeCount} work-order workflows of the run with SlaBreached = true`);
  const secs = d.waitedMs / 1000;
  out(`  worker from the minute's start to the end of the phase (${fmt(secs, 0)} s): ${fmt(d.workerCpu)} CPU s (${fmt((d.workerCpu / Math.max(1, secs)) * 100, 0)}% of one core); worker RSS max over the phase ${fmt(d.workerRssMaxMiB, 0)} MiB`);
  printCpuGroups(d.cpuGroups, Math.max(1, secs));
}

function printMarkdown(main: CreationFigures | undefined, idle: IdleFigures | undefined, dl: DeadlineFigures | undefined, base: CreationFigures | undefined, machine: string) {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  out();
  out('Markdown (for the README)');
  out();
  out('| Metric | Goal | Measured | Met |');
  out('|---|---|---|---|');
  if (main) {
    const lat = stats(main.samples.filter((s) => s.route === ROUTE).map((s) => s.ms));
    out(
      `| ${main.requested} work orders raised through the API (POST /v1/maintenance-requests), ${main.concurrency} in flight | ≥ ${GOAL_CREATED_PER_S}/s | ${fmt(ratePerS(main))}/s (p50 ${fmt(lat.p50, 0)} ms, p95 ${fmt(lat.p95, 0)} ms; ${okOf(main).length} raised, ${main.results.length - okOf(main).length} failed) | ${yes(ratePerS(main) >= GOAL_CREATED_PER_S)} |`,
    );
    if (main.settleMs !== undefined) out(`| — every one waiting (unassigned) | — | ${fmt(main.settleMs / 1000)} s after the last answer | — |`);
  }
  if (idle) {
    const rss = stats(idle.rss);
    out(`| Worker RSS with ${idle.waiting} work orders waiting (${fmt(idle.seconds, 0)} s sampled) | < ${GOAL_WORKER_RSS_MIB} MiB | max ${fmt(rss.max, 0)} MiB (mean ${fmt(rss.mean, 0)}; peak since start ${fmt(idle.workerHwmMiB, 0)}) | ${yes(rss.max < GOAL_WORKER_RSS_MIB)} |`);
    out(`| — worker RSS when ready, before any work order | — | ${fmt(idle.restRssMiB, 0)} MiB | — |`);
    out(`| — worker CPU while they wait | — | ${fmt((idle.workerCpu / idle.seconds) * 100, 1)}% of one core | — |`);
  }
  if (dl) {
    const late = stats(lateness(dl));
    const all = dl.deadlines.length;
    const within = lateness(dl).filter((s) => s <= GOAL_LATENESS_S).length;
    out(`| ${all} deadlines in the same minute: escalations recorded within ${GOAL_LATENESS_S} s of their deadline | all | ${within} of ${all}; lateness p50 ${fmt(late.p50)} s, p95 ${fmt(late.p95)} s, max ${fmt(late.max)} s | ${yes(all > 0 && within === all)} |`);
  }
  if (base && okOf(base).length) {
    const lat = stats(base.samples.filter((s) => s.route === ROUTE).map((s) => s.ms));
    out(`| Baseline: ${base.requested} raised one at a time: p50 / p95 | — | ${fmt(lat.p50, 0)} / ${fmt(lat.p95, 0)} ms (${fmt(ratePerS(base))}/s) | — |`);
  }
  out();
  out(`Machine: ${machine}`);
  out();
}

// ---------------------------------------------------------------- phase 3: the deadlines

async function deadlinePhase(o: {
  db: Sequelize;
  client: Client;
  config: Config;
  worker: Proc;
  api: Proc;
  apiUrl: string;
  manager: Person;
  properties: string[];
  expectedRate: number;
  operationsQueue: string;
}): Promise<DeadlineFigures> {
  const { db, client, config, worker, api, manager, properties } = o;
  const n = properties.length;
  // The minute: after the burst (estimated from the rate seen, twice over) and a minute more, at its start.
  const burstEstimateMs = (n / Math.max(1, o.expectedRate)) * 1000;
  const minute = Math.ceil((Date.now() + 2 * burstEstimateMs + 60_000) / 60_000) * 60_000;
  const targetOf = (k: number) => minute + Math.floor((k * SPREAD_S * 1000) / n);
  say(`deadlines: ${n} work orders due at ${iso(minute)}${SPREAD_S ? ` (+ up to ${SPREAD_S} s)` : ''}, ${fmt((minute - Date.now()) / 1000, 0)} s from now`);

  const apiClient = new Api(o.apiUrl);
  const [w0, a0] = [worker.cpuSeconds(), api.cpuSeconds()];
  const procs0 = readProcs();
  let rssMax = 0;
  const rss = setInterval(() => {
    rssMax = Math.max(rssMax, worker.rssMiB());
  }, 1000);
  const run = await drive(n, CONCURRENCY, 'deadlines', async (k) => {
    const target = targetOf(k);
    const windowMs = target - Date.now();
    if (windowMs < MIN_WINDOW_MS) return undefined;
    // The window is read when the request is raised: set just before, so the deadline lands at the target (a few ms late).
    const policy: MaintenancePolicyOverride = { sla: { routine: { resolved: { hours: windowMs / 3_600_000 } } } };
    await db.query(`update properties set maintenance_policy = $1::jsonb where id = $2`, { bind: [JSON.stringify(policy), properties[k]!] });
    return { ...(await raise(apiClient, manager, properties[k]!, k, 'deadline')), target };
  });
  const ids = run.results.filter((r) => r.ok).map((r) => r.workOrderId!);
  say(`deadlines: ${ids.length} raised in ${fmt(run.wallMs / 1000)} s${run.skipped ? `, ${run.skipped} not sent (too late)` : ''}; ${fmt((minute - Date.now()) / 1000, 0)} s to the minute`);
  const settleMs = await untilWaiting(db, ids.length, 'deadlines', ids);
  // Settled only after the minute began: the burst's backlog is part of the lateness.
  const settledAfterMinute = Date.now() > minute;
  const creation: CreationFigures = {
    label: '3a. The deadline work orders\' burst',
    requested: n,
    concurrency: CONCURRENCY,
    wallMs: run.wallMs,
    results: run.results,
    samples: apiClient.samples,
    settleMs,
    workerCpu: worker.cpuSeconds() - w0,
    apiCpu: api.cpuSeconds() - a0,
    workerPeakRssMiB: Math.max(worker.peakRssMiB(), rssMax),
    apiPeakRssMiB: api.peakRssMiB(),
    cpuGroups: cpuByGroup(procs0, readProcs(), { worker: worker.pid, api: api.pid }, config),
  };
  say(`deadlines: all waiting; ${fmt((minute - Date.now()) / 1000, 0)} s to the minute (${iso(minute)})`);

  while (Date.now() < minute && !aborting) await sleep(Math.min(1000, minute - Date.now()));
  const w1 = worker.cpuSeconds();
  const procs1 = readProcs();
  const t1 = Date.now();
  const lastTarget = targetOf(n - 1);
  let said = Date.now();
  for (;;) {
    const [row] = await db.query<{ n: string }>(`select count(*) as n from work_orders where sla_breached and id = any($1::uuid[])`, { bind: [ids], type: QueryTypes.SELECT });
    const escalated = Number(row!.n);
    if (escalated >= ids.length) break;
    if (aborting || Date.now() > lastTarget + ESCALATION_TIMEOUT_S * 1000) {
      say(`deadlines: gave up with ${escalated} of ${ids.length} escalated${aborting ? `: ${aborting}` : ` (BENCH_ESCALATION_TIMEOUT_S=${ESCALATION_TIMEOUT_S})`}`);
      break;
    }
    if (Date.now() - said > 10_000) {
      said = Date.now();
      say(`deadlines: ${escalated} of ${ids.length} escalated, ${fmt((Date.now() - minute) / 1000, 0)} s after the minute began`);
    }
    await sleep(250);
  }
  clearInterval(rss);
  const waitedMs = Date.now() - t1;
  const workerCpu = worker.cpuSeconds() - w1;
  const cpuGroups = cpuByGroup(procs1, readProcs(), { worker: worker.pid, api: api.pid }, config);

  const rows = await db.query<{ id: string; sla: SlaState[]; sla_breached: boolean; recorded_ms: string }>(
    `select id, state->'sla' as sla, sla_breached, (extract(epoch from updated_at) * 1000)::bigint as recorded_ms from work_orders where id = any($1::uuid[])`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  const deadlines: Deadline[] = rows.map((r) => {
    const due = r.sla.find((s) => s.target === 'resolved')?.dueAt;
    return { workOrderId: r.id, dueAt: due ? Date.parse(due) : NaN, ...(r.sla_breached ? { recordedAt: Number(r.recorded_ms) } : {}) };
  });
  // The sample: when the workflow itself escalated (its history entry, from the query), against when its row was written.
  const sample: DeadlineFigures['sample'] = [];
  const escalated = deadlines.filter((d) => d.recordedAt !== undefined);
  const step = Math.max(1, Math.floor(escalated.length / ESCALATION_SAMPLE));
  for (const d of escalated.filter((_, k) => k % step === 0).slice(0, ESCALATION_SAMPLE)) {
    try {
      const state = await client.workflow.getHandle(workOrderWorkflowId(d.workOrderId)).query(workOrderStateQuery);
      const entry = state.history.find((e) => e.event.startsWith('missed the resolved deadline'));
      if (entry) sample.push({ workflowLateMs: Date.parse(entry.at) - d.dueAt, rowLateMs: d.recordedAt! - d.dueAt });
    } catch {
      // a query is best effort
    }
  }
  let searchAttributeCount: number | undefined;
  try {
    searchAttributeCount = (await client.workflow.count(`TaskQueue = '${o.operationsQueue}' AND SlaBreached = true`)).count;
  } catch {
    // visibility is best effort
  }
  return { creation, skipped: run.skipped, settledAfterMinute, minute, deadlines, waitedMs, workerCpu, workerRssMaxMiB: rssMax, cpuGroups, sample, ...(searchAttributeCount === undefined ? {} : { searchAttributeCount }) };
}

// ---------------------------------------------------------------- main

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function main() {
  const began = performance.now();
  const machine = machineDescription();
  say(
    `work-order benchmark on ${machine}: ${BASELINE} baseline work orders one at a time, then ${WORK_ORDERS} with ${CONCURRENCY} in flight, ${IDLE_S} s of waiting, then ${DEADLINES} deadlines in the same minute`,
  );
  const timer = setTimeout(() => {
    aborting = `the total timeout of ${TIMEOUT_MS / 1000} s was reached`;
  }, TIMEOUT_MS);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      aborting = `interrupted (${signal})`;
    });
  }

  const bench = await benchEnvironment(database, prefix, CONCURRENCY + 4);
  const { config, db, client, queues } = bench;
  let worker: Proc | undefined;
  let api: Proc | undefined;
  let baselineFigures: CreationFigures | undefined;
  let mainFigures: CreationFigures | undefined;
  let idleFigures: IdleFigures | undefined;
  let deadlineFigures: DeadlineFigures | undefined;
  const checks: string[] = [];
  try {
    await migrateUp(db);
    const waitingProperties = Math.max(1, Math.ceil((BASELINE + WORK_ORDERS) / PER_PROPERTY));
    say(`seeding an owner, a manager, ${waitingProperties} properties for the waiting work orders and ${DEADLINES} for the deadlines; no contractor`);
    const { manager, waiting, deadline } = await seed(db, config, waitingProperties, DEADLINES);

    const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const platform = await startPlatform(bench.env, workerArgs);
    ({ worker, api } = platform);
    const w = worker;
    const a = api;
    const ours = { worker: w.pid, api: a.pid };
    await waitForQuiet(ours, config, QUIET_WAIT_MS, () => !!aborting);
    const restRssMiB = w.rssMiB();
    say(`worker (pid ${w.pid}, RSS ${fmt(restRssMiB, 0)} MiB) and API (pid ${a.pid}, ${platform.apiUrl}) ready; task queues ${prefix}-*`);
    const propertyOf = (k: number) => waiting[k % waiting.length]!;

    /** Raises `n` waiting work orders (numbered from `from`), then waits until all of the run's are waiting. */
    const creationPhase = async (label: string, from: number, n: number, concurrency: number, withPoints: boolean): Promise<CreationFigures> => {
      const apiClient = new Api(platform.apiUrl);
      const [w0, a0] = [w.cpuSeconds(), a.cpuSeconds()];
      const procs0 = readProcs();
      const before = await waitingCount(db);
      let raised = 0;
      const points = withPoints ? sampler(db, w, a, () => raised) : undefined;
      let rssMax = 0;
      let apiRssMax = 0;
      const rss = setInterval(() => {
        rssMax = Math.max(rssMax, w.rssMiB());
        apiRssMax = Math.max(apiRssMax, a.rssMiB());
      }, 500);
      const run = await drive(n, concurrency, label, async (k) => {
        const r = await raise(apiClient, manager, propertyOf(from + k), from + k, 'waiting');
        if (r.ok) raised++;
        return r;
      });
      const ok = run.results.filter((r) => r.ok).length;
      const settleMs = await untilWaiting(db, before + ok, label);
      clearInterval(rss);
      return {
        label,
        requested: n,
        concurrency,
        wallMs: run.wallMs,
        results: run.results,
        samples: apiClient.samples,
        ...(settleMs === undefined ? {} : { settleMs }),
        workerCpu: w.cpuSeconds() - w0,
        apiCpu: a.cpuSeconds() - a0,
        workerPeakRssMiB: rssMax,
        apiPeakRssMiB: apiRssMax,
        cpuGroups: cpuByGroup(procs0, readProcs(), ours, config),
        ...(points ? { points: await points.stop() } : {}),
      };
    };

    // 0. Baseline: one at a time.
    if (BASELINE > 0 && !aborting) {
      baselineFigures = await creationPhase('0. Baseline, one at a time', 0, BASELINE, 1, false);
      say(`baseline: ${okOf(baselineFigures).length} raised in ${fmt(baselineFigures.wallMs / 1000)} s`);
    }

    // 1. Creation, with the worker's memory as they pile up.
    if (!aborting) {
      mainFigures = await creationPhase('1. Creation', BASELINE, WORK_ORDERS, CONCURRENCY, true);
      say(`creation: ${okOf(mainFigures).length} raised in ${fmt(mainFigures.wallMs / 1000)} s (${fmt(ratePerS(mainFigures))}/s); all waiting ${fmt((mainFigures.settleMs ?? NaN) / 1000)} s later`);
    }

    // 2. Waiting: nothing happens but their timers; what the worker holds.
    if (IDLE_S > 0 && !aborting) {
      const waitingNow = await waitingCount(db);
      say(`waiting: sampling the worker for ${IDLE_S} s with ${waitingNow} work orders waiting`);
      const [w0, a0] = [w.cpuSeconds(), a.cpuSeconds()];
      const procs0 = readProcs();
      const t0 = performance.now();
      const rss: number[] = [];
      const apiRss: number[] = [];
      while (performance.now() - t0 < IDLE_S * 1000 && !aborting) {
        rss.push(w.rssMiB());
        apiRss.push(a.rssMiB());
        await sleep(1000);
      }
      const seconds = (performance.now() - t0) / 1000;
      idleFigures = {
        restRssMiB,
        seconds,
        waiting: waitingNow,
        rss,
        apiRss,
        workerCpu: w.cpuSeconds() - w0,
        apiCpu: a.cpuSeconds() - a0,
        workerHwmMiB: w.peakRssMiB(),
        cpuGroups: cpuByGroup(procs0, readProcs(), ours, config),
      };
    }

    // 3. Same-minute deadlines, while the others wait.
    if (DEADLINES > 0 && !aborting) {
      // The rate from first request to all waiting (the worker's, when it is slower than the API's), so the minute falls after the burst settles.
      const settled = (c: CreationFigures) => okOf(c).length / ((c.wallMs + (c.settleMs ?? c.wallMs)) / 1000);
      const expectedRate = mainFigures ? settled(mainFigures) : baselineFigures ? settled(baselineFigures) : 10;
      deadlineFigures = await deadlinePhase({ db, client, config, worker: w, api: a, apiUrl: platform.apiUrl, manager, properties: deadline, expectedRate, operationsQueue: queues.operations });
    }

    const q = async (sql: string) => db.query<Record<string, string>>(sql, { type: QueryTypes.SELECT });
    const statuses = await q(`select status, count(*) as n, count(*) filter (where sla_breached) as breached from work_orders group by status order by status`);
    checks.push(`work orders by status: ${statuses.map((r) => `${r.status} ${r.n} (${r.breached} breached)`).join(', ')}`);
    const [mail] = await q(`select count(*) as queued, count(*) filter (where sent_at is not null) as sent from notification_outbox where subject_type = 'work_order'`);
    checks.push(`work-order e-mails queued ${mail!.queued}, sent ${mail!.sent}`);
  } finally {
    clearTimeout(timer);
    say('cleaning up');
    // Every work order is still open: it would wait for ten business days on a task queue nobody polls.
    try {
      const open = await db.query<{ workflow_id: string }>(`select workflow_id from work_orders where status not in ('closed', 'merged', 'cancelled')`, { type: QueryTypes.SELECT });
      let terminated = 0;
      const t = performance.now();
      await pool(open, 32, async (row) => {
        await client.workflow
          .getHandle(row.workflow_id)
          .terminate('benchmark over')
          .then(() => terminated++)
          .catch(() => undefined);
      });
      if (open.length) checks.push(`${terminated} of ${open.length} open work-order workflows terminated (${fmt((performance.now() - t) / 1000)} s)`);
    } catch {
      // the schema may not exist if migrating failed
    }
    try {
      const running: string[] = [];
      for await (const wf of client.workflow.list({ query: `TaskQueue = '${queues.notifications}' AND ExecutionStatus = 'Running'` })) running.push(wf.workflowId);
      await pool(running, 32, async (id) => {
        await client.workflow
          .getHandle(id)
          .terminate('benchmark over')
          .catch(() => undefined);
      });
      if (running.length) checks.push(`${running.length} e-mail deliveries still running were terminated`);
    } catch {
      // visibility is best effort
    }
    for (const [name, proc] of [['worker', worker], ['API', api]] as const) {
      const problems = proc?.problems() ?? [];
      if (problems.length) checks.push(`${name} warnings and errors logged: ${problems.slice(0, 6).map(([what, n]) => `${n}x ${what}`).join('; ')}`);
    }
    await Promise.all([worker?.stop(), api?.stop()]);
    killChildren();
    if (process.env.BENCH_KEEP_DB) checks.push(`database ${database} kept (BENCH_KEEP_DB)`);
    await bench.close(!!process.env.BENCH_KEEP_DB);
  }

  out();
  out('==================== TriLight work-order benchmark ====================');
  if (aborting) out(`!! INCOMPLETE: ${aborting}; below is what was measured`);
  out(`run ${prefix}, ${new Date().toISOString()}, ${machine}`);
  out(`HTTP API: api/main.ts as its own process (LOG_LEVEL=info); worker: workers/main.ts (operations worker: at most ${parseConfig(process.env).worker.operationsMaxCachedWorkflows} cached workflows, WORKER_OPERATIONS_MAX_CACHED_WORKFLOWS); database ${database}`);
  out('Each work order: a routine maintenance request raised by the property\'s manager (already triaged); no contractor in the directory, so it goes unassigned and waits, its SLA timers running.');
  if (baselineFigures) printCreation(baselineFigures);
  if (mainFigures) printCreation(mainFigures);
  if (idleFigures) printIdle(idleFigures);
  if (deadlineFigures) printDeadlines(deadlineFigures);
  out();
  out('Left behind');
  for (const c of checks) out(`  ${c}`);
  out(`  Temporal: the workflow histories stay in the dev server (task queues ${prefix}-*); e-mails in the SMTP sink's folder`);
  out(`  whole run ${fmt((performance.now() - began) / 1000, 0)} s`);
  printMarkdown(mainFigures, idleFigures, deadlineFigures, baselineFigures, machine);
}

main().then(
  () => process.exit(aborting ? 1 : 0),
  (err: unknown) => {
    process.stderr.write(`work-order benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    killChildren();
    process.exit(1);
  },
);
