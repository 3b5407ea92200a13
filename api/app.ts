/**
 * The HTTP API: a thin layer that validates, authorises, reads Postgres and
 * Elasticsearch, and starts or signals workflows. Every route lives under /v1
 * and is declared once with zod, from which /openapi.json is generated.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import type { ApiDeps, AppEnv } from './deps';
import { requestContext } from './middleware/request-context';
import { ApiProblem, isTemporalUnavailable, issuesToProblem, problemResponse, TEMPORAL_RETRY_AFTER_SECONDS } from './problem';
import { adminRouter, MAX_IMPORT_BYTES } from './routes/admin';
import { healthRouter } from './routes/health';
import { envelopesRouter } from './routes/envelopes';
import { contractorsRouter } from './routes/contractors';
import { leasesRouter } from './routes/leases';
import { maintenanceRequestsRouter } from './routes/maintenance-requests';
import { purchasesRouter } from './routes/purchases';
import { listingsRouter } from './routes/listings';
import { parcelsRouter } from './routes/parcels';
import { propertiesRouter } from './routes/properties';
import { searchRouter } from './routes/search';
import { usersRouter } from './routes/users';
import { uploadsRouter } from './routes/uploads';
import { webhooksRouter } from './routes/stripe-events';
import { workOrdersRouter } from './routes/work-orders';
import { inspectionsRouter } from './routes/inspections';
import { projectsRouter } from './routes/projects';
import { booksRouter } from './routes/books';
import { reportsRouter } from './routes/reports';

export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>({
    // A schema violation: 422 naming each field.
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target;
        return problemResponse(c, issuesToProblem(result.error.issues, where));
      }
    },
  });

  app.use('*', requestContext(deps));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_IMPORT_BYTES + 1024,
      onError: (c) => problemResponse(c, new ApiProblem(413, 'payload-too-large', `at most ${MAX_IMPORT_BYTES} bytes`)),
    }),
  );

  // Routers share the default hook by being mounted on this app.
  const v1 = new OpenAPIHono<AppEnv>({ defaultHook: app.defaultHook! as never });
  v1.route('/', usersRouter);
  v1.route('/', propertiesRouter);
  v1.route('/', listingsRouter);
  v1.route('/', searchRouter);
  v1.route('/', leasesRouter);
  v1.route('/', envelopesRouter);
  v1.route('/', parcelsRouter);
  v1.route('/', purchasesRouter);
  v1.route('/', maintenanceRequestsRouter);
  v1.route('/', workOrdersRouter);
  v1.route('/', inspectionsRouter);
  v1.route('/', projectsRouter);
  v1.route('/', booksRouter);
  v1.route('/', reportsRouter);
  v1.route('/', contractorsRouter);
  v1.route('/', uploadsRouter);
  v1.route('/', adminRouter);
  v1.route('/', webhooksRouter);
  app.route('/v1', v1);
  app.route('/', healthRouter);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'HS256 JWT with `sub` (user id) and `roles`; `npm run token -- --roles admin` prints one for local use.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'TriLight Homes API',
      version: '1.0.0',
      description: 'Real-estate operations on durable Temporal workflows. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: deps.config.api.publicUrl }],
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));

  app.notFound((c) => problemResponse(c, new ApiProblem(404, 'not-found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    if (err instanceof ApiProblem) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      // Hono's validators throw 400 for a body that is not JSON.
      if (err.status === 400) return problemResponse(c, new ApiProblem(400, 'malformed-request', 'the body is not valid JSON'));
      const kind = err.status === 413 ? 'payload-too-large' : err.status === 415 ? 'unsupported-media-type' : 'malformed-request';
      return problemResponse(c, new ApiProblem(err.status, kind, err.message));
    }
    if (isTemporalUnavailable(err)) {
      // Temporal is down or restarting (the SDK's own retries gave up, or a deadline passed): 503, never 500.
      // A 5xx is not stored against an Idempotency-Key, so the client retries with the same key.
      c.get('logger').warn({ err }, 'temporal unavailable');
      const res = problemResponse(c, new ApiProblem(503, 'service-unavailable', 'the workflow service is unavailable; retry shortly'));
      res.headers.set('retry-after', String(TEMPORAL_RETRY_AFTER_SECONDS));
      return res;
    }
    c.get('logger').error({ err }, 'unhandled error');
    return problemResponse(c, new ApiProblem(500, 'internal-error', 'something went wrong on our side; the request id identifies it in our logs'));
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
