/**
 * One run of a project workflow: its state (what the query returns), and
 * the handlers that move it, each beside what it sets (the validators in
 * validators.ts say when each may run). The run's loop (index.ts) does what
 * no person does: pays each approved draw once nothing blocks it, releases
 * retainage when it is due, completes the project; the alert watch
 * (alerts.ts) raises the timed alerts. Every change goes through `log` (or
 * `touch`), which recomputes the state's derived parts: the budget summary,
 * the draws' and retainage's blockers, what is pending and the critical dates.
 */
import { condition, startChild, upsertSearchAttributes, uuid4, type ChildWorkflowHandle } from '@temporalio/workflow';
import { addDays, compareDates, daysBetween, startOfDate, todayUtc } from '../../domain/calendar';
import { formatMoney } from '../../domain/money';
import { budgetSummary, drawPostings, observedCompletionBasisPoints } from '../../domain/project/budget';
import { applyChangeOrder, changeByCostCode, changeOrderProblem, netChangeOf } from '../../domain/project/change-order';
import { drawBlockers, type Permit } from '../../domain/project/draw-rules';
import { nextPayApplication } from '../../domain/project/pay-application';
import { ProcessStatusKey, PropertyIdKey } from '../../domain/search-attributes';
import { ENVELOPE_WORKFLOW_TYPE, envelopeWorkflowId, voidEnvelopeSignal, type EnvelopeResult, type EnvelopeWorkflow } from '../../contracts/envelope';
import {
  DEFAULT_PERMIT_REMINDER_DAYS,
  type ChangeOrderRequest,
  type ChangeOrderState,
  type CommitmentRequest,
  type CommitmentState,
  type CriticalDate,
  type FinalInspectionRequest,
  type LienWaiverRequest,
  type MilestoneInspectionRequest,
  type PayApplicationRef,
  type PayApplicationRequest,
  type PayApplicationReview,
  type PayApplicationState,
  type PendingItem,
  type PermitRequest,
  type ProjectAlert,
  type ProjectInput,
  type ProjectState,
  type ProjectStatus,
  type SubstantialCompletionRequest,
} from '../../contracts/project';
import { act } from './proxies';
import { applicationsOf, lastCertified, nowIso, openApplication, pricedApplication, retainagePolicyOf } from './validators';

const dayCount = (days: number) => `${days} day${days === 1 ? '' : 's'}`;

export class ProjectRun {
  readonly state: ProjectState;
  /** Bumped by every change, so the loop and the alert watch wake. */
  changes = 0;
  /** Change orders whose envelope is out: the run does not continue as new while one is (its child would be lost). */
  deciding = 0;
  readonly reminderDays: number[];

  constructor(readonly input: ProjectInput) {
    this.reminderDays = [...(input.permitReminderDays ?? DEFAULT_PERMIT_REMINDER_DAYS)].sort((a, b) => b - a);
    this.state = input.continuation?.state ?? {
      projectId: input.projectId,
      kind: input.kind,
      name: input.name,
      site: input.site,
      currency: input.currency,
      status: 'active',
      schedule: { plannedStart: input.plannedStart, originalPlannedCompletion: input.plannedCompletion, plannedCompletion: input.plannedCompletion, substantialCompletionOn: null, completedOn: null },
      budget: input.budget.map((b) => ({ costCode: b.costCode, description: b.description, originalMinor: b.amountMinor, changesMinor: 0 })),
      contingencyMinor: input.contingencyMinor,
      commitments: [],
      milestones: [],
      changeOrders: [],
      payApplications: [],
      inspections: [],
      finalInspections: [],
      lienWaivers: [],
      permits: [],
      alerts: [],
      overrun: false,
      improvements: input.improvements,
      substantialCompletion: null,
      documents: [],
      summary: budgetSummary({ budget: [], contingencyMinor: 0, commitments: [], pending: [] }),
      pendingApprovals: [],
      criticalDates: [],
      history: [{ at: input.createdAt, event: `${input.kind === 'renovation' ? 'renovation' : 'new construction'} of ${input.site.address} set up by ${input.createdBy}` }],
    };
    this.refresh();
  }

