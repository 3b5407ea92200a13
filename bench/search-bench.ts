/**
 * Search benchmark: bulk import throughput and search latency through the API,
 * on the development profile's services (started or reused by startServices).
 *
 *   npm run bench:search          (tsx bench/search-bench.ts)
 *
 * It prints figures; it asserts nothing. Everything it creates is its own and
 * removed at the end: an Elasticsearch index prefix and a Temporal task queue
 * named bench-<stamp>, an in-process search worker and API, and Postgres rows
 * whose external_ref / source starts with bench-<stamp>-c.
 *
 * Environment knobs (all optional): BENCH_TIMEOUT_MS (total bound, default
 * 15 min), BENCH_COPIES (default 10), BENCH_QUERIES (1000), BENCH_WARMUP (100),
 * BENCH_CLIENTS (8), BENCH_SERIAL (200: a one-client baseline pass), BENCH_SEED (20061),
 * BENCH_QUIET_WAIT_MS (90 s: how long to wait for other work on the machine to stop first).
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker as ThreadWorker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { Logger as TemporalLogger } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { parse as parseCsv } from 'csv-parse/sync';
import pino from 'pino';
import { QueryTypes, type Sequelize } from 'sequelize';
// api/app first: it loads @hono/zod-openapi, which must extend zod before any
// domain schema is built (api/routes/admin.ts calls .openapi() on one).
import { createApp } from '../api/app';
import { parseBatch } from '../activities/listing-import';
import type { ApiDeps } from '../api/deps';
import { signToken } from '../lib/auth-token';
import { parseConfig, type Config } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createElasticsearch } from '../lib/elasticsearch';
import { AMES_CSV_PATH, startListingImport } from '../clients/listing-import';
import { ensureListingsIndex, listingsAlias } from '../lib/search/listing-index';
import { connectionOptions, ensureSearchAttributes } from '../lib/temporal';
import { ImportBatch, initModels, User } from '../models';
import { ES_VERSION, startServices } from '../scripts/services';
import type { ListingImportProgress, ListingImportWorkflow } from '../contracts/listing-import';
import { createSearchWorker } from '../workers/search-worker';

// ---------------------------------------------------------------- settings

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const TOTAL_TIMEOUT_MS = envInt('BENCH_TIMEOUT_MS', 15 * 60_000);
const COPIES = envInt('BENCH_COPIES', 10);
const QUERIES = envInt('BENCH_QUERIES', 1000);
const WARMUP = envInt('BENCH_WARMUP', 100);
const CLIENTS = envInt('BENCH_CLIENTS', 8);
const SERIAL = envInt('BENCH_SERIAL', 200);
const QUIET_WAIT_MS = envInt('BENCH_QUIET_WAIT_MS', 90_000);
/** More than this many cores used by other processes makes a run's figures suspect. */
const FOREIGN_LIMIT = 0.25;
const SEED = envInt('BENCH_SEED', 20061);
const SEARCHABLE_WAIT_MS = 120_000;

const GOALS = { importPerSec: 2000, apiP95Ms: 25, apiOverEsP95: 2 };

const stamp = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
const RUN_ID = `bench-${stamp}`; // index prefix, task queue, and the stem of every import source
const SOURCE_STEM = `${RUN_ID}-c`;

// ---------------------------------------------------------------- small helpers

const out = (line = '') => process.stdout.write(`${line}\n`);
const say = (line: string) => out(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

function quietLogger(): TemporalLogger {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

async function bounded<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deterministic PRNG (mulberry32). */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentiles. */
function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const at = (p: number) => (n ? s[Math.max(0, Math.ceil((p / 100) * n) - 1)]! : NaN);
  return {
    n,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    mean: n ? s.reduce((a, b) => a + b, 0) / n : NaN,
    max: n ? s[n - 1]! : NaN,
  };
}

// ---------------------------------------------------------------- who used the CPU (the machine may be shared)

interface ProcInfo {
  ticks: number;
  ppid: number;
  comm: string;
  cmd: string;
}
interface MachineSample {
  at: number;
  cpus: os.CpuInfo['times'][];
  procs: Map<number, ProcInfo>;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

function readProcs(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return procs; // not Linux
  }
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.set(Number(e), { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]), comm, cmd });
    } catch {
      /* gone meanwhile */
    }
  }
  return procs;
}

function sampleMachine(): MachineSample {
  return { at: performance.now(), cpus: os.cpus().map((c) => c.times), procs: readProcs() };
}

/**
 * Which profile's service a process belongs to, by the data folder on its own or an
 * ancestor's command line (services.ts puts it there: -D, --db-filename, es.path.conf).
 */
function serviceOf(cmd: string, dataDir: string): string | undefined {
  const m = /\.data\/([^/\s]+)\/(postgres|temporal|elasticsearch|stripe)\b/.exec(cmd);
  if (cmd.includes(`${dataDir}/`) && m) return `${path.basename(dataDir)} ${m[2]}`;
  if (m) return `${m[1]}-profile ${m[2]} (not ours)`;
  return undefined;
}

