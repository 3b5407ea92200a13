/**
 * The contractor's portal: their queue of work, newest first — work offered
 * to them (to accept or decline) and work they accepted. They act on each
 * under /work-orders/{id}.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { json, problems, route } from '../../route';
import { listWorkOrders } from '../work-orders/list';
import { WorkOrderListSchema, WorkOrderPageQuerySchema } from '../work-orders/schemas';

export const portalRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/contractors/me/work-orders',
    operationId: 'listMyContractorWork',
    tags: ['Contractors'],
    summary: 'The caller\'s queue as a contractor: the work orders offered or assigned to them, newest first',
    roles: ['contractor'],
    request: { query: WorkOrderPageQuerySchema },
    responses: { 200: json(WorkOrderListSchema, 'A page, newest first'), ...problems(401, 403, 422) },
  }),
  async (c) => c.json(await listWorkOrders(c.get('deps').db, c.get('principal'), 'assigned', c.req.valid('query')), 200),
);
