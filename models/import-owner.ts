/** Imported properties belong to a system owner per source, created on first use. */
import type { User as UserModel } from './user';

export async function importOwner(User: typeof UserModel, source: string): Promise<UserModel> {
  const email = `import+${source}@trilight.local`;
  const [user] = await User.findOrCreate({
    where: { email },
    defaults: { email, name: `Imported records (${source})`, roles: ['owner'] },
  });
  return user;
}
