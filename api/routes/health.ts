import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../deps';

const CheckSchema = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const ReadySchema = z
  .object({ ready: z.boolean(), checks: z.object({ temporal: CheckSchema, postgres: CheckSchema, elasticsearch: CheckSchema }) })
  .openapi('Readiness');

async function timed(fn: () => Promise<unknown>) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out after 2s')), 2000)))]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['Health'],
      summary: 'The process is up',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
    }),
    (c) => c.json({ ok: true as const }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['Health'],
      summary: 'Temporal, Postgres and Elasticsearch are reachable',
      responses: {
        200: { description: 'All reachable', content: { 'application/json': { schema: ReadySchema } } },
        503: { description: 'At least one is not', content: { 'application/json': { schema: ReadySchema } } },
      },
    }),
    async (c) => {
      const { db, es, temporalConnection } = c.get('deps');
      const [temporal, postgres, elasticsearch] = await Promise.all([
        timed(() => temporalConnection.workflowService.getSystemInfo({})),
        timed(() => db.query('select 1')),
        timed(() => es.cluster.health({ timeout: '2s' })),
      ]);
      const checks = { temporal, postgres, elasticsearch };
      const ready = temporal.ok && postgres.ok && elasticsearch.ok;
      return ready ? c.json({ ready, checks }, 200) : c.json({ ready, checks }, 503);
    },
  );
