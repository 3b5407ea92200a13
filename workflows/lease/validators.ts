/**
 * The lease's Update validators: pure functions of what the lease knows now
 * and the request. They reject a request before it is recorded in the
 * history (a rejected Update leaves no trace), so each returns nothing and
 * throws an Error whose message the API passes on as the 409's detail.
 *
 * Nothing here reads a clock: the workflow passes `today` and `nowMs` in, so
 * the unit tests run them without Temporal.
 */
import { daysBetween, type IsoDate } from '../../domain/calendar';
import { CANCELLABLE_STATUSES, FINISHED_STATUSES, MAX_DEDUCTIONS_MINOR, MAX_NOTE_LENGTH, MAX_NOTES } from '../../domain/lease';
import type {
  CancellationRequest,
  LeaseParty,
  LeaseState,
  ManualPayment,
  MoveOutRequest,
  NoteRequest,
  PaymentMethodRef,
  RenewalDecisionRequest,
  ScreeningDecisionRequest,
  SignatureRequest,
  TerminationRequest,
} from '../../contracts/lease';

/** What a validator may look at. */
export interface LeaseView {
  state: LeaseState;
  parties: readonly LeaseParty[];
  today: IsoDate;
  nowMs: number;
  /** A cancellation accepted and not yet carried out. */
  cancelling: boolean;
  /** The deposit failed and the lease waits for a new card (it can still be cancelled then). */
  waitingForDepositCard: boolean;
  moveOutRecorded: boolean;
}

export function validateNote(v: LeaseView, { text }: NoteRequest) {
  if (FINISHED_STATUSES.includes(v.state.status)) throw new Error(`the lease is ${v.state.status}; it takes no more notes`);
  if (!text?.trim()) throw new Error('a note needs text');
  if (text.length > MAX_NOTE_LENGTH) throw new Error(`a note is at most ${MAX_NOTE_LENGTH} characters`);
  if ((v.state.notes?.length ?? 0) >= MAX_NOTES) throw new Error(`a lease keeps at most ${MAX_NOTES} notes`);
}

export function validateCancellation(v: LeaseView, { reason }: CancellationRequest) {
  // Once the deposit is being charged, only a lease waiting for a new card after a failed deposit can still be cancelled.
  const open = CANCELLABLE_STATUSES.includes(v.state.status) && (v.state.status !== 'awaiting_move_in' || v.waitingForDepositCard);
  if (!open) throw new Error(`the lease is ${v.state.status}; only a lease not yet moved into can be cancelled`);
  if (v.cancelling) throw new Error('the lease is already being cancelled');
  if (!reason?.trim()) throw new Error('give a reason for the cancellation');
}

export function validateTermination(v: LeaseView, { moveOutOn, reason }: TerminationRequest) {
  const { state } = v;
  if (state.status !== 'active') throw new Error(`the lease is ${state.status}; only an active lease can be terminated early`);
  if (state.termination) throw new Error(`the lease is already terminating on ${state.termination.moveOutOn}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(moveOutOn ?? '')) throw new Error('moveOutOn must be a date YYYY-MM-DD');
  if (daysBetween(v.today, moveOutOn) < 0) throw new Error('moveOutOn cannot be in the past');
  if (state.termEnd && daysBetween(moveOutOn, state.termEnd) < 0) throw new Error(`moveOutOn must be on or before the end of the term (${state.termEnd})`);
  if (!reason?.trim()) throw new Error('give a reason for the termination');
}

export function validateScreeningDecision(v: LeaseView, { decision, reason }: ScreeningDecisionRequest) {
  if (v.state.status !== 'awaiting_decision') throw new Error(`the lease is ${v.state.status}, not awaiting a screening decision`);
  if (decision !== 'approve' && decision !== 'reject') throw new Error('decision must be approve or reject');
  if (!reason?.trim()) throw new Error('give a reason for the decision');
}

export function validateSignature(v: LeaseView, signature: SignatureRequest) {
  if (v.state.status !== 'awaiting_signatures') throw new Error(`the lease is ${v.state.status}, not awaiting signatures`);
  if (v.state.envelopeId) throw new Error(`the agreement is signed through its envelope: POST /v1/envelopes/${v.state.envelopeId}/signatures`);
  if (!v.parties.some((p) => p.userId === signature.userId)) throw new Error('the signer is not a party to this lease');
  if (v.state.signatures.some((s) => s.userId === signature.userId)) throw new Error('this party has already signed');
  if (signature.documentSha256 !== v.state.document?.sha256) throw new Error('the document you signed is not the current one');
}

export function validateManualPayment(v: LeaseView, payment: ManualPayment) {
  if (v.state.status !== 'active' && v.state.status !== 'ended') throw new Error(`the lease is ${v.state.status}; payments are taken once it is active`);
  if (!Number.isSafeInteger(payment.amountMinor) || payment.amountMinor <= 0) throw new Error('amountMinor must be a positive whole number');
}

export function validatePaymentMethod(_v: LeaseView, method: PaymentMethodRef) {
  if (!method.paymentMethodId) throw new Error('paymentMethodId is required');
}

export function validateRenewalDecision(v: LeaseView, { by }: RenewalDecisionRequest) {
  const offer = v.state.renewalOffer;
  if (!offer || offer.answer !== null) throw new Error('there is no open renewal offer');
  if (v.nowMs >= Date.parse(`${offer.respondBy}T00:00:00.000Z`)) throw new Error('the renewal offer has expired');
  if (!v.parties.some((p) => p.role === 'tenant' && p.userId === by)) throw new Error('only a tenant of the lease answers its renewal offer');
}

export function validateMoveOut(v: LeaseView, m: MoveOutRequest) {
  // The checklist may be done on the move-out day of a lease ending early, before its last day has passed.
  if (v.state.status !== 'ended' && !(v.state.status === 'active' && v.state.termination)) {
    throw new Error(`the lease is ${v.state.status}; move-out follows the end of the lease or an early termination`);
  }
  if (v.moveOutRecorded) throw new Error('the move-out has already been recorded');
  for (const d of m.deductions) {
    if (!d.description?.trim()) throw new Error('each deduction needs a description');
    if (!Number.isSafeInteger(d.amountMinor) || d.amountMinor <= 0) throw new Error('each deduction needs a positive whole amountMinor');
  }
  const total = m.deductions.reduce((n, d) => n + d.amountMinor, 0);
  if (!Number.isSafeInteger(total) || total > MAX_DEDUCTIONS_MINOR) throw new Error('the deductions add up to more than can be charged');
}
