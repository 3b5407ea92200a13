/**
 * The work-order process's contract: what the work-order workflow, its
 * activities, the API and the tests agree on. One workflow per work order, id
 * `workorder-<workOrderId>`: a repair raised by a tenant or a manager (a
 * maintenance request) or by an inspection's finding, from triage through a
 * contractor's acceptance, quote, approval, visit and invoice to payment and
 * the requester's rating; then open for 14 days in case the repair fails and
 * the work is reopened (which counts against the contractor).
 *
 * Workflow-safe: types and message definitions only (the rules are in
 * domain/work-order/, the API's zod shapes in ./work-order.schema.ts).
 * Names are forever: they are recorded in every running work order's history.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { Currency } from '../domain/money';
import type { Trade } from '../domain/work-order/contractor-choice';
import type { SlaPause, SlaPolicy, SlaTarget, SlaWindow, WorkOrderPriority } from '../domain/work-order/sla';
import type { ComplianceRules } from '../domain/work-order/vendor-compliance';

export type { WorkOrderPriority } from '../domain/work-order/sla';

export const WORK_ORDER_WORKFLOW_TYPE = 'workOrderWorkflow';

export function workOrderWorkflowId(workOrderId: string) {
  return `workorder-${workOrderId}`;
}

export const WORK_ORDER_CATEGORIES = ['plumbing', 'electrical', 'hvac', 'appliance', 'pest', 'structural', 'other'] as const;
export type WorkOrderCategory = (typeof WORK_ORDER_CATEGORIES)[number];

/** The directory's trade that does a category of work ("other" goes to a general contractor). */
export const tradeFor = (category: WorkOrderCategory): Trade => (category === 'other' ? 'general' : category);

/**
 * Where a work order is. triage → assigning → awaiting_acceptance → quoting →
 * awaiting_approval → scheduling → scheduled → in_progress → completed →
 * invoiced → awaiting_payment → closed; or merged (into a duplicate) or
 * cancelled. `unassigned`: no contractor may take it; a manager adds or
 * renews one and asks again.
 */
