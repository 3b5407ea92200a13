/**
 * The local SMTP sink (scripts/smtp-sink.ts) survives clients that go away mid-conversation: a worker
 * SIGKILLed while sending leaves a TCP reset, and the sink must keep accepting the e-mails after it,
 * without leaving a half message where tests read messages. Starts nothing but its own sink, on a free port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { PROJECT_ROOT } from '../../lib/config';

const SINK = 'scripts/smtp-sink.ts';
const PATIENCE_MS = 60_000; // the machine may be busy: wait on state, generously

let root: string;
let dir: string;
let sink: ChildProcess;
let port: number;
let stderr = '';

/** Resolves once `check` holds, polling; fails after PATIENCE_MS with `what`. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sink stderr:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A raw SMTP client: send text, wait for a reply code, and hang up with a TCP reset. */
async function rawClient() {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined); // a refused connection or our own reset; 'close' follows
  socket.on('close', () => (closed = true));
  let seen = 0; // replies are consumed in order
  const reply = async (code: number) => {
    const final = () => received.slice(seen).split('\r\n').some((l) => l.startsWith(`${code} `));
    await until(`reply ${code}`, () => final() || closed);
    if (!final()) throw new Error(`the sink closed the connection instead of replying ${code}; it said: ${JSON.stringify(received.slice(seen))}`);
    seen = received.indexOf('\r\n', received.indexOf(`${code} `, seen)) + 2;
  };
  const write = (text: string) => new Promise<void>((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())));
  return { reply, write, reset: () => socket.resetAndDestroy(), end: () => socket.destroy() };
}

/**
 * Whether the sink is still serving after what came before: a new conversation gets its greeting (the sink
 * answers connections in order, so it has dealt with the resets before). If it died, says why.
 */
async function expectSinkServing() {
  const probe = await rawClient();
  try {
    await probe.reply(220);
    await probe.write('NOOP\r\n');
    await probe.reply(250);
  } catch (err) {
    await until('the sink process to exit', () => sink.exitCode !== null || sink.signalCode !== null);
    throw new Error(`the sink stopped serving (exit ${sink.exitCode}): ${(err as Error).message}\nits stderr:\n${stderr}`);
  } finally {
    probe.end();
  }
  expect(sink.exitCode).toBeNull();
}

function filesUnder(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)]));
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-sink-test-'));
  dir = path.join(root, 'messages');
  sink = spawn(process.execPath, ['--import', 'tsx', SINK, '--port', '0', '--dir', dir], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  sink.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let stdout = '';
  sink.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  await until('the sink to print its port', () => {
    if (sink.exitCode !== null) throw new Error(`the sink exited (${sink.exitCode}) before listening:\n${stderr}`);
    return /smtp sink on 127\.0\.0\.1:\d+,/.test(stdout);
  });
  port = Number(/smtp sink on 127\.0\.0\.1:(\d+),/.exec(stdout)![1]);
  expect(port).toBeGreaterThan(0);
});

afterAll(async () => {
  if (sink && sink.exitCode === null && sink.signalCode === null) {
    const exited = new Promise((r) => sink.once('exit', r));
    sink.kill('SIGKILL');
    await exited;
  }
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('a client reset mid-DATA, mid-command or mid-greeting neither kills the sink nor leaves a partial message', async () => {
  // Reset in the middle of DATA: the crash-test case (a worker SIGKILLed while sending). The sink's read sees the
  // reset as an error (ECONNRESET) only if it already read everything sent before it, so the half message goes
  // out in one write with DATA: when the 354 arrives, the sink has read it all.
  for (let i = 0; i < 3; i++) {
    const data = await rawClient();
    await data.reply(220);
    await data.write('EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n');
    await data.reply(250);
    await data.reply(250);
    await data.reply(250);
    await data.write('DATA\r\nFrom: a@b\r\nTo: c@d\r\nSubject: PARTIAL-MESSAGE\r\n\r\nhalf of a mess');
    await data.reply(354);
    data.reset();
    await expectSinkServing();
  }

  // Reset in the middle of a command, inside a transaction (after MAIL FROM, where smtp-server reports it).
  for (let i = 0; i < 2; i++) {
    const command = await rawClient();
    await command.reply(220);
    await command.write('EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@');
    await command.reply(250);
    await command.reply(250);
    command.reset();
    await expectSinkServing();
  }
  // The resets were seen as such, and reported in a line each rather than a crash.
  expect(stderr).toMatch(/ECONNRESET/);

  // Reset in the middle of the greeting: right after connecting, and while the EHLO is answered.
  (await rawClient()).reset();
  const greeting = await rawClient();
  await greeting.reply(220);
  await greeting.write('EHLO x\r\n');
  greeting.reset();
  await expectSinkServing();

  // The next e-mail still arrives, as exactly one whole message.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'landlord@example.com', to: 'tenant@example.com', subject: 'Rent is due soon', text: 'after the resets' });
  } finally {
    transport.close();
  }
  await until('the message file', () => fs.existsSync(dir) && fs.readdirSync(dir).length > 0);
  const files = fs.readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^\d+-\d{6}\.eml$/);
  const mail = fs.readFileSync(path.join(dir, files[0]!), 'utf8');
  expect(mail).toMatch(/^Subject: Rent is due soon\r?$/m);
  expect(mail).toMatch(/X-Sink-Envelope-To: tenant@example\.com/);
  expect(mail).toContain('after the resets');
  // Nothing of the interrupted messages was kept, in the message folder or beside it.
  expect(filesUnder(root)).toEqual([path.join(dir, files[0]!)]);
  expect(sink.exitCode).toBeNull();
  expect(sink.signalCode).toBeNull();
});
