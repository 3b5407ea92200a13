/**
 * An import's source name is a slug, and the system owner's e-mail derived from
 * it is always a valid address: nothing invalid can reach the `User` schema.
 */
import { z } from 'zod';
import { ImportSourceSchema } from '../../contracts/listing-import.schema';
import { importOwner } from '../../models/import-owner';
import type { User as UserModel } from '../../models/user';

/** A stand-in for the User model: records what importOwner would look up and create. */
function fakeUserModel() {
  const calls: { where: { email: string }; defaults: { email: string; name: string } }[] = [];
  const User = {
    findOrCreate: async (opts: (typeof calls)[number]) => {
      calls.push(opts);
      return [{ id: 'u1', ...opts.defaults }, true];
    },
  } as unknown as typeof UserModel;
  return { User, calls };
}

/** Every slug over a small alphabet up to a length: covers each shape (digits first/last, hyphens between). */
function allSlugs(alphabet: string[], maxLength: number): string[] {
  const out: string[] = [];
  const grow = (s: string) => {
    if (s.length > 0 && !s.endsWith('-')) out.push(s);
    if (s.length === maxLength) return;
    for (const ch of alphabet) {
      if (ch === '-' && (s.length === 0 || s.endsWith('-'))) continue;
      grow(s + ch);
    }
  };
  grow('');
  return out;
}

/** Deterministic pseudo-random slugs over the full alphabet, up to the 40-character limit. */
function randomSlugs(n: number): string[] {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = () => chars[Math.floor(next() * chars.length)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const target = 1 + Math.floor(next() * 40);
    let s = pick();
    while (s.length < target) s += target - s.length >= 2 && next() < 0.2 ? `-${pick()}` : pick();
    out.push(s.slice(0, 40));
  }
  return out;
}

const USED_BY_TESTS = [
  'ames',
  'ames-idem-1a2b3c4d',
  'contract-1700000000000-abcdef-12',
  'contract-1700000000000-abcdef-bad-key',
  'authz-1700000000000-abcdef-setup',
];
const SLUGS = [...USED_BY_TESTS, ...allSlugs(['a', '0', '-'], 6), ...randomSlugs(500), 'a'.repeat(40), '0'.repeat(40)];

const NOT_SLUGS = ['0.', 'a..b', 'a.b', '-a', 'a-', 'a--b', 'A', 'Ames', 'a b', 'a_b', '', 'a'.repeat(41), 'a+b', 'a@b', 'Not Valid!', 'é'];

describe('ImportSourceSchema', () => {
  it.each(USED_BY_TESTS)('accepts %p', (source) => {
    expect(ImportSourceSchema.parse(source)).toBe(source);
  });

  it('accepts every generated slug', () => {
    for (const source of SLUGS) expect(ImportSourceSchema.safeParse(source)).toMatchObject({ success: true });
  });

  it.each(NOT_SLUGS)('refuses %p with a message that states the rule', (source) => {
    const result = ImportSourceSchema.safeParse(source);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/slug|at most 40/);
  });
});

describe('importOwner', () => {
  it('derives a valid e-mail from every slug', async () => {
    const { User, calls } = fakeUserModel();
    for (const source of SLUGS) await importOwner(User, source);
    expect(calls).toHaveLength(SLUGS.length);
    const invalid = calls.map((c) => c.where.email).filter((email) => !z.email().safeParse(email).success);
    expect(invalid).toEqual([]);
    expect(calls[0]!.where.email).toBe('import+ames@trilight.local');
    expect(calls.every((c) => c.defaults.email === c.where.email)).toBe(true);
  });

  it.each(NOT_SLUGS)('refuses %p without looking up or creating a user', async (source) => {
    const { User, calls } = fakeUserModel();
    await expect(importOwner(User, source)).rejects.toThrow(/source/);
    expect(calls).toEqual([]);
  });
});