  get id() {
    return this.input.projectId;
  }

  get finished() {
    return this.state.status === 'completed';
  }

  get currency() {
    return this.input.currency;
  }

  money(minor: number) {
    return formatMoney(minor, this.currency);
  }

  log(event: string) {
    this.state.history.push({ at: nowIso(), event });
    this.touch();
  }

  /** A change that needs no line in the history (the derived parts move with it). */
  touch() {
    this.changes++;
    this.refresh();
  }

  async setStatus(status: ProjectStatus, event: string) {
    this.state.status = status;
    upsertSearchAttributes([{ key: ProcessStatusKey, value: status }]);
    this.log(event);
  }

  notify(template: string, data: Record<string, string | number>, to: string[]) {
    if (to.length === 0) return Promise.resolve();
    return act.notifyProject({ projectId: this.id, template, data: { project: this.input.name, address: this.input.site.address, currency: this.currency, ...data }, to });
  }

  record() {
    return act.recordProject({ state: { ...this.state, history: [] } });
  }

  get managerEmails() {
    return this.input.managers.map((m) => m.email);
  }

  get ownerEmails() {
    return this.input.owners.map((o) => o.email);
  }

  commitment(commitmentId: string): CommitmentState {
    return this.state.commitments.find((c) => c.commitmentId === commitmentId)!;
  }

  application(r: PayApplicationRef): PayApplicationState {
    return this.state.payApplications.find((a) => a.commitmentId === r.commitmentId && a.applicationNo === r.applicationNo)!;
  }

  // ------------------------------------------------------------ derived state

  /** The latest milestone inspection of a contract (by its date; the one recorded last on the same day). */
  latestInspection(commitmentId: string) {
    return this.state.inspections
      .filter((i) => i.commitmentId === commitmentId)
      .reduce<ProjectState['inspections'][number] | undefined>((latest, i) => (!latest || compareDates(i.inspectedOn, latest.inspectedOn) >= 0 ? i : latest), undefined);
  }

  /** The permits a contract's work depends on, as recorded (one not recorded yet is only applied for). */
  permitsFor(c: CommitmentState): Permit[] {
    return c.permitNames.map((name) => {
      const p = this.state.permits.find((x) => x.name === name);
      return p ? { name, status: p.status, expiresOn: p.expiresOn } : { name, status: 'applied', expiresOn: null };
    });
  }

  waiverSigned(commitmentId: string, kind: 'conditional' | 'unconditional', applicationNo: number | null) {
    return this.state.lienWaivers.some((w) => w.commitmentId === commitmentId && w.kind === kind && w.applicationNo === applicationNo);
  }

  /** Why an approved application cannot be paid yet. */
  drawBlockersOf(a: PayApplicationState): string[] {
    const c = this.commitment(a.commitmentId);
    const earlier = applicationsOf(this.state, a.commitmentId).find((x) => x.applicationNo < a.applicationNo && x.status !== 'paid');
    const inspection = this.latestInspection(a.commitmentId);
    return [
      ...(earlier ? [`application ${earlier.applicationNo} is paid first`] : []),
      ...drawBlockers({
        application: a.application,
        inspection: inspection ? { observedBasisPoints: inspection.observedBasisPoints } : null,
        conditionalWaiverSigned: this.waiverSigned(a.commitmentId, 'conditional', a.applicationNo),
        permits: this.permitsFor(c),
        today: todayUtc(),
      }),
    ];
  }

  /** Why a contract's retainage cannot be released yet (nothing before substantial completion: it is not due). */
  retainageBlockersOf(c: CommitmentState): string[] {
    if (this.state.status !== 'substantially_complete' || c.retainage.status === 'released') return [];
    const blockers: string[] = [];
    if (!this.state.finalInspections.some((i) => i.passed)) blockers.push('the final inspection has not passed');
    for (const a of applicationsOf(this.state, c.commitmentId).filter((x) => x.status !== 'paid')) blockers.push(`application ${a.applicationNo} is ${a.status.replaceAll('_', ' ')}`);
    if (c.retainage.heldMinor > 0 && !this.waiverSigned(c.commitmentId, 'unconditional', null)) blockers.push('the unconditional final lien waiver is not signed');
    return blockers;
  }

