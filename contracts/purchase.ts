/**
 * The purchase process's contract: what the purchase workflow, its
 * activities, the API and the tests agree on. One workflow per purchase, id
 * `purchase-<purchaseId>`: one buyer's deal on one listing for sale (a house
 * or a land parcel), from their offer to recorded title, or to the point the
 * deal fell through and what that undid.
 *
 * Workflow-safe: types and message definitions only (the rules are in
 * domain/purchase/, the API's zod shapes in ./purchase.schema.ts).
 * Names are forever: they are recorded in every running purchase's history.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { ChecklistItem, DealFacts } from '../domain/purchase/checklist';
import type { Negotiation, Party } from '../domain/purchase/negotiation';
import type { ContingencyKind, OfferTerms } from '../domain/purchase/offer';
import type { OfferBookEvent } from '../domain/purchase/offer-book';
import type { SettlementInput, SettlementStatement } from '../domain/purchase/settlement';
import type { Satisfaction, TitleCommitment, TitleRecord } from '../domain/purchase/title';
import type { DisclosureTerms } from '../domain/purchase/trid';
import type { Currency } from '../domain/money';
import type { PaymentMethodRef } from './lease';

export type { Party } from '../domain/purchase/negotiation';

export const PURCHASE_WORKFLOW_TYPE = 'purchaseWorkflow';

export function purchaseWorkflowId(purchaseId: string) {
  return `purchase-${purchaseId}`;
}

/**
 * Where a purchase is. negotiating → (backup →) under_contract →
 * clear_to_close → closing → recording → closed; or it ends rejected,
 * withdrawn or expired (no contract), or terminated (a contract that fell
 * through, its compensation recorded).
 */
export const PURCHASE_STAGES = [
  'negotiating',
  'backup',
  'under_contract',
  'clear_to_close',
  'closing',
  'recording',
  'closed',
  'rejected',
  'withdrawn',
  'expired',
  'terminated',
] as const;
export type PurchaseStage = (typeof PURCHASE_STAGES)[number];
export const FINAL_STAGES: readonly PurchaseStage[] = ['closed', 'rejected', 'withdrawn', 'expired', 'terminated'];

export interface PurchasePerson {
  userId: string;
  name: string;
  email: string;
}

export interface PurchaseParties {
  buyers: PurchasePerson[];
  sellers: PurchasePerson[];
  /** Agents or managers acting for a side (they may act as that side). */
  buyerAgents: PurchasePerson[];
  sellerAgents: PurchasePerson[];
}

/** What the purchase is of: the listing and its property, as the deal needs them. */
export interface PurchaseSubject {
  listingId: string;
  propertyId: string;
  address: string;
  legalDescription: string;
  /** County and state the deed is recorded in. */
  county: string;
  state: string;
  facts: DealFacts;
  /** Annual property tax and HOA dues, for the prorations at closing (0 when none). */
  annualPropertyTaxMinor: number;
  monthlyHoaDuesMinor: number;
}

export interface PurchaseInput {
  purchaseId: string;
  subject: PurchaseSubject;
  parties: PurchaseParties;
  /** The buyer's offer (round 1), made at `offeredAt`. */
  offer: OfferTerms;
  offeredAt: string;
  /** Who made it (the buyer or their agent). */
  offeredBy: string;
  /** Public holidays (YYYY-MM-DD) the contract's business days skip; US federal ones when not given. */
  holidays?: IsoDate[];
}

export const CONTINGENCY_STATUSES = ['pending', 'satisfied', 'waived', 'failed'] as const;
export type ContingencyStatus = (typeof CONTINGENCY_STATUSES)[number];

