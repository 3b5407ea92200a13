/**
 * What the HTTP benchmarks (bench/purchase-bench.ts, bench/work-order-bench.ts)
 * share: settings from flags and the environment, percentiles, the platform's
 * processes run as deployed (the worker and the API as child processes, their
 * CPU and RSS read from /proc), who else used the CPU meanwhile, an HTTP
 * client that times every call, and a database, task-queue prefix and index
 * prefix of the run's own on the development profile's services, removed at
 * the end.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { Sequelize } from 'sequelize';
import { loadConfig, parseConfig, PROJECT_ROOT, type Config } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createElasticsearch } from '../lib/elasticsearch';
import { taskQueues } from '../lib/task-queues';
import { connectionOptions } from '../lib/temporal';
import { startServices } from '../scripts/services';
import { notificationOutboxScheduleId } from '../contracts/notifications';
import { rentRunScheduleId } from '../contracts/rent-run';
import { searchOutboxScheduleId } from '../contracts/search';

// ---------------------------------------------------------------- output, settings, figures

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const say = (line: string) => out(`[bench] ${line}`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** An integer setting: the flag, else the environment variable, else the fallback. */
export function setting(flag: string | undefined, env: string, fallback: number, min = 1) {
  for (const raw of [flag, process.env[env]]) {
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`${flag === raw ? 'flag' : env} must be an integer >= ${min}, not ${raw}`);
    return v;
  }
  return fallback;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}
/** Nearest-rank percentiles. */
export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  return { n: s.length, p50: at(50), p95: at(95), max: s.length ? s[s.length - 1]! : NaN, mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN };
}

export const machineDescription = () => `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${fmt(os.totalmem() / 2 ** 30, 0)} GiB; node ${process.version}`;

// ---------------------------------------------------------------- processes: the worker and the API, as deployed

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** Every child process started, so a failure can kill what is left. */
export const children: ChildProcess[] = [];

const procStat = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};
const procStatus = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

export interface Proc {
  pid: number;
  ready: Promise<void>;
  /** CPU seconds (user + system) so far. */
  cpuSeconds(): number;
  /** Peak resident set size since it started (VmHWM), MiB. */
  peakRssMiB(): number;
  rssMiB(): number;
  tail(): string;
  /** Its warning and error log lines (pino JSON, level >= 40), counted by message: what went wrong under load. */
  problems(): [string, number][];
  stop(): Promise<void>;
}

/** A child process (node --import tsx entry), ready when `isReady` says so; only the tail of its output is kept. */
export function startProcess(entry: string, env: Record<string, string>, isReady: (output: string) => boolean | Promise<boolean>, nodeArgs: string[] = []): Proc {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let output = '';
  let partial = '';
  const problems = new Map<string, number>();
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.includes('"level":4') && !line.includes('"level":5') && !line.includes('"level":6')) continue;
      try {
        const l = JSON.parse(line) as { level: number; msg?: string; activityType?: string; workflowType?: string; error?: { message?: string }; err?: { message?: string } };
        if (l.level < 40) continue;
        const what = [l.msg, l.activityType ?? l.workflowType, (l.error?.message ?? l.err?.message)?.slice(0, 120)].filter(Boolean).join(' | ');
        problems.set(what, (problems.get(what) ?? 0) + 1);
      } catch {
        // not a log line
      }
    }
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const ready = new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output.slice(-3000)}`)));
    const check = async () => {
      for (;;) {
        if (proc.exitCode !== null) return;
        if (await isReady(output)) return resolve();
        await sleep(250);
      }
    };
    void check();
  });
  const pid = proc.pid!;
  return {
    pid,
    ready,
    cpuSeconds: () => {
      const f = procStat(pid);
      return (Number(f[11]) + Number(f[12])) / CLK_TCK;
    },
    peakRssMiB: () => procStatus(pid, 'VmHWM'),
    rssMiB: () => procStatus(pid, 'VmRSS'),
    tail: () => output.slice(-3000),
    problems: () => [...problems.entries()].sort((a, b) => b[1] - a[1]),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Kills (SIGKILL) every child process still running: the last resort after a failure. */
export function killChildren() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The worker (workers/main.ts) and the API (api/main.ts, on a free port) with the run's environment, once both are ready. */
export async function startPlatform(env: Record<string, string>, workerNodeArgs: string[] = []) {
  const port = await freePort();
  const worker = startProcess('workers/main.ts', env, (o) => o.includes('worker started'), workerNodeArgs);
  const api = startProcess('api/main.ts', { ...env, API_PORT: String(port) }, async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  });
  try {
    await Promise.all([worker.ready, api.ready]);
  } catch (err) {
    await Promise.all([worker.stop(), api.stop()]);
    throw err;
  }
  return { worker, api, port, apiUrl: `http://127.0.0.1:${port}` };
}

