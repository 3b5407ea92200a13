/** Bearer tokens: HS256 JWTs whose claims are the user id (`sub`) and roles. */
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { RoleSchema } from '../contracts/roles.schema';
import { type Role } from '../domain/roles';

const ClaimsSchema = z.object({
  sub: z.uuid(),
  roles: z.array(RoleSchema).min(1),
  exp: z.number().optional(),
});
export type Claims = z.infer<typeof ClaimsSchema>;

export async function signToken(secret: string, sub: string, roles: Role[], ttlSeconds = 12 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub, roles, iat: now, exp: now + ttlSeconds }, secret, 'HS256');
}

/** Verified claims, or a reason the token is not acceptable. */
export async function verifyToken(secret: string, token: string): Promise<Claims | { error: string }> {
  let payload: unknown;
  try {
    payload = await verify(token, secret, 'HS256');
  } catch (err) {
    const name = (err as Error).name;
    return { error: name === 'JwtTokenExpired' ? 'the token has expired' : 'the token is not valid' };
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) return { error: 'the token lacks a user id (sub) or known roles' };
  return claims.data;
}
