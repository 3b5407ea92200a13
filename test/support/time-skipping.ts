/**
 * Temporal's time-skipping test server, started by the test itself.
 *
 * `TestWorkflowEnvironment.createTimeSkipping` gives the server about 5 s to
 * answer (50 tries, 100 ms apart, in the SDK's core); a loaded machine can
 * miss that. Here the server runs on a free port of its own and is given
 * as long as it needs, up to `readyTimeoutMs`, to answer gRPC; the
 * environment is then built on it as on an existing server, with time
 * skipping (the test service) enabled.
 *
 * Call `Runtime.install` (installQuietRuntime) first if the runtime should be
 * configured: the environment uses `Runtime.instance()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { installQuietRuntime, workflowBundle } from './harness';

const TEST_SERVER = path.resolve(__dirname, '../../.tools/python/bin/temporal-test-server');

export interface TimeSkippingServer {
  env: TestWorkflowEnvironment;
  /** The server's gRPC address, host:port. */
  address: string;
  /** Closes the environment's connections and stops the server. */
  teardown(): Promise<void>;
}

export interface TimeSkippingServerOptions {
  /** How long the server may take to answer gRPC (default 60 s). */
  readyTimeoutMs?: number;
  /** The test server's executable (default .tools/python/bin/temporal-test-server). */
  executable?: string;
}

/**
 * The options of `TestWorkflowEnvironment.create`, which every `create*`
 * method calls. It is a public static method in the JavaScript, declared
 * `private` in the SDK's typings, hence the cast below.
 */
interface CreateOptions {
  server: { type: 'existing' };
  address: string;
  namespace: string;
  supportsTimeSkipping: boolean;
}
const createEnvironment = (options: CreateOptions): Promise<TestWorkflowEnvironment> =>
  (TestWorkflowEnvironment as unknown as { create(o: CreateOptions): Promise<TestWorkflowEnvironment> }).create.call(TestWorkflowEnvironment, options);

