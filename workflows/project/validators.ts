/**
 * Who may do what to a project, and when: pure functions over its state,
 * run as the Updates' validators (a refusal is never recorded in the
 * history) and unit-tested on their own. Each throws an Error whose message
 * the API returns as the 409's detail. The API has already checked that the
 * caller may act as who they say (the project's owner or manager, the
 * contractor of that contract, an inspector); these check the turn and the
 * figures. The day is a parameter (today in UTC by default, the workflow's
 * deterministic clock).
 */
import { compareDates, isValidDate, todayUtc, type IsoDate } from '../../domain/calendar';
import { drawProblem } from '../../domain/project/budget';
import { changeOrderProblem } from '../../domain/project/change-order';
import { applicationProblem, contractProblem, DEFAULT_RETAINAGE, nextPayApplication, type PayApplication, type RetainagePolicy } from '../../domain/project/pay-application';
import type {
  Actor,
  ChangeOrderRequest,
  CommitmentRequest,
  CommitmentState,
  FinalInspectionRequest,
  LienWaiverRequest,
  MilestoneInspectionRequest,
  MilestoneRequest,
  PayApplicationRef,
  PayApplicationRequest,
  PayApplicationReview,
  PayApplicationState,
  PermitRequest,
  ProjectInput,
  ProjectState,
  ProjectStatus,
  PropertyImprovements,
  RetainageTerms,
  SubstantialCompletionRequest,
} from '../../contracts/project';

export const nowIso = () => new Date(Date.now()).toISOString();

const label = (s: string) => s.replaceAll('_', ' ');
const isMinor = (n: number) => Number.isSafeInteger(n) && n >= 0;

function statusIs(s: ProjectState, ...statuses: ProjectStatus[]) {
  if (!statuses.includes(s.status)) throw new Error(`the project is ${label(s.status)}: this needs it ${statuses.map(label).join(' or ')}`);
}

function actorIs(a: Actor, ...as: Actor['as'][]) {
  if (!as.includes(a.as)) throw new Error(`only ${as.join(' or ')} may do this`);
}

function commitmentOf(s: ProjectState, commitmentId: string): CommitmentState {
  const c = s.commitments.find((x) => x.commitmentId === commitmentId);
  if (!c) throw new Error(`no contract ${commitmentId} on this project`);
  return c;
}

/** The contractor of this contract, and nobody else who says they are a contractor. */
function contractorOf(c: CommitmentState, a: Actor) {
  if (a.as === 'contractor' && a.by !== c.contractor.contractorId) throw new Error('this contract is not yours');
}

function open(c: CommitmentState) {
  if (c.retainage.status === 'released') throw new Error(`${c.contractor.name}'s contract is closed: its retainage was released`);
}

function validDate(d: string, what: string) {
  if (typeof d !== 'string' || !isValidDate(d)) throw new Error(`${what} must be a YYYY-MM-DD date`);
}

function notAfterToday(d: IsoDate, today: IsoDate, what: string) {
  validDate(d, what);
  if (compareDates(d, today) > 0) throw new Error(`${what} cannot be in the future`);
}

function improvementsProblem(i: PropertyImprovements) {
  if (!isMinor(i.addedLivingAreaSqft)) throw new Error('the added living area is a whole, non-negative number of square feet');
  if (!Array.isArray(i.newFeatures) || i.newFeatures.some((f) => typeof f !== 'string' || !f.trim())) throw new Error('each new feature needs a name');
}

// ---------------------------------------------------------------- helpers the run shares

/** A contract's applications, in order. */
export const applicationsOf = (s: ProjectState, commitmentId: string) =>
  s.payApplications.filter((a) => a.commitmentId === commitmentId).sort((a, b) => a.applicationNo - b.applicationNo);

/** The last application certified (approved, or approved and paid) on a contract: the next one follows it. */
export const lastCertified = (s: ProjectState, commitmentId: string): PayApplicationState | undefined =>
  applicationsOf(s, commitmentId)
    .filter((a) => a.status === 'approved' || a.status === 'paid')
    .at(-1);

/** The application being drafted, under review or sent back on a contract (one at a time). */
export const openApplication = (s: ProjectState, commitmentId: string): PayApplicationState | undefined =>
  applicationsOf(s, commitmentId).find((a) => a.status === 'draft' || a.status === 'under_review' || a.status === 'revise_and_resubmit');

