/**
 * The project process's contract: what the project workflow, its activities,
 * the API and the tests agree on. One workflow per project, id
 * `project-<projectId>`: the renovation of a property or new construction on
 * a parcel, from its budget (by cost code, with a contingency) and its
 * contracts with contractors (each a schedule of values, retainage and
 * milestones) through change orders approved by the owner (a signing
 * envelope, a child workflow), pay applications (AIA G702/G703) and the
 * draws paid when the work is inspected, waived and permitted, to
 * substantial completion, the final inspection, retainage released, the
 * property's record updated and the final report.
 *
 * Workflow-safe: types and message definitions only (the rules are in
 * domain/project/). Names are forever: they are recorded in every running
 * project's history.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { InspectionKind } from '../domain/inspection/report';
import type { Currency } from '../domain/money';
import type { BudgetLine, BudgetSummary, CostCodeBudget, DrawPosting } from '../domain/project/budget';
import type { ChangeOrderLine, ProjectContract, ProjectSovLine } from '../domain/project/change-order';
import type { Permit } from '../domain/project/draw-rules';
import type { BilledLine, PayApplication, RetainagePolicy } from '../domain/project/pay-application';

export type { BudgetSummary, CostCodeBudget, DrawPosting } from '../domain/project/budget';
export type { ChangeOrderLine, ProjectSovLine } from '../domain/project/change-order';
export type { BilledLine, PayApplication, RetainagePolicy } from '../domain/project/pay-application';

export const PROJECT_WORKFLOW_TYPE = 'projectWorkflow';

export function projectWorkflowId(projectId: string) {
  return `project-${projectId}`;
}

export const PROJECT_KINDS = ['renovation', 'new_construction'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

/**
 * Where a project is: active (contracts let, work billed and paid) →
 * substantially_complete (the final inspection, the last draws, retainage
 * released) → completed (the property's record updated, the final report).
 */
