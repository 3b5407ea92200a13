/**
 * One run of an inspection workflow: its state (what the query returns) and
 * the handlers that move it, each beside what it sets; index.ts reads the
 * steps top to bottom and waits on this object.
 */
import { condition, getExternalWorkflowHandle, ParentClosePolicy, startChild, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import { compareReports, proposedDeductions } from '../../domain/inspection/comparison';
import { workOrdersFor } from '../../domain/inspection/report';
import { ProcessStatusKey } from '../../domain/search-attributes';
import {
  nextSlotAfterNotice,
  type CancelInspectionRequest,
  type InspectionInput,
  type InspectionState,
  type InspectionStatus,
  type MissedRequest,
  type ReinspectionRequest,
  type ReportRequest,
  type RescheduleRequest,
} from '../../contracts/inspection';
import { reopenFromInspectionSignal, WORK_ORDER_WORKFLOW_TYPE, workOrderWorkflowId, type WorkOrderInput, type WorkOrderStatus } from '../../contracts/work-order';
import { act } from './proxies';
import { nowIso } from './validators';

export class InspectionRun {
  readonly state: InspectionState;
  changes = 0;

  constructor(readonly input: InspectionInput) {
    this.state = {
      inspectionId: input.inspectionId,
      kind: input.kind,
      propertyId: input.propertyId,
      unitId: input.unitId,
      leaseId: input.leaseId,
      status: 'scheduled',
      inspector: input.inspector,
      slotAt: input.slotAt,
      missed: [],
      report: null,
      documents: [],
      comparison: null,
      repairs: [],
      reinspections: [],
      cancelled: null,
      ...(input.project && { project: { ...input.project, outcome: null } }),
      history: [{ at: input.scheduledAt, event: `${input.kind.replace('_', '-')} inspection scheduled for ${input.slotAt} with ${input.inspector.name}` }],
    };
  }

  get id() {
    return this.input.inspectionId;
  }

  log(event: string) {
    this.state.history.push({ at: nowIso(), event });
    this.changes++;
  }

  async setStatus(status: InspectionStatus, event: string) {
    this.state.status = status;
    upsertSearchAttributes([{ key: ProcessStatusKey, value: status }]);
    this.log(event);
    await this.record();
  }

  record() {
    return act.recordInspection({ state: { ...this.state, history: [] } });
  }

  notify(template: string, data: Record<string, string | number>, to: string[]) {
    if (to.length === 0) return Promise.resolve();
    return act.notifyInspection({ inspectionId: this.id, template, data: { address: this.input.address, kind: this.input.kind.replace('_', '-'), ...data }, to });
  }

  /** The occupants' notice of entry, with the slot. */
  noticeOfEntry() {
    return this.notify('inspection_scheduled', { slotAt: this.state.slotAt, inspector: this.input.inspector.name, noticeHours: this.input.noticeHours }, this.input.occupants.map((o) => o.email));
  }

  /** Changes bump a counter the steps wait on; waits until `ok`, or until `untilMs` (false then). */
  async waitUntil(ok: () => boolean, untilMs?: number): Promise<boolean> {
    if (untilMs === undefined) {
      await condition(ok);
      return true;
    }
    const ms = untilMs - Date.now();
    if (ms <= 0) return ok();
    return condition(ok, ms);
  }

  // ------------------------------------------------------------ scheduling

  async reschedule(r: RescheduleRequest) {
    const from = this.state.slotAt;
    this.state.slotAt = r.at;
    this.log(`moved from ${from} to ${r.at} by ${r.by}${r.reason ? `: ${r.reason}` : ''}`);
    await this.record();
    await this.noticeOfEntry();
    return this.state;
  }

  /** A visit that did not happen: recorded, and moved to the first slot the notice allows. */
  async missed(r: MissedRequest) {
    this.state.missed.push({ slotAt: this.state.slotAt, recordedAt: nowIso(), reason: r.reason });
    this.state.slotAt = new Date(nextSlotAfterNotice(Date.now(), this.input.noticeHours)).toISOString();
    this.log(`missed the visit (${r.reason}); rescheduled for ${this.state.slotAt}`);
    await this.record();
    await this.noticeOfEntry();
    await this.notify('inspection_missed', { reason: r.reason, slotAt: this.state.slotAt }, [this.input.inspector.email, ...this.input.managers.map((m) => m.email)]);
    return this.state;
  }

  async cancel(r: CancelInspectionRequest) {
    this.state.cancelled = { at: nowIso(), by: r.by, reason: r.reason };
    await this.setStatus('cancelled', `cancelled by ${r.by}: ${r.reason}`);
    await this.notify('inspection_cancelled', { reason: r.reason }, this.input.occupants.map((o) => o.email));
    return this.state;
  }

  // ------------------------------------------------------------ the report

  async submitReport(r: ReportRequest) {
    this.state.report = { items: r.items, findings: r.findings, summary: r.summary, submittedAt: nowIso(), by: r.by, ...(r.observedBasisPoints && { observedBasisPoints: r.observedBasisPoints }) };
    this.log(`report submitted by ${r.by}: ${r.items.length} items, ${r.findings.length} findings`);
    return this.state;
  }

  /**
   * A milestone inspection's result to its project (whose draws wait for it).
   * A refusal (the project finished, a line it does not have) is recorded and
   * the managers told, so they can record it on the project by hand.
   */
  async reportToProject() {
    const link = this.state.project!;
    const report = this.state.report!;
    const outcome = await act.recordOnProject({
      projectId: link.projectId,
      request: {
        by: report.by,
        as: 'inspector',
        inspectionId: this.id,
        kind: 'milestone',
        commitmentId: link.commitmentId,
        inspectedOn: report.submittedAt.slice(0, 10),
        observedBasisPoints: report.observedBasisPoints ?? {},
        notes: report.summary,
      },
    });
    link.outcome = { ...outcome, at: nowIso() };
    if (outcome.recorded) {
      this.log(`the result is recorded on project ${link.projectId}: its draws are checked against it`);
    } else {
      this.log(`project ${link.projectId} did not record the result: ${outcome.reason}`);
      await this.notify('inspection_project_refused', { reason: outcome.reason ?? '' }, this.input.managers.map((m) => m.email));
    }
  }

  /** The PDF of the report (or the final one), stored with its hash. */
  async render(final: boolean) {
    const doc = await act.renderInspectionReport({ state: { ...this.state, history: [] }, address: this.input.address, final });
    this.state.documents.push({ kind: final ? 'final_report' : 'report', ...doc });
    this.log(`${final ? 'final report' : 'report'} stored (sha256 ${doc.sha256.slice(0, 12)}…)`);
  }

  /** A move-out against the unit's move-in: what got worse, and what the tenant's share proposes to deduct. */
  async compareWithMoveIn() {
    const baseline = await act.moveInReport({ propertyId: this.input.propertyId, unitId: this.input.unitId, before: this.state.report!.submittedAt });
    if (!baseline) {
      this.log('no move-in report of this unit to compare with');
      return;
    }
    const items = this.state.report!.items;
    const deductions = proposedDeductions(baseline.items, items);
    this.state.comparison = { moveInInspectionId: baseline.inspectionId, changes: compareReports(baseline.items, items).changes, proposedDeductions: deductions };
    this.log(`compared with the move-in (${baseline.inspectionId}): ${deductions.length} deductions proposed`);
    const total = deductions.reduce((n, d) => n + d.amountMinor, 0);
    await this.notify('inspection_deductions_proposed', { count: deductions.length, totalMinor: total, currency: this.input.workOrders.property.currency }, this.input.managers.map((m) => m.email));
  }

  // ------------------------------------------------------------ repairs

  /** A work order (a child that outlives this run if it must) for each finding that needs work. */
  async startRepairs() {
    for (const { finding, priority } of workOrdersFor(this.state.report!)) {
      const full = this.state.report!.findings.find((f) => f === finding)!;
      const workOrderId = uuid4();
      const findingRef = `${finding.area} / ${finding.item}`;
      const input: WorkOrderInput = {
        ...this.input.workOrders,
        workOrderId,
        request: { category: full.category, description: `${findingRef}: ${finding.description}`, priority, photoIds: full.photoIds, permissionToEnter: true, preferredTimes: [] },
        source: { kind: 'inspection', inspectionId: this.id, findingRef },
        responsibility: finding.responsibility,
        triaged: true,
        raisedAt: nowIso(),
      };
      await startChild(WORK_ORDER_WORKFLOW_TYPE, { workflowId: workOrderWorkflowId(workOrderId), args: [input], parentClosePolicy: ParentClosePolicy.ABANDON });
      this.state.repairs.push({ workOrderId, findingRef, priority, responsibility: finding.responsibility, status: 'open', workOrderStatus: null, reopened: 0 });
      this.log(`work order ${workOrderId} started for ${findingRef} (${priority})`);
    }
  }

  /** A work order says its repair is done, or that it ended without one. */
  repairDone(r: { workOrderId: string; status: WorkOrderStatus }) {
    const repair = this.state.repairs.find((x) => x.workOrderId === r.workOrderId);
    if (!repair) return;
    repair.workOrderStatus = r.status;
    repair.status = r.status === 'cancelled' || r.status === 'merged' ? 'cancelled' : 'done';
    this.log(`work order ${r.workOrderId}: ${r.status.replaceAll('_', ' ')}`);
  }

  get repairsOpen() {
    return this.state.repairs.some((x) => x.status === 'open');
  }

  /** The re-check: what failed reopens its work order (the same contractor comes back); what passed is done. */
  async reinspect(r: ReinspectionRequest) {
    this.state.reinspections.push({ at: nowIso(), by: r.by, results: r.results });
    for (const result of r.results.filter((x) => !x.passed)) {
      const repair = this.state.repairs.find((x) => x.workOrderId === result.workOrderId)!;
      repair.status = 'open';
      repair.reopened++;
      await getExternalWorkflowHandle(workOrderWorkflowId(result.workOrderId)).signal(reopenFromInspectionSignal, { by: r.by, as: 'inspection', reason: `failed the post-repair inspection: ${result.notes}` });
    }
    const failed = r.results.filter((x) => !x.passed).length;
    this.log(`post-repair inspection by ${r.by}: ${r.results.length - failed} passed, ${failed} failed`);
    return this.state;
  }
}