/** Machine CPU busy over [a, b] and the biggest consumers, in cores. */
function machineLoad(a: MachineSample, b: MachineSample, dataDir: string) {
  let busy = 0;
  let total = 0;
  b.cpus.forEach((t, i) => {
    const u = a.cpus[i];
    if (!u) return;
    const d = (k: keyof typeof t) => t[k] - u[k];
    const all = d('user') + d('nice') + d('sys') + d('irq') + d('idle');
    total += all;
    busy += all - d('idle');
  });
  const seconds = (b.at - a.at) / 1000;
  const label = (pid: number): string => {
    if (pid === process.pid) return 'this bench (API, worker, client thread)';
    const info = b.procs.get(pid)!;
    for (let p = pid, depth = 0; p > 1 && depth < 20; depth++) {
      const proc = b.procs.get(p) ?? a.procs.get(p);
      if (!proc) break;
      const svc = serviceOf(proc.cmd, dataDir);
      if (svc) return svc;
      p = proc.ppid;
    }
    if (/jest/.test(info.cmd)) return 'jest (not ours)';
    return `${info.comm} (not ours)`;
  };
  const byLabel = new Map<string, number>();
  for (const [pid, info] of b.procs) {
    const ticks = info.ticks - (a.procs.get(pid)?.ticks ?? 0);
    if (ticks <= 0) continue;
    const l = label(pid);
    byLabel.set(l, (byLabel.get(l) ?? 0) + ticks);
  }
  const top = [...byLabel.entries()]
    .map(([name, ticks]) => ({ name, cores: ticks / CLK_TCK / seconds }))
    .sort((x, y) => y.cores - x.cores)
    .slice(0, 7);
  return { busyPct: total ? (100 * busy) / total : NaN, cores: b.cpus.length, top, loadavg: os.loadavg()[0]! };
}

/** Cores that went to processes other than this benchmark and its profile's services. */
function foreignCores(l: ReturnType<typeof machineLoad>) {
  return l.top.filter((t) => t.name.endsWith('(not ours)')).reduce((a, t) => a + t.cores, 0);
}

function describeLoad(l: ReturnType<typeof machineLoad>) {
  const lines = [
    `machine CPU ${fmt(l.busyPct, 0)}% busy of ${l.cores} cores, loadavg(1m) ${fmt(l.loadavg, 2)}; by process group (cores): ` +
      l.top.map((t) => `${t.name} ${fmt(t.cores, 2)}`).join(', '),
  ];
  const foreign = foreignCores(l);
  if (foreign > FOREIGN_LIMIT) lines.push(`WARNING: ${fmt(foreign, 2)} cores went to processes outside this benchmark and its services; figures are pessimistic`);
  return lines;
}

// ---------------------------------------------------------------- what we measure (partial on timeout)

interface ImportFigures {
  copies: number;
  expected: number;
  startAllMs?: number;
  importsDoneMs?: number;
  searchableMs?: number;
  searchableCount?: number;
  firstDoneMs?: number;
  perImport: {
    source: string;
    doneMs?: number;
    created?: number;
    updated?: number;
    unchanged?: number;
    indexed?: number;
    rejected?: number;
    dbMs?: number;
    error?: string;
  }[];
  activities?: Record<string, { count: number; wait: Stats; run: Stats; runSumMs: number }>;
  chunkActivities?: number;
  parseCostMs?: number;
  loadCostMs?: number;
  esIndexTimeMs?: number;
  esRefreshTimeMs?: number;
  processCpuMs?: number;
  load?: string[];
}

interface SearchFigures {
  queries: number;
  clients: number;
  wallMs?: number;
  api?: Stats;
  took?: Stats;
  meanTotal?: number;
  zeroResults?: number;
  withFacets?: number;
  errors?: number;
  errorSamples?: string[];
  processCpuMs?: number;
  load?: string[];
  overhead?: Stats;
  serial?: { n: number; api: Stats; took: Stats; wallMs: number };
  segments?: number;
  byFeature?: { feature: string; n: number; api: Stats; took: Stats; meanTotal: number }[];
}

const figures: {
  machine: Record<string, string>;
  setup: Record<string, string>;
  imports: ImportFigures;
  search: SearchFigures;
  cleanup: string[];
} = {
  machine: {},
  setup: {},
  imports: { copies: COPIES, expected: 0, perImport: [] },
  search: { queries: QUERIES, clients: CLIENTS },
  cleanup: [],
};

/** Set once the timeout (or Ctrl-C) has taken over: the phases stop where they are. */
let aborting = false;

// ---------------------------------------------------------------- resources (cleaned up whatever happens)

interface Resources {
  config?: Config;
  db?: Sequelize;
  es?: ReturnType<typeof createElasticsearch>;
  connection?: Connection;
  client?: Client;
  native?: NativeConnection;
  worker?: Worker;
  workerRunning?: Promise<void>;
  server?: Server;
  clientThread?: ThreadWorker;
  handles: WorkflowHandle<ListingImportWorkflow>[];
  benchUserId?: string;
}
const res: Resources = { handles: [] };

async function stopWorker() {
  const { worker, workerRunning } = res;
  if (!worker) return;
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await workerRunning?.catch(() => undefined);
  res.worker = undefined;
}

