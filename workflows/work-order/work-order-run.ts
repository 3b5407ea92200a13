/**
 * One run of a work-order workflow: its state (what the query returns), and
 * the handlers that move it, each a transition from one status to the next
 * (the validators beside them in validators.ts say when each may run). The
 * run's loop (index.ts) does what no person does: asks contractors and lets
 * the unanswered lapse, keeps the row written, closes the work order when
 * its reopen window ends; the SLA watch (sla-watch.ts) alerts and escalates.
 */
import { ApplicationFailure, condition, getExternalWorkflowHandle, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { dateOfInstant } from '../../domain/calendar';
import { holidayCalendar, type HolidayCalendar } from '../../domain/business-days';
import { basisPointsOf, formatMoney } from '../../domain/money';
import { ContractorIdKey, ProcessStatusKey, SlaBreachedKey, WorkOrderPriorityKey } from '../../domain/search-attributes';
import { acceptanceWindowMinutes } from '../../domain/work-order/contractor-choice';
import { slaDeadlines, type SlaDeadline, type SlaTarget } from '../../domain/work-order/sla';
import {
  INVOICE_TOLERANCE_BASIS_POINTS,
  REOPEN_WINDOW_DAYS,
  repairDoneSignal,
  slaPauses,
  tradeFor,
  type AcceptanceRequest,
  type AccessRefusedRequest,
  type Actor,
  type AppointmentRequest,
  type AssignRequest,
  type CancelRequest,
  type CompletionRequest,
  type ContractorCandidate,
  type DecisionRequest,
  type InvoiceRequest,
  type MergeRequest,
  type PaymentRequest,
  type QuoteRequest,
  type RatingRequest,
  type ReopenRequest,
  type SlaState,
  type TriageRequest,
  type WorkOrderInput,
  type WorkOrderPriority,
  type WorkOrderState,
  type WorkOrderStatus,
} from '../../contracts/work-order';
import { act } from './proxies';
import { nextStep } from './timeline';
import { nowIso } from './validators';

const DAY_MS = 86_400_000;

export class WorkOrderRun {
  readonly state: WorkOrderState;
  readonly calendar: HolidayCalendar;
  /** Bumped by every change, so the loop and the SLA watch wake. */
  changes = 0;

  constructor(readonly input: WorkOrderInput) {
    const year = Number(input.raisedAt.slice(0, 4));
    this.calendar = holidayCalendar(year, year + 2, input.holidays ?? []);
    const { request } = input;
    this.state = {
      workOrderId: input.workOrderId,
      propertyId: input.property.propertyId,
      unitId: input.property.unitId,
      status: input.triaged ? 'assigning' : 'triage',
      category: request.category,
      priority: request.priority,
      description: request.description,
      responsibility: input.responsibility,
      source: input.source,
      requestedBy: input.requestedBy,
      raisedAt: input.raisedAt,
      assignment: null,
      passedOver: [],
      quote: null,
      appointment: null,
      completion: null,
      invoice: null,
      rating: null,
      sla: [],
      pauses: [],
      slaBreached: false,
      reopened: [],
      mergedInto: null,
      next: null,
      history: [{ at: input.raisedAt, event: `raised: ${request.category}, ${request.priority}` }],
    };
    this.state.sla = this.slaFor(request.priority);
    // Raised by a manager or an inspection: acknowledged as it is raised.
    if (input.triaged) this.meet('acknowledged', input.raisedAt);
    this.state.next = nextStep(this.state);
  }

  get id() {
    return this.input.workOrderId;
  }

  get finished() {
    return this.state.status === 'merged' || this.state.status === 'cancelled';
  }

  get currency() {
    return this.input.property.currency;
  }

  log(event: string) {
    this.state.history.push({ at: nowIso(), event });
    this.changes++;
  }

  /** Moves to a status; the requester hears of it with the next step (they see the same on their timeline). */
  async setStatus(status: WorkOrderStatus, event: string) {
    this.state.status = status;
    this.state.next = nextStep(this.state);
    upsertSearchAttributes([{ key: ProcessStatusKey, value: status }]);
    this.log(event);
    const next = this.state.next ? `${this.state.next.step}${this.state.next.by ? ` (expected by ${this.state.next.by})` : ''}` : '';
    await this.notify('work_order_update', { event, next }, [this.input.requestedBy.email]);
  }

  notify(template: string, data: Record<string, string | number>, to: string[]) {
    if (to.length === 0) return Promise.resolve();
    return act.notifyWorkOrder({ workOrderId: this.id, template, data: { address: this.input.property.address, category: this.state.category, priority: this.state.priority, currency: this.currency, ...data }, to });
  }

  record() {
    return act.recordWorkOrder({ state: { ...this.state, history: [] }, currency: this.currency });
  }

  get managerEmails() {
    return this.input.managers.map((m) => m.email);
  }

  get ownerEmails() {
    return this.input.owners.map((o) => o.email);
  }

  // ------------------------------------------------------------ service levels

  /** The deadlines as they stand (priority, pauses), from when the work was raised. */
  deadlines(priority: WorkOrderPriority = this.state.priority): SlaDeadline[] {
    const { sla, legalRepairWindow } = this.input.property;
    return slaDeadlines(priority, Date.parse(this.input.raisedAt), slaPauses(this.state), this.calendar, sla, legalRepairWindow ?? undefined);
  }

  private slaFor(priority: WorkOrderPriority): SlaState[] {
    return this.deadlines(priority).map((d) => ({ target: d.target, dueAt: d.dueAt === undefined ? null : new Date(d.dueAt).toISOString(), metAt: null, alerted: [], breached: false }));
  }

  /** The due times move with every pause. */
  refreshSla() {
    for (const d of this.deadlines()) {
      const s = this.state.sla.find((x) => x.target === d.target);
      if (s) s.dueAt = d.dueAt === undefined ? null : new Date(d.dueAt).toISOString();
    }
  }

  meet(target: SlaTarget, at: string) {
    const s = this.state.sla.find((x) => x.target === target);
    if (s && !s.metAt) s.metAt = at;
  }

  /** A share of a window reached: the contractor and the manager are told; at 100% it is breached and escalated to the manager. */
  async slaAlert(target: SlaTarget, share: number, dueAt: number) {
    const s = this.state.sla.find((x) => x.target === target)!;
    s.alerted.push(share);
    const due = new Date(dueAt).toISOString();
    const label = target.replace('_', ' ');
    if (share < 1) {
      this.log(`${Math.round(share * 100)}% of the ${label} window has passed (due ${due})`);
      const to = [...this.managerEmails, ...(this.state.assignment?.acceptedAt ? [this.state.assignment.email] : [])];
      await this.notify('work_order_sla_alert', { percent: Math.round(share * 100), target: label, dueAt: due }, to);
      return;
    }
    s.breached = true;
    this.state.slaBreached = true;
    upsertSearchAttributes([{ key: SlaBreachedKey, value: true }]);
    this.log(`missed the ${label} deadline (${due}): escalated to the manager`);
    await this.notify('work_order_sla_escalated', { target: label, dueAt: due }, this.managerEmails);
  }

  // ------------------------------------------------------------ triage

  async triage(r: TriageRequest) {
    const changed = r.priority !== this.state.priority;
    this.state.priority = r.priority;
    this.state.category = r.category;
    if (r.responsibility) this.state.responsibility = r.responsibility;
    if (changed) {
      // A new priority is a new set of windows, still counted from the request.
      this.state.sla = this.slaFor(r.priority);
      upsertSearchAttributes([{ key: WorkOrderPriorityKey, value: r.priority }]);
    }
    this.meet('acknowledged', nowIso());
    await this.setStatus('assigning', `triaged by ${r.by}: ${r.category}, ${r.priority}${r.note ? ` (${r.note})` : ''}`);
    return this.state;
  }

  async merge(r: MergeRequest) {
    this.state.mergedInto = r.intoWorkOrderId;
    await this.setStatus('merged', `merged by ${r.by} into work order ${r.intoWorkOrderId} (a duplicate)`);
    await this.tellParent();
    return this.state;
  }

  // ------------------------------------------------------------ assignment

  private async ask(c: ContractorCandidate) {
    const now = Date.now();
    // Kept in a local: a manager may reassign while the e-mails below are written, and the state then holds another.
    const offer = {
      contractorId: c.contractorId,
      name: c.name,
      email: c.email,
      askedAt: new Date(now).toISOString(),
      acceptBy: new Date(now + acceptanceWindowMinutes(this.state.priority) * 60_000).toISOString(),
      acceptedAt: null,
    };
    this.state.assignment = offer;
    upsertSearchAttributes([{ key: ContractorIdKey, value: c.contractorId }]);
    await this.setStatus('awaiting_acceptance', `offered to ${c.name}`);
    await this.notify('work_order_offered', { acceptBy: offer.acceptBy, description: this.state.description }, [c.email]);
  }

  /** The loop's step while assigning: the directory's best who may take it, or unassigned with the reasons. */
  async askNextContractor() {
    const { postalCode, compliance } = this.input.property;
    const found = await act.eligibleContractors({
      trade: tradeFor(this.state.category),
      postalCode,
      on: dateOfInstant(Date.now()),
      passedOver: this.state.passedOver,
      rules: compliance,
    });
    if (this.state.status !== 'assigning') return; // cancelled or assigned by hand meanwhile
    const best = found.eligible[0];
    if (best) return this.ask(best);
    const reasons = found.refused.map((r) => `${r.name}: ${r.reasons.join('; ')}`).join(' | ') || 'no contractor of this trade in the directory';
    await this.setStatus('unassigned', `no contractor may take it (${reasons})`);
    await this.notify('work_order_unassigned', { reasons }, this.managerEmails);
  }

  /** The contractor asked let the window pass: the next one is asked. */
  async lapse() {
    const a = this.state.assignment!;
    this.state.passedOver.push(a.contractorId);
    this.state.assignment = null;
    await this.setStatus('assigning', `${a.name} did not accept by ${a.acceptBy}: asking the next contractor`);
  }

  /** A manager reassigns: to a contractor they name (who must qualify) or to the directory's next best. */
  async assign(r: AssignRequest) {
    const current = this.state.assignment;
    if (r.contractorId) {
      const { postalCode, compliance } = this.input.property;
      const check = await act.contractorProblems({ contractorId: r.contractorId, trade: tradeFor(this.state.category), postalCode, on: dateOfInstant(Date.now()), rules: compliance });
      if (!check.candidate || check.reasons.length) {
        throw ApplicationFailure.create({ message: `that contractor may not take this work: ${check.reasons.join('; ')}`, type: 'ContractorNotEligible', nonRetryable: true });
      }
      if (current && current.contractorId !== r.contractorId) this.state.passedOver.push(current.contractorId);
      this.state.quote = null;
      this.state.appointment = null;
      await this.ask(check.candidate);
      return this.state;
    }
    if (current) this.state.passedOver.push(current.contractorId);
    this.state.assignment = null;
    this.state.quote = null;
    this.state.appointment = null;
    await this.setStatus('assigning', `reassigned by ${r.by}`);
    return this.state;
  }

  async respond(r: AcceptanceRequest) {
    const a = this.state.assignment!;
    if (r.accept) {
      a.acceptedAt = nowIso();
      await this.setStatus('quoting', `${a.name} accepted the work`);
      return this.state;
    }
    this.state.passedOver.push(a.contractorId);
    this.state.assignment = null;
    await this.setStatus('assigning', `${a.name} declined${r.reason ? `: ${r.reason}` : ''}`);
    return this.state;
  }

  // ------------------------------------------------------------ quote and approval

  async submitQuote(r: QuoteRequest) {
    const limit = this.input.property.approvalThresholdMinor;
    const within = r.amountMinor <= limit;
    this.state.quote = { amountMinor: r.amountMinor, note: r.note ?? null, at: nowIso(), status: within ? 'approved' : 'pending_approval', decidedBy: within ? 'threshold' : null, reason: null };
    const amount = formatMoney(r.amountMinor, this.currency);
    if (within) {
      await this.setStatus('scheduling', `quote of ${amount} approved: within the property's limit of ${formatMoney(limit, this.currency)}`);
    } else {
      await this.setStatus('awaiting_approval', `quote of ${amount} sent to the owner: above the property's limit of ${formatMoney(limit, this.currency)}`);
      await this.notify('work_order_approval_needed', { what: 'quote', amountMinor: r.amountMinor }, this.ownerEmails);
    }
    return this.state;
  }

  async decideQuote(r: DecisionRequest) {
    const q = this.state.quote!;
    const contractor = this.state.assignment!;
    q.status = r.approve ? 'approved' : 'rejected';
    q.decidedBy = r.by;
    q.reason = r.reason ?? null;
    if (r.approve) await this.setStatus('scheduling', `the owner approved the quote`);
    else await this.setStatus('quoting', `the owner rejected the quote${r.reason ? `: ${r.reason}` : ''}; the contractor may quote again`);
    await this.notify('work_order_update', { event: `the quote was ${q.status}`, next: '' }, [contractor.email]);
    return this.state;
  }

  // ------------------------------------------------------------ the visit

  async schedule(r: AppointmentRequest) {
    const byTenant = r.as === 'tenant' || r.as === 'requester';
    const open = this.state.pauses.find((p) => p.to === null);
    // The tenant's time counts against nobody: from a refusal, or from when they moved the visit, until the visit they allow.
    if (open) open.to = r.at;
    else if (byTenant && this.state.appointment) this.state.pauses.push({ from: nowIso(), to: r.at, reason: 'rescheduled by the tenant' });
    if (open || byTenant) this.refreshSla();
    this.state.appointment = { at: r.at, setBy: r.by };
    const to = [...this.input.occupants.map((o) => o.email), this.state.assignment!.email];
    await this.setStatus('scheduled', `visit ${byTenant ? 'moved by the tenant' : 'scheduled'} for ${r.at}`);
    await this.notify('work_order_update', { event: `a visit is scheduled for ${r.at}`, next: '' }, to);
    return this.state;
  }

  async accessRefused(r: AccessRefusedRequest) {
    this.state.pauses.push({ from: nowIso(), to: null, reason: `access refused${r.note ? `: ${r.note}` : ''}` });
    this.refreshSla();
    this.state.appointment = null;
    await this.setStatus('scheduling', `no access at the visit${r.note ? ` (${r.note})` : ''}: the clock stops until the tenant allows a new visit`);
    return this.state;
  }

  async startWork(r: Actor) {
    this.meet('on_site', nowIso());
    await this.setStatus('in_progress', `the contractor is on site (${r.by})`);
    return this.state;
  }

  async complete(r: CompletionRequest) {
    const at = nowIso();
    this.state.completion = { at, notes: r.notes, photoIds: r.photoIds, materialsMinor: r.materialsMinor, labourMinor: r.labourMinor };
    this.meet('resolved', at);
    // After a reopen, the money is where it was: the invoice step resumes (or the work order closes again).
    const invoice = this.state.invoice;
    const status: WorkOrderStatus = !invoice || invoice.status === 'rejected' ? 'completed' : invoice.status === 'pending_approval' ? 'awaiting_invoice_approval' : invoice.status === 'approved' ? 'awaiting_payment' : 'closed';
    await this.setStatus(status, `completed: ${r.notes}`);
    await this.tellParent();
    return this.state;
  }

  // ------------------------------------------------------------ invoice and payment

  async submitInvoice(r: InvoiceRequest) {
    const approved = this.state.quote!.amountMinor;
    const limit = approved + basisPointsOf(approved, INVOICE_TOLERANCE_BASIS_POINTS);
    const within = r.amountMinor <= limit;
    this.state.invoice = { amountMinor: r.amountMinor, reference: r.reference, at: nowIso(), status: within ? 'approved' : 'pending_approval', decidedBy: within ? 'tolerance' : null, reason: null, payment: null, chargedToLeaseId: null };
    const amount = formatMoney(r.amountMinor, this.currency);
    if (within) {
      await this.setStatus('awaiting_payment', `invoice ${r.reference} of ${amount} approved: within the quote plus 10%`);
    } else {
      await this.setStatus('awaiting_invoice_approval', `invoice ${r.reference} of ${amount} sent to the owner: above the quote plus 10% (${formatMoney(limit, this.currency)})`);
      await this.notify('work_order_approval_needed', { what: 'invoice', amountMinor: r.amountMinor }, this.ownerEmails);
    }
    return this.state;
  }

  async decideInvoice(r: DecisionRequest) {
    const inv = this.state.invoice!;
    inv.status = r.approve ? 'approved' : 'rejected';
    inv.decidedBy = r.by;
    inv.reason = r.reason ?? null;
    if (r.approve) await this.setStatus('awaiting_payment', 'the owner approved the invoice');
    else await this.setStatus('completed', `the owner rejected the invoice${r.reason ? `: ${r.reason}` : ''}; the contractor may send another`);
    return this.state;
  }

  /** A recorded transfer to the contractor: the property's repairs expense, and the tenant's lease charged when they caused it. */
  async pay(r: PaymentRequest) {
    const inv = this.state.invoice!;
    const leaseId = this.state.responsibility === 'tenant' ? this.input.property.leaseId : null;
    const paidOn = dateOfInstant(Date.now());
    await act.postWorkOrderPayment({ workOrderId: this.id, propertyId: this.state.propertyId, leaseId, amountMinor: inv.amountMinor, currency: this.currency, reference: r.reference, paidOn });
    inv.status = 'paid';
    inv.payment = { method: 'transfer', reference: r.reference, paidOn, by: r.by };
    inv.chargedToLeaseId = leaseId;
    const charged = leaseId ? `; charged to the tenant's lease` : '';
    await this.setStatus('closed', `paid ${formatMoney(inv.amountMinor, this.currency)} by transfer ${r.reference}${charged}`);
    return this.state;
  }

  // ------------------------------------------------------------ after the work

  async rate(r: RatingRequest) {
    this.state.rating = { stars: r.stars, comment: r.comment ?? null, at: nowIso() };
    this.state.next = nextStep(this.state);
    this.log(`rated ${r.stars} of 5 by the requester`);
    return this.state;
  }

  /** The repair failed within the window: back to the same contractor, counted against them. */
  async reopen(r: ReopenRequest) {
    const completedAt = Date.parse(this.state.completion!.at);
    const withinWarranty = Date.now() <= completedAt + REOPEN_WINDOW_DAYS * DAY_MS;
    this.state.reopened.push({ at: nowIso(), by: r.by, reason: r.reason, countsAgainstContractor: withinWarranty });
    this.state.appointment = null;
    await this.setStatus('scheduling', `reopened by ${r.by}: ${r.reason}`);
    if (this.state.assignment) await this.notify('work_order_update', { event: `the work was reopened: ${r.reason}`, next: 'schedule a return visit' }, [this.state.assignment.email]);
    return this.state;
  }

  async cancel(r: CancelRequest) {
    await this.setStatus('cancelled', `cancelled by ${r.by}: ${r.reason}`);
    if (this.state.assignment) await this.notify('work_order_update', { event: `the work order was cancelled: ${r.reason}`, next: '' }, [this.state.assignment.email]);
    await this.tellParent();
    return this.state;
  }

  /** When the reopen window of the last completion ends (the workflow then finishes). */
  get reopenWindowEnd(): number {
    return Date.parse(this.state.completion!.at) + REOPEN_WINDOW_DAYS * DAY_MS;
  }

  /** An inspection that started this work waits for it: tell it the repair is done (or will not be). */
  async tellParent() {
    const parent = workflowInfo().parent;
    if (!parent || this.input.source.kind !== 'inspection') return;
    await getExternalWorkflowHandle(parent.workflowId).signal(repairDoneSignal, { workOrderId: this.id, findingRef: this.input.source.findingRef, status: this.state.status });
  }

  /** Waits for a change, or until `untilMs`; false when the time came first. */
  async waitForChange(untilMs?: number): Promise<boolean> {
    const seen = this.changes;
    if (untilMs === undefined) {
      await condition(() => this.changes !== seen);
      return true;
    }
    const ms = untilMs - Date.now();
    if (ms <= 0) return false;
    return condition(() => this.changes !== seen, ms);
  }
}