  refresh() {
    const s = this.state;
    const today = todayUtc();
    for (const m of s.milestones) if (m.status !== 'reached') m.status = compareDates(today, m.plannedOn) > 0 ? 'late' : 'upcoming';
    for (const a of s.payApplications) a.blockers = a.status === 'approved' ? this.drawBlockersOf(a) : [];
    for (const c of s.commitments) {
      const paid = applicationsOf(s, c.commitmentId).filter((a) => a.status === 'paid').at(-1);
      c.retainage.heldMinor = (paid?.application.summary.totalRetainageMinor ?? 0) - c.retainage.releasedMinor;
      c.retainage.blockers = this.retainageBlockersOf(c);
    }
    const pendingCOs = s.changeOrders.filter((co) => co.status === 'pending_approval');
    s.summary = budgetSummary({
      budget: s.budget,
      contingencyMinor: s.contingencyMinor,
      commitments: s.commitments.map((c) => ({
        scheduleOfValues: c.contract.scheduleOfValues,
        lastPaid: applicationsOf(s, c.commitmentId).filter((a) => a.status === 'paid').at(-1)?.application,
        retainageReleasedMinor: c.retainage.releasedMinor,
      })),
      pending: pendingCOs.flatMap((co) => changeByCostCode(this.commitment(co.commitmentId).contract, co.lines)),
    });
    s.pendingApprovals = this.pending();
    s.criticalDates = this.criticalDates();
  }

  private pending(): PendingItem[] {
    const s = this.state;
    const out: PendingItem[] = [];
    for (const co of s.changeOrders.filter((x) => x.status === 'pending_approval')) {
      out.push({ kind: 'change_order', ref: co.changeOrderId, what: `change order ${co.number}: ${co.scope} (${this.money(co.netChangeMinor)}, ${co.scheduleImpactDays} days)`, waitingOn: 'owner', due: co.approveBy, blockers: [] });
    }
    for (const a of s.payApplications) {
      const c = this.commitment(a.commitmentId);
      const what = `${c.contractor.name}'s application ${a.applicationNo} to ${a.periodTo} (${this.money(a.application.summary.currentPaymentDueMinor)} due)`;
      const ref = `${a.commitmentId}#${a.applicationNo}`;
      if (a.status === 'draft' || a.status === 'revise_and_resubmit') out.push({ kind: 'pay_application', ref, what, waitingOn: 'contractor', due: null, blockers: [] });
      else if (a.status === 'under_review') out.push({ kind: 'pay_application', ref, what, waitingOn: 'reviewer', due: null, blockers: [] });
      else if (a.status === 'approved') out.push({ kind: 'draw', ref, what, waitingOn: 'conditions', due: null, blockers: a.blockers });
    }
    if (s.status === 'substantially_complete') {
      if (!s.finalInspections.some((i) => i.passed)) out.push({ kind: 'final_inspection', ref: this.id, what: 'the final inspection', waitingOn: 'inspector', due: null, blockers: [] });
      for (const c of s.commitments.filter((x) => x.retainage.status === 'held')) {
        out.push({ kind: 'retainage_release', ref: c.commitmentId, what: `${c.contractor.name}'s retainage (${this.money(c.retainage.heldMinor)})`, waitingOn: 'conditions', due: null, blockers: c.retainage.blockers });
      }
    }
    return out;
  }

  private criticalDates(): CriticalDate[] {
    const s = this.state;
    if (s.status === 'completed') return [];
    const dates: CriticalDate[] = [];
    if (s.status === 'active') {
      for (const m of s.milestones.filter((x) => x.status !== 'reached')) dates.push({ date: m.plannedOn, kind: 'milestone', what: `${m.name}${m.status === 'late' ? ' (late)' : ''}`, ref: m.milestoneId });
      dates.push({ date: s.schedule.plannedCompletion, kind: 'planned_completion', what: 'planned completion', ref: this.id });
    }
    for (const p of s.permits.filter((x) => x.status === 'issued' && x.expiresOn)) dates.push({ date: p.expiresOn!, kind: 'permit_expiry', what: `permit "${p.name}" expires`, ref: p.name });
    for (const co of s.changeOrders.filter((x) => x.status === 'pending_approval')) dates.push({ date: co.approveBy, kind: 'change_order_deadline', what: `change order ${co.number} to be approved`, ref: co.changeOrderId });
    return dates.sort((a, b) => compareDates(a.date, b.date));
  }

