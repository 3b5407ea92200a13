/** The work-order routes' response shapes (the state and the request bodies are declared in contracts/work-order.schema.ts). */
import { z } from '@hono/zod-openapi';
import { WORK_ORDER_PRIORITIES } from '../../../domain/work-order/sla';
import { WORK_ORDER_CATEGORIES, WORK_ORDER_STATUSES } from '../../../contracts/work-order';
import { WorkOrderStateSchema } from '../../../contracts/work-order.schema';
import { PageQuerySchema } from '../users';

export const WorkOrderSchema = WorkOrderStateSchema.extend({
  address: z.string().describe('The property\'s address, for the visit'),
  timeline: z
    .array(z.object({ at: z.string().nullable(), event: z.string(), done: z.boolean() }))
    .describe('What happened (`done`), then what happens next and by when (the requester\'s view of `history` and `next`)'),
  readFrom: z.enum(['workflow', 'database']).describe('`database` when the workflow could not answer: the state it last recorded'),
}).openapi('WorkOrder');

const Next = z.object({ step: z.string(), by: z.string().nullable() });

export const WorkOrderSummarySchema = z
  .object({
    workOrderId: z.string(),
    propertyId: z.string(),
    unitId: z.string().nullable(),
    address: z.string(),
    status: z.enum(WORK_ORDER_STATUSES),
    priority: z.enum(WORK_ORDER_PRIORITIES),
    category: z.enum(WORK_ORDER_CATEGORIES),
    description: z.string(),
    contractorId: z.string().nullable(),
    slaBreached: z.boolean(),
    raisedAt: z.string(),
    updatedAt: z.string(),
    next: Next.nullable(),
  })
  .openapi('WorkOrderSummary');

export const WorkOrderListSchema = z
  .object({ items: z.array(WorkOrderSummarySchema), nextAfter: z.uuid().nullable().describe('Pass as `after` for the next page; null when there is none') })
  .openapi('WorkOrderList');

/** Newest first; `after` is the last item's id of the previous page. */
export const WorkOrderPageQuerySchema = PageQuerySchema.extend({ status: z.enum(WORK_ORDER_STATUSES).optional() });

export const WorkOrderStartedSchema = z
  .object({ workOrderId: z.uuid(), workflowId: z.string(), status: z.enum(['triage', 'assigning']), location: z.string() })
  .openapi('MaintenanceRequestStarted');
