/** Applies (or, with `down`, reverts) the schema migrations: tsx scripts/migrate.ts [up|down|status] */
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createMigrator } from '../models/migrator';

async function main() {
  const command = process.argv[2] ?? 'up';
  const db = createSequelize(loadConfig(), { poolMax: 2 });
  const migrator = createMigrator(db);
  try {
    if (command === 'up') {
      const done = await migrator.up();
      process.stdout.write(`[migrate] applied ${done.length} migration(s)${done.length ? ': ' + done.map((m) => m.name).join(', ') : ''}\n`);
    } else if (command === 'down') {
      const to = process.argv[3] === '--all' ? 0 : undefined;
      const done = await migrator.down(to === 0 ? { to: 0 } : undefined);
      process.stdout.write(`[migrate] reverted ${done.map((m) => m.name).join(', ') || 'nothing'}\n`);
    } else if (command === 'status') {
      const executed = await migrator.executed();
      const pending = await migrator.pending();
      process.stdout.write(`[migrate] applied: ${executed.map((m) => m.name).join(', ') || '-'}\n[migrate] pending: ${pending.map((m) => m.name).join(', ') || '-'}\n`);
    } else {
      throw new Error('usage: migrate.ts up|down [--all]|status');
    }
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`[migrate] ${err.message}\n`);
  process.exit(1);
});
