/**
 * People's decisions on a work order, each carried to its workflow as an
 * Update (contracts/work-order.ts) by a route declared with updateRoute: who
 * may act and as what (access.ts), the body, the Update's arguments. The
 * workflow's validators say whose turn and which status; a refusal is 409
 * with their reason. What only the records can tell (the work order merged
 * into, the contractor named) is checked here first, as a 422 naming the
 * field.
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import {
  FINAL_WORK_ORDER_STATUSES,
  accessRefusedUpdate,
  assignUpdate,
  cancelUpdate,
  completeWorkUpdate,
  decideInvoiceUpdate,
  decideQuoteUpdate,
  mergeUpdate,
  rateWorkUpdate,
  recordPaymentUpdate,
  reopenUpdate,
  respondToAssignmentUpdate,
  scheduleVisitUpdate,
  startWorkUpdate,
  submitInvoiceUpdate,
  submitQuoteUpdate,
  triageUpdate,
  type WorkOrderState,
  type WorkOrderStatus,
} from '../../../contracts/work-order';
import {
  AccessRefusedSchema,
  AssignmentResponseSchema,
  AssignSchema,
  CancelSchema,
  CompletionSchema,
  DecisionSchema,
  InvoiceSchema,
  MergeSchema,
  PaymentSchema,
  QuoteSchema,
  RatingSchema,
  ReopenSchema,
  ScheduleSchema,
  StartSchema,
  TriageSchema,
} from '../../../contracts/work-order.schema';
import type { AppEnv } from '../../deps';
import { fieldError } from '../../problem';
import { updateRoute } from '../../update-route';
import { workOrderTarget, type Capacity, type WorkOrderTarget } from './access';
import { WorkOrderSchema } from './schemas';
import { workOrderView } from './view';

const tags = ['Work orders'];
const respond = (state: WorkOrderState, t: WorkOrderTarget) => workOrderView(state, t.address, 'workflow');
const common = { tags, response: WorkOrderSchema, responseDescription: 'The work order after the change', respond };

/** A target that also checks the body against the records (updateRoute's `args` cannot wait on the database); `_schema` names the body's type. */
function checked<S extends z.ZodType>(admitted: Capacity[], _schema: S, check: (body: z.infer<S>, t: WorkOrderTarget, c: Context<AppEnv>) => Promise<void>) {
  const target = workOrderTarget(...admitted);
  return async (c: Context<AppEnv>, id: string) => {
    const t = await target(c, id);
    await check((c.req as unknown as { valid(k: 'json'): z.infer<S> }).valid('json'), t, c);
    return t;
  };
}

const MANAGE = ['manager', 'admin'] as const;
const REQUESTERS = ['tenant', 'manager', 'admin'] as const;
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