/** The retainage terms as a policy: a step-down at a milestone steps down at the contract's completion that milestone marks. */
export function retainagePolicyOf(terms: RetainageTerms | undefined, milestones: readonly MilestoneRequest[]): RetainagePolicy {
  if (!terms) return DEFAULT_RETAINAGE;
  if (terms.kind !== 'step_down_at_milestone') return terms;
  const at = milestones.findIndex((m) => m.milestoneId === terms.milestoneId);
  if (at < 0) throw new Error(`the retainage steps down at milestone ${terms.milestoneId}, which is not one of this contract's`);
  const share = milestones.slice(0, at + 1).reduce((n, m) => n + m.shareBasisPoints, 0);
  return { kind: 'step_down', basisPoints: terms.basisPoints, reducedBasisPoints: terms.reducedBasisPoints, atCompleteBasisPoints: share };
}

/** The application these lines make now, after the last certified one, or the reason they cannot. */
export function pricedApplication(s: ProjectState, commitmentId: string, lines: PayApplicationRequest['lines']): { application: PayApplication } | { problem: string } {
  const c = commitmentOf(s, commitmentId);
  const previous = lastCertified(s, commitmentId)?.application;
  const problem = contractProblem(c.contract) ?? applicationProblem(c.contract, previous, lines);
  if (problem) return { problem };
  const application = nextPayApplication(c.contract, previous, lines);
  const draw = drawProblem(application, previous);
  return draw ? { problem: draw } : { application };
}

// ---------------------------------------------------------------- the project's start

/** Why the workflow cannot start with this input, or undefined (the API checks the same first). */
export function projectInputProblem(i: ProjectInput): string | undefined {
  if (!i.site.propertyId && !i.site.parcelId) return 'a project is on a property or a parcel';
  if (i.kind === 'renovation' && !i.site.propertyId) return 'a renovation is of a property on record';
  if (i.budget.length === 0) return 'the budget has no cost codes';
  const codes = new Set<string>();
  for (const b of i.budget) {
    if (!b.costCode.trim()) return 'every budget line needs a cost code';
    if (codes.has(b.costCode)) return `cost code ${b.costCode} appears twice in the budget`;
    codes.add(b.costCode);
    if (!isMinor(b.amountMinor)) return `cost code ${b.costCode}: the amount must be a whole, non-negative number of minor units`;
  }
  if (!isMinor(i.contingencyMinor)) return 'the contingency must be a whole, non-negative number of minor units';
  if (!isValidDate(i.plannedStart) || !isValidDate(i.plannedCompletion)) return 'the planned start and completion must be YYYY-MM-DD dates';
  if (compareDates(i.plannedCompletion, i.plannedStart) < 0) return 'the planned completion is before the planned start';
  if (i.owners.length === 0) return 'a project needs an owner to approve its change orders';
  return undefined;
}

// ---------------------------------------------------------------- contracts and change orders

export function validateCommitment(s: ProjectState, r: CommitmentRequest, today: IsoDate = todayUtc()) {
  actorIs(r, 'owner', 'manager', 'staff');
  statusIs(s, 'active');
  if (!r.commitmentId?.trim()) throw new Error('the contract needs an id');
  if (s.commitments.some((c) => c.commitmentId === r.commitmentId)) throw new Error(`contract ${r.commitmentId} is already on the project`);
  if (!r.contractor?.contractorId || !r.contractor.name?.trim() || !r.contractor.email?.trim()) throw new Error('name the contractor (id, name, e-mail)');
  if (!r.description?.trim()) throw new Error('say what the contract is for');
  const codes = s.budget.map((b) => b.costCode);
  const offBudget = r.scheduleOfValues.find((l) => !codes.includes(l.costCode));
  if (offBudget) throw new Error(`item ${offBudget.itemNo}: cost code ${offBudget.costCode} is not in the budget`);
  if (r.milestones.length === 0) throw new Error('a contract needs at least one milestone');
  const ids = new Set(s.milestones.map((m) => m.milestoneId));
  for (const m of r.milestones) {
    if (!m.milestoneId?.trim() || !m.name?.trim()) throw new Error('every milestone needs an id and a name');
    if (ids.has(m.milestoneId)) throw new Error(`milestone ${m.milestoneId} appears twice`);
    ids.add(m.milestoneId);
    validDate(m.plannedOn, `milestone ${m.milestoneId}'s planned date`);
    if (compareDates(m.plannedOn, today) < 0) throw new Error(`milestone ${m.milestoneId} is planned in the past`);
    if (!Number.isInteger(m.shareBasisPoints) || m.shareBasisPoints <= 0) throw new Error(`milestone ${m.milestoneId}: its share must be a positive whole number of basis points`);
  }
  for (let i = 1; i < r.milestones.length; i++) {
    if (compareDates(r.milestones[i]!.plannedOn, r.milestones[i - 1]!.plannedOn) < 0) throw new Error('list the milestones in the order they are planned');
  }
  const shares = r.milestones.reduce((n, m) => n + m.shareBasisPoints, 0);
  if (shares !== 10_000) throw new Error(`the milestones' shares sum to ${shares} basis points, not the whole contract (10000)`);
  const retainage = retainagePolicyOf(r.retainage, r.milestones);
  const problem = contractProblem({ originalContractSumMinor: r.originalContractSumMinor, netChangeOrdersMinor: 0, scheduleOfValues: r.scheduleOfValues, retainage });
  if (problem) throw new Error(problem);
  if (new Set(r.permitNames).size !== r.permitNames.length || r.permitNames.some((p) => !p.trim())) throw new Error('name each permit the work depends on once');
}

