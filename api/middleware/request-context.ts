/** Gives every request an id (X-Request-Id, echoed; generated when absent) and a logger that carries it. */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps, AppEnv } from '../deps';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && VALID_ID.test(given) ? given : randomUUID();
    const logger = deps.logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    c.set('deps', deps);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const line = { method: c.req.method, path: c.req.path, status: c.res.status, ms };
    if (c.res.status >= 500) c.get('logger').error(line, 'request failed');
    else c.get('logger').info(line, 'request');
  };
}
