/**
 * RFC 9457 problem details: every error a client sees. `type` is stable and
 * documented; `detail` says what to do; `errors` names each offending field.
 */
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { isGrpcServiceError } from '@temporalio/client';

export const PROBLEM_BASE = 'https://trilight.homes/problems/';

export const ProblemSchema = z
  .object({
    type: z.string().describe('Stable URI identifying the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('One entry per offending field, as a dotted path ("price.amountMinor")'),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof ProblemSchema>;

export type ProblemKind =
  | 'malformed-request'
  | 'validation-error'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'invalid-state'
  | 'idempotency-key-reused'
  | 'idempotency-key-in-use'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'service-unavailable'
  | 'bad-signature'
  | 'internal-error';

const TITLES: Record<ProblemKind, string> = {
  'malformed-request': 'The request could not be read',
  'validation-error': 'The request has invalid fields',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'invalid-state': 'Not possible in the current state',
  'idempotency-key-reused': 'Idempotency key reused with a different request',
  'idempotency-key-in-use': 'A request with this idempotency key is still in progress',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'service-unavailable': 'Service temporarily unavailable',
  'bad-signature': 'The webhook signature is missing, wrong or stale',
  'internal-error': 'Internal error',
};

/** An error a handler throws to answer with a problem document. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: { field: string; message: string }[],
  ) {
    super(detail ?? TITLES[kind]);
    this.name = 'ApiProblem';
  }
}

export const notFound = (what: string) => new ApiProblem(404, 'not-found', `${what} does not exist or is not visible to you`);
export const forbidden = (detail: string) => new ApiProblem(403, 'forbidden', detail);
export const fieldError = (field: string, message: string, status = 422) =>
  new ApiProblem(status, 'validation-error', `${field}: ${message}`, [{ field, message }]);

export function problemBody(c: Context, p: ApiProblem): Problem {
  return {
    type: PROBLEM_BASE + p.kind,
    title: TITLES[p.kind],
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    instance: c.req.path,
    requestId: c.get('requestId') as string | undefined,
    ...(p.errors ? { errors: p.errors } : {}),
  };
}

export function problemResponse(c: Context, p: ApiProblem): Response {
  return new Response(JSON.stringify(problemBody(c, p)), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': String(c.get('requestId') ?? '') },
  });
}

/** Turns zod issues into field errors ("price.amountMinor: must be an integer"). */
export function issuesToProblem(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  where: string,
): ApiProblem {
  const errors = issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : where,
    message: i.message,
  }));
  return new ApiProblem(
    422,
    'validation-error',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );
}

/**
 * gRPC status codes (grpc/doc/statuscodes.md; `status` of @grpc/grpc-js, on
 * which this project does not depend directly) that mean Temporal could not
 * be reached, or did not answer, in time.
 */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** Seconds a client is told to wait (`Retry-After`) before retrying while Temporal is unreachable. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/**
 * Whether an error is Temporal being unreachable: a gRPC error UNAVAILABLE
 * (the server is down or restarting, and the client's own retries are
 * exhausted) or DEADLINE_EXCEEDED, itself or as the `cause` of the SDK's
 * wrapper (a `ServiceError` such as "Failed to start Workflow"). Recognised
 * by the SDK's error type and the status code, never by message text.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return true;
  }
  return false;
}
