/**
 * What people read of work orders: the ones they may see, and one work
 * order's whole state (the workflow's query, or what it last recorded when
 * it cannot answer) with the requester's timeline.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { workOrderStateQuery } from '../../../contracts/work-order';
import { WORK_ORDER_PRIORITIES } from '../../../domain/work-order/sla';
import type { AppEnv } from '../../deps';
import { IdParams, json, problems, route } from '../../route';
import { queryOrUndefined } from '../../workflow-query';
import { visibleWorkOrder, workOrderHandle } from './access';
import { listWorkOrders } from './list';
import { WorkOrderListSchema, WorkOrderPageQuerySchema, WorkOrderSchema } from './schemas';
import { workOrderView } from './view';

const tags = ['Work orders'];

export const workOrderReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/work-orders',
      operationId: 'listWorkOrders',
      tags,
      summary: 'The work orders the caller may see, newest first',
      description:
        'A tenant sees the requests they raised; a contractor the work assigned to them (asked or accepted); a manager or an owner their properties\' work orders; admins and ops all. A user with several roles sees the union.',
      roles: ['tenant', 'contractor', 'manager', 'owner', 'admin', 'ops'],
      request: { query: WorkOrderPageQuerySchema.extend({ priority: z.enum(WORK_ORDER_PRIORITIES).optional(), propertyId: z.uuid().optional() }) },
      responses: { 200: json(WorkOrderListSchema, 'A page, newest first'), ...problems(401, 403, 422) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listWorkOrders(c.get('deps').db, c.get('principal'), 'visible', q), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/work-orders/{id}',
      operationId: 'getWorkOrder',
      tags,
      summary: 'A work order\'s whole state: status, assignment, quote, visit, completion, invoice, service levels, and its timeline',
      description:
        'For its requester, the property\'s manager and owner, the contractor it is assigned to, and staff; anyone else gets 404. When the workflow cannot answer, the state it last recorded (`readFrom: database`).',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(WorkOrderSchema, 'The work order'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const v = await visibleWorkOrder(c, c.req.valid('param').id);
      const live = v.live ?? (await queryOrUndefined(c, workOrderHandle(c.get('deps'), v.row), workOrderStateQuery));
      return c.json(workOrderView(live ?? v.row.state, v.address, live ? 'workflow' : 'database'), 200);
    },
  );
