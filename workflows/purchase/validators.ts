/**
 * Who may do what to a purchase, and when: pure functions over its state,
 * run as the Updates' validators (a refusal is never recorded in the
 * history) and unit-tested on their own. Each throws an Error whose message
 * the API returns as the 409's detail.
 */
import { checklistProblem } from '../../domain/purchase/checklist';
import { negotiationProblem, type Party } from '../../domain/purchase/negotiation';
import { satisfactionProblem } from '../../domain/purchase/title';
import type {
  AcceptRequest,
  Actor,
  ContingencyRequest,
  CounterRequest,
  DisclosureRequest,
  DocumentReview,
  DocumentSubmission,
  EarnestMoneyRequest,
  FundsRequest,
  PurchaseStage,
  PurchaseState,
  RejectRequest,
  TerminationRequest,
  TitleRequirementRequest,
  InspectionRequest,
  AppraisalRequest,
  AmendmentProposal,
  AmendmentAnswer,
  WireInstructionsRequest,
  CallbackRequest,
  ReleaseRequest,
} from '../../contracts/purchase';

const refuse = (problem: string | undefined) => {
  if (problem) throw new Error(problem);
};

function stageIs(s: PurchaseState, ...stages: PurchaseStage[]) {
  if (!stages.includes(s.stage)) throw new Error(`the purchase is ${s.stage.replaceAll('_', ' ')}: this needs it ${stages.map((x) => x.replaceAll('_', ' ')).join(' or ')}`);
}

/** The side an actor acts for (staff may act for either in the API; here they act as themselves). */
function party(a: Actor): Party {
  if (a.as === 'staff') throw new Error('only the buyer or the seller (or their agents) negotiate');
  return a.as;
}

export const nowIso = () => new Date(Date.now()).toISOString();

export function validateCounter(s: PurchaseState, r: CounterRequest) {
  stageIs(s, 'negotiating');
  refuse(negotiationProblem(s.negotiation, { type: 'counter', by: party(r), terms: r.terms, at: nowIso() }));
}

export function validateAccept(s: PurchaseState, r: AcceptRequest) {
  stageIs(s, 'negotiating');
  refuse(negotiationProblem(s.negotiation, { type: 'accept', by: party(r), at: nowIso() }));
}

export function validateReject(s: PurchaseState, r: RejectRequest) {
  stageIs(s, 'negotiating');
  refuse(negotiationProblem(s.negotiation, { type: 'reject', by: party(r), at: nowIso(), ...(r.reason ? { reason: r.reason } : {}) }));
}

export function validateWithdraw(s: PurchaseState, r: Actor) {
  stageIs(s, 'negotiating', 'backup');
  if (s.stage === 'backup') {
    if (r.as !== 'buyer') throw new Error('only the buyer withdraws a backup offer');
    return;
  }
  refuse(negotiationProblem(s.negotiation, { type: 'withdraw', by: party(r), at: nowIso() }));
}

export function validateEarnestMoney(s: PurchaseState, r: EarnestMoneyRequest) {
  stageIs(s, 'under_contract');
  if (r.as !== 'buyer') throw new Error('the buyer pays the earnest money');
  if (s.escrow.receivedMinor > 0) throw new Error('the earnest money has been received');
}

export function validateContingency(s: PurchaseState, r: ContingencyRequest) {
  stageIs(s, 'under_contract');
  const c = s.contingencies.find((x) => x.kind === r.kind);
  if (!c) throw new Error(`the contract has no ${r.kind} contingency`);
  if (c.status !== 'pending') throw new Error(`the ${r.kind} contingency is already ${c.status}`);
  // The buyer decides on their contingencies; staff (e.g. the lender's decision recorded by a manager) may record financing.
  const mayAct = r.as === 'buyer' || (r.as === 'staff' && r.kind === 'financing');
  if (!mayAct) throw new Error(`only the buyer (or, for financing, the lender through staff) decides the ${r.kind} contingency`);
}

export function validateSubmission(s: PurchaseState, r: DocumentSubmission) {
  stageIs(s, 'under_contract', 'clear_to_close');
  refuse(checklistProblem(s.checklist, { type: 'submit', kind: r.kind, documentId: r.documentId, by: r.by, at: nowIso() }));
}

export function validateReview(s: PurchaseState, r: DocumentReview) {
  stageIs(s, 'under_contract', 'clear_to_close');
  if (r.as !== 'staff') throw new Error('a broker or manager reviews the documents');
  const action = r.decision === 'approve' ? ({ type: 'approve', kind: r.kind, by: r.by, at: nowIso() } as const) : ({ type: 'return', kind: r.kind, by: r.by, at: nowIso(), reason: r.reason ?? '' } as const);
  refuse(checklistProblem(s.checklist, action));
}

