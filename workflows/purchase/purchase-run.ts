/**
 * One run of a purchase workflow: its state (what the query returns), the
 * flags the steps wait on, and the message handlers that set them, each
 * beside what it sets. The steps (negotiation.ts, contract.ts, closing.ts,
 * fall-through.ts) read and wait on this object; index.ts wires the
 * handlers and validators to Temporal.
 */
import { ApplicationFailure, getExternalWorkflowHandle, upsertSearchAttributes } from '@temporalio/workflow';
import { todayUtc } from '../../domain/calendar';
import { holidayCalendar, type HolidayCalendar } from '../../domain/business-days';
import { applyChecklist, blockingItems } from '../../domain/purchase/checklist';
import { agreedTerms, backupHoldAction, negotiate, openNegotiation, sellerEndingAction, type NegotiationAction, type Party } from '../../domain/purchase/negotiation';
import { satisfyRequirement, unmetRequirements } from '../../domain/purchase/title';
import { earliestConsummation, waitRestartReasons } from '../../domain/purchase/trid';
import { PurchaseStageKey } from '../../domain/search-attributes';
import {
  FINAL_STAGES,
  offerBookSignal,
  purchaseWorkflowId,
  type AcceptRequest,
  type Actor,
  type ContingencyRequest,
  type CounterRequest,
  type DisclosureRequest,
  type DocumentReview,
  type DocumentSubmission,
  type EarnestMoneyRequest,
  type FundsRequest,
  type OfferBookOutcome,
  type PurchaseInput,
  type PurchaseStage,
  type PurchaseState,
  type RejectRequest,
  type TerminationRequest,
  type TitleRequirementRequest,
  type InspectionRequest,
  type AppraisalRequest,
  type AmendmentProposal,
  type AmendmentAnswer,
  type WireInstructionsRequest,
  type CallbackRequest,
  type ReleaseRequest,
} from '../../contracts/purchase';
import { act } from './proxies';
import { nowIso } from './validators';

export const today = todayUtc;

const WIRE_CALLBACK_WINDOW_MS = 72 * 3_600_000;

/** Why the contract is ending, once someone or something ended it. */
export interface Ending {
  reason: string;
  by: string;
  /** Where the earnest money goes: back to the buyer, to the seller (buyer's default), or nowhere (none held). */
  earnestMoneyTo: 'buyer' | 'seller';
}

export class PurchaseRun {
  readonly state: PurchaseState;
  readonly calendar: HolidayCalendar;
  /** Set when the contract is to end (a failed contingency, a walk-away, a missed deadline). */
  ending: Ending | null = null;
  /** Bumped by every handler, so a step waiting on "something changed" wakes. */
  changes = 0;
  /** A record was filed against the property: read the title again. */
  titleDirty = false;

  constructor(readonly input: PurchaseInput) {
    const year = Number(input.offeredAt.slice(0, 4));
    this.calendar = holidayCalendar(year, year + 3, input.holidays ?? []);
    this.state = {
      purchaseId: input.purchaseId,
      listingId: input.subject.listingId,
      propertyId: input.subject.propertyId,
      stage: 'negotiating',
      parties: input.parties,
      negotiation: openNegotiation(input.offer, input.offeredAt),
      contract: null,
      acceptedOn: null,
      backupPosition: null,
      contingencies: [],
      escrow: { currency: input.offer.currency, earnestMoneyMinor: input.offer.earnestMoneyMinor, dueOn: null, receivedMinor: 0, paymentId: null, disposition: null },
      checklist: [],
      title: null,
      inspection: null,
      appraisal: null,
      amendments: [],
      wire: null,
      releaseApprovals: [],
      remindersSent: [],
      closing: { statement: null, documents: [], envelopeId: null, disclosure: null, fundsReceived: null, deed: null },
      blocking: [],
      outcome: null,
      history: [{ at: input.offeredAt, event: `offer of ${input.offer.priceMinor} ${input.offer.currency} made` }],
    };
  }

  get id() {
    return this.input.purchaseId;
  }

  get finished() {
    return FINAL_STAGES.includes(this.state.stage);
  }

  log(event: string) {
    this.state.history.push({ at: nowIso(), event });
    this.changes++;
  }

  /** Writes the purchase's row (its state without the history, which only the query carries: a smaller workflow history). */
  record() {
    return act.recordPurchase({ state: { ...this.state, history: [] } });
  }

  async setStage(stage: PurchaseStage) {
    this.state.stage = stage;
    upsertSearchAttributes([{ key: PurchaseStageKey, value: stage }]);
    this.log(`stage: ${stage}`);
    await this.record();
  }

