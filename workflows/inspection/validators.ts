/**
 * When an inspection takes each Update: pure functions over its state, run
 * as the Updates' validators (a refusal is never recorded) and unit-tested on
 * their own. The API has already checked who the caller is (the inspector, a
 * manager); these check the state, the notice and the report.
 */
import { CHECKLIST_TEMPLATES, reportProblems } from '../../domain/inspection/report';
import {
  earliestEntry,
  type CancelInspectionRequest,
  type InspectionState,
  type InspectionStatus,
  type MissedRequest,
  type ReinspectionRequest,
  type ReportRequest,
  type RescheduleRequest,
} from '../../contracts/inspection';

export const nowIso = () => new Date(Date.now()).toISOString();

function statusIs(s: InspectionState, ...statuses: InspectionStatus[]) {
  if (!statuses.includes(s.status)) throw new Error(`the inspection is ${s.status}: this needs it ${statuses.join(' or ')}`);
}

export function validateReschedule(s: InspectionState, r: RescheduleRequest, noticeHours: number) {
  statusIs(s, 'scheduled');
  if (s.report) throw new Error('the inspection has been reported');
  const at = Date.parse(r.at);
  if (Number.isNaN(at)) throw new Error('the new slot needs a date and time');
  if (at < earliestEntry(Date.now(), noticeHours)) throw new Error(`the occupants are owed ${noticeHours} hours' notice: the earliest slot is ${new Date(earliestEntry(Date.now(), noticeHours)).toISOString()}`);
}

export function validateMissed(s: InspectionState, r: MissedRequest) {
  statusIs(s, 'scheduled');
  if (s.report) throw new Error('the inspection has been reported');
  if (Date.now() < Date.parse(s.slotAt)) throw new Error(`the visit is not due until ${s.slotAt}`);
  if (!r.reason.trim()) throw new Error('say why the visit did not happen');
}

export function validateCancel(s: InspectionState, r: CancelInspectionRequest) {
  statusIs(s, 'scheduled');
  if (s.report) throw new Error('the inspection has been reported: its repairs go on');
  if (!r.reason.trim()) throw new Error('say why it is cancelled');
}

export function validateReport(s: InspectionState, r: ReportRequest) {
  statusIs(s, 'scheduled');
  if (s.report) throw new Error('the report has been submitted');
  if (Date.now() < Date.parse(s.slotAt) - 3_600_000) throw new Error(`the visit is at ${s.slotAt}: report after it`);
  const problems = reportProblems(CHECKLIST_TEMPLATES[s.kind], r);
  if (problems.length) throw new Error(`the report is not complete: ${problems.join('; ')}`);
  const observed = Object.entries(r.observedBasisPoints ?? {});
  if (s.project && observed.length === 0) throw new Error("a milestone inspection reports how complete each line of the contract is (observedBasisPoints)");
  if (!s.project && observed.length > 0) throw new Error('only a milestone inspection of a project reports percent complete');
  for (const [itemNo, bp] of observed) if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new Error(`item ${itemNo}: percent complete is 0 to 10000 basis points`);
}

export function validateReinspection(s: InspectionState, r: ReinspectionRequest) {
  statusIs(s, 'reinspection');
  const due = s.repairs.filter((x) => x.status === 'done').map((x) => x.workOrderId);
  const given = r.results.map((x) => x.workOrderId);
  const missing = due.filter((id) => !given.includes(id));
  const unknown = given.filter((id) => !due.includes(id));
  if (missing.length) throw new Error(`re-check every repair: missing ${missing.join(', ')}`);
  if (unknown.length) throw new Error(`not a repair of this inspection waiting for its re-check: ${unknown.join(', ')}`);
  for (const x of r.results) if (!x.passed && !x.notes.trim()) throw new Error(`work order ${x.workOrderId} failed: say what is still wrong`);
}
