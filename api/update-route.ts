/**
 * A route that carries a person's decision to a workflow as an Update,
 * declared once: the body is validated, the caller may act on the workflow
 * (the process's own access rule finds it, or answers 404/403), the body
 * becomes the Update's arguments, and the Update's result becomes the
 * response. Temporal's answers map to problems the same way for every
 * process:
 *   - the workflow's validator or handler refused  → 409 invalid-state, its message as detail
 *   - the workflow has finished                     → 409 invalid-state
 *   - no worker answered within UPDATE_TIMEOUT_MS   → 503 (the Update may still apply: read before retrying)
 * The deadline is recognised by the SDK's error types, never by message text.
 */
import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import {
  isGrpcDeadlineError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context } from 'hono';
import type { Allowed } from './middleware/auth';
import type { AppEnv } from './deps';
import { ApiProblem } from './problem';
import { IdParams, json, problems, route } from './route';

/** How long a request waits for a worker to answer an Update. */
export const UPDATE_TIMEOUT_MS = 30_000;

/** What a process's access rule hands the route: the workflow to update, and whatever the response needs. */
export interface UpdateTarget {
  handle: WorkflowHandle;
  /** Said when the workflow has finished, e.g. "the lease is closed; it takes no more changes". */
  finished: string;
}

export interface UpdateRouteDefinition<Body extends z.ZodType, Response extends z.ZodType, Target extends UpdateTarget, Args, Result> {
  path: `/${string}/{id}/${string}`;
  tags: string[];
  summary: string;
  description?: string;
  roles: Allowed;
  body: Body;
  response: Response;
  responseDescription: string;
  /** Sends `Idempotency-Key` through the idempotency middleware (a retried request replays its answer). */
  idempotent?: boolean;
  /** Finds the workflow the caller may act on (throwing 404 or 403 otherwise). */
  target: (c: Context<AppEnv>, id: string) => Promise<Target>;
  update: UpdateDefinition<Result, [Args]>;
  /** The Update's argument from the body and the caller (who is recorded as `by`). */
  args: (body: z.infer<Body>, target: Target, c: Context<AppEnv>) => Args;
  respond: (result: Result, target: Target, c: Context<AppEnv>) => z.infer<Response>;
}

/** Runs an Update on a workflow, mapping Temporal's answers to problems (see the header). */
export async function runUpdate<Args, Result>(c: Context<AppEnv>, target: UpdateTarget, update: UpdateDefinition<Result, [Args]>, args: Args): Promise<Result> {
  const deps = c.get('deps');
  try {
    // A deadline on the call itself, so nothing keeps retrying after the answer.
    return await deps.temporalConnection.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () => target.handle.executeUpdate(update, { args: [args] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause instanceof Error ? err.cause.message : err.message;
      throw new ApiProblem(409, 'invalid-state', reason);
    }
    if (err instanceof WorkflowNotFoundError) throw new ApiProblem(409, 'invalid-state', target.finished);
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
      throw new ApiProblem(503, 'service-unavailable', 'the workflow did not answer in time; read it again before retrying');
    }
    throw err;
  }
}

/** Declares the route; the result registers it on a router (`updateRoute({...})(router)`). */
export function updateRoute<Body extends z.ZodType, Response extends z.ZodType, Target extends UpdateTarget, Args, Result>(
  def: UpdateRouteDefinition<Body, Response, Target, Args, Result>,
) {
  const config = route({
    method: 'post',
    path: def.path,
    tags: def.tags,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    roles: def.roles,
    ...(def.idempotent ? { idempotent: true } : {}),
    request: { params: IdParams, body: { content: { 'application/json': { schema: def.body } }, required: true } },
    responses: { 200: json(def.response, def.responseDescription), ...problems(400, 401, 403, 404, 409, 422, 503) },
  } satisfies RouteConfig & { roles: Allowed });
  const handler = async (c: Context<AppEnv>) => {
    const { id } = (c.req as unknown as { valid(t: 'param'): { id: string } }).valid('param');
    const body = (c.req as unknown as { valid(t: 'json'): z.infer<Body> }).valid('json');
    const target = await def.target(c, id);
    const result = await runUpdate(c, target, def.update, def.args(body, target, c));
    return c.json(def.respond(result, target, c) as object, 200);
  };
  // The handler reads its input through the declaration above; the router need not re-derive its types.
  return (router: OpenAPIHono<AppEnv>) => router.openapi(config, handler as never);
}
