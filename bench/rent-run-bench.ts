/**
 * Rent-run benchmark on the development profile's services (started or
 * reused): Postgres, the Temporal dev server, localstripe (our launcher) and
 * the worker process itself (workers/main.ts, as deployed).
 *
 *   npm run bench:rent
 *
 * It prints figures; it asserts nothing. It works in a database of its own
 * (bench_<stamp>, dropped at the end) and task queues prefixed bench-<stamp>.
 *
 * 1. Unthrottled: a rent run over BENCH_LEASES (10,000) active leases with the
 *    request-rate limit lifted: invoices charged and posted per second end to
 *    end, and the worker process's CPU and peak RSS.
 * 2. Baseline: the same work as one workflow per invoice (bench/per-invoice-workflow.ts)
 *    for BENCH_BASELINE_LEASES (2,000), in the same kind of worker process; the ratio.
 * 3. Throttled: BENCH_THROTTLED_LEASES (750) at the default 25 requests/s, through a
 *    proxy in front of localstripe that counts requests and answers 429 like
 *    Stripe when more than 25 start within any second: achieved rate as a
 *    share of the limit, and the count of 429s.
 * 4. The whole-lease workflow test (12 rent periods on the time-skipping
 *    server), run by jest: its wall time.
 *
 * The worker runs with RENT_RUN_CONCURRENCY=BENCH_CONCURRENCY (64) charges in
 * flight and 40 database connections: unthrottled, the run is bound by round
 * trips, not CPU (measured: 32 in flight gave 103/s, 64 gave 125/s).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { QueryTypes, type Sequelize } from 'sequelize';
import { loadConfig, parseConfig, PROJECT_ROOT } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createStripe } from '../lib/stripe';
import { connectionOptions } from '../lib/temporal';
import { migrateUp } from '../models/migrator';
import { startServices } from '../scripts/services';
import { notificationOutboxScheduleId } from '../contracts/notifications';
import { RENT_RUN_WORKFLOW_TYPE, rentRunScheduleId, type RentRunWorkflow } from '../contracts/rent-run';
import { searchOutboxScheduleId } from '../contracts/search';

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const LEASES = envInt('BENCH_LEASES', 10_000);
const BASELINE_LEASES = envInt('BENCH_BASELINE_LEASES', 2_000);
const THROTTLED_LEASES = envInt('BENCH_THROTTLED_LEASES', 750);
const CARDS = 50;
const STRIPE_LIMIT = 25;

const stamp = Date.now().toString(36);
const prefix = `bench-${stamp}`;
const database = `bench_${stamp}`;
const children: ChildProcess[] = [];

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------- the worker process

interface Proc {
  proc: ChildProcess;
  ready: Promise<void>;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  /** Peak resident set size so far, in MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function startProcess(entry: string, env: Record<string, string>): Proc {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker started')) resolve();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
  const stat = () => fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return {
    proc,
    ready,
    cpuSeconds: () => {
      const f = stat();
      return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
    },
    peakRssMiB: () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** CPU seconds used so far by every process whose command line matches, per service: where a run's time goes. */
function cpuByService(): Record<string, number> {
  const groups: [string, RegExp][] = [
    ['postgres', /\/postgres\b|^postgres:/],
    ['localstripe', /localstripe/],
    ['temporal', /temporal.*server start-dev|temporal server/],
    ['elasticsearch', /org\.elasticsearch/],
  ];
  const totals: Record<string, number> = Object.fromEntries(groups.map(([g]) => [g, 0]));
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const group = groups.find(([, re]) => re.test(cmd))?.[0];
      if (!group) continue;
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      totals[group]! += (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      // the process ended while we looked
    }
  }
  return totals;
}

const cpuDelta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.entries(after)
    .map(([k, v]) => `${k} ${(v - (before[k] ?? 0)).toFixed(1)}`)
    .join(', ');

// ---------------------------------------------------------------- Stripe, as Stripe limits it

/**
 * A proxy to localstripe that counts requests and refuses (429, Retry-After: 1,
 * as Stripe does) any that would make more than `limit` start within a second.
 * It keeps the arrival time of every request it lets through, for the worst window.
 */
