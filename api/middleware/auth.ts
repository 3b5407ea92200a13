/**
 * Every route declares who may call it. No token or a bad one is 401; a
 * valid token without an allowed role is 403. Whose resource it is gets
 * checked in the handler (see api/access.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { verifyToken } from '../../lib/auth-token';
import type { Role } from '../../domain/roles';
import type { AppEnv } from '../deps';
import { ApiProblem, problemResponse } from '../problem';

export type Allowed = readonly Role[] | 'any';

export function requireRoles(allowed: Allowed): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      const res = problemResponse(c, new ApiProblem(401, 'unauthorized', 'send an Authorization: Bearer <token> header'));
      res.headers.set('www-authenticate', 'Bearer');
      return res;
    }
    const claims = await verifyToken(c.get('deps').config.api.jwtSecret, match[1]!);
    if ('error' in claims) {
      const res = problemResponse(c, new ApiProblem(401, 'unauthorized', claims.error));
      res.headers.set('www-authenticate', 'Bearer error="invalid_token"');
      return res;
    }
    if (allowed !== 'any' && !claims.roles.some((r) => allowed.includes(r))) {
      return problemResponse(c, new ApiProblem(403, 'forbidden', `this needs one of the roles: ${allowed.join(', ')}`));
    }
    c.set('principal', { userId: claims.sub, roles: claims.roles });
    c.set('logger', c.get('logger').child({ userId: claims.sub }));
    await next();
  };
}
