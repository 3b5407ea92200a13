/**
 * Raising a maintenance request: the work order's input is built from the
 * request and the records (the property's maintenance policy, its people,
 * the occupants' lease) and its workflow started. The workflow writes the
 * work order's row itself (recordWorkOrder), so a start that fails leaves
 * nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { WORK_ORDER_WORKFLOW_TYPE, workOrderWorkflowId, type WorkOrderInput } from '../../../contracts/work-order';
import { MaintenanceRequestSchema } from '../../../contracts/work-order.schema';
import { PropertyIdKey, ProcessStatusKey, WorkOrderPriorityKey } from '../../../domain/search-attributes';
import { maintenancePolicyOf, workOrderPerson, workOrderProperty } from '../../maintenance-context';
import { User } from '../../../models';
import type { AppEnv } from '../../deps';
import { fieldError, forbidden } from '../../problem';
import { formatAddress } from '../../property-address';
import { idLink, json, operationRef, problems, route, type Link } from '../../route';
import { WorkOrderStartedSchema } from '../work-orders/schemas';
import { occupancyFor } from './requester';

const person = workOrderPerson;

/** What a client does next with the new work order: every operation on `/v1/work-orders/{id}`. */
const WORK_ORDER_LINKS: Record<string, Link> = Object.fromEntries(
  (
    [
      ['GetWorkOrder', 'get', '', 'The work order\'s state and timeline'],
      ['Triage', 'post', '/triage', 'Triage it (the manager)'],
      ['Merge', 'post', '/merge', 'Merge it into the work order it duplicates'],
      ['Assign', 'post', '/assign', 'Send it to a contractor'],
      ['Respond', 'post', '/respond', 'Accept or decline it (the contractor asked)'],
      ['Quote', 'post', '/quote', 'Quote for it'],
      ['DecideQuote', 'post', '/quote-decision', 'Approve or reject the quote (the owner)'],
      ['Schedule', 'post', '/schedule', 'Set or move the visit'],
      ['AccessRefused', 'post', '/access-refused', 'Record that the contractor could not get in'],
      ['Start', 'post', '/start', 'Start the work on site'],
      ['Complete', 'post', '/completion', 'Record the work done'],
      ['Invoice', 'post', '/invoice', 'Invoice the work'],
      ['DecideInvoice', 'post', '/invoice-decision', 'Approve or reject the invoice (the owner)'],
      ['RecordPayment', 'post', '/payment', 'Record the payment of the invoice'],
      ['Rate', 'post', '/rating', 'Rate the work (the requester)'],
      ['Reopen', 'post', '/reopen', 'Reopen it: the repair did not hold'],
      ['Cancel', 'post', '/cancel', 'Cancel it'],
    ] as const
  ).map(([name, method, suffix, description]) => [name, idLink(operationRef(method, `/v1/work-orders/{id}${suffix}`), description, '$response.body#/workOrderId')]),
);

export const raiseRequestRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/maintenance-requests',
    operationId: 'raiseMaintenanceRequest',
    tags: ['Maintenance requests'],
    summary: 'Raise a maintenance request, and start its work order',
    description:
      'A tenant raises one for a property they rent (an active lease; `unitId`, when given, a unit their lease covers: 403 otherwise); the property\'s manager or an admin for any of its units, already triaged. A property the caller neither rents nor manages is 404; `unitId` must be a unit of that property (422). The property\'s maintenance policy (approval limit, service levels, legal repair deadline, vendor rules) is fixed in when it is raised. Follow `Location` for the work order.',
    roles: ['tenant', 'manager', 'admin'],
    idempotent: true,
    request: { body: { content: { 'application/json': { schema: MaintenanceRequestSchema } }, required: true } },
    responses: {
      202: { ...json(WorkOrderStartedSchema, 'Accepted: the work order\'s workflow runs'), links: WORK_ORDER_LINKS },
      ...problems(400, 401, 403, 404, 422, 503),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const p = c.get('principal');
    const body = c.req.valid('json');
    const { property, unitId, lease, triaged } = await occupancyFor(deps.db, p, body.propertyId, body.unitId);
    const ids = [p.userId, property.ownerId, ...(property.managerId ? [property.managerId] : []), ...(lease?.tenant_ids ?? [])];
    const users = new Map((await User.findAll({ where: { id: [...new Set(ids)] } })).map((u) => [u.id, u]));
    const me = users.get(p.userId);
    if (!me) throw forbidden('your account has no user record');
    const owner = users.get(property.ownerId);
    if (!owner) throw fieldError('propertyId', 'the property\'s owner has no user record');
    const manager = property.managerId ? users.get(property.managerId) : undefined;
    const policy = await maintenancePolicyOf(deps.db, property.id);
    const address = formatAddress(property);
    const workOrderId = randomUUID();
    const input: WorkOrderInput = {
      workOrderId,
      request: {
        category: body.category,
        description: body.description,
        priority: body.priority,
        photoIds: body.photoIds,
        permissionToEnter: body.permissionToEnter,
        preferredTimes: body.preferredTimes,
      },
      source: { kind: 'request' },
      property: workOrderProperty(property, policy, unitId, lease?.id ?? null),
      requestedBy: person(me),
      managers: manager ? [person(manager)] : [],
      owners: [person(owner)],
      occupants: (lease?.tenant_ids ?? []).flatMap((id) => (users.has(id) ? [person(users.get(id)!)] : [])),
      responsibility: 'owner',
      triaged,
      raisedAt: new Date().toISOString(),
    };
    const status = triaged ? ('assigning' as const) : ('triage' as const);
    const workflowId = workOrderWorkflowId(workOrderId);
    await deps.temporal.workflow.start(WORK_ORDER_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: deps.operationsTaskQueue ?? deps.config.temporal.taskQueues.operations,
      args: [input],
      typedSearchAttributes: [
        { key: PropertyIdKey, value: property.id },
        { key: WorkOrderPriorityKey, value: body.priority },
        { key: ProcessStatusKey, value: status },
      ],
      memo: { address, summary: `${body.category} repair at ${address}: ${body.description.slice(0, 120)}` },
    });
    const location = `/v1/work-orders/${workOrderId}`;
    c.header('location', location);
    return c.json({ workOrderId, workflowId, status, location }, 202);
  },
);