let cleanedUp: Promise<void> | undefined;
function cleanupAll(): Promise<void> {
  cleanedUp ??= (async () => {
    const step = async (what: string, fn: () => Promise<unknown>, ms = 30_000) => {
      try {
        const r = await bounded(what, ms, fn());
        if (typeof r === 'string') figures.cleanup.push(`${what}: ${r}`);
      } catch (err) {
        figures.cleanup.push(`${what}: FAILED (${(err as Error).message})`);
      }
    };
    await step('client thread', async () => res.clientThread?.terminate());
    // Workflows left running (a timeout) would wait forever on a task queue nobody polls.
    await step('unfinished imports', async () => {
      let n = 0;
      for (const h of res.handles) {
        const d = await h.describe().catch(() => undefined);
        if (d?.status.name === 'RUNNING') {
          await h.terminate('benchmark cleanup');
          n++;
        }
      }
      return n ? `terminated ${n} workflow(s)` : undefined;
    });
    await step('worker shutdown', stopWorker);
    await step('API server', async () => {
      const server = res.server;
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { es, db, config } = res;
    if (es && config) {
      await step('Elasticsearch', async () => {
        // Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name): resolve the names first.
        const found = await es.indices.get({ index: `${RUN_ID}-*`, allow_no_indices: true, ignore_unavailable: true });
        const names = Object.keys(found);
        if (names.length) await es.indices.delete({ index: names });
        return names.length ? `deleted ${names.join(', ')}` : 'no index to delete';
      });
    }
    if (db) {
      await step(
        'Postgres',
        async () => {
          const counts = await db.transaction(async (transaction) => {
            const del = async (sql: string, bind: unknown[]) => {
              const [, meta] = await db.query(sql, { bind, transaction });
              return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
            };
            const listings = await del('delete from listings where starts_with(external_ref, $1)', [SOURCE_STEM]);
            const properties = await del('delete from properties where starts_with(external_ref, $1)', [SOURCE_STEM]);
            // import_chunks go with their batch (on delete cascade).
            const batches = await del('delete from import_batches where starts_with(source, $1)', [SOURCE_STEM]);
            const users = await del("delete from users where starts_with(email, $1) or id = $2::uuid", [
              `import+${SOURCE_STEM}`,
              res.benchUserId ?? '00000000-0000-0000-0000-000000000000',
            ]);
            return { listings, properties, batches, users };
          });
          return `deleted ${counts.listings} listings, ${counts.properties} properties, ${counts.batches} import batches (+ their chunks), ${counts.users} users in one transaction`;
        },
        120_000,
      );
    }
    await step('connections', async () => {
      await Promise.allSettled([db?.close(), es?.close(), res.connection?.close(), res.native?.close()]);
    });
    figures.cleanup.push(`Temporal: the ${res.handles.length} import workflow histories stay in the dev server (task queue ${RUN_ID})`);
  })();
  return cleanedUp;
}

// ---------------------------------------------------------------- setup

async function setup() {
  // Core's own (Rust) log lines go to the no-op logger too, not straight to the console.
  Runtime.install({ logger: quietLogger(), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  let t = performance.now();
  await startServices();
  figures.setup.services = `${fmt(performance.now() - t, 0)} ms`;

  const config = parseConfig({ ...process.env, ELASTICSEARCH_INDEX_PREFIX: RUN_ID });
  res.config = config;
  // Is the machine quiet? Look for two seconds at a time; wait a while for other work to finish.
  const quietBy = performance.now() + QUIET_WAIT_MS;
  for (;;) {
    const m0 = sampleMachine();
    await sleep(2000);
    const load = machineLoad(m0, sampleMachine(), config.dataDir);
    figures.setup.beforeRun = describeLoad(load).join('\n                 ');
    const foreign = foreignCores(load);
    if (foreign <= FOREIGN_LIMIT || performance.now() > quietBy || aborting) break;
    say(`machine busy: ${fmt(foreign, 2)} cores used by other processes; waiting for it to quiet down (BENCH_QUIET_WAIT_MS=${QUIET_WAIT_MS})`);
  }
  const db = createSequelize(config);
  res.db = db;
  initModels(db);
  const es = createElasticsearch(config);
  res.es = es;
  await ensureListingsIndex(es, RUN_ID);

  const connection = await Connection.connect(connectionOptions(config));
  res.connection = connection;
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  res.client = client;
  res.native = await NativeConnection.connect(connectionOptions(config));

  await machineFacts(config, db, es, connection);

  t = performance.now();
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietLogger() });
  figures.setup.bundle = `${fmt(performance.now() - t, 0)} ms`;

  const worker = await createSearchWorker({
    connection: res.native,
    namespace: config.temporal.namespace,
    taskQueue: RUN_ID,
    deps: { db, es, indexPrefix: RUN_ID, temporal: client, searchTaskQueue: RUN_ID },
    workflowBundle,
    shutdownGraceSeconds: 5,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
  });
  res.worker = worker;
  res.workerRunning = worker.run();
  while (worker.getState() === 'INITIALIZED') await sleep(20);

  // The API logs one line per request at the configured level, as in production;
  // written to /dev/null so the cost stays in and the terminal stays readable.
  const logger = pino(
    {
      level: config.logLevel,
      base: { process: 'api', bench: RUN_ID },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', '*.password', '*.secretKey'], remove: true },
    },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  const deps: ApiDeps = { config, db, es, temporal: client, temporalConnection: connection, logger, searchTaskQueue: RUN_ID };
  const app = createApp(deps);
  const port = await new Promise<number>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port)) as Server;
    server.once('error', reject);
    res.server = server;
  });

  const user = await User.create({ email: `${RUN_ID}@bench.trilight.local`, name: 'Search benchmark', roles: ['buyer'] });
  res.benchUserId = user.id;
  const token = await signToken(config.api.jwtSecret, user.id, ['buyer']);
  figures.setup.api = `http://127.0.0.1:${port} (in-process, @hono/node-server)`;
  figures.setup.runId = `${RUN_ID} (index prefix, task queue, source stem)`;
  return { config, db, es, client, port, token };
}

