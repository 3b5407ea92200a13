/**
 * The inspection process's contract: what the inspection workflow, its
 * activities, the API and the tests agree on. One workflow per inspection,
 * id `inspection-<inspectionId>`: scheduled with the notice the property's
 * jurisdiction requires → the inspector's report (checklist, findings) → its
 * PDF → for a move-out, the comparison with the unit's move-in and the
 * deductions it proposes → a work order (a child workflow) per finding that
 * needs work → once all are done, a post-repair re-check that reopens what
 * failed → closed with the final report.
 *
 * Workflow-safe: types and message definitions only. Names are forever.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { InspectedItem, ItemChange, ProposedDeduction } from '../domain/inspection/comparison';
import type { Finding, InspectionKind } from '../domain/inspection/report';
import type { WorkOrderPriority } from '../domain/work-order/sla';
import type { WorkOrderCategory, WorkOrderInput, WorkOrderPerson, WorkOrderStatus } from './work-order';
import type { MilestoneInspectionRequest } from './project';

export type { InspectionKind } from '../domain/inspection/report';

export const INSPECTION_WORKFLOW_TYPE = 'inspectionWorkflow';

export function inspectionWorkflowId(inspectionId: string) {
  return `inspection-${inspectionId}`;
}

/** A report not in by a day after its slot is recorded as missed, and the inspection rescheduled. */
export const MISSED_AFTER_HOURS = 24;