export const WORK_ORDER_STATUSES = [
  'triage',
  'assigning',
  'unassigned',
  'awaiting_acceptance',
  'quoting',
  'awaiting_approval',
  'scheduling',
  'scheduled',
  'in_progress',
  'completed',
  'awaiting_invoice_approval',
  'awaiting_payment',
  'closed',
  'merged',
  'cancelled',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const FINAL_WORK_ORDER_STATUSES: readonly WorkOrderStatus[] = ['closed', 'merged', 'cancelled'];

/** How long after completion a failed repair reopens the same work order (and counts against its contractor). */
export const REOPEN_WINDOW_DAYS = 14;
/** How long the requester has to rate the work once it is paid, before the work order closes without a rating. */
export const RATING_WINDOW_DAYS = 7;
/** An invoice up to the approved quote plus this share is approved without the owner (basis points). */
export const INVOICE_TOLERANCE_BASIS_POINTS = 1_000;

export interface WorkOrderPerson {
  userId: string;
  name: string;
  email: string;
}

/** Who pays for the repair: the owner (the property's repairs expense) or the tenant (charged to their lease). */
export type Responsibility = 'owner' | 'tenant';

export interface WorkOrderRequest {
  category: WorkOrderCategory;
  description: string;
  priority: WorkOrderPriority;
  /** Documents (photos) uploaded with the request. */
  photoIds: string[];
  permissionToEnter: boolean;
  /** When the occupant would like the visit (free text or ISO times, as they gave them). */
  preferredTimes: string[];
}

/** What started the work: a maintenance request, or an inspection's finding. */
export type WorkOrderSource =
  | { kind: 'request' }
  | { kind: 'inspection'; inspectionId: string; findingRef: string };

/** The property as the work order needs it, read when it was raised. */
export interface WorkOrderProperty {
  propertyId: string;
  unitId: string | null;
  address: string;
  postalCode: string;
  /** The occupant's lease, which a tenant-caused repair is charged to. */
  leaseId: string | null;
  currency: Currency;
  /** A quote at or under this is approved without the owner. */
  approvalThresholdMinor: number;
  sla: SlaPolicy;
  /** The jurisdiction's repair deadline after written notice, where it sets one. */
  legalRepairWindow: SlaWindow | null;
  compliance: ComplianceRules;
}

export interface WorkOrderInput {
  workOrderId: string;
  request: WorkOrderRequest;
  source: WorkOrderSource;
  property: WorkOrderProperty;
  requestedBy: WorkOrderPerson;
  /** Managers are told of every change and escalations; owners approve quotes and invoices above the limits. */
  managers: WorkOrderPerson[];
  owners: WorkOrderPerson[];
  /** Occupants are told of visits. */
  occupants: WorkOrderPerson[];
  responsibility: Responsibility;
  /** Raised by a manager or an inspection: already triaged. */
  triaged: boolean;
  raisedAt: string;
  /** Public holidays (YYYY-MM-DD) business-day windows skip; US federal ones when not given. */
  holidays?: IsoDate[];
}

export interface Assignment {
  contractorId: string;
  name: string;
  email: string;
  askedAt: string;
  /** When it must be accepted by, or the next contractor is asked. */
  acceptBy: string;
  acceptedAt: string | null;
}

export interface Quote {
  amountMinor: number;
  note: string | null;
  at: string;
  status: 'pending_approval' | 'approved' | 'rejected';
  /** 'threshold' when under the property's approval limit. */
  decidedBy: string | null;
  reason: string | null;
}

export interface Completion {
  at: string;
  notes: string;
  photoIds: string[];
  materialsMinor: number;
  labourMinor: number;
}

export interface Invoice {
  amountMinor: number;
  reference: string;
  at: string;
  status: 'pending_approval' | 'approved' | 'rejected' | 'paid';
  decidedBy: string | null;
  reason: string | null;
  payment: { method: 'transfer'; reference: string; paidOn: IsoDate; by: string } | null;
  /** Set when a tenant-caused repair was charged to the lease. */
  chargedToLeaseId: string | null;
}

export interface SlaState {
  target: SlaTarget;
  dueAt: string | null;
  metAt: string | null;
  /** Shares of the window already announced (0.5, 0.8; 1 = escalated). */
  alerted: number[];
  breached: boolean;
}

export interface WorkOrderEvent {
  at: string;
  event: string;
}

export interface WorkOrderState {
  workOrderId: string;
  propertyId: string;
  unitId: string | null;
  status: WorkOrderStatus;
  category: WorkOrderCategory;
  priority: WorkOrderPriority;
  description: string;
  responsibility: Responsibility;
  source: WorkOrderSource;
  requestedBy: WorkOrderPerson;
  raisedAt: string;
  assignment: Assignment | null;
  /** Contractors who declined or let the work lapse: never asked again for it. */
  passedOver: string[];
  quote: Quote | null;
  appointment: { at: string; setBy: string } | null;
  completion: Completion | null;
  invoice: Invoice | null;
  rating: { stars: number; comment: string | null; at: string } | null;
  sla: SlaState[];
  /** Stretches when the work waited on the tenant (the SLA clock stood still). */
  pauses: { from: string; to: string | null; reason: string }[];
  slaBreached: boolean;
  reopened: { at: string; by: string; reason: string; countsAgainstContractor: boolean }[];
  mergedInto: string | null;
  /** What happens next, and by when, as the requester's timeline shows it. */
  next: { step: string; by: string | null } | null;
  history: WorkOrderEvent[];
}

/** Who is acting (recorded as `by`), and as what. */
export interface Actor {
  by: string;
  as: 'requester' | 'tenant' | 'manager' | 'owner' | 'contractor' | 'staff' | 'inspection';
}

export interface TriageRequest extends Actor {
  priority: WorkOrderPriority;
  category: WorkOrderCategory;
  responsibility?: Responsibility;
  note?: string;
}
export interface MergeRequest extends Actor {
  /** The work order this one duplicates. */
  intoWorkOrderId: string;
}
export interface AcceptanceRequest extends Actor {
  accept: boolean;
  reason?: string;
}
export interface QuoteRequest extends Actor {
  amountMinor: number;
  note?: string;
}
export interface DecisionRequest extends Actor {
  approve: boolean;
  reason?: string;
}
export interface AppointmentRequest extends Actor {
  at: string;
}
export interface AccessRefusedRequest extends Actor {
  note?: string;
}
export interface CompletionRequest extends Actor {
  notes: string;
  photoIds: string[];
  materialsMinor: number;
  labourMinor: number;
}
export interface InvoiceRequest extends Actor {
  amountMinor: number;
  reference: string;
}
export interface PaymentRequest extends Actor {
  reference: string;
}
export interface RatingRequest extends Actor {
  stars: number;
  comment?: string;
}
export interface ReopenRequest extends Actor {
  reason: string;
}
export interface CancelRequest extends Actor {
  reason: string;
}
export interface AssignRequest extends Actor {
  /** A contractor to ask first; absent: the directory's best. */
  contractorId?: string;
}

export const workOrderStateQuery = defineQuery<WorkOrderState>('workOrderState');
export const triageUpdate = defineUpdate<WorkOrderState, [TriageRequest]>('triageWorkOrder');
export const mergeUpdate = defineUpdate<WorkOrderState, [MergeRequest]>('mergeWorkOrder');
export const assignUpdate = defineUpdate<WorkOrderState, [AssignRequest]>('assignWorkOrder');
export const respondToAssignmentUpdate = defineUpdate<WorkOrderState, [AcceptanceRequest]>('respondToAssignment');
export const submitQuoteUpdate = defineUpdate<WorkOrderState, [QuoteRequest]>('submitQuote');
export const decideQuoteUpdate = defineUpdate<WorkOrderState, [DecisionRequest]>('decideQuote');
export const scheduleVisitUpdate = defineUpdate<WorkOrderState, [AppointmentRequest]>('scheduleVisit');
export const accessRefusedUpdate = defineUpdate<WorkOrderState, [AccessRefusedRequest]>('accessRefused');
export const startWorkUpdate = defineUpdate<WorkOrderState, [Actor]>('startWork');
export const completeWorkUpdate = defineUpdate<WorkOrderState, [CompletionRequest]>('completeWork');
export const submitInvoiceUpdate = defineUpdate<WorkOrderState, [InvoiceRequest]>('submitInvoice');
export const decideInvoiceUpdate = defineUpdate<WorkOrderState, [DecisionRequest]>('decideInvoice');
export const recordPaymentUpdate = defineUpdate<WorkOrderState, [PaymentRequest]>('recordWorkOrderPayment');
export const rateWorkUpdate = defineUpdate<WorkOrderState, [RatingRequest]>('rateWork');
export const reopenUpdate = defineUpdate<WorkOrderState, [ReopenRequest]>('reopenWorkOrder');
export const cancelUpdate = defineUpdate<WorkOrderState, [CancelRequest]>('cancelWorkOrder');
/** From an inspection whose re-check failed this repair: reopens it as the Update would (ignored, and noted, when it may not). */
export const reopenFromInspectionSignal = defineSignal<[ReopenRequest]>('reopenFromInspection');
/** To a parent (an inspection): this work order's repair is done (or it was cancelled or merged). */
export const repairDoneSignal = defineSignal<[{ workOrderId: string; findingRef: string; status: WorkOrderStatus }]>('repairDone');

/** A contractor the work may go to, as the workflow asks them. */
export interface ContractorCandidate {
  contractorId: string;
  name: string;
  email: string;
  hourlyRateMinor: number;
}

export interface WorkOrderActivities {
  /** Writes the work order's row (status, contractor, figures the directory and lists read). */
  recordWorkOrder(a: { state: WorkOrderState; currency: Currency }): Promise<void>;
  /** The contractors who may be asked for this work, best first (the directory's documents and figures as of today). */
  eligibleContractors(a: { trade: Trade; postalCode: string; on: IsoDate; passedOver: string[]; rules: ComplianceRules }): Promise<{
    eligible: ContractorCandidate[];
    refused: { contractorId: string; name: string; reasons: string[] }[];
  }>;
  /** Whether one named contractor may be asked (a manager's choice): the reasons it may not, empty when it may. */
  contractorProblems(a: { contractorId: string; trade: Trade; postalCode: string; on: IsoDate; rules: ComplianceRules }): Promise<{ candidate: ContractorCandidate | null; reasons: string[] }>;
  /** Pays an approved invoice: the property's repairs expense, and a tenant-caused repair charged to the lease; once per work order. */
  postWorkOrderPayment(a: {
    workOrderId: string;
    propertyId: string;
    leaseId: string | null;
    amountMinor: number;
    currency: Currency;
    reference: string;
    paidOn: IsoDate;
  }): Promise<void>;
  notifyWorkOrder(a: { workOrderId: string; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
}

/** The pauses as the SLA rules read them (epoch ms). */
export const slaPauses = (state: Pick<WorkOrderState, 'pauses'>): SlaPause[] =>
  state.pauses.map((p) => ({ from: Date.parse(p.from), ...(p.to === null ? {} : { to: Date.parse(p.to) }) }));
