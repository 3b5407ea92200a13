/**
 * Who may do what to a work order, and when: pure functions over its state,
 * run as the Updates' validators (a refusal is never recorded in the
 * history) and unit-tested on their own. Each throws an Error whose message
 * the API returns as the 409's detail. The API has already checked that the
 * caller may act as who they say (the property's manager or owner, the
 * requester, the contractor asked); these check the turn and the state.
 */
import {
  FINAL_WORK_ORDER_STATUSES,
  REOPEN_WINDOW_DAYS,
  type AcceptanceRequest,
  type AccessRefusedRequest,
  type Actor,
  type AppointmentRequest,
  type AssignRequest,
  type CancelRequest,
  type CompletionRequest,
  type DecisionRequest,
  type InvoiceRequest,
  type MergeRequest,
  type PaymentRequest,
  type QuoteRequest,
  type RatingRequest,
  type ReopenRequest,
  type TriageRequest,
  type WorkOrderState,
  type WorkOrderStatus,
} from '../../contracts/work-order';

export const nowIso = () => new Date(Date.now()).toISOString();

const label = (s: WorkOrderStatus) => s.replaceAll('_', ' ');

function statusIs(s: WorkOrderState, ...statuses: WorkOrderStatus[]) {
  if (!statuses.includes(s.status)) throw new Error(`the work order is ${label(s.status)}: this needs it ${statuses.map(label).join(' or ')}`);
}

function actorIs(a: Actor, ...as: Actor['as'][]) {
  if (!as.includes(a.as)) throw new Error(`only ${as.join(' or ')} may do this`);
}

/** The contractor the work is assigned to (asked, or accepted) and nobody else. */
function assignedContractor(s: WorkOrderState, a: Actor) {
  actorIs(a, 'contractor');
  if (s.assignment?.contractorId !== a.by) throw new Error('the work order is not assigned to you');
}

const nonNegativeMinor = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a whole, non-negative number of minor units`);
};

export function validateTriage(s: WorkOrderState, r: TriageRequest) {
  actorIs(r, 'manager', 'staff');
  statusIs(s, 'triage');
}

export function validateMerge(s: WorkOrderState, r: MergeRequest) {
  actorIs(r, 'manager', 'staff');
  statusIs(s, 'triage');
  if (r.intoWorkOrderId === s.workOrderId) throw new Error('a work order cannot be merged into itself');
}

export function validateAssign(s: WorkOrderState, r: AssignRequest) {
  actorIs(r, 'manager', 'staff');
  // Reassigning is for work no contractor has begun: before the visit.
  statusIs(s, 'unassigned', 'awaiting_acceptance', 'quoting', 'awaiting_approval', 'scheduling', 'scheduled');
}

export function validateResponse(s: WorkOrderState, r: AcceptanceRequest) {
  statusIs(s, 'awaiting_acceptance');
  assignedContractor(s, r);
  if (Date.now() > Date.parse(s.assignment!.acceptBy)) throw new Error('the time to accept has passed; the work has gone to another contractor');
}

export function validateQuote(s: WorkOrderState, r: QuoteRequest) {
  statusIs(s, 'quoting');
  assignedContractor(s, r);
  nonNegativeMinor(r.amountMinor, 'the quote');
}

export function validateQuoteDecision(s: WorkOrderState, r: DecisionRequest) {
  actorIs(r, 'owner', 'staff');
  statusIs(s, 'awaiting_approval');
  if (s.quote?.status !== 'pending_approval') throw new Error('no quote waits for approval');
}

export function validateAppointment(s: WorkOrderState, r: AppointmentRequest) {
  actorIs(r, 'contractor', 'manager', 'staff', 'tenant', 'requester');
  statusIs(s, 'scheduling', 'scheduled');
  if (r.as === 'contractor') assignedContractor(s, r);
  if (Number.isNaN(Date.parse(r.at))) throw new Error('the visit needs a date and time');
  if (Date.parse(r.at) < Date.now()) throw new Error('the visit must be in the future');
}

export function validateAccessRefused(s: WorkOrderState, r: AccessRefusedRequest) {
  actorIs(r, 'contractor', 'manager', 'staff');
  statusIs(s, 'scheduled');
  if (r.as === 'contractor') assignedContractor(s, r);
}

export function validateStart(s: WorkOrderState, r: Actor) {
  statusIs(s, 'scheduled');
  assignedContractor(s, r);
}

export function validateCompletion(s: WorkOrderState, r: CompletionRequest) {
  statusIs(s, 'in_progress');
  assignedContractor(s, r);
  if (!r.notes.trim()) throw new Error('say what was done');
  nonNegativeMinor(r.materialsMinor, 'materials');
  nonNegativeMinor(r.labourMinor, 'labour');
}

export function validateInvoice(s: WorkOrderState, r: InvoiceRequest) {
  statusIs(s, 'completed');
  assignedContractor(s, r);
  nonNegativeMinor(r.amountMinor, 'the invoice');
  if (r.amountMinor === 0) throw new Error('an invoice is for more than nothing');
}

export function validateInvoiceDecision(s: WorkOrderState, r: DecisionRequest) {
  actorIs(r, 'owner', 'staff');
  statusIs(s, 'awaiting_invoice_approval');
}

export function validatePayment(s: WorkOrderState, r: PaymentRequest) {
  actorIs(r, 'manager', 'staff');
  statusIs(s, 'awaiting_payment');
  if (!r.reference.trim()) throw new Error("name the transfer's reference");
}

export function validateRating(s: WorkOrderState, r: RatingRequest) {
  actorIs(r, 'requester');
  if (!s.completion) throw new Error('the work is not done yet: rate it once it is');
  if (s.rating) throw new Error('the work has been rated');
  if (FINAL_WORK_ORDER_STATUSES.includes(s.status) && s.status !== 'closed') throw new Error(`the work order was ${label(s.status)}`);
  if (!Number.isInteger(r.stars) || r.stars < 1 || r.stars > 5) throw new Error('a rating is 1 to 5 stars');
}

export function validateReopen(s: WorkOrderState, r: ReopenRequest) {
  actorIs(r, 'requester', 'manager', 'staff', 'inspection');
  statusIs(s, 'completed', 'awaiting_invoice_approval', 'awaiting_payment', 'closed');
  const completedAt = Date.parse(s.completion!.at);
  if (Date.now() > completedAt + REOPEN_WINDOW_DAYS * 86_400_000) throw new Error(`the work was completed more than ${REOPEN_WINDOW_DAYS} days ago: raise a new request`);
  if (!r.reason.trim()) throw new Error('say what is still wrong');
}

export function validateCancel(s: WorkOrderState, r: CancelRequest) {
  actorIs(r, 'requester', 'manager', 'staff');
  statusIs(s, 'triage', 'assigning', 'unassigned', 'awaiting_acceptance', 'quoting', 'awaiting_approval', 'scheduling', 'scheduled');
  if (!r.reason.trim()) throw new Error('say why it is cancelled');
}
