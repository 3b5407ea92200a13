/**
 * Idempotency-Key for POSTs that create something or start a process: the
 * first response (anything but a 5xx) is stored and replayed for a retry
 * with the same key; the same key with a different request is refused.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { QueryTypes } from 'sequelize';
import type { AppEnv } from '../deps';
import { ApiProblem, fieldError, problemResponse } from '../problem';

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;

export const idempotencyHeaderDoc = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description: 'A unique key per intended operation; a retry with the same key returns the first result.',
  schema: { type: 'string' as const, maxLength: 255 },
};

interface StoredKey {
  request_hash: string;
  state: 'in_progress' | 'done';
  status_code: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
}

export function idempotent(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      return problemResponse(c, fieldError('Idempotency-Key', 'must be 1-255 letters, digits, ".", "_", ":" or "-"', 400));
    }
    const { db } = c.get('deps');
    const principal = c.get('principal').userId;
    const body = await c.req.raw.clone().text();
    const hash = createHash('sha256').update(`${c.req.method} ${c.req.path}?${new URL(c.req.url).search}\n${body}`).digest('hex');

    const [inserted] = await db.query<{ key: string }>(
      `insert into idempotency_keys (principal, key, method, path, request_hash, state, created_at, updated_at)
       values ($1, $2, $3, $4, $5, 'in_progress', now(), now())
       on conflict do nothing returning key`,
      { bind: [principal, key, c.req.method, c.req.path, hash], type: QueryTypes.SELECT },
    );
    if (!inserted) {
      const [stored] = await db.query<StoredKey>(
        'select request_hash, state, status_code, response_body, response_headers from idempotency_keys where principal = $1 and key = $2',
        { bind: [principal, key], type: QueryTypes.SELECT },
      );
      if (!stored || stored.request_hash !== hash) {
        return problemResponse(
          c,
          new ApiProblem(422, 'idempotency-key-reused', 'this Idempotency-Key was used for a different request; use a new key', [
            { field: 'Idempotency-Key', message: 'already used for a different request' },
          ]),
        );
      }
      if (stored.state !== 'done') {
        return problemResponse(c, new ApiProblem(409, 'idempotency-key-in-use', 'the first request with this key is still running; retry shortly'));
      }
      return new Response(stored.response_body, {
        status: stored.status_code ?? 200,
        headers: { ...(stored.response_headers ?? {}), 'idempotent-replayed': 'true' },
      });
    }

    try {
      await next();
    } catch (err) {
      await db.query('delete from idempotency_keys where principal = $1 and key = $2', { bind: [principal, key] });
      throw err;
    }
    if (c.res.status >= 500) {
      // Nothing was promised: let the client retry with the same key.
      await db.query('delete from idempotency_keys where principal = $1 and key = $2', { bind: [principal, key] });
      return;
    }
    const responseBody = await c.res.clone().text();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'location']) {
      const v = c.res.headers.get(name);
      if (v) headers[name] = v;
    }
    await db.query(
      `update idempotency_keys set state = 'done', status_code = $3, response_body = $4, response_headers = $5::jsonb, updated_at = now()
        where principal = $1 and key = $2`,
      { bind: [principal, key, c.res.status, responseBody, JSON.stringify(headers)] },
    );
  };
}
