/**
 * A Temporal CLI dev server of a test file's own, for tests that stop and
 * start Temporal (the shared one, started by the global setup, serves other
 * test files running at the same time and must stay up). It runs as
 * scripts/services.ts runs the shared one — `temporal server start-dev` with
 * a SQLite file and the platform's custom search attributes — headless, on a
 * free port, with its data file in a temporary folder, so that `stop()` and
 * `start()` bring back the same server: same port, same workflows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../../domain/search-attributes';

const TEMPORAL_CLI = path.resolve(__dirname, '../../.tools/python/bin/temporal');
const running = new Set<ChildProcess>();

/** A TCP port nobody listens on right now (the kernel picks it; we let go of it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True once the server answers on `address` and knows `namespace`; false if it does not within `timeoutMs`. */
export async function temporalAnswers(address: string, namespace: string, timeoutMs = 2_000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, async () => {
      await connection!.workflowService.getSystemInfo({});
      await connection!.workflowService.describeNamespace({ namespace });
    });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export interface TemporalDevServer {
  /** host:port, for TEMPORAL_ADDRESS and Connection.connect. */
  readonly address: string;
  readonly port: number;
  readonly namespace: string;
  /** The SQLite file: kept across stop/start, removed by dispose. */
  readonly dbFile: string;
  readonly logFile: string;
  /** Whether our process is up (it may still be starting). */
  isRunning(): boolean;
  /** Starts the server (again), on the same port and data file, and waits until it answers. */
  start(): Promise<void>;
  /** SIGTERM, then waits for the process to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** The end of the server's log, for failure messages. */
  logTail(chars?: number): string;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export interface TemporalDevServerOptions {
  namespace?: string;
  /** How long `start()` waits for the server to answer (a loaded machine is slow). */
  startTimeoutMs?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Starts a dev server of our own on a free port; call `dispose()` when done (killAllTemporalServers is the backstop). */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  if (!fs.existsSync(TEMPORAL_CLI)) throw new Error(`${TEMPORAL_CLI} is missing; run scripts/setup.sh first`);
  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trilight-temporal-'));
  const dbFile = path.join(dir, 'temporal.db');
  const logFile = path.join(dir, 'temporal.log');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const alive = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;

  const launch = () => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n--- start ${new Date().toISOString()} ---\n`);
    const child = spawn(
      TEMPORAL_CLI,
      [
        'server', 'start-dev',
        '--ip', '127.0.0.1',
        '--port', String(port),
        '--headless',
        '--db-filename', dbFile,
        '--namespace', namespace,
        '--log-level', options.logLevel ?? 'warn',
        ...searchAttributeFlags(),
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    running.add(child);
    exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    proc = child;
  };

  const server: TemporalDevServer = {
    address,
    port,
    namespace,
    dbFile,
    logFile,
    isRunning: alive,
    async start() {
      if (!alive()) launch();
      const deadline = Date.now() + startTimeoutMs;
      while (Date.now() < deadline) {
        if (!alive()) throw new Error(`the Temporal dev server on ${address} exited while starting:\n${server.logTail()}`);
        if (await temporalAnswers(address, namespace)) return;
        await sleep(250);
      }
      throw new Error(`the Temporal dev server on ${address} did not answer within ${startTimeoutMs} ms:\n${server.logTail()}`);
    },
    async stop(graceMs = 30_000) {
      if (!alive()) return;
      const child = proc!;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    logTail(chars = 4_000) {
      try {
        return fs.readFileSync(logFile, 'utf8').slice(-chars);
      } catch {
        return '(no log)';
      }
    },
    async dispose() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Kills every dev server this module started that is still up (a test file's last resort in afterAll). */
export function killAllTemporalServers() {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
