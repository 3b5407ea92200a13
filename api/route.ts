/**
 * Declares a route once: path, roles, request and responses. The same
 * declaration validates input, checks the caller's role and documents the
 * route in the OpenAPI document.
 */
import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { requireRoles, type Allowed } from './middleware/auth';
import { idempotencyHeaderDoc, idempotent } from './middleware/idempotency';
import { ProblemSchema } from './problem';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (unreadable JSON, bad header)',
  401: 'No bearer token, or not a valid one',
  403: 'The caller\'s roles do not allow this',
  404: 'No such resource, or not visible to the caller',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Unsupported content type',
  422: 'Invalid fields; `errors` names each',
  503: 'A service this needs is unavailable',
};

/** The path parameter of every route about one record: its uuid. */
export const IdParams = z.object({ id: z.uuid() });

/** Problem+json responses for the given statuses. */
export function problems<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: PROBLEM_DESCRIPTIONS[s] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  ) as { [K in S[number]]: { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } } };
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * An OpenAPI link (a response's `links`): how a generic client feeds this
 * response into another operation. `target` is an operationId, or an
 * operationRef from `operationRef()` for an operation declared elsewhere.
 */
export interface Link {
  operationId?: string;
  operationRef?: string;
  parameters?: Record<string, string>;
  requestBody?: unknown;
  description: string;
}

/** The JSON pointer to an operation of the document, as a URI fragment: `operationRef('get', '/v1/leases/{id}')`. */
export function operationRef(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: `/v1/${string}`): string {
  // `~` and `/` escaped per JSON pointer; `{` and `}` percent-encoded, as a URI fragment needs.
  return `#/paths/${encodeURI(path.replaceAll('~', '~0').replaceAll('/', '~1'))}/${method}`;
}

/** A link to `target` with these parameters (runtime expressions such as `$response.body#/id`) and, optionally, a request body. */
export function link(target: string, description: string, parameters?: Record<string, string>, requestBody?: unknown): Link {
  return {
    ...(target.startsWith('#') ? { operationRef: target } : { operationId: target }),
    ...(parameters && { parameters }),
    ...(requestBody !== undefined && { requestBody }),
    description,
  };
}

/** A link passing the created resource's id (or another field of the response) as the target's `id` path parameter. */
export const idLink = (target: string, description: string, from = '$response.body#/id') => link(target, description, { id: from });

type Declared = Omit<RouteConfig, 'middleware' | 'security'> & { roles: Allowed; idempotent?: boolean };

export function route<const R extends Declared>(def: R) {
  const { roles, idempotent: isIdempotent, ...config } = def;
  const who = roles === 'any' ? 'any authenticated user' : roles.join(', ');
  // The problems every route of this shape can answer, whatever its handler does.
  const request: NonNullable<RouteConfig['request']> = config.request ?? {};
  const automatic = [
    401,
    ...(roles === 'any' ? [] : [403]),
    ...(request.params || request.query || request.body ? [422] : []),
    ...(request.body ? [400, 415] : []),
    ...(isIdempotent ? [400, 409, 422] : []),
  ];
  return createRoute({
    ...config,
    responses: { ...problems(...automatic), ...config.responses },
    description: [config.description, `**Roles:** ${who}.`].filter(Boolean).join('\n\n'),
    security: [{ bearerAuth: [] }],
    middleware: [requireRoles(roles), ...(isIdempotent ? [idempotent()] : [])] as const,
    ...(isIdempotent ? { parameters: [idempotencyHeaderDoc] } : {}),
    'x-roles': roles === 'any' ? ['any'] : [...roles],
  } as Omit<R, 'roles' | 'idempotent'> & { middleware: ReturnType<typeof requireRoles>[] });
}