const routes = [
  updateRoute({
    ...common,
    path: '/work-orders/{id}/triage',
    summary: 'Triage a request: confirm its priority and category, and who pays',
    description: 'The property\'s manager (or an admin), while the work order is in triage; then it goes to a contractor. `responsibility: tenant` charges the repair to the occupants\' lease.',
    roles: [...MANAGE],
    body: TriageSchema,
    target: workOrderTarget('manager', 'staff'),
    update: triageUpdate,
    args: (b, t) => ({ ...t.actor, priority: b.priority, category: b.category, ...opt('responsibility', b.responsibility), ...opt('note', b.note) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/merge',
    summary: 'Merge a duplicate request into the work order it repeats (final for this one)',
    description: 'The property\'s manager (or an admin), while this work order is in triage. `intoWorkOrderId` is another open work order of the same property (422 otherwise).',
    roles: [...MANAGE],
    body: MergeSchema,
    target: checked(['manager', 'staff'], MergeSchema, async (b, t, c) => {
      if (b.intoWorkOrderId === t.row.id) throw fieldError('intoWorkOrderId', 'a work order cannot be merged into itself');
      const [into] = await c.get('deps').db.query<{ property_id: string; status: WorkOrderStatus }>('select property_id, status from work_orders where id = $1', {
        bind: [b.intoWorkOrderId],
        type: QueryTypes.SELECT,
      });
      if (!into || into.property_id !== t.row.property_id) throw fieldError('intoWorkOrderId', 'no work order of this property has this id');
      if (FINAL_WORK_ORDER_STATUSES.includes(into.status)) throw fieldError('intoWorkOrderId', `that work order is ${into.status}`);
    }),
    update: mergeUpdate,
    args: (b, t) => ({ ...t.actor, intoWorkOrderId: b.intoWorkOrderId }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/assign',
    summary: 'Send the work to a contractor: the one named, or the directory\'s best for the trade and area',
    description: 'The property\'s manager (or an admin), before the visit: when nobody could take it (`unassigned`), or to reassign. `contractorId` must be in the directory (422 otherwise); one who may not take the work (trade, area, documents) is refused with the reasons (409).',
    roles: [...MANAGE],
    body: AssignSchema,
    target: checked(['manager', 'staff'], AssignSchema, async (b, _t, c) => {
      if (!b.contractorId) return;
      const [found] = await c.get('deps').db.query('select 1 from contractors where user_id = $1', { bind: [b.contractorId], type: QueryTypes.SELECT });
      if (!found) throw fieldError('contractorId', 'no such contractor in the directory');
    }),
    update: assignUpdate,
    args: (b, t) => ({ ...t.actor, ...opt('contractorId', b.contractorId) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/respond',
    summary: 'Accept or decline the work, as the contractor asked',
    description: 'Only before the time to accept runs out; a contractor who declines is not asked again for this work order.',
    roles: ['contractor'],
    body: AssignmentResponseSchema,
    target: workOrderTarget('contractor'),
    update: respondToAssignmentUpdate,
    args: (b, t) => ({ ...t.actor, accept: b.accept, ...opt('reason', b.reason) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/quote',
    summary: 'Quote for the work, as the contractor who accepted it',
    description: 'A quote at or under the property\'s approval limit is approved at once; above it, the owner decides.',
    roles: ['contractor'],
    body: QuoteSchema,
    target: workOrderTarget('contractor'),
    update: submitQuoteUpdate,
    args: (b, t) => ({ ...t.actor, amountMinor: b.amountMinor, ...opt('note', b.note) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/quote-decision',
    summary: 'Approve or reject a quote above the approval limit (the property\'s owner, or an admin)',
    description: 'A rejection needs a reason.',
    roles: ['owner', 'admin'],
    body: DecisionSchema,
    target: workOrderTarget('owner', 'staff'),
    update: decideQuoteUpdate,
    args: (b, t) => ({ ...t.actor, approve: b.approve, ...opt('reason', b.reason) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/schedule',
    summary: 'Set or move the visit',
    description: 'The contractor it is assigned to, the property\'s manager, an admin, or the tenant who raised it. A tenant moving the visit stops the service-level clock until it happens. `at` must be in the future.',
    roles: ['contractor', 'manager', 'tenant', 'admin'],
    body: ScheduleSchema,
    target: workOrderTarget('contractor', 'manager', 'tenant', 'staff'),
    update: scheduleVisitUpdate,
    args: (b, t) => ({ ...t.actor, at: b.at }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/access-refused',
    summary: 'Record that the contractor could not get in at the visit',
    description: 'The contractor it is assigned to (or the property\'s manager, or an admin) once the visit is scheduled; the service-level clock stops until a new visit is set.',
    roles: ['contractor', 'manager', 'admin'],
    body: AccessRefusedSchema,
    target: workOrderTarget('contractor', 'manager', 'staff'),
    update: accessRefusedUpdate,
    args: (b, t) => ({ ...t.actor, ...opt('note', b.note) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/start',
    summary: 'Start the work on site, as the contractor it is assigned to',
    roles: ['contractor'],
    body: StartSchema,
    target: workOrderTarget('contractor'),
    update: startWorkUpdate,
    args: (_b, t) => t.actor,
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/completion',
    summary: 'Record the work done, with photos and its cost in materials and labour',
    roles: ['contractor'],
    body: CompletionSchema,
    target: workOrderTarget('contractor'),
    update: completeWorkUpdate,
    args: (b, t) => ({ ...t.actor, notes: b.notes, photoIds: b.photoIds ?? [], materialsMinor: b.materialsMinor, labourMinor: b.labourMinor }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/invoice',
    summary: 'Invoice the completed work, as the contractor who did it',
    description: 'An invoice up to the approved quote plus 10% is approved at once; above it, the owner decides.',
    roles: ['contractor'],
    body: InvoiceSchema,
    target: workOrderTarget('contractor'),
    update: submitInvoiceUpdate,
    args: (b, t) => ({ ...t.actor, amountMinor: b.amountMinor, reference: b.reference }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/invoice-decision',
    summary: 'Approve or reject an invoice above the tolerance (the property\'s owner, or an admin)',
    description: 'A rejection needs a reason.',
    roles: ['owner', 'admin'],
    body: DecisionSchema,
    target: workOrderTarget('owner', 'staff'),
    update: decideInvoiceUpdate,
    args: (b, t) => ({ ...t.actor, approve: b.approve, ...opt('reason', b.reason) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/payment',
    summary: 'Record the transfer that paid the approved invoice',
    description: 'The property\'s manager or an admin. Posts the repair to the property\'s books (and charges the lease when the tenant pays).',
    roles: [...MANAGE],
    body: PaymentSchema,
    target: workOrderTarget('manager', 'staff'),
    update: recordPaymentUpdate,
    args: (b, t) => ({ ...t.actor, reference: b.reference }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/rating',
    summary: 'Rate the work (1 to 5 stars), as its requester, once it is done',
    roles: [...REQUESTERS],
    body: RatingSchema,
    target: workOrderTarget('requester'),
    update: rateWorkUpdate,
    args: (b, t) => ({ ...t.actor, stars: b.stars, ...opt('comment', b.comment) }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/reopen',
    summary: 'Reopen the work: the repair did not hold',
    description: 'Its requester, the property\'s manager or an admin, within 14 days of completion (a later failure is a new request). It counts against the contractor.',
    roles: [...REQUESTERS],
    body: ReopenSchema,
    target: workOrderTarget('requester', 'manager', 'staff'),
    update: reopenUpdate,
    args: (b, t) => ({ ...t.actor, reason: b.reason }),
  }),
  updateRoute({
    ...common,
    path: '/work-orders/{id}/cancel',
    summary: 'Cancel the work order, with a reason (before the work starts)',
    description: 'Its requester, the property\'s manager or an admin.',
    roles: [...REQUESTERS],
    body: CancelSchema,
    target: workOrderTarget('requester', 'manager', 'staff'),
    update: cancelUpdate,
    args: (b, t) => ({ ...t.actor, reason: b.reason }),
  }),
];

export const workOrderActionsRouter = new OpenAPIHono<AppEnv>();
for (const register of routes) register(workOrderActionsRouter);