async function machineFacts(config: Config, db: Sequelize, es: ReturnType<typeof createElasticsearch>, connection: Connection) {
  const cpus = os.cpus();
  figures.machine.cpus = `${os.availableParallelism()} (nproc) x ${cpus[0]?.model.trim() ?? '?'}`;
  figures.machine.memory = `${fmt(os.totalmem() / 2 ** 30, 1)} GiB`;
  figures.machine.os = `${os.type()} ${os.release()} ${os.arch()}`;
  figures.machine.node = process.version;
  try {
    const info = await es.info();
    figures.machine.elasticsearch = `${info.version.number} (GET /)`;
  } catch {
    // The integ-test distribution has no root endpoint; the nodes API knows the version too.
    try {
      const nodes = (await es.nodes.info({ node_id: '_local', filter_path: 'nodes.*.version' })) as unknown as {
        nodes?: Record<string, { version?: string }>;
      };
      const version = Object.values(nodes.nodes ?? {})[0]?.version;
      if (!version) throw new Error('no version');
      figures.machine.elasticsearch = `${version} (GET /_nodes/_local; GET / did not answer)`;
    } catch {
      figures.machine.elasticsearch = `${ES_VERSION} (scripts/tool-versions.sh; GET / did not answer)`;
    }
  }
  figures.machine.esHeap = config.elasticsearch.embedded ? `${config.elasticsearch.embeddedHeap} (embedded)` : 'external';
  try {
    const [row] = await db.query<{ server_version: string }>('show server_version', { type: QueryTypes.SELECT });
    figures.machine.postgres = row?.server_version ?? '?';
  } catch {
    figures.machine.postgres = '?';
  }
  try {
    const info = await connection.workflowService.getClusterInfo({});
    figures.machine.temporal = `${info.serverVersion ?? '?'} (dev server)`;
  } catch {
    figures.machine.temporal = '?';
  }
  figures.machine.loadavg = os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

// ---------------------------------------------------------------- import phase

async function importPhase(ctx: Awaited<ReturnType<typeof setup>>) {
  const { client, es } = ctx;
  const content = fs.readFileSync(AMES_CSV_PATH, 'utf8');
  const rowsPerCopy = (parseCsv(content, { columns: true, skip_empty_lines: true }) as unknown[]).length;
  const f = figures.imports;
  f.expected = rowsPerCopy * COPIES;
  const alias = listingsAlias(RUN_ID);
  say(`import: ${COPIES} concurrent imports of ames.csv (${rowsPerCopy} rows each) = ${int(f.expected)} listings`);

  const cpu0 = process.cpuUsage();
  const m0 = sampleMachine();
  const t0 = performance.now();
  const started = await Promise.all(
    Array.from({ length: COPIES }, (_, i) =>
      startListingImport({ client, taskQueue: RUN_ID }, { source: `${SOURCE_STEM}${i}`, format: 'csv', content }),
    ),
  );
  f.startAllMs = performance.now() - t0;
  res.handles = started.map((s) => s.handle);
  f.perImport = started.map((s) => ({ source: s.batch.source }));

  const settled = await Promise.allSettled(
    started.map(async ({ handle }, i) => {
      const entry = f.perImport[i]!;
      try {
        const progress: ListingImportProgress = await handle.result();
        entry.doneMs = performance.now() - t0;
        entry.created = progress.created;
        entry.updated = progress.updated;
        entry.unchanged = progress.unchanged;
        entry.indexed = progress.indexed;
        f.firstDoneMs = Math.min(f.firstDoneMs ?? Infinity, entry.doneMs);
      } catch (err) {
        entry.error = aborting ? 'terminated when the benchmark timed out' : (err as Error).message;
        throw err;
      }
    }),
  );
  if (aborting) return; // terminated by the timeout: nothing more to measure
  f.importsDoneMs = performance.now() - t0;
  const failed = settled.filter((s) => s.status === 'rejected').length;
  if (failed) say(`import: ${failed} import(s) failed; waiting for what was indexed anyway`);

  // "Searchable": a refresh makes every indexed document visible; poll until the count is complete.
  const deadline = performance.now() + SEARCHABLE_WAIT_MS;
  while (!aborting) {
    await es.indices.refresh({ index: alias });
    const { count } = await es.count({ index: alias, query: { term: { status: 'sold' } } });
    f.searchableCount = count;
    if (count >= f.expected) {
      f.searchableMs = performance.now() - t0;
      break;
    }
    if (performance.now() > deadline) {
      say(`import: only ${count} of ${f.expected} documents searchable after ${SEARCHABLE_WAIT_MS / 1000}s; giving up waiting`);
      break;
    }
    await sleep(200);
  }
  const cpu = process.cpuUsage(cpu0);
  f.processCpuMs = (cpu.user + cpu.system) / 1000;
  f.load = describeLoad(machineLoad(m0, sampleMachine(), ctx.config.dataDir));
  say(`import: done in ${fmt((f.searchableMs ?? f.importsDoneMs) / 1000, 2)} s`);

  // Cheap extras: batch rows, Temporal activity timings, ES indexing stats, parse cost.
  for (const [i, s] of started.entries()) {
    const entry = f.perImport[i]!;
    const b = await s.batch.reload().catch(() => undefined);
    if (!b) continue;
    entry.rejected = b.rejectedCount;
    if (b.startedAt && b.finishedAt) entry.dbMs = b.finishedAt.getTime() - b.startedAt.getTime();
  }
  await activityBreakdown(started.map((s) => ({ handle: s.handle, batchId: s.batch.id })));
  try {
    const st = await es.indices.stats({ index: alias, metric: ['indexing', 'refresh'] });
    const prim = st._all.primaries;
    f.esIndexTimeMs = prim?.indexing?.index_time_in_millis;
    f.esRefreshTimeMs = prim?.refresh?.total_time_in_millis;
  } catch {
    /* optional */
  }
  // What parsing one batch costs: load the batch row, parse and validate it.
  const loads: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const batch = await ImportBatch.findByPk(started[0]!.batch.id, { rejectOnEmpty: true });
    loads.push(performance.now() - t);
    t = performance.now();
    parseBatch(batch.content, batch.format, batch.source);
    parses.push(performance.now() - t);
  }
  f.loadCostMs = stats(loads).p50;
  f.parseCostMs = stats(parses).p50;
}

interface ActivitySpan {
  type: string;
  batchId: string;
  scheduled: number;
  started?: number;
  completed?: number;
}

