/**
 * A local SMTP sink for development and tests: accepts every message on
 * loopback and writes it, as sent, to `<dir>/<time>-<n>.eml`, where people
 * and tests read what the platform sent. Never relays anything.
 *   node --import tsx scripts/smtp-sink.ts --port 2525 --dir .data/dev/smtp/messages
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({ options: { port: { type: 'string' }, dir: { type: 'string' } } });
const port = Number(values.port ?? 2525);
const dir = path.resolve(values.dir ?? '.data/dev/smtp/messages');
fs.mkdirSync(dir, { recursive: true });
let seq = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  banner: 'TriLight local SMTP sink',
  size: 25 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const header = `X-Sink-Envelope-To: ${to}\r\n`;
      const file = path.join(dir, `${Date.now()}-${String(++seq).padStart(6, '0')}.eml`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(header), ...chunks]));
      callback();
    });
  },
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`smtp sink on 127.0.0.1:${port}, writing to ${dir}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