// ---------------------------------------------------------------- who used the CPU (the machine may be shared)

export interface ProcInfo {
  ticks: number;
  /** CPU of its children that ended and were reaped. */
  reaped: number;
  ppid: number;
  comm: string;
  cmd: string;
}
export function readProcs(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  for (const e of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      procs.set(Number(e), { ticks: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]), ppid: Number(f[1]), comm, cmd: fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

/**
 * CPU seconds per group of processes between two samples: ours (the worker, the API, this client,
 * the dev profile's services, found by their data folder on their own or an ancestor's command line)
 * and everything else ("not ours": another profile's services, jest, tsc…).
 */
export function cpuByGroup(a: Map<number, ProcInfo>, b: Map<number, ProcInfo>, ours: { worker: number; api: number }, config: Config) {
  const dataDir = config.dataDir;
  const label = (pid: number, sample: Map<number, ProcInfo>): string => {
    if (pid === ours.worker) return 'worker';
    if (pid === ours.api) return 'API';
    if (pid === process.pid) return 'load generator (this)';
    for (let p = pid, depth = 0; p > 1 && depth < 20; depth++) {
      const info = sample.get(p) ?? b.get(p) ?? a.get(p);
      if (!info) break;
      const cmd = info.cmd;
      if (cmd.includes(`${dataDir}/postgres`)) return 'postgres';
      if (cmd.includes(`${dataDir}/temporal`)) return 'temporal';
      if (cmd.includes(`${dataDir}/elasticsearch`)) return 'elasticsearch';
      if (cmd.includes(`${dataDir}/smtp`)) return 'smtp sink';
      if (/localstripe/.test(cmd) && cmd.includes(`--port ${config.stripe.port}`)) return 'localstripe';
      if (/\.data\/test\//.test(cmd) || (/localstripe/.test(cmd) && !cmd.includes(`--port ${config.stripe.port}`))) return 'test-profile services (not ours)';
      if (/jest/.test(cmd)) return 'jest (not ours)';
      if (/workers\/main\.ts|api\/main\.ts|scripts\/run\.ts/.test(cmd)) return 'dev platform worker+API, idle (not ours)';
      p = info.ppid;
    }
    const info = sample.get(pid)!;
    if (/\btsc\b/.test(info.cmd)) return 'tsc (not ours)';
    if (/eslint/.test(info.cmd)) return 'eslint (not ours)';
    return `${info.comm} (not ours)`;
  };
  // Per group: the sum over its processes at the end minus the sum at the start. For our own groups the CPU of
  // children they reaped counts too (a Postgres backend whose connection an idle pool closed between the samples);
  // for other processes not (a shell reaping a whole test run would take its CPU from before the phase).
  // Other processes count from the end sample only: what each still running used since the start (or since it began).
  const groups = new Map<string, number>();
  const add = (l: string, ticks: number) => groups.set(l, (groups.get(l) ?? 0) + ticks / CLK_TCK);
  for (const [pid, info] of b) {
    const l = label(pid, b);
    if (l.endsWith('(not ours)')) add(l, info.ticks - (a.get(pid)?.ticks ?? 0));
    else add(l, info.ticks + info.reaped);
  }
  for (const [pid, info] of a) {
    const l = label(pid, a);
    if (!l.endsWith('(not ours)')) add(l, -(info.ticks + info.reaped));
  }
  return [...groups.entries()].filter(([, s]) => s > 0.05).sort((x, y) => y[1] - x[1]);
}

/** Cores used by processes outside the benchmark and its services, per group. */
export const foreignCpu = (groups: [string, number][]) => groups.filter(([g]) => g.endsWith('(not ours)')).reduce((a, [, s]) => a + s, 0);

/** Is the machine quiet? Two seconds at a time, for up to `waitMs`; then measure anyway (the report says how busy it was). */
export async function waitForQuiet(ours: { worker: number; api: number }, config: Config, waitMs: number, aborted: () => boolean) {
  for (const quietBy = performance.now() + waitMs; ; ) {
    const p0 = readProcs();
    await sleep(2000);
    const foreign = foreignCpu(cpuByGroup(p0, readProcs(), ours, config)) / 2;
    if (foreign <= 0.25 || performance.now() > quietBy || aborted()) return;
    say(`machine busy: ${fmt(foreign, 2)} cores used by other processes; waiting for it to quiet down (BENCH_QUIET_WAIT_MS=${waitMs})`);
  }
}

/** The CPU-by-group table of a phase of `secs` seconds, with a note when the machine was busy. */
export function printCpuGroups(groups: [string, number][], secs: number, indent = '  ') {
  out(`${indent}CPU by process group over the phase (CPU s, cores; ${os.cpus().length} cores = ${fmt(secs * os.cpus().length, 0)} CPU s available):`);
  for (const [g, s] of groups.slice(0, 12)) out(`${indent}  ${g.padEnd(44)} ${fmt(s).padStart(8)}  ${fmt(s / secs, 2).padStart(5)}`);
  const foreign = foreignCpu(groups);
  if (foreign / secs > 0.25) out(`${indent}NOTE: ${fmt(foreign / secs, 2)} cores went to processes outside this benchmark and its services: the machine was busy, figures are pessimistic`);
}

// ---------------------------------------------------------------- the HTTP client

export interface Sample {
  route: string;
  ms: number;
  status: number;
}

/** A client of the API over HTTP that keeps each call's route, latency and status. */
export class Api {
  readonly samples: Sample[] = [];
  constructor(private readonly base: string) {}

  async call<T = unknown>(route: string, method: 'GET' | 'POST', path: string, token: string, json?: unknown, headers: Record<string, string> = {}) {
    const t = performance.now();
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    this.samples.push({ route, ms: performance.now() - t, status: res.status });
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body: body as T };
  }

  /** A POST that must answer `expected`; otherwise it throws with the problem's detail. */
  async post<T = unknown>(route: string, path: string, token: string, json: unknown, expected = 200, headers: Record<string, string> = {}): Promise<T> {
    const r = await this.call<T>(route, 'POST', path, token, json, headers);
    if (r.status !== expected) throw new Error(`${route} answered ${r.status}: ${(r.body as { detail?: string } | undefined)?.detail ?? JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }
}

// ---------------------------------------------------------------- a database, task queues and indices of the run's own

export interface BenchEnvironment {
  /** The run's configuration: its database, task-queue prefix and index prefix. */
  config: Config;
  db: Sequelize;
  client: Client;
  queues: ReturnType<typeof taskQueues>;
  /** The environment the worker and the API run with. */
  env: Record<string, string>;
  /** Deletes the run's schedules and indices, closes the connections and drops the database (unless `keepDb`). */
  close(keepDb: boolean): Promise<void>;
}

/**
 * Starts (or reuses) the development profile's services and makes the run's own database (created empty:
 * the caller migrates it), task-queue prefix and index prefix.
 */
export async function benchEnvironment(database: string, prefix: string, poolMax = 4): Promise<BenchEnvironment> {
  await startServices();
  const base = loadConfig();
  const admin = new PgClient({ connectionString: base.postgres.url });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const dbUrl = base.postgres.url.replace(/\/[^/]+$/, `/${database}`);
  const config = parseConfig({ ...process.env, DATABASE_URL: dbUrl, ELASTICSEARCH_INDEX_PREFIX: prefix, TEMPORAL_TASK_QUEUE_PREFIX: prefix });
  const db = createSequelize(config, { poolMax });
  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const queues = taskQueues(prefix);
  return {
    config,
    db,
    client,
    queues,
    env: { DATABASE_URL: dbUrl, TEMPORAL_TASK_QUEUE_PREFIX: prefix, ELASTICSEARCH_INDEX_PREFIX: prefix },
    async close(keepDb) {
      const schedules = new Set([rentRunScheduleId(queues.rent), searchOutboxScheduleId(queues.search), notificationOutboxScheduleId(queues.leases)]);
      try {
        for await (const s of client.schedule.list()) if (s.scheduleId.includes(prefix)) schedules.add(s.scheduleId);
      } catch {
        // listing is best effort (visibility); the known ones are deleted anyway
      }
      for (const id of schedules) await client.schedule.getHandle(id).delete().catch(() => undefined);
      const es = createElasticsearch(config);
      try {
        const found = await es.indices.get({ index: `${prefix}*`, allow_no_indices: true, ignore_unavailable: true });
        if (Object.keys(found).length) await es.indices.delete({ index: Object.keys(found) });
      } catch {
        // best effort
      }
      await es.close().catch(() => undefined);
      await connection.close();
      await db.close();
      if (!keepDb) await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}
