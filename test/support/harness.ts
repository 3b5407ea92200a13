/**
 * A test file's view of the platform, on the real services: Postgres,
 * Elasticsearch and the Temporal dev server, with the API built in-process
 * and a worker on a task queue and search index of the file's own.
 */
import { randomUUID } from 'node:crypto';
import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type { Sequelize } from 'sequelize';
import { createApp, type App } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import type { Role } from '../../domain/roles';
import { signToken } from '../../lib/auth-token';
import { createBlobStore } from '../../lib/blob-store';
import { parseConfig, type Config } from '../../lib/config';
import { createSequelize } from '../../lib/db';
import { createElasticsearch } from '../../lib/elasticsearch';
import { createLogger } from '../../lib/logger';
import { ensureListingsIndex, listingsAlias } from '../../lib/search/listing-index';
import { ensureSearchAttributes } from '../../lib/temporal';
import { initModels, User } from '../../models';
import { createSearchWorker } from '../../workers/search-worker';
import { TEMPLATE_DB, withDatabase } from './test-env';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

async function adminQuery(url: string, sql: string) {
  const client = new PgClient({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
let runtimeInstalled = false;

/** Bundles the workflow code once per test file. */
export function workflowBundle() {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger() });
  return bundle;
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

export interface Harness {
  config: Config;
  db: Sequelize;
  es: ElasticsearchClient;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  app: App;
  /** The search queue; the lease, notification and rent queues are named after it. */
  taskQueue: string;
  leaseTaskQueue: string;
  purchaseTaskQueue: string;
  /** Work orders (the operations worker). */
  operationsTaskQueue: string;
  /** Report runs (the reports worker). */
  reportsTaskQueue: string;
  notificationTaskQueue: string;
  rentTaskQueue: string;
  indexPrefix: string;
  alias: string;
  deps: ApiDeps;
  /** Starts a worker for this file's task queue; `esUrl` points its indexing elsewhere (an outage test). */
  startWorker(options?: { esUrl?: string; shutdownGraceSeconds?: number }): Promise<{ worker: Worker; stop: () => Promise<void> }>;
  /** A user in Postgres with these roles and a bearer token for them. */
  user(roles: Role[], name?: string): Promise<{ id: string; token: string; auth: Record<string, string> }>;
  tokenFor(userId: string, roles: Role[]): Promise<string>;
  request(path: string, init?: RequestInitWithAuth): Promise<Response>;
  close(): Promise<void>;
}

/** Keeps the SDK's own logging out of test output; call before any connection. */
export function installQuietRuntime() {
  if (runtimeInstalled) return;
  Runtime.install({ logger: quietLogger() as never });
  runtimeInstalled = true;
}

/**
 * A database of the test file's own, copied from the migrated template, and
 * the configuration that points at it. `drop` removes it.
 */
export async function createTestDatabase(name: string, suffix = randomUUID().slice(0, 8), env: Record<string, string> = {}) {
  const base = parseConfig(process.env);
  const database = `t_${name.replace(/[^a-z0-9]/g, '_')}_${suffix}`;
  await adminQuery(base.postgres.url, `create database ${database} template ${TEMPLATE_DB}`);
  const config = parseConfig({ ...process.env, ...env, DATABASE_URL: withDatabase(base.postgres.url, database) });
  const drop = () => adminQuery(base.postgres.url, `drop database if exists ${database} with (force)`).catch(() => undefined);
  return { config, database, drop };
}

export async function createHarness(name: string): Promise<Harness> {
  installQuietRuntime();
  const suffix = randomUUID().slice(0, 8);
  const indexPrefix = `t-${name}-${suffix}`;
  const { config, drop } = await createTestDatabase(name, suffix, { ELASTICSEARCH_INDEX_PREFIX: indexPrefix });
  const db = createSequelize(config, { poolMax: 5 });
  initModels(db);
  const es = createElasticsearch(config);
  await ensureListingsIndex(es, indexPrefix);
  const connection = await Connection.connect({ address: config.temporal.address });
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const taskQueue = `test-${name}-${suffix}`;
  const deps: ApiDeps = {
    config,
    db,
    es,
    temporal: client,
    temporalConnection: connection,
    logger: createLogger(config, { test: name }),
    searchTaskQueue: taskQueue,
    leaseTaskQueue: `${taskQueue}-leases`,
    purchaseTaskQueue: `${taskQueue}-purchases`,
    operationsTaskQueue: `${taskQueue}-operations`,
    reportsTaskQueue: `${taskQueue}-reports`,
    blobs: createBlobStore(config),
  };
  const app = createApp(deps);
  const workers: { stop: () => Promise<void> }[] = [];
  const extraEs: ElasticsearchClient[] = [];

  const harness: Harness = {
    config,
    db,
    es,
    client,
    connection,
    nativeConnection,
    app,
    taskQueue,
    leaseTaskQueue: `${taskQueue}-leases`,
    purchaseTaskQueue: `${taskQueue}-purchases`,
    operationsTaskQueue: `${taskQueue}-operations`,
    reportsTaskQueue: `${taskQueue}-reports`,
    notificationTaskQueue: `${taskQueue}-notifications`,
    rentTaskQueue: `${taskQueue}-rent`,
    indexPrefix,
    alias: listingsAlias(indexPrefix),
    deps,
    async startWorker(options = {}) {
      const workerEs = options.esUrl ? createElasticsearch(config, { url: options.esUrl }) : es;
      if (options.esUrl) extraEs.push(workerEs);
      const worker = await createSearchWorker({
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        taskQueue,
        deps: { db, es: workerEs, indexPrefix, temporal: client, searchTaskQueue: taskQueue },
        workflowBundle: await workflowBundle(),
        shutdownGraceSeconds: options.shutdownGraceSeconds ?? 5,
      });
      const running = worker.run();
      const handle = {
        worker,
        stop: async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
        },
      };
      workers.push(handle);
      return handle;
    },
    async user(roles, name) {
      const email = `${name ?? roles.join('-')}-${randomUUID()}@test.trilight.local`;
      const user = await User.create({ email, name: name ?? `Test ${roles.join(' ')}`, roles });
      const token = await harness.tokenFor(user.id, roles);
      return { id: user.id, token, auth: { authorization: `Bearer ${token}` } };
    },
    tokenFor: (userId, roles) => signToken(config.api.jwtSecret, userId, roles),
    request: (path, init = {}) => requestVia(app, path, init),
    async close() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await es.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await Promise.allSettled([db.close(), es.close(), connection.close(), nativeConnection.close(), ...extraEs.map((e) => e.close())]);
      await drop();
    },
  };
  return harness;
}

export type RequestInitWithAuth = RequestInit & { token?: string; json?: unknown };

/** Calls an app in-process, with an optional bearer token and JSON body. */
export async function requestVia(app: App, path: string, init: RequestInitWithAuth = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return app.request(path, { ...init, headers, body });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