export function validateChangeOrder(s: ProjectState, r: ChangeOrderRequest, today: IsoDate = todayUtc()) {
  actorIs(r, 'manager', 'staff', 'contractor');
  statusIs(s, 'active');
  const c = commitmentOf(s, r.commitmentId);
  contractorOf(c, r);
  open(c);
  if (!r.changeOrderId?.trim()) throw new Error('the change order needs an id');
  if (s.changeOrders.some((co) => co.changeOrderId === r.changeOrderId)) throw new Error(`change order ${r.changeOrderId} was already proposed`);
  if (!r.scope?.trim()) throw new Error('describe the change in scope');
  if (!Number.isInteger(r.scheduleImpactDays)) throw new Error('the schedule impact is a whole number of days');
  validDate(r.approveBy, 'the approval deadline');
  if (compareDates(r.approveBy, today) < 0) throw new Error('the approval deadline has passed');
  const problem = changeOrderProblem(c.contract, lastCertified(s, c.commitmentId)?.application, r.lines, s.budget.map((b) => b.costCode));
  if (problem) throw new Error(problem);
}

// ---------------------------------------------------------------- pay applications

export function validatePrepare(s: ProjectState, r: PayApplicationRequest) {
  actorIs(r, 'contractor', 'staff');
  statusIs(s, 'active', 'substantially_complete');
  const c = commitmentOf(s, r.commitmentId);
  contractorOf(c, r);
  open(c);
  const current = openApplication(s, c.commitmentId);
  if (current?.status === 'under_review') throw new Error(`application ${current.applicationNo} is under review: wait for its review`);
  validDate(r.periodTo, 'the end of the period');
  const last = lastCertified(s, c.commitmentId);
  if (last && compareDates(r.periodTo, last.periodTo) < 0) throw new Error(`the period cannot end before application ${last.applicationNo}'s (${last.periodTo})`);
  if (!r.lines.some((l) => l.workThisPeriodMinor > 0 || l.materialsStoredMinor > 0)) throw new Error('the application bills nothing');
  const priced = pricedApplication(s, c.commitmentId, r.lines);
  if ('problem' in priced) throw new Error(priced.problem);
}

function applicationOf(s: ProjectState, r: PayApplicationRef) {
  const c = commitmentOf(s, r.commitmentId);
  const a = s.payApplications.find((x) => x.commitmentId === r.commitmentId && x.applicationNo === r.applicationNo);
  if (!a) throw new Error(`no application ${r.applicationNo} on ${c.contractor.name}'s contract`);
  return { c, a };
}

export function validateSubmit(s: ProjectState, r: PayApplicationRef) {
  actorIs(r, 'contractor', 'staff');
  const { c, a } = applicationOf(s, r);
  contractorOf(c, r);
  if (a.status !== 'draft') throw new Error(`application ${a.applicationNo} is ${label(a.status)}: only a draft is submitted`);
}

export function validateReview(s: ProjectState, r: PayApplicationReview) {
  actorIs(r, 'owner', 'manager', 'staff');
  const { a } = applicationOf(s, r);
  if (a.status !== 'under_review') throw new Error(`application ${a.applicationNo} is ${label(a.status)}: this needs it under review`);
  if (r.decision !== 'approve' && r.decision !== 'revise') throw new Error('the decision is approve or revise');
  if (r.decision === 'revise' && !r.reason?.trim()) throw new Error('say what to revise');
  if (r.decision === 'approve') {
    // Certified under the contract as it stands now (a change order may have been approved since it was drafted).
    const priced = pricedApplication(s, a.commitmentId, a.billed);
    if ('problem' in priced) throw new Error(`it no longer fits the contract: ${priced.problem}`);
  }
}