  // ------------------------------------------------------------ alerts

  async alert(kind: ProjectAlert['kind'], key: string, message: string) {
    if (this.state.alerts.some((a) => a.key === key)) return;
    this.state.alerts.push({ kind, key, at: nowIso(), message });
    this.log(`alert: ${message}`);
    await this.notify('project_alert', { kind, message }, [...this.managerEmails, ...this.ownerEmails]);
  }

  /** The projection crossed budget + contingency (alerted once per crossing), or came back under it. */
  async checkOverrun() {
    const { overrunMinor, projectedMinor, authorizedMinor } = this.state.summary.totals;
    if (overrunMinor > 0 && !this.state.overrun) {
      this.state.overrun = true;
      const n = this.state.alerts.filter((a) => a.kind === 'budget_overrun').length + 1;
      await this.alert('budget_overrun', `overrun:${n}`, `the projected cost ${this.money(projectedMinor)} is above budget + contingency ${this.money(authorizedMinor)} by ${this.money(overrunMinor)}`);
    } else if (overrunMinor === 0 && this.state.overrun) {
      this.state.overrun = false;
      this.log(`the projected cost ${this.money(projectedMinor)} is back within budget + contingency`);
    }
  }

  // ------------------------------------------------------------ contracts

  async addCommitment(r: CommitmentRequest) {
    let cumulative = 0;
    for (const m of r.milestones) {
      cumulative += m.shareBasisPoints;
      this.state.milestones.push({
        milestoneId: m.milestoneId,
        commitmentId: r.commitmentId,
        name: m.name,
        shareBasisPoints: m.shareBasisPoints,
        cumulativeBasisPoints: cumulative,
        originalPlannedOn: m.plannedOn,
        plannedOn: m.plannedOn,
        status: 'upcoming',
        reachedOn: null,
        reachedByInspectionId: null,
      });
    }
    this.state.commitments.push({
      commitmentId: r.commitmentId,
      contractor: r.contractor,
      description: r.description,
      contract: {
        originalContractSumMinor: r.originalContractSumMinor,
        netChangeOrdersMinor: 0,
        scheduleOfValues: r.scheduleOfValues.map((l) => ({ ...l })),
        retainage: retainagePolicyOf(r.retainage, r.milestones),
      },
      permitNames: r.permitNames,
      addedAt: nowIso(),
      addedBy: r.by,
      retainage: { heldMinor: 0, status: 'held', releasedMinor: 0, releasedOn: null, blockers: [] },
    });
    this.log(`contract with ${r.contractor.name} for ${r.description}: ${this.money(r.originalContractSumMinor)}, ${r.scheduleOfValues.length} lines, ${r.milestones.length} milestones`);
    await this.notify('project_contract_added', { contractor: r.contractor.name, amountMinor: r.originalContractSumMinor }, [r.contractor.email, ...this.managerEmails]);
    return this.state;
  }

  // ------------------------------------------------------------ change orders

