/**
 * Prints a bearer token for local use:
 *   npm run token -- --roles admin[,ops...] [--sub <userId>]
 * Without --sub it creates (or reuses) a local user holding exactly those
 * roles, so a fresh install can bootstrap its first admin.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { RoleSchema } from '../contracts/roles.schema';
import { signToken } from '../lib/auth-token';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { initModels, User } from '../models';

async function main() {
  const { values } = parseArgs({ options: { roles: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } } });
  const roles = z
    .array(RoleSchema)
    .min(1)
    .safeParse((values.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean));
  if (!roles.success) throw new Error(`--roles must be a comma-separated list of: ${RoleSchema.options.join(', ')}`);
  const config = loadConfig();
  let sub = values.sub;
  if (sub !== undefined && !z.uuid().safeParse(sub).success) throw new Error('--sub must be a user id (uuid)');
  if (!sub) {
    const db = createSequelize(config, { poolMax: 1 });
    initModels(db);
    try {
      const sorted = [...new Set(roles.data)].sort();
      const email = `local-${sorted.join('-')}@trilight.local`;
      const [user] = await User.findOrCreate({ where: { email }, defaults: { email, name: `Local ${sorted.join(', ')}`, roles: sorted } });
      sub = user.id;
    } catch (err) {
      throw new Error(`could not reach the database to create a local user (${(err as Error).message}); is the platform running?`);
    } finally {
      await db.close();
    }
  }
  const ttl = values.ttl ? Number(values.ttl) : undefined;
  process.stdout.write(`${await signToken(config.api.jwtSecret, sub, roles.data, ttl)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`token: ${err.message}\n`);
  process.exit(1);
});