async function activityBreakdown(runs: { handle: WorkflowHandle; batchId: string }[]) {
  const spans: ActivitySpan[] = [];
  for (const { handle, batchId } of runs) {
    let history;
    try {
      history = await handle.fetchHistory();
    } catch {
      continue;
    }
    const byId = new Map<number, ActivitySpan>();
    for (const e of history.events ?? []) {
      const when = tsToMs(e.eventTime);
      if (e.activityTaskScheduledEventAttributes) {
        const span = { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', batchId, scheduled: when };
        byId.set(Number(e.eventId), span);
        spans.push(span);
      } else if (e.activityTaskStartedEventAttributes) {
        const span = byId.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId));
        if (span) span.started = when;
      } else if (e.activityTaskCompletedEventAttributes) {
        const span = byId.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId));
        if (span) span.completed = when;
      }
    }
  }
  const types = [...new Set(spans.map((s) => s.type))];
  const out: NonNullable<ImportFigures['activities']> = {};
  for (const type of types) {
    const done = spans.filter((s) => s.type === type && s.started !== undefined && s.completed !== undefined);
    const run = done.map((s) => s.completed! - s.started!);
    out[type] = {
      count: done.length,
      wait: stats(done.map((s) => s.started! - s.scheduled)),
      run: stats(run),
      runSumMs: run.reduce((a, b) => a + b, 0),
    };
  }
  figures.imports.activities = out;
  figures.imports.chunkActivities = spans.filter((s) => s.type === 'importChunk').length;
}

// ---------------------------------------------------------------- search phase

const TEXT = ['fireplace', 'garage', 'porch', 'central air', 'basement', 'deck', 'pool', 'fenced yard', 'attached garage', 'two story'];

function makeQueries(n: number, seed: number, sales: { lat: number; lon: number }[], neighborhoods: string[]): string[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const queries: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = new URLSearchParams({ status: 'sold' });
    let hasQ = false;
    let hasNear = false;
    if (chance(0.55)) {
      p.set('q', chance(0.35) ? pick(neighborhoods) : pick(TEXT));
      hasQ = true;
    }
    if (chance(0.4)) {
      let min = chance(0.7) ? pick([80_000, 100_000, 130_000, 160_000, 200_000]) : undefined;
      let max = chance(0.7) ? pick([150_000, 200_000, 250_000, 350_000, 500_000]) : undefined;
      if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
      if (min !== undefined) p.set('minPrice', String(min));
      if (max !== undefined) p.set('maxPrice', String(max));
    }
    if (chance(0.3)) p.set('minBeds', String(1 + Math.floor(rnd() * 4)));
    if (chance(0.2)) p.set('minBaths', pick(['1', '1.5', '2', '2.5', '3']));
    if (chance(0.25)) {
      const min = pick([600, 800, 1000, 1200, 1500, 2000]);
      if (chance(0.6)) p.set('minArea', String(min));
      if (chance(0.6)) p.set('maxArea', String(min + pick([400, 700, 1000, 2000])));
    }
    if (chance(0.25)) p.set('type', pick(['house', 'townhouse', 'house,townhouse']));
    if (chance(0.5)) {
      // Centred on a real sale, a little off, so geo queries land where houses are.
      const s = pick(sales);
      const lat = s.lat + (rnd() - 0.5) * 0.01;
      const lon = s.lon + (rnd() - 0.5) * 0.01;
      if (chance(0.65)) {
        p.set('near', `${lat.toFixed(5)},${lon.toFixed(5)}`);
        p.set('radiusKm', (0.5 + rnd() * 4.5).toFixed(2));
        hasNear = true;
      } else {
        const dLat = 0.005 + rnd() * 0.025;
        const dLon = 0.007 + rnd() * 0.035;
        p.set('bbox', [lon - dLon, lat - dLat, lon + dLon, lat + dLat].map((v) => v.toFixed(5)).join(','));
      }
    }
    const sorts = ['price_asc', 'newest', ...(hasQ ? ['relevance', 'relevance'] : []), ...(hasNear ? ['distance', 'distance'] : [])];
    if (chance(0.8)) p.set('sort', pick(sorts)); // otherwise the default (relevance with q, newest without)
    queries.push(`/v1/search/listings?${p.toString()}`);
  }
  return queries;
}

interface Sample {
  ms: number;
  status: number;
  tookMs: number | null;
  total: number | null;
  facets: boolean;
  error: string | null;
}

/**
 * The load generator runs in its own thread, so reading and parsing responses
 * does not compete with the API's event loop. Plain JS: it is evaluated as is.
 */