  /** The change order goes to the owners as an envelope (a child workflow); their signature approves it, and only then does it apply. */
  async proposeChangeOrder(r: ChangeOrderRequest) {
    const c = this.commitment(r.commitmentId);
    const co: ChangeOrderState = {
      changeOrderId: r.changeOrderId,
      number: this.state.changeOrders.length + 1,
      commitmentId: r.commitmentId,
      scope: r.scope.trim(),
      lines: r.lines,
      netChangeMinor: netChangeOf(r.lines),
      scheduleImpactDays: r.scheduleImpactDays,
      approveBy: r.approveBy,
      status: 'pending_approval',
      proposedBy: r.by,
      proposedAt: nowIso(),
      envelopeId: uuid4(),
      document: null,
      decidedAt: null,
      reason: null,
    };
    this.state.changeOrders.push(co);
    this.log(`change order ${co.number} to ${c.contractor.name}'s contract proposed by ${r.by}: ${co.scope} (${this.money(co.netChangeMinor)}, ${co.scheduleImpactDays} days); the owner decides by ${co.approveBy}`);
    const doc = await act.renderChangeOrder({ projectId: this.id, name: this.input.name, address: this.input.site.address, currency: this.currency, changeOrder: co, contract: c.contract, contractor: c.contractor });
    co.document = doc;
    this.state.documents.push({ kind: 'change_order', ref: co.changeOrderId, ...doc });
    const sender = this.input.managers.find((m) => m.userId === r.by)?.name ?? (r.by === c.contractor.contractorId ? c.contractor.name : 'TriLight Homes projects');
    const envelope = await startChild<EnvelopeWorkflow>(ENVELOPE_WORKFLOW_TYPE, {
      workflowId: envelopeWorkflowId(co.envelopeId),
      args: [
        {
          envelopeId: co.envelopeId,
          subject: { type: 'project', id: this.id },
          title: `change order ${co.number} for ${this.input.name}: ${co.scope}`,
          documents: [{ documentId: doc.documentId, sha256: doc.sha256, name: `Change order ${co.number}`, signedKind: 'change_order_signed', signedTitle: `Change order ${co.number} (approved)` }],
          signers: this.input.owners.map((o) => ({ userId: o.userId, name: o.name, email: o.email, role: 'owner' })),
          ordered: false,
          sender: { userId: r.by, name: sender },
          // The project voids it at the end of the deadline; the envelope's own expiry is the day after, a backstop.
          expiresInDays: daysBetween(todayUtc(), co.approveBy) + 1,
        },
      ],
      memo: { summary: `Change order ${co.number} for ${this.input.name}` },
    });
    void this.awaitDecision(co, envelope);
    this.touch();
    return this.state;
  }

  /** Waits for the owners' envelope, voiding it when the deadline passes unsigned, and applies the outcome. */
  private async awaitDecision(co: ChangeOrderState, envelope: ChildWorkflowHandle<EnvelopeWorkflow>) {
    this.deciding++;
    try {
      await this.decideWhenSigned(co, envelope);
    } finally {
      this.deciding--;
    }
  }

  private async decideWhenSigned(co: ChangeOrderState, envelope: ChildWorkflowHandle<EnvelopeWorkflow>) {
    let result: EnvelopeResult | null | undefined;
    void envelope.result().then(
      (r) => (result = r),
      () => (result = null),
    );
    const deadline = startOfDate(addDays(co.approveBy, 1));
    if (!(await condition(() => result !== undefined, Math.max(1, deadline - Date.now())))) {
      try {
        await envelope.signal(voidEnvelopeSignal, { by: 'system', reason: `not approved by ${co.approveBy}` });
      } catch {
        // It ended just now: its result says how.
      }
      await condition(() => result !== undefined);
    }
    await this.decide(co, result ?? null);
  }

  private async decide(co: ChangeOrderState, result: EnvelopeResult | null) {
    const c = this.commitment(co.commitmentId);
    co.decidedAt = nowIso();
    const to = [c.contractor.email, ...this.managerEmails];
    if (result?.status !== 'completed') {
      co.status = result?.status === 'declined' ? 'rejected' : 'expired';
      co.reason = result?.decline?.reason ?? (result ? `not signed by ${co.approveBy} (the envelope ${result.status})` : 'the envelope failed');
      this.log(`change order ${co.number} ${co.status}: ${co.reason}`);
      await this.notify('project_change_order_decided', { number: co.number, status: co.status, reason: co.reason }, to);
      return;
    }
    const problem = changeOrderProblem(c.contract, lastCertified(this.state, c.commitmentId)?.application, co.lines, this.state.budget.map((b) => b.costCode));
    if (problem) {
      co.status = 'rejected';
      co.reason = `signed, but it no longer fits the contract: ${problem}`;
      this.log(`change order ${co.number} rejected: ${co.reason}`);
      await this.notify('project_change_order_decided', { number: co.number, status: co.status, reason: co.reason }, to);
      return;
    }
    this.approve(co, c);
    await this.notify('project_change_order_decided', { number: co.number, status: co.status, reason: '' }, to);
  }

