/**
 * Maintenance requests over HTTP: raising one (raise.ts, which starts its
 * work order) and the requests a caller raised or receives. Each request is
 * a work order from then on: read and act on it under /work-orders.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { json, problems, route } from '../../route';
import { listWorkOrders } from '../work-orders/list';
import { WorkOrderListSchema, WorkOrderPageQuerySchema } from '../work-orders/schemas';
import { raiseRequestRouter } from './raise';

const listRequestsRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/maintenance-requests',
    operationId: 'listMaintenanceRequests',
    tags: ['Maintenance requests'],
    summary: 'The maintenance requests the caller raised (managers and owners: their properties\'; staff: all), newest first',
    description: 'Requests only: work an inspection raised is listed under /work-orders.',
    roles: ['tenant', 'manager', 'owner', 'admin', 'ops'],
    request: { query: WorkOrderPageQuerySchema },
    responses: { 200: json(WorkOrderListSchema, 'A page, newest first'), ...problems(401, 403, 422) },
  }),
  async (c) => {
    const q = c.req.valid('query');
    // A user who is also a contractor sees here what they raised or manage, not their queue.
    const p = c.get('principal');
    const principal = { ...p, roles: p.roles.filter((r) => r !== 'contractor') };
    return c.json(await listWorkOrders(c.get('deps').db, principal, 'visible', { ...q, requestsOnly: true }), 200);
  },
);

export const maintenanceRequestsRouter = new OpenAPIHono<AppEnv>();
maintenanceRequestsRouter.route('/', raiseRequestRouter);
maintenanceRequestsRouter.route('/', listRequestsRouter);