const CLIENT_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, token } = workerData;
async function one(path) {
  const started = performance.now();
  try {
    const res = await fetch(base + path, { headers: { authorization: 'Bearer ' + token }, signal: AbortSignal.timeout(10000) });
    const text = await res.text();
    const ms = performance.now() - started;
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    const ok = res.status === 200 && body && typeof body === 'object';
    return {
      ms, status: res.status,
      tookMs: ok && typeof body.tookMs === 'number' ? body.tookMs : null,
      total: ok && typeof body.total === 'number' ? body.total : null,
      facets: !!(ok && body.facets && Array.isArray(body.facets.type) && Array.isArray(body.facets.bedrooms) && Array.isArray(body.facets.priceBands)),
      error: res.status === 200 ? null : res.status + ' ' + text.slice(0, 200),
    };
  } catch (err) {
    return { ms: performance.now() - started, status: 0, tookMs: null, total: null, facets: false, error: String(err && err.message || err) };
  }
}
parentPort.on('message', async ({ id, paths, clients }) => {
  const samples = new Array(paths.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (;;) {
      const i = next++;
      if (i >= paths.length) return;
      samples[i] = await one(paths[i]);
    }
  }));
  parentPort.postMessage({ id, wallMs: performance.now() - started, samples });
});
`;

function startClientThread(base: string, token: string) {
  const thread = new ThreadWorker(CLIENT_THREAD_SOURCE, { eval: true, workerData: { base, token }, execArgv: [] });
  res.clientThread = thread;
  let seq = 0;
  const pending = new Map<number, (r: { wallMs: number; samples: Sample[] }) => void>();
  thread.on('message', (m: { id: number; wallMs: number; samples: Sample[] }) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const failed = new Promise<never>((_, reject) => {
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`client thread exited (${code})`)));
  });
  failed.catch(() => undefined);
  return {
    /** Runs these requests over the thread's clients; resolves with every sample, in order. */
    run(paths: string[], clients: number): Promise<{ wallMs: number; samples: Sample[] }> {
      const id = ++seq;
      const done = new Promise<{ wallMs: number; samples: Sample[] }>((resolve) => pending.set(id, resolve));
      thread.postMessage({ id, paths, clients });
      return Promise.race([done, failed]);
    },
  };
}

async function searchPhase(ctx: Awaited<ReturnType<typeof setup>>) {
  const rows = parseCsv(fs.readFileSync(AMES_CSV_PATH, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const sales = rows.map((r) => ({ lat: Number(r.Latitude), lon: Number(r.Longitude) }));
  const byCount = new Map<string, number>();
  for (const r of rows) {
    const n = (r.Neighborhood ?? '').replace(/_/g, ' ').trim();
    if (n) byCount.set(n, (byCount.get(n) ?? 0) + 1);
  }
  // The dozen largest neighbourhoods (North Ames, College Creek, Old Town, ...), in a stable order.
  const neighborhoods = [...byCount.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12).map(([n]) => n);
  const all = makeQueries(WARMUP + QUERIES, SEED, sales, neighborhoods);
  const f = figures.search;

  const client = startClientThread(`http://127.0.0.1:${ctx.port}`, ctx.token);
  say(`search: warm-up ${WARMUP} queries (not measured), ${CLIENTS} clients`);
  const warm = await client.run(all.slice(0, WARMUP), CLIENTS);
  const warmErrors = warm.samples.filter((s) => s.status !== 200);
  if (warmErrors.length) say(`search: ${warmErrors.length} warm-up error(s), e.g. ${warmErrors[0]!.error}`);

  say(`search: ${QUERIES} measured queries, ${CLIENTS} concurrent clients, seed ${SEED}`);
  try {
    const st = await ctx.es.indices.stats({ index: listingsAlias(RUN_ID), metric: ['segments'] });
    f.segments = st._all.primaries?.segments?.count;
  } catch {
    /* optional */
  }
  const cpu0 = process.cpuUsage();
  const m0 = sampleMachine();
  const measured = await client.run(all.slice(WARMUP), CLIENTS);
  const cpu = process.cpuUsage(cpu0);
  f.load = describeLoad(machineLoad(m0, sampleMachine(), ctx.config.dataDir));
  f.processCpuMs = (cpu.user + cpu.system) / 1000;
  f.wallMs = measured.wallMs;
  const ok = measured.samples.filter((s) => s.status === 200);
  const bad = measured.samples.filter((s) => s.status !== 200);
  f.errors = bad.length;
  f.errorSamples = [...new Set(bad.map((s) => s.error ?? String(s.status)))].slice(0, 3);
  f.api = stats(ok.map((s) => s.ms));
  f.took = stats(ok.filter((s) => s.tookMs !== null).map((s) => s.tookMs!));
  const totals = ok.filter((s) => s.total !== null).map((s) => s.total!);
  f.meanTotal = totals.reduce((a, b) => a + b, 0) / (totals.length || 1);
  f.zeroResults = totals.filter((t) => t === 0).length;
  f.withFacets = ok.filter((s) => s.facets).length;
  f.overhead = stats(ok.filter((s) => s.tookMs !== null).map((s) => s.ms - s.tookMs!));
  // Which query features cost what: every measured query counts under each feature it has.
  const paths = all.slice(WARMUP);
  const groups = new Map<string, Sample[]>();
  measured.samples.forEach((sample, i) => {
    if (sample.status !== 200) return;
    const q = new URLSearchParams(paths[i]!.split('?')[1]);
    const features = [
      q.has('q') ? 'q (text)' : 'no q',
      q.has('minPrice') || q.has('maxPrice') ? 'price range' : '',
      q.has('minBeds') ? 'minBeds' : '',
      q.has('minBaths') ? 'minBaths' : '',
      q.has('minArea') || q.has('maxArea') ? 'area range' : '',
      q.has('type') ? 'type' : '',
      q.has('near') ? 'near+radiusKm' : '',
      q.has('bbox') ? 'bbox' : '',
      `sort=${q.get('sort') ?? (q.has('q') ? 'relevance (default)' : 'newest (default)')}`,
    ].filter(Boolean);
    for (const feature of features) groups.set(feature, [...(groups.get(feature) ?? []), sample]);
  });
  f.byFeature = [...groups.entries()]
    .map(([feature, xs]) => ({
      feature,
      n: xs.length,
      api: stats(xs.map((x) => x.ms)),
      took: stats(xs.filter((x) => x.tookMs !== null).map((x) => x.tookMs!)),
      meanTotal: xs.reduce((a, x) => a + (x.total ?? 0), 0) / xs.length,
    }))
    .sort((a, b) => b.took.p50 - a.took.p50);

  // Baseline: the same queries one at a time, to tell per-query cost from queueing on this machine's cores.
  say(`search: serial baseline, ${SERIAL} of the same queries from 1 client`);
  const serial = await client.run(all.slice(WARMUP, WARMUP + SERIAL), 1);
  const serialOk = serial.samples.filter((x) => x.status === 200);
  f.serial = {
    n: serialOk.length,
    api: stats(serialOk.map((x) => x.ms)),
    took: stats(serialOk.filter((x) => x.tookMs !== null).map((x) => x.tookMs!)),
    wallMs: serial.wallMs,
  };
  await res.clientThread?.terminate();
  res.clientThread = undefined;
}

// ---------------------------------------------------------------- report