export const INSPECTION_STATUSES = ['scheduled', 'repairs', 'reinspection', 'closed', 'cancelled'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

/** Kinds whose findings become work orders (a pre-purchase inspection's belong to the buyer's contingency; a milestone's to its project). */
export const REPAIRING_KINDS: readonly InspectionKind[] = ['move_in', 'move_out', 'periodic', 'post_repair'];

/** An item of the report with the photos taken of it (upload ids). */
export interface ReportItem extends InspectedItem {
  photoIds: string[];
}

export interface ReportFinding extends Finding {
  category: WorkOrderCategory;
  photoIds: string[];
}

export interface SubmittedReport {
  items: ReportItem[];
  findings: ReportFinding[];
  summary: string;
  /** A milestone inspection's: how complete the inspector found each line of the contract's schedule of values (basis points, by item number). */
  observedBasisPoints?: Record<string, number>;
  submittedAt: string;
  by: string;
}

export interface InspectionInput {
  inspectionId: string;
  kind: InspectionKind;
  propertyId: string;
  unitId: string | null;
  address: string;
  /** The lease whose move-in or move-out this is, if any. */
  leaseId: string | null;
  inspector: WorkOrderPerson;
  /** Told of the visit with the notice below; a manager is told of the findings. */
  occupants: WorkOrderPerson[];
  managers: WorkOrderPerson[];
  slotAt: string;
  /** Hours of notice the occupants are owed before entry (the property's jurisdiction; 24 by default). */
  noticeHours: number;
  /** What every work order this inspection starts shares (the property's policy, its people). */
  workOrders: Pick<WorkOrderInput, 'property' | 'managers' | 'owners' | 'occupants' | 'requestedBy' | 'holidays'>;
  requestedBy: string;
  scheduledAt: string;
  /** A milestone inspection's project: the contract whose work it checks; the report goes to the project (its draws wait for it). */
  project?: { projectId: string; commitmentId: string };
}

/** A milestone inspection's project, and what the project made of the report once it was sent. */
export interface InspectionProjectLink {
  projectId: string;
  commitmentId: string;
  outcome: { recorded: boolean; reason: string | null; at: string } | null;
}

export interface RepairState {
  workOrderId: string;
  /** The finding, `area / item`. */
  findingRef: string;
  priority: WorkOrderPriority;
  responsibility: Finding['responsibility'];
  /** What the work order last said: done (completed, or closed), or ended otherwise. */
  status: 'open' | 'done' | 'cancelled';
  workOrderStatus: WorkOrderStatus | null;
  reopened: number;
}

export interface ReinspectionResult {
  workOrderId: string;
  passed: boolean;
  notes: string;
}

export interface InspectionState {
  inspectionId: string;
  kind: InspectionKind;
  propertyId: string;
  unitId: string | null;
  leaseId: string | null;
  status: InspectionStatus;
  inspector: WorkOrderPerson;
  slotAt: string;
  missed: { slotAt: string; recordedAt: string; reason: string }[];
  report: SubmittedReport | null;
  /** The report's PDF, and the final one once closed. */
  documents: { kind: 'report' | 'final_report'; documentId: string; sha256: string }[];
  /** A move-out against the unit's move-in. */
  comparison: { moveInInspectionId: string; changes: ItemChange[]; proposedDeductions: ProposedDeduction[] } | null;
  repairs: RepairState[];
  reinspections: { at: string; by: string; results: ReinspectionResult[] }[];
  cancelled: { at: string; by: string; reason: string } | null;
  /** A milestone inspection's project (absent for other kinds, and in runs from before projects were linked). */
  project?: InspectionProjectLink;
  history: { at: string; event: string }[];
}

export interface RescheduleRequest {
  by: string;
  at: string;
  /** Who moved it: a missed visit is recorded as such. */
  reason?: string;
}
export interface MissedRequest {
  by: string;
  reason: string;
}
export interface CancelInspectionRequest {
  by: string;
  reason: string;
}
export interface ReportRequest {
  by: string;
  summary: string;
  items: ReportItem[];
  findings: ReportFinding[];
  /** Needed for a milestone inspection of a project: percent complete per line (basis points, by item number). */
  observedBasisPoints?: Record<string, number>;
}
export interface ReinspectionRequest {
  by: string;
  results: ReinspectionResult[];
}

export const inspectionStateQuery = defineQuery<InspectionState>('inspectionState');
export const rescheduleInspectionUpdate = defineUpdate<InspectionState, [RescheduleRequest]>('rescheduleInspection');
export const recordMissedUpdate = defineUpdate<InspectionState, [MissedRequest]>('recordMissedInspection');
export const cancelInspectionUpdate = defineUpdate<InspectionState, [CancelInspectionRequest]>('cancelInspection');
export const submitReportUpdate = defineUpdate<InspectionState, [ReportRequest]>('submitInspectionReport');
export const recordReinspectionUpdate = defineUpdate<InspectionState, [ReinspectionRequest]>('recordReinspection');

export interface InspectionActivities {
  /** Writes the inspection's row (what the API lists and authorizes on). */
  recordInspection(a: { state: InspectionState }): Promise<void>;
  /** Renders the report (or the final report, with the re-checks) as a PDF with photo thumbnails, stores it with its hash. */
  renderInspectionReport(a: { state: InspectionState; address: string; final: boolean }): Promise<{ documentId: string; sha256: string }>;
  /** The unit's latest move-in report before this inspection, if there is one. */
  moveInReport(a: { propertyId: string; unitId: string | null; before: string }): Promise<{ inspectionId: string; items: InspectedItem[] } | null>;
  notifyInspection(a: { inspectionId: string; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
  /**
   * Sends a milestone inspection's result to its project (the project's own
   * recordMilestoneInspection Update): recorded, or refused with the
   * project's reason (a refusal is an answer, not a failure to retry).
   */
  recordOnProject(a: { projectId: string; request: MilestoneInspectionRequest }): Promise<{ recorded: boolean; reason: string | null }>;
}

/** The earliest an entry may be set for, `noticeHours` from `nowMs`. */
export const earliestEntry = (nowMs: number, noticeHours: number) => nowMs + noticeHours * 3_600_000;

/** The next whole hour at or after the notice allows (a missed visit is moved there). */
export const nextSlotAfterNotice = (nowMs: number, noticeHours: number) => Math.ceil(earliestEntry(nowMs, noticeHours) / 3_600_000) * 3_600_000;

export type { IsoDate };