  /** The contract sum, its schedule of values, the budget and the schedule move together, here and nowhere else. */
  private approve(co: ChangeOrderState, c: CommitmentState) {
    for (const { costCode, changeMinor } of changeByCostCode(c.contract, co.lines)) this.state.budget.find((b) => b.costCode === costCode)!.changesMinor += changeMinor;
    c.contract = applyChangeOrder(c.contract, co.lines);
    if (co.scheduleImpactDays !== 0) {
      for (const m of this.state.milestones.filter((x) => x.commitmentId === c.commitmentId && x.status !== 'reached')) m.plannedOn = addDays(m.plannedOn, co.scheduleImpactDays);
      this.state.schedule.plannedCompletion = addDays(this.state.schedule.plannedCompletion, co.scheduleImpactDays);
    }
    // An application not yet certified is priced again under the contract as it now stands.
    const draft = openApplication(this.state, c.commitmentId);
    if (draft) {
      const priced = pricedApplication(this.state, c.commitmentId, draft.billed);
      if ('application' in priced) draft.application = priced.application;
    }
    co.status = 'approved';
    const sum = c.contract.originalContractSumMinor + c.contract.netChangeOrdersMinor;
    this.log(`change order ${co.number} approved by the owner: ${c.contractor.name}'s contract is now ${this.money(sum)}, planned completion ${this.state.schedule.plannedCompletion}`);
  }

  // ------------------------------------------------------------ pay applications

  async prepare(r: PayApplicationRequest) {
    const priced = pricedApplication(this.state, r.commitmentId, r.lines);
    if (!('application' in priced)) throw new Error(priced.problem); // the validator refused this already
    const current = openApplication(this.state, r.commitmentId);
    if (current) {
      Object.assign(current, { periodTo: r.periodTo, status: 'draft', billed: r.lines, application: priced.application, preparedAt: nowIso(), submittedAt: null });
      this.log(`application ${current.applicationNo} of ${this.commitment(r.commitmentId).contractor.name} revised (draft)`);
      return this.state;
    }
    const a: PayApplicationState = {
      commitmentId: r.commitmentId,
      applicationNo: priced.application.applicationNo,
      periodTo: r.periodTo,
      status: 'draft',
      billed: r.lines,
      application: priced.application,
      preparedAt: nowIso(),
      submittedAt: null,
      reviews: [],
      approvedAt: null,
      blockers: [],
      payment: null,
    };
    this.state.payApplications.push(a);
    this.log(`application ${a.applicationNo} of ${this.commitment(r.commitmentId).contractor.name} drafted: ${this.money(a.application.summary.currentPaymentDueMinor)} due`);
    return this.state;
  }

  async submit(r: PayApplicationRef) {
    const a = this.application(r);
    a.status = 'under_review';
    a.submittedAt = nowIso();
    const c = this.commitment(r.commitmentId);
    this.log(`application ${a.applicationNo} of ${c.contractor.name} submitted for review: ${this.money(a.application.summary.currentPaymentDueMinor)} due`);
    await this.notify('project_pay_application_submitted', { contractor: c.contractor.name, applicationNo: a.applicationNo, amountMinor: a.application.summary.currentPaymentDueMinor }, [...this.managerEmails, ...this.ownerEmails]);
    return this.state;
  }