// ---------------------------------------------------------------- what the draws wait for

export function validateMilestoneInspection(s: ProjectState, r: MilestoneInspectionRequest, today: IsoDate = todayUtc()) {
  actorIs(r, 'inspector', 'staff');
  statusIs(s, 'active', 'substantially_complete');
  if (r.kind !== 'milestone') throw new Error(`only a milestone inspection counts toward a draw, not a ${label(r.kind)} one`);
  const c = commitmentOf(s, r.commitmentId);
  if (!r.inspectionId?.trim()) throw new Error('name the inspection');
  if (s.inspections.some((i) => i.inspectionId === r.inspectionId)) throw new Error(`inspection ${r.inspectionId} is already recorded`);
  notAfterToday(r.inspectedOn, today, 'the inspection date');
  const items = Object.entries(r.observedBasisPoints ?? {});
  if (items.length === 0) throw new Error('the inspection observed no line of the schedule of values');
  for (const [itemNo, bp] of items) {
    if (!c.contract.scheduleOfValues.some((l) => l.itemNo === itemNo)) throw new Error(`item ${itemNo} is not in ${c.contractor.name}'s schedule of values`);
    if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new Error(`item ${itemNo}: percent complete is 0 to 10000 basis points`);
  }
}

export function validateLienWaiver(s: ProjectState, r: LienWaiverRequest) {
  actorIs(r, 'contractor', 'manager', 'staff');
  if (s.status === 'completed') throw new Error('the project is completed');
  const c = commitmentOf(s, r.commitmentId);
  contractorOf(c, r);
  if (r.kind !== 'conditional' && r.kind !== 'unconditional') throw new Error('a lien waiver is conditional or unconditional');
  const no = r.applicationNo ?? null;
  if (r.kind === 'conditional' && no === null) throw new Error('a conditional waiver is for an application: name it');
  if (no !== null) {
    const a = s.payApplications.find((x) => x.commitmentId === c.commitmentId && x.applicationNo === no);
    if (!a) throw new Error(`no application ${no} on ${c.contractor.name}'s contract`);
    if (r.kind === 'unconditional' && a.status !== 'paid') throw new Error(`an unconditional waiver follows payment: application ${no} is not paid`);
  }
  if (s.lienWaivers.some((w) => w.commitmentId === c.commitmentId && w.kind === r.kind && w.applicationNo === no)) {
    throw new Error(`that ${r.kind} waiver is already signed`);
  }
}

export function validatePermit(s: ProjectState, r: PermitRequest) {
  actorIs(r, 'manager', 'staff');
  if (s.status === 'completed') throw new Error('the project is completed');
  if (!r.name?.trim()) throw new Error('name the permit');
  if (!['applied', 'issued', 'revoked'].includes(r.status)) throw new Error('a permit is applied, issued or revoked');
  if (r.expiresOn !== null) validDate(r.expiresOn, "the permit's last day");
  if (r.status === 'issued' && r.expiresOn === null) throw new Error('an issued permit has a last day');
}

// ---------------------------------------------------------------- completion

export function validateSubstantialCompletion(s: ProjectState, r: SubstantialCompletionRequest, today: IsoDate = todayUtc()) {
  actorIs(r, 'owner', 'manager', 'staff');
  statusIs(s, 'active');
  if (s.commitments.length === 0) throw new Error('no contract has been let: there is no work to complete');
  const pending = s.changeOrders.find((co) => co.status === 'pending_approval');
  if (pending) throw new Error(`change order ${pending.number} waits for the owner: it is decided first`);
  notAfterToday(r.on, today, 'the substantial completion date');
  if (compareDates(r.on, s.schedule.plannedStart) < 0) throw new Error('the work cannot be complete before it started');
  if (r.improvements) improvementsProblem(r.improvements);
}

export function validateFinalInspection(s: ProjectState, r: FinalInspectionRequest, today: IsoDate = todayUtc()) {
  actorIs(r, 'inspector', 'staff');
  statusIs(s, 'substantially_complete');
  if (!r.inspectionId?.trim()) throw new Error('name the inspection');
  if (s.finalInspections.some((i) => i.inspectionId === r.inspectionId)) throw new Error(`inspection ${r.inspectionId} is already recorded`);
  if (s.finalInspections.some((i) => i.passed)) throw new Error('the final inspection has passed already');
  notAfterToday(r.inspectedOn, today, 'the inspection date');
  if (compareDates(r.inspectedOn, s.substantialCompletion!.on) < 0) throw new Error('the final inspection follows substantial completion');
}
