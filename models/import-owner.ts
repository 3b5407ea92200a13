/** Imported properties belong to a system owner per source, created on first use. */
import { IMPORT_SOURCE_RULE, isImportSource } from '../domain/listing-import';
import type { User as UserModel } from './user';

/**
 * The system owner's e-mail for a source. Only a slug is accepted, and a slug's
 * characters (letters, digits, single inner hyphens) always make a valid local
 * part after `import+`, so the address is valid by construction.
 */
export function importOwnerEmail(source: string): string {
  if (!isImportSource(source)) throw new Error(`invalid import source ${JSON.stringify(source)}: must be ${IMPORT_SOURCE_RULE}`);
  return `import+${source}@trilight.local`;
}

export async function importOwner(User: typeof UserModel, source: string): Promise<UserModel> {
  const email = importOwnerEmail(source);
  const [user] = await User.findOrCreate({
    where: { email },
    defaults: { email, name: `Imported records (${source})`, roles: ['owner'] },
  });
  return user;
}