/** A port nothing listens on now: bind port 0 (all addresses, as the server will), read what the kernel chose, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Whether `promise` settles within `ms`; its timer never outlives it (nothing left to keep jest waiting). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The server's exit as a promise that never rejects (undefined while it runs). */
function exitOf(child: ChildProcess) {
  let exited: string | undefined;
  const done = new Promise<string>((resolve) => {
    const finish = (why: string) => {
      exited ??= why;
      resolve(exited);
    };
    child.once('exit', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with ${code}`));
    child.once('error', (err) => finish(`failed to start: ${err.message}`));
  });
  return { done, exited: () => exited };
}

async function stop(child: ChildProcess, done: Promise<string>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await within(done, 5_000))) {
    child.kill('SIGKILL');
    await within(done, 5_000);
  }
}

/**
 * Whether process `pid` is the one listening on `port` (Linux: its socket
 * inodes against /proc/net/tcp*); undefined where that cannot be told.
 * A server that finds its port taken does not exit (it prints the bind
 * failure and hangs), and whatever took the port may answer gRPC too.
 */
function listensOn(pid: number | undefined, port: number): boolean | undefined {
  if (pid === undefined) return undefined;
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!fs.existsSync(table)) continue;
      for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth column.
        if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return false;
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
  } catch {
    return undefined;
  }
}

interface Launched {
  child: ChildProcess;
  address: string;
  exit: ReturnType<typeof exitOf>;
  forget: () => void;
}

/**
 * Starts the server on a free port and waits until it answers gRPC. Returns
 * it, or why not: `retry` when the port was taken under it (between our
 * probe and its bind) or it exited at once, so that another port may do.
 */
async function launch(executable: string, readyTimeoutMs: number): Promise<Launched | { failure: string; retry: boolean }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(executable, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exit = exitOf(child);
  // Should the test process end without a teardown, do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const forget = () => process.removeListener('exit', killOnExit);
  const portTaken = () => /Failed to bind|Address already in use/.test(stderr);

  const deadline = Date.now() + readyTimeoutMs;
  let failure: string | undefined;
  let retry = false;
  let lastError: unknown;
  while (!failure) {
    if (exit.exited()) [failure, retry] = [exit.exited()!, true];
    else if (portTaken()) [failure, retry] = ['found its port taken', true];
    else if (Date.now() > deadline) failure = `did not answer gRPC within ${readyTimeoutMs} ms (${(lastError as Error | undefined)?.message ?? 'no attempt'})`;
    else {
      try {
        const connection = await Connection.connect({ address, connectTimeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
        await connection.close();
        // Something answers: make sure it is our server.
        if (listensOn(child.pid, port) === false || portTaken()) [failure, retry] = ['found its port taken by another server', true];
        else if (exit.exited()) [failure, retry] = [exit.exited()!, true];
        else return { child, address, exit, forget };
      } catch (err) {
        lastError = err;
        await within(exit.done, 250);
      }
    }
  }
  await stop(child, exit.done);
  forget();
  return { failure: `temporal-test-server on ${address} ${failure}${stderr ? `\n${stderr}` : ''}`, retry };
}

/**
 * Spawns `temporal-test-server <port>` on a free port, waits until it
 * answers gRPC (bounded by `readyTimeoutMs`), and returns a time-skipping
 * environment on it with a teardown that closes the environment and kills
 * the server. Should its port be taken between our probe and its bind (it
 * then says so and hangs, rather than exit), or should it exit at once, it is
 * stopped and started again on another port.
 */
export async function startTimeSkippingServer(options: TimeSkippingServerOptions = {}): Promise<TimeSkippingServer> {
  const executable = options.executable ?? TEST_SERVER;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = Date.now();
  let launched = await launch(executable, readyTimeoutMs);
  for (let attempt = 1; 'failure' in launched && launched.retry && attempt < 3 && Date.now() - started < readyTimeoutMs; attempt++) {
    launched = await launch(executable, readyTimeoutMs - (Date.now() - started));
  }
  if ('failure' in launched) throw new Error(launched.failure);
  const { child, address, exit, forget } = launched;

  let env: TestWorkflowEnvironment;
  try {
    env = await createEnvironment({ server: { type: 'existing' }, address, namespace: 'default', supportsTimeSkipping: true });
  } catch (err) {
    await stop(child, exit.done);
    forget();
    throw err;
  }
  let tornDown: Promise<void> | undefined;
  return {
    env,
    address,
    teardown() {
      tornDown ??= (async () => {
        try {
          await env.teardown();
        } finally {
          await stop(child, exit.done);
          forget();
        }
      })();
      return tornDown;
    },
  };
}

type Terminable = { terminate(reason?: string): Promise<unknown> };
const startedByTest: Terminable[] = [];

/**
 * Marks a workflow the running test started, to be terminated after the test
 * (see useTimeSkippingServer); returns the handle. Time skipping is global: a
 * workflow a failed test leaves with a task nobody polls would hold the clock
 * still for every test after it.
 */
export function endsWithTest<H extends Terminable>(handle: H): H {
  startedByTest.push(handle);
  return handle;
}

/**
 * A test file's time-skipping server: started before its tests (with the
 * workflow bundle built once, and the platform's custom search attributes
 * registered if asked), stopped after them; the workflows marked with
 * `endsWithTest` are terminated after each test. `use` receives the environment.
 */
export function useTimeSkippingServer(use: (env: TestWorkflowEnvironment) => void, options: { searchAttributes?: boolean } = {}) {
  let server: TimeSkippingServer | undefined;
  beforeAll(async () => {
    installQuietRuntime();
    server = await startTimeSkippingServer();
    const { env } = server;
    if (options.searchAttributes) {
      // The test server implements adding them, not listing them.
      await env.connection.operatorService.addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
      });
    }
    await workflowBundle(); // bundled once, here, rather than in the first test
    // TEST_CLOCK_OFFSET_DAYS=n starts the server's clock n days on: how the tests are tried on other dates than today.
    const offsetDays = Number(process.env.TEST_CLOCK_OFFSET_DAYS ?? 0);
    if (offsetDays > 0) await env.sleep(offsetDays * 86_400_000);
    use(env);
  });
  afterEach(async () => {
    // A workflow that already closed cannot be terminated: nothing to do.
    for (const handle of startedByTest.splice(0)) await handle.terminate('test over').catch(() => undefined);
  });
  afterAll(async () => {
    await server?.teardown();
  });
}
