/**
 * The work order's shapes as zod schemas, for the API: what people send
 * (a maintenance request, and each decision carried to the workflow as an
 * Update) and the state as the workflow's query returns it (documented; the
 * compile-time check below keeps the schema and contracts/work-order.ts's
 * type the same shape).
 */
import { z } from './zod';
import { isValidDate } from '../domain/calendar';
import { SLA_TARGETS, WORK_ORDER_PRIORITIES } from '../domain/work-order/sla';
import { WORK_ORDER_CATEGORIES, WORK_ORDER_STATUSES, type WorkOrderState } from './work-order';
import { MinorUnitsSchema } from './money.schema';

const Minor = MinorUnitsSchema;
const Priority = z.enum(WORK_ORDER_PRIORITIES);
const Category = z.enum(WORK_ORDER_CATEGORIES);
const Responsibility = z.enum(['owner', 'tenant']).describe('Who pays: the owner (the property\'s repairs expense) or the tenant (charged to their lease)');
const Reason = z.string().trim().min(1).max(1000);
const Note = z.string().trim().max(1000);
const PhotoIds = z.array(z.uuid()).max(20).describe('Documents (photos) already uploaded');

// ---------------------------------------------------------------- requests

export const MaintenanceRequestSchema = z
  .object({
    propertyId: z.uuid(),
    unitId: z.uuid().optional().describe('The unit, in a multi-unit building; a tenant\'s lease names theirs when left out'),
    category: Category,
    description: z.string().trim().min(1).max(4000),
    priority: Priority.default('routine').describe('As the requester sees it; a manager confirms it at triage'),
    photoIds: PhotoIds.default([]),
    permissionToEnter: z.boolean().describe('Whether the contractor may enter when nobody is home'),
    preferredTimes: z.array(z.string().trim().min(1).max(200)).max(10).default([]).describe('When a visit suits the occupant (free text or ISO times)'),
  })
  .openapi('MaintenanceRequest');

export const TriageSchema = z
  .object({ priority: Priority, category: Category, responsibility: Responsibility.optional(), note: Note.optional() })
  .openapi('WorkOrderTriage');
export const MergeSchema = z.object({ intoWorkOrderId: z.uuid().describe('The work order this one duplicates (same property)') }).openapi('WorkOrderMerge');
export const AssignSchema = z
  .object({ contractorId: z.uuid().optional().describe('A contractor to ask first; left out, the directory\'s best for the trade and area') })
  .openapi('WorkOrderAssign');
export const AssignmentResponseSchema = z.object({ accept: z.boolean(), reason: Note.optional() }).openapi('WorkOrderAssignmentResponse');
export const QuoteSchema = z.object({ amountMinor: Minor, note: Note.optional() }).openapi('WorkOrderQuote');
export const DecisionSchema = z
  .object({ approve: z.boolean(), reason: Note.optional() })
  .refine((d) => d.approve || (d.reason ?? '').length > 0, { path: ['reason'], message: 'a rejection needs a reason' })
  .openapi('WorkOrderDecision');
export const ScheduleSchema = z
  .object({
    at: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .describe('When the contractor visits (ISO instant with zone)'),
  })
  .openapi('WorkOrderSchedule');
export const AccessRefusedSchema = z.object({ note: Note.optional() }).openapi('WorkOrderAccessRefused');
export const StartSchema = z.object({}).openapi('WorkOrderStart');
export const CompletionSchema = z
  .object({ notes: z.string().trim().min(1).max(4000).describe('What was done'), photoIds: PhotoIds.default([]), materialsMinor: Minor, labourMinor: Minor })
  .openapi('WorkOrderCompletion');
export const InvoiceSchema = z
  .object({ amountMinor: Minor.min(1), reference: z.string().trim().min(1).max(200).describe('The contractor\'s invoice number') })
  .openapi('WorkOrderInvoice');
export const PaymentSchema = z.object({ reference: z.string().trim().min(1).max(200).describe('The transfer\'s reference') }).openapi('WorkOrderPayment');
export const RatingSchema = z.object({ stars: z.number().int().min(1).max(5), comment: Note.optional() }).openapi('WorkOrderRating');
export const ReopenSchema = z.object({ reason: Reason.describe('What is still wrong') }).openapi('WorkOrderReopen');
export const CancelSchema = z.object({ reason: Reason }).openapi('WorkOrderCancel');

// ---------------------------------------------------------------- state

const Person = z.object({ userId: z.string(), name: z.string(), email: z.string() });
const IsoDay = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD');

export const WorkOrderStateSchema = z
  .object({
    workOrderId: z.string(),
    propertyId: z.string(),
    unitId: z.string().nullable(),
    status: z.enum(WORK_ORDER_STATUSES),
    category: Category,
    priority: Priority,
    description: z.string(),
    responsibility: Responsibility,
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('request') }),
      z.object({ kind: z.literal('inspection'), inspectionId: z.string(), findingRef: z.string() }),
    ]),
    requestedBy: Person,
    raisedAt: z.string(),
    assignment: z
      .object({ contractorId: z.string(), name: z.string(), email: z.string(), askedAt: z.string(), acceptBy: z.string(), acceptedAt: z.string().nullable() })
      .nullable(),
    passedOver: z.array(z.string()).describe('Contractors who declined or let the work lapse'),
    quote: z
      .object({
        amountMinor: z.number().int(),
        note: z.string().nullable(),
        at: z.string(),
        status: z.enum(['pending_approval', 'approved', 'rejected']),
        decidedBy: z.string().nullable().describe('`threshold` when under the property\'s approval limit'),
        reason: z.string().nullable(),
      })
      .nullable(),
    appointment: z.object({ at: z.string(), setBy: z.string() }).nullable(),
    completion: z.object({ at: z.string(), notes: z.string(), photoIds: z.array(z.string()), materialsMinor: z.number().int(), labourMinor: z.number().int() }).nullable(),
    invoice: z
      .object({
        amountMinor: z.number().int(),
        reference: z.string(),
        at: z.string(),
        status: z.enum(['pending_approval', 'approved', 'rejected', 'paid']),
        decidedBy: z.string().nullable(),
        reason: z.string().nullable(),
        payment: z.object({ method: z.literal('transfer'), reference: z.string(), paidOn: IsoDay, by: z.string() }).nullable(),
        chargedToLeaseId: z.string().nullable(),
      })
      .nullable(),
    rating: z.object({ stars: z.number().int(), comment: z.string().nullable(), at: z.string() }).nullable(),
    sla: z.array(
      z.object({
        target: z.enum(SLA_TARGETS),
        dueAt: z.string().nullable(),
        metAt: z.string().nullable(),
        alerted: z.array(z.number()).describe('Shares of the window already announced (0.5, 0.8; 1 = escalated)'),
        breached: z.boolean(),
      }),
    ),
    pauses: z.array(z.object({ from: z.string(), to: z.string().nullable(), reason: z.string() })).describe('When the work waited on the tenant (the SLA clock stood still)'),
    slaBreached: z.boolean(),
    reopened: z.array(z.object({ at: z.string(), by: z.string(), reason: z.string(), countsAgainstContractor: z.boolean() })),
    mergedInto: z.string().nullable(),
    next: z.object({ step: z.string(), by: z.string().nullable() }).nullable(),
    history: z.array(z.object({ at: z.string(), event: z.string() })),
  })
  .openapi('WorkOrderState');

// The schema and the contract's type are one shape (a mismatch fails to compile).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _state: Same<z.infer<typeof WorkOrderStateSchema>, WorkOrderState> = true;
void _state;