  async review(r: PayApplicationReview) {
    const a = this.application(r);
    const c = this.commitment(r.commitmentId);
    a.reviews.push({ at: nowIso(), by: r.by, decision: r.decision, reason: r.reason?.trim() || null });
    if (r.decision === 'revise') {
      a.status = 'revise_and_resubmit';
      this.log(`application ${a.applicationNo} of ${c.contractor.name} sent back by ${r.by}: ${r.reason!.trim()}`);
    } else {
      // Certified under the contract as it stands now.
      a.application = nextPayApplication(c.contract, lastCertified(this.state, c.commitmentId)?.application, a.billed);
      a.status = 'approved';
      a.approvedAt = nowIso();
      this.log(`application ${a.applicationNo} of ${c.contractor.name} approved by ${r.by}: ${this.money(a.application.summary.currentPaymentDueMinor)} to pay once nothing blocks it`);
    }
    await this.notify('project_pay_application_reviewed', { applicationNo: a.applicationNo, decision: r.decision, reason: r.reason ?? '', blockers: a.blockers.join('; ') }, [c.contractor.email]);
    return this.state;
  }

  /** The loop's step: each contract's approved applications, in order, paid while nothing blocks them. */
  async payDrawsDue() {
    for (const c of this.state.commitments) {
      for (const a of applicationsOf(this.state, c.commitmentId).filter((x) => x.status === 'approved')) {
        if (this.drawBlockersOf(a).length > 0) break;
        await this.payDraw(c, a);
      }
    }
  }

  private async payDraw(c: CommitmentState, a: PayApplicationState) {
    const previous = applicationsOf(this.state, c.commitmentId).find((x) => x.applicationNo === a.applicationNo - 1);
    const postings = drawPostings(a.application, previous?.application);
    const paidOn = todayUtc();
    const due = a.application.summary.currentPaymentDueMinor;
    await act.postDraw({ projectId: this.id, commitmentId: c.commitmentId, applicationNo: a.applicationNo, contractorId: c.contractor.contractorId, currency: this.currency, paidOn, currentPaymentDueMinor: due, postings });
    a.status = 'paid';
    a.payment = { paidOn, currentPaymentDueMinor: due, postings };
    this.log(`draw ${a.applicationNo} paid to ${c.contractor.name}: ${this.money(due)}; retainage held ${this.money(a.application.summary.totalRetainageMinor)}`);
    await this.notify('project_draw_paid', { contractor: c.contractor.name, applicationNo: a.applicationNo, amountMinor: due }, [c.contractor.email, ...this.managerEmails]);
  }

  // ------------------------------------------------------------ inspections, waivers, permits

  async recordInspection(r: MilestoneInspectionRequest) {
    const c = this.commitment(r.commitmentId);
    const completion = observedCompletionBasisPoints(c.contract.scheduleOfValues, r.observedBasisPoints);
    this.state.inspections.push({ inspectionId: r.inspectionId, commitmentId: r.commitmentId, inspectedOn: r.inspectedOn, observedBasisPoints: r.observedBasisPoints, completionBasisPoints: completion, notes: r.notes?.trim() || null, recordedBy: r.by });
    const reached = this.state.milestones.filter((m) => m.commitmentId === c.commitmentId && m.status !== 'reached' && m.cumulativeBasisPoints <= completion);
    for (const m of reached) Object.assign(m, { status: 'reached', reachedOn: r.inspectedOn, reachedByInspectionId: r.inspectionId });
    const names = reached.map((m) => `"${m.name}"${compareDates(r.inspectedOn, m.plannedOn) > 0 ? ` (${dayCount(daysBetween(m.plannedOn, r.inspectedOn))} late)` : ''}`);
    this.log(`milestone inspection ${r.inspectionId} of ${c.contractor.name}'s work: ${(completion / 100).toFixed(2)}% complete${names.length ? `; reached ${names.join(', ')}` : ''}`);
    return this.state;
  }

  async recordWaiver(r: LienWaiverRequest) {
    const no = r.applicationNo ?? null;
    this.state.lienWaivers.push({ commitmentId: r.commitmentId, kind: r.kind, applicationNo: no, documentId: r.documentId ?? null, signedAt: nowIso(), recordedBy: r.by });
    const c = this.commitment(r.commitmentId);
    this.log(`${r.kind} lien waiver of ${c.contractor.name} signed${no === null ? ' (final)' : ` for application ${no}`}`);
    return this.state;
  }