export function validateTitleRequirement(s: PurchaseState, r: TitleRequirementRequest) {
  stageIs(s, 'under_contract', 'clear_to_close');
  if (r.as !== 'staff') throw new Error('the title officer (staff) records what satisfies a requirement');
  if (!s.title) throw new Error('the title commitment is not ready yet');
  refuse(satisfactionProblem(s.title, r.requirementId, { ...r.satisfaction, at: nowIso() }));
}

export function validateDisclosure(s: PurchaseState, r: DisclosureRequest) {
  stageIs(s, 'under_contract', 'clear_to_close', 'closing');
  if (r.as !== 'staff') throw new Error('the lender (through staff) issues the closing disclosure');
  if (s.contract?.financing.type === 'cash') throw new Error('a cash purchase has no closing disclosure');
}

export function validateFunds(s: PurchaseState, r: FundsRequest) {
  stageIs(s, 'closing');
  if (r.as !== 'staff') throw new Error('escrow (staff) records the funds received');
  if (s.closing.fundsReceived) throw new Error('the funds have been recorded');
}

export function validateTermination(s: PurchaseState, r: TerminationRequest) {
  stageIs(s, 'under_contract', 'clear_to_close', 'closing');
  if (r.as !== 'buyer') throw new Error('only the buyer walks away under the contract; any other release of the earnest money needs two staff approvals');
}

export function validateInspection(s: PurchaseState, r: InspectionRequest) {
  stageIs(s, 'under_contract');
  if (r.as === 'seller') throw new Error('the buyer\'s inspector (or staff) records the inspection');
  if (!s.contingencies.some((c) => c.kind === 'inspection' && c.status === 'pending')) throw new Error('there is no pending inspection contingency');
}

export function validateAppraisal(s: PurchaseState, r: AppraisalRequest) {
  stageIs(s, 'under_contract');
  if (r.as !== 'staff') throw new Error('the appraiser\'s figure is recorded by staff');
  if (!Number.isSafeInteger(r.valueMinor) || r.valueMinor <= 0) throw new Error('an appraisal is a positive amount');
}

export function validateAmendment(s: PurchaseState, r: AmendmentProposal) {
  stageIs(s, 'under_contract');
  party(r);
  const c = s.contract!;
  if (r.kind === 'repair_credit') {
    if (!s.inspection) throw new Error('a repair credit answers the inspection report, which is not recorded yet');
    if (r.amountMinor < 0 || r.amountMinor >= c.priceMinor) throw new Error('a repair credit is at least 0 and below the price');
  } else {
    if (!s.appraisal) throw new Error('the price is renegotiated after an appraisal, which is not recorded yet');
    if (r.amountMinor <= 0) throw new Error('a price is positive');
    if (c.earnestMoneyMinor > r.amountMinor) throw new Error('the price may not fall below the earnest money');
  }
}

export function validateAmendmentAnswer(s: PurchaseState, r: AmendmentAnswer) {
  stageIs(s, 'under_contract');
  const open = s.amendments.find((a) => a.status === 'open');
  if (!open) throw new Error('there is no open proposal to answer');
  if (party(r) === open.by) throw new Error(`the ${open.by === 'buyer' ? 'seller' : 'buyer'} answers this proposal`);
}

export function validateWireInstructions(s: PurchaseState, r: WireInstructionsRequest) {
  stageIs(s, 'under_contract', 'clear_to_close', 'closing');
  if (r.as !== 'seller') throw new Error('the seller gives the wire instructions for their proceeds');
  if (s.closing.fundsReceived) throw new Error('the funds are in: the instructions can no longer change');
  if (!/^\d{4}$/.test(r.accountLast4)) throw new Error('accountLast4 is the account number\'s last four digits');
}

export function validateWireCallback(s: PurchaseState, r: CallbackRequest) {
  stageIs(s, 'under_contract', 'clear_to_close', 'closing');
  if (r.as !== 'staff') throw new Error('escrow staff record the call-back');
  if (!s.wire?.heldForCallback) throw new Error('no wire instructions are held for a call-back');
}

export function validateRelease(s: PurchaseState, r: ReleaseRequest) {
  stageIs(s, 'under_contract', 'clear_to_close', 'closing');
  if (r.as !== 'staff') throw new Error('releasing earnest money outside the contract\'s rules takes two staff approvals');
  if (s.releaseApprovals.some((a) => a.by === r.by && a.to === r.to)) throw new Error('you have approved this release already: a second, different staff member must approve it');
}