async function rateLimitingProxy(target: { host: string; port: number }, limit: number) {
  const started: number[] = [];
  const arrivals: number[] = [];
  const stats = { accepted: 0, rateLimited: 0, first: 0, last: 0 };
  const server = http.createServer((req, res) => {
    const now = performance.now();
    while (started.length && now - started[0]! >= 1000) started.shift();
    if (started.length >= limit) {
      stats.rateLimited++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { type: 'rate_limit_error', message: 'Too many requests' } }));
      return;
    }
    started.push(now);
    arrivals.push(now);
    stats.accepted++;
    if (!stats.first) stats.first = now;
    stats.last = now;
    const upstream = http.request({ host: target.host, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  /** The most accepted requests that arrived within any one second (counted as the proxy counts: less than 1000 ms apart). */
  const worstSecond = () => {
    let most = 0;
    for (let i = 0, j = 0; j < arrivals.length; j++) {
      while (arrivals[j]! - arrivals[i]! >= 1000) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
  };
  return { port: (server.address() as AddressInfo).port, stats, worstSecond, close: () => new Promise((r) => server.close(r)) };
}

// ---------------------------------------------------------------- data

async function seedLeases(db: Sequelize, n: number, dueOn: string, cards: { customerId: string; paymentMethodId: string }[]) {
  const rows = await db.query<{ id: string }>(
    `with l as (
       insert into leases (id, status, tenant_ids, workflow_id, customer_id, payment_method_id, created_at, updated_at)
       select gen_random_uuid(), 'active', '{}', null, ($1::text[])[1 + g % $3], ($2::text[])[1 + g % $3], now(), now()
         from generate_series(0, $4 - 1) g
       returning id)
     insert into rent_periods (lease_id, period_index, period_from, period_to, due_on, amount_minor, currency, created_at)
     select l.id, 1, $5::date, $5::date + 29, $5::date, 150000, 'USD', now() from l
     returning lease_id as id`,
    { bind: [cards.map((c) => c.customerId), cards.map((c) => c.paymentMethodId), cards.length, n, dueOn], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

async function countsFor(db: Sequelize, dueOn: string) {
  const [row] = await db.query<{ invoices: string; succeeded: string; postings: string }>(
    `select (select count(*) from lease_charges c join rent_periods p on p.lease_id = c.lease_id and c.period_index = p.period_index where p.due_on = $1 and c.kind = 'rent') as invoices,
            (select count(*) from rent_periods where due_on = $1 and outcome = 'succeeded') as succeeded,
            (select count(*) from ledger_transactions t join rent_periods p on t.book_type = 'lease' and p.lease_id = t.book_id where p.due_on = $1 and t.kind = 'payment_received') as postings`,
    { bind: [dueOn], type: QueryTypes.SELECT },
  );
  return { invoices: Number(row!.invoices), succeeded: Number(row!.succeeded), postings: Number(row!.postings) };
}

// ---------------------------------------------------------------- main

async function main() {
  const base = loadConfig();
  log(`rent-run benchmark on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`);
  await startServices();
  const admin = new PgClient({ connectionString: base.postgres.url });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const dbUrl = base.postgres.url.replace(/\/[^/]+$/, `/${database}`);
  const config = parseConfig({ ...process.env, DATABASE_URL: dbUrl, DATABASE_POOL_MAX: '40' });
  const db = createSequelize(config);
  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const workerEnv = { DATABASE_URL: dbUrl, DATABASE_POOL_MAX: '40', TEMPORAL_TASK_QUEUE_PREFIX: prefix, ELASTICSEARCH_INDEX_PREFIX: prefix, RENT_RUN_CONCURRENCY: String(envInt('BENCH_CONCURRENCY', 64)) };
  try {
    await migrateUp(db);
    const stripe = createStripe({ stripe: { ...config.stripe, maxRequestsPerSecond: 0 } });
    const cards = await Promise.all(
      Array.from({ length: CARDS }, async (_, i) => {
        const customer = await stripe.customers.create({ email: `bench-${stamp}-${i}@example.com` });
        const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' } } as never);
        await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
        return { customerId: customer.id, paymentMethodId: pm.id };
      }),
    );
    log(`seeding: ${LEASES} + ${BASELINE_LEASES} + ${THROTTLED_LEASES} active leases (${CARDS} localstripe cards shared between them)`);
    await seedLeases(db, LEASES, '2030-01-01', cards);
    const baselineLeases = await seedLeases(db, BASELINE_LEASES, '2030-02-01', cards);
    await seedLeases(db, THROTTLED_LEASES, '2030-03-01', cards);

    // 1. The rent run, unthrottled.
    const worker = startProcess('workers/main.ts', { ...workerEnv, STRIPE_MAX_REQUESTS_PER_SECOND: '0' });
    await worker.ready;
    const cpu0 = worker.cpuSeconds();
    const services0 = cpuByService();
    let t = performance.now();
    const run = await client.workflow.execute<RentRunWorkflow>(RENT_RUN_WORKFLOW_TYPE, {
      taskQueue: `${prefix}-rent`,
      workflowId: `${prefix}-rent-run-2030-01-01`,
      args: [{ runDate: '2030-01-01', batchSize: 500 }],
    });
    const batchedSeconds = (performance.now() - t) / 1000;
    const cpu = worker.cpuSeconds() - cpu0;
    const services = cpuDelta(services0, cpuByService());
    const rss = worker.peakRssMiB();
    await worker.stop();
    const a = await countsFor(db, '2030-01-01');
    const batchedRate = run.charged / batchedSeconds;
    log('');
    log(`1. rent run, rate limit lifted: ${LEASES} leases in ${batchedSeconds.toFixed(1)} s`);
    log(`   charged ${run.charged}, failed ${run.failed + run.retrying}, batches ${run.batches}; in Postgres: ${a.invoices} invoices, ${a.succeeded} succeeded, ${a.postings} payment postings`);
    log(`   ${batchedRate.toFixed(1)} invoices charged and posted per second (goal >= 100)`);
    log(`   worker process: ${cpu.toFixed(1)} CPU s (${((cpu / batchedSeconds) * 100).toFixed(0)}% of one core), peak RSS ${rss.toFixed(0)} MiB`);
    log(`   CPU s of the services meanwhile: ${services} (of ${(batchedSeconds * os.cpus().length).toFixed(0)} available)`);

    // 2. Baseline: one workflow per invoice.
    const baseline = startProcess('bench/per-invoice-worker.ts', { ...workerEnv, STRIPE_MAX_REQUESTS_PER_SECOND: '0', BENCH_TASK_QUEUE: `${prefix}-invoice` });
    await baseline.ready;
    const bcpu0 = baseline.cpuSeconds();
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < baselineLeases.length) {
          const leaseId = baselineLeases[next++]!;
          await client.workflow.execute('invoiceWorkflow', {
            taskQueue: `${prefix}-invoice`,
            workflowId: `${prefix}-invoice-${leaseId}-1`,
            args: [leaseId, 1, '2030-02-01'],
          });
        }
      }),
    );
    const baselineSeconds = (performance.now() - t) / 1000;
    const bcpu = baseline.cpuSeconds() - bcpu0;
    await baseline.stop();
    const b = await countsFor(db, '2030-02-01');
    const baselineRate = b.succeeded / baselineSeconds;
    log('');
    log(`2. baseline, one workflow per invoice (one activity each): ${BASELINE_LEASES} invoices in ${baselineSeconds.toFixed(1)} s`);
    log(`   ${baselineRate.toFixed(1)} invoices per second; worker ${bcpu.toFixed(1)} CPU s; succeeded ${b.succeeded}`);
    log(`   batched rent run / per-invoice workflows: ${(batchedRate / baselineRate).toFixed(2)}x`);

    // 3. Throttled at Stripe's test-mode limit, through a proxy that enforces it.
    const proxy = await rateLimitingProxy({ host: config.stripe.host, port: config.stripe.port }, STRIPE_LIMIT);
    const throttled = startProcess('workers/main.ts', {
      ...workerEnv,
      STRIPE_MAX_REQUESTS_PER_SECOND: String(STRIPE_LIMIT),
      EMBEDDED_STRIPE_PORT: String(proxy.port),
    });
    await throttled.ready;
    t = performance.now();
    const slow = await client.workflow.execute<RentRunWorkflow>(RENT_RUN_WORKFLOW_TYPE, {
      taskQueue: `${prefix}-rent`,
      workflowId: `${prefix}-rent-run-2030-03-01`,
      args: [{ runDate: '2030-03-01', batchSize: 500 }],
    });
    const throttledSeconds = (performance.now() - t) / 1000;
    await throttled.stop();
    await proxy.close();
    const achieved = proxy.stats.accepted / throttledSeconds;
    log('');
    log(`3. rent run at ${STRIPE_LIMIT} requests/s: ${THROTTLED_LEASES} leases in ${throttledSeconds.toFixed(1)} s, charged ${slow.charged}`);
    log(`   ${proxy.stats.accepted} Stripe requests, ${achieved.toFixed(2)} per second over the whole run = ${((achieved / STRIPE_LIMIT) * 100).toFixed(1)}% of the limit (goal >= 90%)`);
    log(`   429 answers: ${proxy.stats.rateLimited} (goal 0); worst one-second window: ${proxy.worstSecond()} requests (limit ${STRIPE_LIMIT})`);

    // 4. The 12-month lease on the time-skipping test server.
    if (process.env.BENCH_SKIP_LEASE_TEST) return;
    const out = path.join(os.tmpdir(), `${prefix}-jest.json`);
    try {
      execFileSync('npx', ['jest', 'test/workflows/lease.workflow.test.ts', '-t', 'a whole lease', '--json', `--outputFile=${out}`], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, KEEP_SERVICES: '1' },
        stdio: 'ignore',
      });
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as { testResults: { assertionResults: { title: string; status: string; duration: number }[] }[] };
      const whole = result.testResults[0]!.assertionResults.find((r) => r.status === 'passed' && r.title.startsWith('a whole lease'));
      log('');
      log(`4. the whole 12-month lease (time-skipping test): ${whole ? `${(whole.duration / 1000).toFixed(2)} s wall (goal < 5 s)` : 'did not pass'}`);
    } catch (err) {
      log(`4. the whole-lease test could not run: ${(err as Error).message.split('\n')[0]}`);
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const id of [rentRunScheduleId(`${prefix}-rent`), searchOutboxScheduleId(`${prefix}-search`), notificationOutboxScheduleId(`${prefix}-leases`)]) {
      await client.schedule.getHandle(id).delete().catch(() => undefined);
    }
    await connection.close();
    await db.close();
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`rent-run benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(1);
  },
);