function report(partial: string | undefined) {
  const { machine, setup, imports: im, search: se } = figures;
  out();
  out('==================== TriLight search benchmark ====================');
  if (partial) out(`!! INCOMPLETE: ${partial}; figures below are what was measured so far`);
  out(`run ${RUN_ID}, ${new Date().toISOString()}`);
  out();
  out('Machine');
  for (const [k, v] of Object.entries(machine)) out(`  ${k.padEnd(14)} ${v}`);
  out('Setup');
  for (const [k, v] of Object.entries(setup)) out(`  ${k.padEnd(14)} ${v}`);

  out();
  out(`Import: ${im.copies} concurrent imports of ames.csv, ${int(im.expected)} listings expected`);
  const importRate = im.searchableMs ? im.expected / (im.searchableMs / 1000) : NaN;
  if (im.startAllMs !== undefined) out(`  start all ${im.copies} (batch rows + workflow starts)  ${fmt(im.startAllMs, 0)} ms`);
  if (im.firstDoneMs !== undefined) out(`  first import completed                     ${fmt(im.firstDoneMs / 1000, 2)} s`);
  if (im.importsDoneMs !== undefined) out(`  all imports completed                      ${fmt(im.importsDoneMs / 1000, 2)} s`);
  if (im.searchableMs !== undefined) {
    out(`  all searchable (refresh + count ${int(im.searchableCount ?? NaN)})     ${fmt(im.searchableMs / 1000, 2)} s`);
    out(`  THROUGHPUT first start -> all searchable   ${int(importRate)} listings/s (goal >= ${int(GOALS.importPerSec)})`);
  } else if (im.searchableCount !== undefined) {
    out(`  searchable so far: ${int(im.searchableCount)} of ${int(im.expected)}`);
  }
  if (im.processCpuMs !== undefined && im.searchableMs) {
    out(`  bench process CPU (worker+activities)      ${fmt(im.processCpuMs / 1000, 2)} s = ${fmt((100 * im.processCpuMs) / im.searchableMs, 0)}% of one core over the phase`);
  }
  for (const l of im.load ?? []) out(`  ${l}`);
  if (im.esIndexTimeMs !== undefined) out(`  ES index_time / refresh time               ${int(im.esIndexTimeMs)} ms / ${int(im.esRefreshTimeMs ?? NaN)} ms`);
  if (im.perImport.some((p) => p.doneMs !== undefined || p.error)) {
    out('  per import: source                       done(s)  created updated unchanged indexed rejected  db(s)');
    for (const p of im.perImport) {
      out(
        `    ${p.source.padEnd(38)} ${(p.doneMs !== undefined ? fmt(p.doneMs / 1000, 2) : '-').padStart(6)} ` +
          `${String(p.created ?? '-').padStart(8)} ${String(p.updated ?? '-').padStart(7)} ${String(p.unchanged ?? '-').padStart(9)} ` +
          `${String(p.indexed ?? '-').padStart(7)} ${String(p.rejected ?? '-').padStart(8)} ${(p.dbMs !== undefined ? fmt(p.dbMs / 1000, 2) : '-').padStart(6)}` +
          (p.error ? `  ERROR ${p.error}` : ''),
      );
    }
  }
  if (im.activities) {
    out('  activities (from workflow histories; wait = scheduled->started, run = started->completed, ms):');
    out('    type            count  wait p50  wait p95   run p50   run p95   run max   run sum(s)');
    for (const [type, a] of Object.entries(im.activities)) {
      out(
        `    ${type.padEnd(15)} ${String(a.count).padStart(5)} ${fmt(a.wait.p50, 0).padStart(9)} ${fmt(a.wait.p95, 0).padStart(9)} ` +
          `${fmt(a.run.p50, 0).padStart(9)} ${fmt(a.run.p95, 0).padStart(9)} ${fmt(a.run.max, 0).padStart(9)} ${fmt(a.runSumMs / 1000, 1).padStart(11)}`,
      );
    }
    out('    (activity slots per worker: WORKER_MAX_CONCURRENT_ACTIVITIES, default 16)');
  }
  if (im.parseCostMs !== undefined) {
    out(
      `  one batch parse (each batch is parsed once per worker): load the row ~${fmt(im.loadCostMs ?? NaN, 0)} ms, ` +
        `parse and validate 2,930 rows ~${fmt(im.parseCostMs, 0)} ms CPU`,
    );
  }

  out();
  out(`Search: ${se.queries} mixed queries (after ${WARMUP} warm-up), ${se.clients} concurrent clients over HTTP, seed ${SEED}`);
  if (se.api && se.took) {
    const row = (name: string, s: Stats) =>
      out(`  ${name.padEnd(22)} p50 ${fmt(s.p50, 1).padStart(6)}  p95 ${fmt(s.p95, 1).padStart(6)}  p99 ${fmt(s.p99, 1).padStart(6)}  mean ${fmt(s.mean, 1).padStart(6)}  max ${fmt(s.max, 1).padStart(7)}  (n=${s.n})`);
    row('API wall latency (ms)', se.api);
    row('ES took (ms)', se.took);
    if (se.overhead) row('API minus took (ms)', se.overhead);
    if (se.serial) {
      row('1 client: API (ms)', se.serial.api);
      row('1 client: ES took (ms)', se.serial.took);
    }
    out(`  API/ES ratio           p50 ${ratio(se.api.p50, se.took.p50)}  p95 ${ratio(se.api.p95, se.took.p95)}  (goal p95 <= ${GOALS.apiOverEsP95}x)`);
    out(`  throughput             ${fmt(se.queries / ((se.wallMs ?? NaN) / 1000), 1)} queries/s (${fmt((se.wallMs ?? NaN) / 1000, 2)} s wall)`);
    out(`  results                mean total ${fmt(se.meanTotal ?? NaN, 1)}, ${se.zeroResults} of ${se.api.n} returned 0, ${se.withFacets} of ${se.api.n} carried facets`);
    out(`  errors                 ${se.errors}${se.errorSamples?.length ? ` e.g. ${se.errorSamples.join(' | ')}` : ''}`);
    if (se.processCpuMs !== undefined && se.wallMs) {
      out(`  bench process CPU      ${fmt(se.processCpuMs / 1000, 2)} s = ${fmt((100 * se.processCpuMs) / se.wallMs, 0)}% of one core (API + client thread)`);
    }
    for (const l of se.load ?? []) out(`  ${l}`);
    if (se.segments !== undefined) out(`  index segments         ${se.segments} (right after the import, no force-merge)`);
    out('  (the API logs one info line per request as in production, to /dev/null; the worker was shut down before this phase)');
    if (se.byFeature?.length) {
      out('  by query feature (a query counts under each feature it has), ms:');
      out('    feature                      n   API p50  API p95  took p50  took p95  mean total');
      for (const g of se.byFeature) {
        out(
          `    ${g.feature.padEnd(24)} ${String(g.n).padStart(5)} ${fmt(g.api.p50).padStart(9)} ${fmt(g.api.p95).padStart(8)} ` +
            `${fmt(g.took.p50, 0).padStart(9)} ${fmt(g.took.p95, 0).padStart(9)} ${fmt(g.meanTotal, 0).padStart(11)}`,
        );
      }
    }
  } else {
    out('  (not measured)');
  }

  out();
  out('Cleanup');
  for (const c of figures.cleanup) out(`  ${c}`);

  out();
  out('Markdown (for the README)');
  out();
  const yes = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : 'no');
  const apiOverEs = se.api && se.took ? se.api.p95 / se.took.p95 : NaN;
  out('| Metric | Goal | Measured | Met |');
  out('|---|---|---|---|');
  out(
    `| Import, ${int(im.expected)} listings (${im.copies} concurrent Ames imports), first start to all searchable | ≥ ${int(GOALS.importPerSec)} listings/s | ` +
      `${int(importRate)} listings/s (${fmt((im.searchableMs ?? NaN) / 1000, 1)} s) | ${yes(im.searchableMs ? importRate >= GOALS.importPerSec : undefined)} |`,
  );
  if (se.api && se.took) {
    out(
      `| Search via API, ${se.queries} mixed queries, ${se.clients} clients: p50 / p95 / p99 | p95 ≤ ${GOALS.apiP95Ms} ms | ` +
        `${fmt(se.api.p50)} / ${fmt(se.api.p95)} / ${fmt(se.api.p99)} ms | ${yes(se.api.p95 <= GOALS.apiP95Ms)} |`,
    );
    out(`| Elasticsearch took: p50 / p95 / p99 | — | ${fmt(se.took.p50, 0)} / ${fmt(se.took.p95, 0)} / ${fmt(se.took.p99, 0)} ms | — |`);
    out(
      `| API p95 / ES took p95 (p50 ratio) | ≤ ${GOALS.apiOverEsP95}× | ${ratio(se.api.p95, se.took.p95)} (${ratio(se.api.p50, se.took.p50)}) | ` +
        `${yes(Number.isFinite(apiOverEs) ? apiOverEs <= GOALS.apiOverEsP95 : undefined)} |`,
    );
    if (se.serial) {
      out(
        `| Same queries from 1 client (no queueing): API p50 / p95; ES took p50 / p95 | — | ` +
          `${fmt(se.serial.api.p50)} / ${fmt(se.serial.api.p95)} ms; ${fmt(se.serial.took.p50, 0)} / ${fmt(se.serial.took.p95, 0)} ms | — |`,
      );
    }
    out(`| Search throughput | — | ${fmt(se.queries / ((se.wallMs ?? NaN) / 1000), 0)} queries/s | — |`);
    out(`| Mean hits per query (zero-hit queries) | — | ${fmt(se.meanTotal ?? NaN, 0)} (${se.zeroResults} of ${se.api.n}) | — |`);
  }
  out();
  out(
    `Machine: ${machine.cpus ?? '?'}, ${machine.memory ?? '?'} RAM, Node ${machine.node ?? '?'}, Elasticsearch ${(machine.elasticsearch ?? '?').split(' ')[0]} ` +
      `(heap ${(machine.esHeap ?? '?').split(' ')[0]}), Postgres ${machine.postgres ?? '?'}, Temporal dev server ${(machine.temporal ?? '?').split(' ')[0]}; ` +
      'all services, the worker and the API on the same machine.',
  );
  out();
}