  async recordPermit(r: PermitRequest) {
    const p = { name: r.name.trim(), status: r.status, expiresOn: r.expiresOn, number: r.number ?? null, recordedAt: nowIso() };
    const i = this.state.permits.findIndex((x) => x.name === p.name);
    if (i >= 0) this.state.permits[i] = p;
    else this.state.permits.push(p);
    this.log(`permit "${p.name}" ${p.status}${p.expiresOn ? `, valid through ${p.expiresOn}` : ''}`);
    return this.state;
  }

  // ------------------------------------------------------------ completion

  async substantialCompletion(r: SubstantialCompletionRequest) {
    this.state.substantialCompletion = { on: r.on, by: r.by, punchList: r.punchList ?? [] };
    this.state.schedule.substantialCompletionOn = r.on;
    if (r.improvements) this.state.improvements = r.improvements;
    const behind = daysBetween(this.state.schedule.plannedCompletion, r.on);
    await this.setStatus('substantially_complete', `substantially complete on ${r.on}${behind > 0 ? ` (${dayCount(behind)} after the planned ${this.state.schedule.plannedCompletion})` : ''}: the final inspection and retainage follow`);
    await this.notify('project_substantially_complete', { on: r.on }, [...this.managerEmails, ...this.ownerEmails, ...this.state.commitments.map((c) => c.contractor.email)]);
    return this.state;
  }

  async finalInspection(r: FinalInspectionRequest) {
    this.state.finalInspections.push({ inspectionId: r.inspectionId, passed: r.passed, notes: r.notes?.trim() || null, inspectedOn: r.inspectedOn, recordedBy: r.by });
    this.log(`final inspection ${r.inspectionId} ${r.passed ? 'passed' : `failed${r.notes ? `: ${r.notes}` : ''}`}`);
    return this.state;
  }

  /** The loop's step after substantial completion: each contract's retainage paid out once nothing blocks it. */
  async releaseRetainageDue() {
    if (this.state.status !== 'substantially_complete') return;
    for (const c of this.state.commitments) {
      if (c.retainage.status === 'released' || this.retainageBlockersOf(c).length > 0) continue;
      const amount = c.retainage.heldMinor;
      const releasedOn = todayUtc();
      if (amount > 0) await act.releaseRetainage({ projectId: this.id, commitmentId: c.commitmentId, contractorId: c.contractor.contractorId, currency: this.currency, releasedOn, amountMinor: amount });
      Object.assign(c.retainage, { status: 'released', releasedMinor: amount, releasedOn });
      this.log(`retainage of ${this.money(amount)} released to ${c.contractor.name}`);
      await this.notify('project_retainage_released', { contractor: c.contractor.name, amountMinor: amount }, [c.contractor.email, ...this.managerEmails]);
    }
  }

  get readyToComplete() {
    const s = this.state;
    return s.status === 'substantially_complete' && s.finalInspections.some((i) => i.passed) && s.commitments.every((c) => c.retainage.status === 'released') && s.payApplications.every((a) => a.status === 'paid');
  }

  /** The property's record, the final report, and the project is done. */
  async complete() {
    const s = this.state;
    const sc = s.substantialCompletion!;
    const completedOn = todayUtc();
    const { propertyId } = await act.updatePropertyRecord({ projectId: this.id, kind: s.kind, site: s.site, year: Number(sc.on.slice(0, 4)), completedOn, improvements: s.improvements });
    if (s.site.propertyId !== propertyId) {
      s.site = { ...s.site, propertyId };
      upsertSearchAttributes([{ key: PropertyIdKey, value: propertyId }]);
    }
    s.schedule.completedOn = completedOn;
    await this.setStatus('completed', `completed: the property's record shows the work of ${sc.on.slice(0, 4)} (${s.improvements.addedLivingAreaSqft} sq ft added${s.improvements.newFeatures.length ? `; ${s.improvements.newFeatures.join(', ')}` : ''})`);
    const report = await act.renderFinalReport({ state: s });
    s.documents.push({ kind: 'final_report', ref: this.id, ...report });
    this.log('final report filed');
    await this.notify('project_completed', { documentId: report.documentId, paidMinor: s.summary.totals.cashPaidMinor }, [...this.ownerEmails, ...this.managerEmails]);
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