export interface ContingencyState {
  kind: ContingencyKind;
  deadline: IsoDate;
  status: ContingencyStatus;
  /** How it was decided: by whom, or 'deadline' when its deadline passed. */
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

export interface EscrowState {
  currency: Currency;
  earnestMoneyMinor: number;
  dueOn: IsoDate | null;
  receivedMinor: number;
  paymentId: string | null;
  /** Where it went when the deal ended: applied at closing, refunded to the buyer, released to the seller. */
  disposition: 'held' | 'applied' | 'refunded' | 'released' | null;
}

export interface ClosingState {
  statement: SettlementStatement | null;
  documents: { kind: 'purchase_agreement' | 'settlement_statement' | 'deed'; documentId: string; sha256: string }[];
  envelopeId: string | null;
  /** Financed purchases: when the buyer received the closing disclosure, its terms, and the earliest closing the TRID wait allows. */
  disclosure: { receivedOn: IsoDate; terms: DisclosureTerms; earliestClosing: IsoDate; revisions: number } | null;
  fundsReceived: { reference: string; at: string; by: string } | null;
  deed: { status: 'prepared' | 'approved' | 'submitted' | 'recorded' | 'rejected'; instrument: string | null; recordedOn: IsoDate | null; reason: string | null } | null;
}

export const INSPECTION_SEVERITIES = ['safety', 'major', 'minor', 'cosmetic'] as const;
export interface InspectionFinding {
  item: string;
  severity: (typeof INSPECTION_SEVERITIES)[number];
  note: string;
}

/** A change to the agreed terms, proposed by one side and answered by the other (a repair credit after the inspection, a price after a low appraisal). */
export interface Amendment {
  n: number;
  kind: 'repair_credit' | 'price';
  /** The new seller credit (repair_credit) or the new price. */
  amountMinor: number;
  by: Party;
  note: string | null;
  status: 'open' | 'accepted' | 'rejected' | 'superseded';
  at: string;
}

export interface WireInstructions {
  bankName: string;
  accountLast4: string;
  setAt: string;
  by: string;
}

/** A staff approval to release earnest money outside a closing or a contract rule; two different staff must agree. */
export interface ReleaseApproval {
  by: string;
  to: 'buyer' | 'seller';
  reason: string;
  at: string;
}

/** What the purchase workflow's query returns. */
export interface PurchaseState {
  purchaseId: string;
  listingId: string;
  propertyId: string;
  stage: PurchaseStage;
  parties: PurchaseParties;
  negotiation: Negotiation;
  /** Terms both sides agreed (with any amendment since), once accepted. */
  contract: OfferTerms | null;
  acceptedOn: IsoDate | null;
  backupPosition: number | null;
  contingencies: ContingencyState[];
  escrow: EscrowState;
  checklist: ChecklistItem[];
  title: TitleCommitment | null;
  inspection: { findings: InspectionFinding[]; at: string; by: string } | null;
  appraisal: { valueMinor: number; at: string; by: string } | null;
  amendments: Amendment[];
  /** Where the seller's proceeds go; a change within 72 hours of closing is held until a call-back to the seller is recorded. */
  wire: { instructions: WireInstructions; heldForCallback: boolean; callbacks: { by: string; at: string; note: string }[] } | null;
  releaseApprovals: ReleaseApproval[];
  /** Deadlines already reminded of (`earnest_money`, `contingency:<kind>`). */
  remindersSent: string[];
  closing: ClosingState;
  /** What stands between the deal and closing now, in words. */
  blocking: string[];
  /** Why it ended, when it did not close; and what was undone. */
  outcome: { reason: string; by: string; compensations: string[] } | null;
  history: { at: string; event: string }[];
}

/** The workflow function's type, for typed handles. */
export type PurchaseWorkflow = (input: PurchaseInput) => Promise<PurchaseState>;

// ---------------------------------------------------------------- messages

export const purchaseStateQuery = defineQuery<PurchaseState>('purchaseState');

/** Who acts, and for which side (the API resolves an agent to the side they act for). */
export interface Actor {
  by: string;
  as: Party | 'staff';
}

export interface CounterRequest extends Actor {
  terms: OfferTerms;
}
export interface AcceptRequest extends Actor {
  /** What happens to the listing's other open offers: rejected, or kept as ordered backups. */
  others: 'reject' | 'backup';
}
export interface RejectRequest extends Actor {
  reason?: string;
}
export interface EarnestMoneyRequest extends Actor {
  paymentMethod: PaymentMethodRef;
}
export interface ContingencyRequest extends Actor {
  kind: ContingencyKind;
  action: 'satisfy' | 'waive' | 'fail';
  note?: string;
}
export interface DocumentSubmission extends Actor {
  kind: string;
  documentId: string;
}
export interface DocumentReview extends Actor {
  kind: string;
  decision: 'approve' | 'return';
  reason?: string;
}
export interface TitleRequirementRequest extends Actor {
  requirementId: string;
  satisfaction: Omit<Satisfaction, 'at'>;
}
export interface DisclosureRequest extends Actor {
  receivedOn: IsoDate;
  terms: DisclosureTerms;
}
export interface FundsRequest extends Actor {
  /** The wire or transfer reference of the buyer's and the lender's funds. */
  reference: string;
}
export interface TerminationRequest extends Actor {
  reason: string;
}
export interface InspectionRequest extends Actor {
  findings: InspectionFinding[];
}
export interface AppraisalRequest extends Actor {
  valueMinor: number;
}
export interface AmendmentProposal extends Actor {
  kind: Amendment['kind'];
  amountMinor: number;
  note?: string;
}
export interface AmendmentAnswer extends Actor {
  decision: 'accept' | 'reject';
}
export interface WireInstructionsRequest extends Actor {
  bankName: string;
  accountLast4: string;
}
export interface CallbackRequest extends Actor {
  note: string;
}
export interface ReleaseRequest extends Actor {
  to: 'buyer' | 'seller';
  reason: string;
}

export const counterOfferUpdate = defineUpdate<PurchaseState, [CounterRequest]>('counterOffer');
export const acceptOfferUpdate = defineUpdate<PurchaseState, [AcceptRequest]>('acceptOffer');
export const rejectOfferUpdate = defineUpdate<PurchaseState, [RejectRequest]>('rejectOffer');
export const withdrawOfferUpdate = defineUpdate<PurchaseState, [Actor]>('withdrawOffer');
export const depositEarnestMoneyUpdate = defineUpdate<PurchaseState, [EarnestMoneyRequest]>('depositEarnestMoney');
export const contingencyUpdate = defineUpdate<PurchaseState, [ContingencyRequest]>('contingencyAction');
export const submitDocumentUpdate = defineUpdate<PurchaseState, [DocumentSubmission]>('submitDocument');
export const reviewDocumentUpdate = defineUpdate<PurchaseState, [DocumentReview]>('reviewDocument');
export const satisfyTitleRequirementUpdate = defineUpdate<PurchaseState, [TitleRequirementRequest]>('satisfyTitleRequirement');
export const closingDisclosureUpdate = defineUpdate<PurchaseState, [DisclosureRequest]>('closingDisclosure');
export const recordFundsUpdate = defineUpdate<PurchaseState, [FundsRequest]>('recordFunds');
export const terminateUpdate = defineUpdate<PurchaseState, [TerminationRequest]>('terminatePurchase');
export const recordInspectionUpdate = defineUpdate<PurchaseState, [InspectionRequest]>('recordInspection');
export const recordAppraisalUpdate = defineUpdate<PurchaseState, [AppraisalRequest]>('recordAppraisal');
export const proposeAmendmentUpdate = defineUpdate<PurchaseState, [AmendmentProposal]>('proposeAmendment');
export const answerAmendmentUpdate = defineUpdate<PurchaseState, [AmendmentAnswer]>('answerAmendment');
export const wireInstructionsUpdate = defineUpdate<PurchaseState, [WireInstructionsRequest]>('setWireInstructions');
export const wireCallbackUpdate = defineUpdate<PurchaseState, [CallbackRequest]>('recordWireCallback');
export const approveReleaseUpdate = defineUpdate<PurchaseState, [ReleaseRequest]>('approveEarnestMoneyRelease');
/** From the listing's offer book (another purchase's acceptance, closing or falling through moved this one). */
export const offerBookSignal = defineSignal<[{ effect: 'reject' | 'backup' | 'step_up'; position?: number; reason?: string }]>('offerBook');
/** A record was filed against the property after the commitment (the county feed, or staff entering it). */
export const titleRecordedSignal = defineSignal<[]>('titleRecorded');

// ---------------------------------------------------------------- failures

export const PurchaseFailure = {
  EarnestMoneyNotReceived: 'EarnestMoneyNotReceived',
} as const;

// ---------------------------------------------------------------- activities

/** What the listing's offer book decided, for the workflow to carry out. */
export interface OfferBookOutcome {
  /** Effects on other purchases (the workflow signals them) and on this one. */
  others: { purchaseId: string; effect: 'reject' | 'backup' | 'step_up'; position?: number; reason?: string }[];
  self: { effect: 'primary' | 'backup' | 'none'; position?: number };
}

export interface PurchaseActivities {
  /** Writes the purchase's row (stage, parties, current terms) where the API lists and authorizes. */
  recordPurchase(a: { state: PurchaseState }): Promise<void>;
  /** Applies an event to the listing's offer book under a row lock, updating the listing's status with it. */
  offerBookEvent(a: { listingId: string; event: OfferBookEvent }): Promise<OfferBookOutcome>;
  /** Charges the earnest money into the purchase's escrow (its book), once per key. */
  collectEarnestMoney(a: { purchaseId: string; propertyId: string; amountMinor: number; currency: Currency; paymentMethod: PaymentMethodRef; today: IsoDate }): Promise<{ status: 'succeeded' | 'failed'; paymentId: string; message?: string }>;
  /** Releases escrow to the buyer (refund) or the seller (default), posting it; once per purchase. */
  disburseEarnestMoney(a: { purchaseId: string; propertyId: string; amountMinor: number; currency: Currency; to: 'buyer' | 'seller'; today: IsoDate; reason: string }): Promise<void>;
  /** The recorded chain, liens and encumbrances of the property. */
  titleRecords(a: { propertyId: string }): Promise<TitleRecord[]>;
  /** Renders and stores the purchase agreement, settlement statement or deed. */
  renderPurchaseDocument(a: { purchaseId: string; kind: 'purchase_agreement' | 'settlement_statement' | 'deed'; state: PurchaseState; subject: PurchaseSubject; settlement?: SettlementInput }): Promise<{ documentId: string; sha256: string }>;
  /** Posts the closing: funds in, earnest money applied, payoffs, commissions, charges and the seller's proceeds out. */
  postClosing(a: { purchaseId: string; propertyId: string; statement: SettlementStatement; today: IsoDate }): Promise<void>;
  /** Submits the deed to the county recorder (the local county by default); it records or rejects it. */
  recordDeed(a: { purchaseId: string; propertyId: string; county: string; state: string; grantors: string[]; grantees: string[]; documentId: string; considerationMinor: number; today: IsoDate }): Promise<{ status: 'recorded'; instrument: string; recordedOn: IsoDate } | { status: 'rejected'; reason: string }>;
  /** Moves title: the deed into the chain, payoffs released, the property's owner changed, the listing sold; in one transaction. */
  transferTitle(a: { purchaseId: string; listingId: string; propertyId: string; grantors: string[]; buyers: PurchasePerson[]; instrument: string; recordedOn: IsoDate; priceMinor: number; currency: Currency; releasedLiens: string[] }): Promise<void>;
  notifyPurchase(a: { purchaseId: string; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
}