function ratio(a: number, b: number) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return 'n/a';
  return `${(a / b).toFixed(2)}×`;
}

// ---------------------------------------------------------------- main

async function abort(reason: string) {
  if (aborting) return;
  aborting = true;
  say(`${reason}: stopping, cleaning up`);
  await bounded('cleanup', 120_000, cleanupAll()).catch((err: Error) => figures.cleanup.push(`cleanup: ${err.message}`));
  report(reason);
  process.exit(1);
}

async function main() {
  const began = performance.now();
  const timer = setTimeout(() => void abort(`total timeout of ${TOTAL_TIMEOUT_MS / 1000}s reached`), TOTAL_TIMEOUT_MS);
  process.once('SIGINT', () => void abort('interrupted (SIGINT)'));
  let failure: string | undefined;
  try {
    const ctx = await setup();
    if (!aborting) await importPhase(ctx);
    // The API process runs no worker in production: stop it before measuring search.
    if (!aborting) await stopWorker();
    if (!aborting) await searchPhase(ctx);
  } catch (err) {
    failure = `failed: ${(err as Error).stack ?? String(err)}`;
  }
  if (aborting) return; // abort() reports and exits
  clearTimeout(timer);
  say('cleaning up');
  await bounded('cleanup', 120_000, cleanupAll()).catch((err: Error) => figures.cleanup.push(`cleanup: ${err.message}`));
  figures.setup.total = `${fmt((performance.now() - began) / 1000, 1)} s for the whole run`;
  report(failure);
  process.exit(failure ? 1 : 0);
}

void main();
