/**
 * A local SMTP sink for development and tests: accepts every message on
 * loopback and writes it, as sent, to `<dir>/<time>-<n>.eml`, where people
 * and tests read what the platform sent. Never relays anything.
 *   node --import tsx scripts/smtp-sink.ts --port 2525 --dir .data/dev/smtp/messages
 * `--port 0` listens on a free port, printed in the "smtp sink on 127.0.0.1:<port>" line.
 *
 * A client may go away at any moment (the crash tests SIGKILL workers in the middle of a
 * conversation): that costs the sink one line on stderr, never the process, and never a
 * file in `<dir>`. A message is written under `<dir>/../.<basename>.incoming/` and renamed
 * into `<dir>` only once it was received in full, so whatever is in `<dir>` is a whole message.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({ options: { port: { type: 'string' }, dir: { type: 'string' } } });
const port = Number(values.port ?? 2525);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`smtp sink: invalid --port ${values.port}\n`);
  process.exit(2);
}
const dir = path.resolve(values.dir ?? '.data/dev/smtp/messages');
// A sibling of `dir`, not inside it (readers list every entry of `dir`), and on the same file system, so the rename is atomic.
const incoming = path.join(path.dirname(dir), `.${path.basename(dir)}.incoming`);
fs.mkdirSync(dir, { recursive: true });
fs.mkdirSync(incoming, { recursive: true });
let seq = 0;
let listening = false;

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} smtp sink: ${line}\n`);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Writes one received message: to a temporary name first, then renamed into place. */
function store(data: Buffer): string {
  const name = `${Date.now()}-${String(++seq).padStart(6, '0')}.eml`;
  // Recreated if someone removed them while the sink runs (e.g. a test cleaning up).
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(incoming, { recursive: true });
  const tmp = path.join(incoming, name);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, name));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return name;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  banner: 'TriLight local SMTP sink',
  size: 25 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    let finished = false;
    const finish = (err?: Error & { responseCode?: number }) => {
      if (finished) return;
      finished = true;
      callback(err ?? null);
    };
    stream.on('data', (c: Buffer) => chunks.push(c));
    // The client went away mid-DATA: smtp-server destroys the stream (with an error, since we listen for one).
    // Drop what arrived; nothing is written.
    stream.on('error', (err) => {
      chunks.length = 0;
      log(`message from ${session.remoteAddress} dropped: ${err.message}`);
      finish(err);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        chunks.length = 0;
        return finish(Object.assign(new Error('Error: message exceeds fixed maximum message size'), { responseCode: 552 }));
      }
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const header = `X-Sink-Envelope-To: ${to}\r\n`;
      try {
        store(Buffer.concat([Buffer.from(header), ...chunks]));
      } catch (err) {
        log(`could not store a message: ${messageOf(err)}`);
        return finish(Object.assign(new Error('Error: could not store the message'), { responseCode: 451 }));
      }
      finish();
    });
  },
});

// Connection errors (a reset in the middle of a transaction, a broken pipe) reach the server's 'error'
// event; without a listener they crash the sink. They concern one client: log them and keep serving.
// An error before the sink listens (the port is taken) is fatal: a sink that does not listen is no sink.
server.on('error', (err: NodeJS.ErrnoException) => {
  if (!listening) {
    log(`cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  }
  log(`connection error${err.code ? ` (${err.code})` : ''}: ${err.message}`);
});

server.listen(port, '127.0.0.1', () => {
  listening = true;
  const actual = (server.server.address() as AddressInfo).port;
  process.stdout.write(`smtp sink on 127.0.0.1:${actual}, writing to ${dir}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