export const PROJECT_STATUSES = ['active', 'substantially_complete', 'completed'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Days before a permit's last day its reminders go out, unless the project says otherwise. */
export const DEFAULT_PERMIT_REMINDER_DAYS = [30, 7];

export interface ProjectPerson {
  userId: string;
  name: string;
  email: string;
}

export interface ProjectContractor {
  contractorId: string;
  name: string;
  email: string;
}

/** Where the work is: a property (renovation), or a parcel (new construction, the property not yet on record). */
export interface ProjectSite {
  propertyId: string | null;
  parcelId: string | null;
  address: string;
}

/** What the finished work adds to the property's record. */
export interface PropertyImprovements {
  addedLivingAreaSqft: number;
  newFeatures: string[];
}

export interface ProjectInput {
  projectId: string;
  kind: ProjectKind;
  name: string;
  site: ProjectSite;
  currency: Currency;
  /** The budget by cost code (unique codes). */
  budget: CostCodeBudget[];
  /** The reserve approved change orders are funded from. */
  contingencyMinor: number;
  plannedStart: IsoDate;
  plannedCompletion: IsoDate;
  /** As planned; the substantial completion may restate them as built. */
  improvements: PropertyImprovements;
  /** Approve change orders (they sign the envelope) and pay applications. */
  owners: ProjectPerson[];
  /** Run the project: told of everything, alerted. */
  managers: ProjectPerson[];
  createdAt: string;
  createdBy: string;
  /** Days before a permit's last day its reminders go out (default DEFAULT_PERMIT_REMINDER_DAYS). */
  permitReminderDays?: number[];
  /** Set when a project continues as new (its history grown long): the state it resumes from. */
  continuation?: { state: ProjectState };
}

/** Who is acting (recorded as `by`), and as what. The API has checked they may act as that on this project. */
export interface Actor {
  by: string;
  as: 'owner' | 'manager' | 'contractor' | 'inspector' | 'staff';
}

// ---------------------------------------------------------------- state

export interface MilestoneState {
  milestoneId: string;
  commitmentId: string;
  name: string;
  /** Its share of the contract, and the contract's completion it marks (the shares of it and those before it). */
  shareBasisPoints: number;
  cumulativeBasisPoints: number;
  originalPlannedOn: IsoDate;
  /** As approved change orders moved it. */
  plannedOn: IsoDate;
  /** upcoming; late (past its planned date, not reached); reached (a milestone inspection found the contract that complete). */
  status: 'upcoming' | 'late' | 'reached';
  reachedOn: IsoDate | null;
  reachedByInspectionId: string | null;
}

export interface CommitmentState {
  commitmentId: string;
  contractor: ProjectContractor;
  description: string;
  /** As it stands: approved change orders are in it. */
  contract: ProjectContract;
  /** The permits (by name) the work depends on: each must be issued and in force for a draw to be paid. */
  permitNames: string[];
  addedAt: string;
  addedBy: string;
  retainage: {
    /** Held now (line 5 of the last paid application, until released). */
    heldMinor: number;
    status: 'held' | 'released';
    releasedMinor: number;
    releasedOn: IsoDate | null;
    /** Why it cannot be released yet (empty before substantial completion: it is not due). */
    blockers: string[];
  };
}

export const CHANGE_ORDER_STATUSES = ['pending_approval', 'approved', 'rejected', 'expired'] as const;
export type ChangeOrderStatus = (typeof CHANGE_ORDER_STATUSES)[number];

export interface ChangeOrderState {
  changeOrderId: string;
  /** 1, 2, … in the project. */
  number: number;
  commitmentId: string;
  scope: string;
  lines: ChangeOrderLine[];
  netChangeMinor: number;
  /** Days the work's milestones and the planned completion move. */
  scheduleImpactDays: number;
  /** The owner's last day to approve it; the envelope is voided after it. */
  approveBy: IsoDate;
  status: ChangeOrderStatus;
  proposedBy: string;
  proposedAt: string;
  envelopeId: string;
  document: { documentId: string; sha256: string } | null;
  decidedAt: string | null;
  reason: string | null;
}

export const PAY_APPLICATION_STATUSES = ['draft', 'under_review', 'revise_and_resubmit', 'approved', 'paid'] as const;
export type PayApplicationStatus = (typeof PAY_APPLICATION_STATUSES)[number];

export interface PayApplicationState {
  commitmentId: string;
  applicationNo: number;
  /** The last day of the period billed. */
  periodTo: IsoDate;
  status: PayApplicationStatus;
  billed: BilledLine[];
  /** The G702/G703 figures, after the last certified application, under the contract as it stands. */
  application: PayApplication;
  preparedAt: string;
  submittedAt: string | null;
  reviews: { at: string; by: string; decision: 'approve' | 'revise'; reason: string | null }[];
  approvedAt: string | null;
  /** Approved, not yet paid: what it waits for (the inspection, the lien waiver, the permits). */
  blockers: string[];
  payment: { paidOn: IsoDate; currentPaymentDueMinor: number; postings: DrawPosting[] } | null;
}

export interface MilestoneInspectionRecord {
  inspectionId: string;
  commitmentId: string;
  inspectedOn: IsoDate;
  /** Percent complete per schedule-of-values item, basis points. */
  observedBasisPoints: Record<string, number>;
  /** The contract's completion it found, value-weighted. */
  completionBasisPoints: number;
  notes: string | null;
  recordedBy: string;
}

export interface LienWaiverRecord {
  commitmentId: string;
  kind: 'conditional' | 'unconditional';
  /** The application it is for; null: the final waiver (on the retainage). */
  applicationNo: number | null;
  documentId: string | null;
  signedAt: string;
  recordedBy: string;
}

export interface PermitState extends Permit {
  number: string | null;
  recordedAt: string;
}

export interface ProjectAlert {
  kind: 'budget_overrun' | 'schedule_slip' | 'permit_expiring' | 'permit_expired';
  /** Raised once per key (a milestone's planned date, a permit's expiry and reminder, an overrun's crossing). */
  key: string;
  at: string;
  message: string;
}

/** Something the project waits on a person (or on conditions) for. */
export interface PendingItem {
  kind: 'change_order' | 'pay_application' | 'draw' | 'retainage_release' | 'final_inspection';
  ref: string;
  what: string;
  waitingOn: 'owner' | 'reviewer' | 'contractor' | 'conditions' | 'inspector';
  due: IsoDate | null;
  blockers: string[];
}

export interface CriticalDate {
  date: IsoDate;
  kind: 'milestone' | 'permit_expiry' | 'change_order_deadline' | 'planned_completion';
  what: string;
  ref: string;
}

export interface ProjectEvent {
  at: string;
  event: string;
}

export interface ProjectState {
  projectId: string;
  kind: ProjectKind;
  name: string;
  site: ProjectSite;
  currency: Currency;
  status: ProjectStatus;
  schedule: {
    plannedStart: IsoDate;
    originalPlannedCompletion: IsoDate;
    /** As approved change orders moved it. */
    plannedCompletion: IsoDate;
    substantialCompletionOn: IsoDate | null;
    completedOn: IsoDate | null;
  };
  budget: BudgetLine[];
  contingencyMinor: number;
  commitments: CommitmentState[];
  milestones: MilestoneState[];
  changeOrders: ChangeOrderState[];
  payApplications: PayApplicationState[];
  inspections: MilestoneInspectionRecord[];
  finalInspections: { inspectionId: string; passed: boolean; notes: string | null; inspectedOn: IsoDate; recordedBy: string }[];
  lienWaivers: LienWaiverRecord[];
  permits: PermitState[];
  alerts: ProjectAlert[];
  /** The projection is above budget + contingency now. */
  overrun: boolean;
  improvements: PropertyImprovements;
  substantialCompletion: { on: IsoDate; by: string; punchList: string[] } | null;
  documents: { kind: 'change_order' | 'final_report'; ref: string; documentId: string; sha256: string }[];
  /** Budget vs committed vs paid vs remaining, by cost code and in total (kept current with every change). */
  summary: BudgetSummary;
  pendingApprovals: PendingItem[];
  /** What is due next: milestones not reached, permits' last days, change orders' approval deadlines, the planned completion. */
  criticalDates: CriticalDate[];
  history: ProjectEvent[];
}

// ---------------------------------------------------------------- requests

export interface MilestoneRequest {
  milestoneId: string;
  name: string;
  plannedOn: IsoDate;
  shareBasisPoints: number;
}

/** A retainage policy, or a step-down at one of the contract's milestones (the reduced rate once the work billed reaches it). */
export type RetainageTerms = RetainagePolicy | { kind: 'step_down_at_milestone'; basisPoints: number; reducedBasisPoints: number; milestoneId: string };

export interface CommitmentRequest extends Actor {
  commitmentId: string;
  contractor: ProjectContractor;
  description: string;
  originalContractSumMinor: number;
  scheduleOfValues: ProjectSovLine[];
  /** Flat 10% unless given. */
  retainage?: RetainageTerms;
  /** In order; their shares sum to 100% (10 000). */
  milestones: MilestoneRequest[];
  permitNames: string[];
}

export interface ChangeOrderRequest extends Actor {
  changeOrderId: string;
  commitmentId: string;
  scope: string;
  lines: ChangeOrderLine[];
  scheduleImpactDays: number;
  approveBy: IsoDate;
}

export interface PayApplicationRequest extends Actor {
  commitmentId: string;
  periodTo: IsoDate;
  lines: BilledLine[];
}

export interface PayApplicationRef extends Actor {
  commitmentId: string;
  applicationNo: number;
}

export interface PayApplicationReview extends PayApplicationRef {
  decision: 'approve' | 'revise';
  reason?: string;
}

export interface MilestoneInspectionRequest extends Actor {
  inspectionId: string;
  /** Only a milestone inspection counts toward a draw. */
  kind: InspectionKind;
  commitmentId: string;
  inspectedOn: IsoDate;
  observedBasisPoints: Record<string, number>;
  notes?: string;
}

export interface LienWaiverRequest extends Actor {
  commitmentId: string;
  kind: 'conditional' | 'unconditional';
  /** The application a progress waiver is for; absent on the final (unconditional) waiver for the retainage. */
  applicationNo?: number;
  documentId?: string;
}

export interface PermitRequest extends Actor {
  name: string;
  status: Permit['status'];
  number?: string;
  expiresOn: IsoDate | null;
}

export interface SubstantialCompletionRequest extends Actor {
  on: IsoDate;
  /** As built, when they differ from the plan. */
  improvements?: PropertyImprovements;
  punchList?: string[];
}

export interface FinalInspectionRequest extends Actor {
  inspectionId: string;
  inspectedOn: IsoDate;
  passed: boolean;
  notes?: string;
}

export const projectStateQuery = defineQuery<ProjectState>('projectState');
export const addCommitmentUpdate = defineUpdate<ProjectState, [CommitmentRequest]>('addCommitment');
/**
 * Proposes a change order: it goes to the owners as a signing envelope (a
 * child workflow, `envelope-<envelopeId>` in the state); signing approves
 * it, declining rejects it, and it expires unsigned after `approveBy`.
 */
export const proposeChangeOrderUpdate = defineUpdate<ProjectState, [ChangeOrderRequest]>('proposeChangeOrder');
/** Creates the contractor's next application as a draft, or replaces the draft (or the one sent back) with these lines. */
export const preparePayApplicationUpdate = defineUpdate<ProjectState, [PayApplicationRequest]>('preparePayApplication');
export const submitPayApplicationUpdate = defineUpdate<ProjectState, [PayApplicationRef]>('submitPayApplication');
export const reviewPayApplicationUpdate = defineUpdate<ProjectState, [PayApplicationReview]>('reviewPayApplication');
export const recordMilestoneInspectionUpdate = defineUpdate<ProjectState, [MilestoneInspectionRequest]>('recordMilestoneInspection');
export const recordLienWaiverUpdate = defineUpdate<ProjectState, [LienWaiverRequest]>('recordLienWaiver');
export const recordPermitUpdate = defineUpdate<ProjectState, [PermitRequest]>('recordPermit');
export const recordSubstantialCompletionUpdate = defineUpdate<ProjectState, [SubstantialCompletionRequest]>('recordSubstantialCompletion');
export const recordFinalInspectionUpdate = defineUpdate<ProjectState, [FinalInspectionRequest]>('recordFinalInspection');

// ---------------------------------------------------------------- activities

export interface ProjectActivities {
  /** Writes the project's row (status, figures, contracts and applications the API lists and authorizes on). */
  recordProject(a: { state: ProjectState }): Promise<void>;
  /** Renders a change order (AIA G701's content: the scope, the lines, the new contract sum and time) and stores it with its hash, for the owner's envelope. */
  renderChangeOrder(a: { projectId: string; name: string; address: string; currency: Currency; changeOrder: ChangeOrderState; contract: ProjectContract; contractor: ProjectContractor }): Promise<{ documentId: string; sha256: string }>;
  /** Posts a paid draw to the project's book (the postings as given, each once per application). */
  postDraw(a: { projectId: string; commitmentId: string; applicationNo: number; contractorId: string; currency: Currency; paidOn: IsoDate; currentPaymentDueMinor: number; postings: DrawPosting[] }): Promise<void>;
  /** Pays a contract's retainage out at completion (`retainage_released`, once per contract). */
  releaseRetainage(a: { projectId: string; commitmentId: string; contractorId: string; currency: Currency; releasedOn: IsoDate; amountMinor: number }): Promise<void>;
  notifyProject(a: { projectId: string; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
  /**
   * The finished work on the property's record: the year renovated (or built,
   * for new construction, creating the property on the parcel), the added
   * living area, the new features. Returns the property's id.
   */
  updatePropertyRecord(a: { projectId: string; kind: ProjectKind; site: ProjectSite; year: number; completedOn: IsoDate; improvements: PropertyImprovements }): Promise<{ propertyId: string }>;
  /** The final report PDF: budget vs committed vs paid by cost code, the change orders, the timeline planned vs actual. */
  renderFinalReport(a: { state: ProjectState }): Promise<{ documentId: string; sha256: string }>;
}
