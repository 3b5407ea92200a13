/** What the local SMTP sink received: every message as sent, one .eml file each (scripts/smtp-sink.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { smtpSinkDir } from '../../scripts/services';
import type { Harness } from './harness';

/** The messages the sink holds whose Message-ID is this notification's (`<id@trilight.local>`). */
export function mailsFor(h: Harness, notificationId: string): string[] {
  const sink = smtpSinkDir(h.config);
  if (!fs.existsSync(sink)) return [];
  return fs
    .readdirSync(sink)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => fs.readFileSync(path.join(sink, f), 'utf8'))
    .filter((m) => m.includes(`<${notificationId}@trilight.local>`));
}