  /** Everyone on the deal's side(s), for e-mails. */
  emails(...sides: ('buyers' | 'sellers' | 'buyerAgents' | 'sellerAgents')[]) {
    const chosen = sides.length ? sides : (['buyers', 'sellers', 'buyerAgents', 'sellerAgents'] as const);
    return chosen.flatMap((s) => this.state.parties[s].map((p) => p.email));
  }

  notify(template: string, data: Record<string, string | number> = {}, to = this.emails()) {
    return act.notifyPurchase({ purchaseId: this.id, template, data: { address: this.input.subject.address, ...data }, to });
  }

  // ------------------------------------------------------------ negotiation

  private apply(action: NegotiationAction) {
    this.state.negotiation = negotiate(this.state.negotiation, action);
    this.changes++;
  }

  async counter(r: CounterRequest) {
    this.apply({ type: 'counter', by: r.as as Party, terms: r.terms, at: nowIso() });
    this.log(`${r.as} countered at ${r.terms.priceMinor} ${r.terms.currency}`);
    await this.record();
    return this.state;
  }

  async reject(r: RejectRequest) {
    this.apply({ type: 'reject', by: r.as as Party, at: nowIso(), ...(r.reason ? { reason: r.reason } : {}) });
    this.log(`${r.as} rejected the offer${r.reason ? `: ${r.reason}` : ''}`);
    await this.leaveBook('ended', 'rejected');
    return this.state;
  }

  async withdraw(r: Actor) {
    if (this.state.stage === 'negotiating') this.apply({ type: 'withdraw', by: r.as as Party, at: nowIso() });
    this.log(`${r.as} withdrew the ${this.state.stage === 'backup' ? 'backup offer' : 'offer'}`);
    await this.leaveBook(this.state.stage === 'backup' ? 'fell_through' : 'ended', 'withdrawn');
    return this.state;
  }

  /** The open round lapsed unanswered. */
  async expire(round: number) {
    this.apply({ type: 'expire', round, at: nowIso() });
    this.log(`round ${round} expired`);
    await this.leaveBook('ended', 'expired');
  }

  async accept(r: AcceptRequest) {
    this.apply({ type: 'accept', by: r.as as Party, at: nowIso() });
    this.log(`${r.as} accepted`);
    const outcome = await act.offerBookEvent({ listingId: this.state.listingId, event: { type: 'accepted', purchaseId: this.id, others: r.others } });
    await this.carryOut(outcome);
    if (outcome.self.effect === 'none') {
      // Another acceptance on the listing got there first and turned this offer away: the book's decision stands.
      this.rejectedByBook ??= 'the listing took another offer first';
      this.changes++;
      throw ApplicationFailure.create({ message: 'the listing took another offer first: this one was rejected', type: 'OfferTakenFirst', nonRetryable: true });
    }
    return this.state;
  }

  /** Ends this purchase's place in the listing's book and tells the others what that changed. */
  async leaveBook(event: 'ended' | 'fell_through', stage: PurchaseStage) {
    const outcome = await act.offerBookEvent({ listingId: this.state.listingId, event: { type: event, purchaseId: this.id } });
    await this.setStage(stage);
    await this.carryOut(outcome);
  }

