/**
 * Work orders over HTTP: what people read (reads.ts) and their decisions,
 * carried to the work-order workflow as Updates (actions.ts). Who may do
 * what is in access.ts; lists in list.ts; the shapes in schemas.ts and
 * contracts/work-order.schema.ts. Requests are raised through
 * ../maintenance-requests, the contractors' side through ../contractors.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { workOrderActionsRouter } from './actions';
import { workOrderReadsRouter } from './reads';

export const workOrdersRouter = new OpenAPIHono<AppEnv>();
workOrdersRouter.route('/', workOrderReadsRouter);
workOrdersRouter.route('/', workOrderActionsRouter);