  /** Signals the other purchases the book moved, and moves this one. */
  async carryOut(outcome: OfferBookOutcome) {
    for (const o of outcome.others) {
      await getExternalWorkflowHandle(purchaseWorkflowId(o.purchaseId)).signal(offerBookSignal, {
        effect: o.effect,
        ...(o.position !== undefined ? { position: o.position } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
      });
    }
    if (outcome.self.effect === 'primary') await this.becomePrimary();
    if (outcome.self.effect === 'backup') {
      this.state.backupPosition = outcome.self.position ?? null;
      await this.setStage('backup');
    }
  }

  async becomePrimary() {
    this.state.contract = agreedTerms(this.state.negotiation) ?? this.state.contract;
    this.state.backupPosition = null;
    this.state.acceptedOn = today();
    await this.setStage('under_contract');
  }

  /** What another purchase's acceptance, closing or falling through did to this one. */
  offerBook({ effect, position, reason }: { effect: 'reject' | 'backup' | 'step_up'; position?: number; reason?: string }) {
    if (this.finished) return;
    if (effect === 'reject') {
      const action = sellerEndingAction(this.state.negotiation, nowIso(), reason ?? 'the seller accepted another offer');
      if (action) this.apply(action);
      this.rejectedByBook = reason ?? 'rejected';
    } else if (effect === 'backup') {
      // A backup steps up on its own, so its terms must be agreed now: the seller accepts the buyer's round, or ends it.
      const action = backupHoldAction(this.state.negotiation, nowIso(), 'the seller accepted another offer and this one could not be held as a backup');
      if (action) this.apply(action);
      this.state.backupPosition = position ?? null;
      if (this.state.negotiation.status === 'accepted') this.movedToBackup = true;
      else this.leftAsBackup = true;
    } else this.steppedUp = true;
    this.changes++;
  }
  rejectedByBook: string | null = null;
  /** Made a backup with nothing agreed: it ended, and the book must hear so. */
  leftAsBackup = false;
  movedToBackup = false;
  steppedUp = false;

  // ------------------------------------------------------------ under contract

  async depositEarnestMoney(r: EarnestMoneyRequest) {
    const { escrow } = this.state;
    const result = await act.collectEarnestMoney({
      purchaseId: this.id,
      propertyId: this.state.propertyId,
      amountMinor: escrow.earnestMoneyMinor,
      currency: escrow.currency,
      paymentMethod: r.paymentMethod,
      today: today(),
    });
    if (result.status === 'succeeded') {
      escrow.receivedMinor = escrow.earnestMoneyMinor;
      escrow.paymentId = result.paymentId;
      escrow.disposition = 'held';
      this.log('earnest money received into escrow');
    } else this.log(`earnest money payment failed: ${result.message ?? 'declined'}`);
    await this.record();
    return this.state;
  }

  decideContingency(r: ContingencyRequest) {
    const c = this.state.contingencies.find((x) => x.kind === r.kind)!;
    c.status = r.action === 'satisfy' ? 'satisfied' : r.action === 'waive' ? 'waived' : 'failed';
    c.decidedBy = r.by;
    c.decidedAt = nowIso();
    c.note = r.note ?? null;
    this.log(`${r.kind} contingency ${c.status}`);
    if (c.status === 'failed') this.endContract({ reason: `the ${r.kind} contingency failed${r.note ? `: ${r.note}` : ''}`, by: r.by, earnestMoneyTo: 'buyer' });
    return this.state;
  }

  submitDocument(r: DocumentSubmission) {
    this.state.checklist = applyChecklist(this.state.checklist, { type: 'submit', kind: r.kind, documentId: r.documentId, by: r.by, at: nowIso() });
    this.log(`${r.kind} submitted`);
    return this.state;
  }

  reviewDocument(r: DocumentReview) {
    this.state.checklist = applyChecklist(
      this.state.checklist,
      r.decision === 'approve' ? { type: 'approve', kind: r.kind, by: r.by, at: nowIso() } : { type: 'return', kind: r.kind, by: r.by, at: nowIso(), reason: r.reason ?? '' },
    );
    this.log(`${r.kind} ${r.decision === 'approve' ? 'approved' : 'returned'}`);
    return this.state;
  }

  satisfyTitleRequirement(r: TitleRequirementRequest) {
    this.state.title = satisfyRequirement(this.state.title!, r.requirementId, { ...r.satisfaction, at: nowIso() });
    this.log(`title requirement ${r.requirementId} met`);
    return this.state;
  }

  titleRecorded() {
    this.titleDirty = true;
    this.changes++;
  }

  /** A closing disclosure, or a revision: the TRID wait starts (again, when the revision is of a kind that restarts it). */
  closingDisclosure(r: DisclosureRequest) {
    const previous = this.state.closing.disclosure;
    const restart = previous ? waitRestartReasons(previous.terms, r.terms) : ['first disclosure'];
    const earliestClosing = restart.length ? earliestConsummation(r.receivedOn, this.calendar) : previous!.earliestClosing;
    this.state.closing.disclosure = { receivedOn: restart.length ? r.receivedOn : previous!.receivedOn, terms: r.terms, earliestClosing, revisions: previous ? previous.revisions + 1 : 0 };
    this.log(previous ? `revised closing disclosure${restart.length ? ` restarts the wait (${restart.join('; ')})` : ' (the wait stands)'}` : 'closing disclosure received by the buyer');
    return this.state;
  }

  recordFunds(r: FundsRequest) {
    this.state.closing.fundsReceived = { reference: r.reference, at: nowIso(), by: r.by };
    this.log(`closing funds received (${r.reference})`);
    return this.state;
  }

  recordInspection(r: InspectionRequest) {
    this.state.inspection = { findings: r.findings, at: nowIso(), by: r.by };
    this.log(`inspection report: ${r.findings.length} finding(s)`);
    return this.state;
  }

  recordAppraisal(r: AppraisalRequest) {
    this.state.appraisal = { valueMinor: r.valueMinor, at: nowIso(), by: r.by };
    const low = r.valueMinor < this.state.contract!.priceMinor;
    this.log(`appraisal: ${r.valueMinor}${low ? ', below the price: the buyer may renegotiate or walk away' : ''}`);
    return this.state;
  }

  /** A new proposal supersedes the open one (a counter), like the price rounds. */
  proposeAmendment(r: AmendmentProposal) {
    const open = this.state.amendments.find((a) => a.status === 'open');
    if (open) open.status = 'superseded';
    this.state.amendments.push({ n: this.state.amendments.length + 1, kind: r.kind, amountMinor: r.amountMinor, by: r.as as Party, note: r.note ?? null, status: 'open', at: nowIso() });
    this.log(`${r.as} proposed ${r.kind === 'price' ? 'a price' : 'a repair credit'} of ${r.amountMinor}`);
    return this.state;
  }

  answerAmendment(r: AmendmentAnswer) {
    const open = this.state.amendments.find((a) => a.status === 'open')!;
    open.status = r.decision === 'accept' ? 'accepted' : 'rejected';
    if (open.status === 'accepted') {
      const contract = { ...this.state.contract! };
      if (open.kind === 'price') contract.priceMinor = open.amountMinor;
      else contract.sellerCreditMinor = open.amountMinor;
      this.state.contract = contract;
    }
    this.log(`${r.as} ${open.status} the ${open.kind === 'price' ? 'price' : 'repair credit'} of ${open.amountMinor}`);
    return this.state;
  }

  /** Changed wire instructions within 72 hours of closing are held until someone calls the seller back on a known number. */
  setWireInstructions(r: WireInstructionsRequest) {
    const changed = this.state.wire !== null;
    const closingAt = Date.parse(`${this.state.contract!.closingDate}T00:00:00.000Z`);
    const late = changed && closingAt - Date.now() < WIRE_CALLBACK_WINDOW_MS;
    this.state.wire = { instructions: { bankName: r.bankName, accountLast4: r.accountLast4, setAt: nowIso(), by: r.by }, heldForCallback: late, callbacks: this.state.wire?.callbacks ?? [] };
    this.log(late ? 'wire instructions changed within 72 hours of closing: held until a call-back to the seller' : `wire instructions ${changed ? 'changed' : 'given'}`);
    return this.state;
  }

  recordWireCallback(r: CallbackRequest) {
    const wire = this.state.wire!;
    wire.callbacks.push({ by: r.by, at: nowIso(), note: r.note });
    wire.heldForCallback = false;
    this.log('seller called back: wire instructions confirmed');
    return this.state;
  }

  /** The second approval from a different staff member for the same destination releases the money and ends the contract. */
  approveRelease(r: ReleaseRequest) {
    this.state.releaseApprovals.push({ by: r.by, to: r.to, reason: r.reason, at: nowIso() });
    const agreeing = this.state.releaseApprovals.filter((a) => a.to === r.to);
    const approvers = new Set(agreeing.map((a) => a.by));
    this.log(`release of the earnest money to the ${r.to} approved by ${r.by} (${approvers.size} of 2)`);
    if (approvers.size >= 2) this.endContract({ reason: `released to the ${r.to} by two approvals: ${agreeing.map((a) => a.reason).join('; ')}`, by: [...approvers].join(', '), earnestMoneyTo: r.to });
    return this.state;
  }

  terminate(r: TerminationRequest) {
    // A buyer walking away while a contingency still protects them gets the earnest money back; after all are removed it is a default.
    const protectedBy = this.state.contingencies.some((c) => c.status === 'pending' || c.status === 'failed');
    const to = protectedBy ? 'buyer' : 'seller';
    this.endContract({ reason: r.reason, by: r.by, earnestMoneyTo: to });
    this.log(`${r.as} ended the contract: ${r.reason}`);
    return this.state;
  }

  endContract(e: Ending) {
    this.ending ??= e;
    this.changes++;
  }

  /** What stands between the deal and closing, in words (kept in the state for people to read). */
  refreshBlocking() {
    const s = this.state;
    const blocking: string[] = [];
    if (s.escrow.receivedMinor < s.escrow.earnestMoneyMinor) blocking.push(`earnest money not received (due ${s.escrow.dueOn})`);
    for (const c of s.contingencies) if (c.status === 'pending') blocking.push(`${c.kind} contingency pending (deadline ${c.deadline})`);
    for (const item of blockingItems(s.checklist)) blocking.push(`document ${item.kind} is ${item.status}`);
    for (const r of s.title ? unmetRequirements(s.title) : []) if (r.kind === 'cure' || r.kind === 'seller_authority') blocking.push(`title: ${r.description}`);
    const open = s.amendments.find((a) => a.status === 'open');
    if (open) blocking.push(`${open.kind === 'price' ? 'price' : 'repair credit'} proposal awaiting the ${open.by === 'buyer' ? 'seller' : 'buyer'}`);
    if (!s.wire) blocking.push("seller's wire instructions not given");
    else if (s.wire.heldForCallback) blocking.push('wire instructions changed near closing: held until a call-back to the seller');
    s.blocking = blocking;
    return blocking;
  }
}
