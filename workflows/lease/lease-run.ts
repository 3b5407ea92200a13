/**
 * One run of a lease workflow: its state (what the query returns), the flags
 * the steps wait on, and the message handlers that set them, each handler
 * beside the flags it sets. The steps (application.ts, term.ts,
 * collection.ts, move-out.ts) read and wait on this object; index.ts wires
 * the handlers and validators to Temporal.
 */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { todayUtc } from '../../domain/calendar';
import { LeaseStatusKey } from '../../domain/search-attributes';
import {
  initialLeaseState,
  leaseSignature,
  type CancellationRequest,
  type CollectionOutcome,
  type LeaseInput,
  type LeaseState,
  type LeaseStatus,
  type ManualPayment,
  type MoveOutRequest,
  type NoteRequest,
  type PaymentMethodRef,
  type PaymentReversal,
  type RenewalDecisionRequest,
  type ScreeningDecisionRequest,
  type SignatureRequest,
  type TerminationRequest,
} from '../../contracts/lease';
import type { EnvelopeSignature } from '../../contracts/envelope';

import { act, mail } from './proxies';
import { LeasePatch } from './patches';
import type { LeaseView } from './validators';

/** Today in the workflow's deterministic clock, as a calendar date (UTC). */
export const today = todayUtc;

const nowIso = () => new Date(Date.now()).toISOString();

export class LeaseRun {
  readonly state: LeaseState;
  readonly terms: LeaseInput['terms'];
  readonly tenants: LeaseInput['terms']['parties'];
  /** E-mails go to the tenants; the agreement and its outcome to every party. */
  readonly tenantEmails: string[];
  readonly partyEmails: string[];

  constructor(readonly input: LeaseInput) {
    this.terms = input.terms;
    this.tenants = input.terms.parties.filter((p) => p.role === 'tenant');
    this.tenantEmails = this.tenants.map((t) => t.email);
    this.partyEmails = input.terms.parties.map((p) => p.email);
    this.state = input.continuation?.state ?? initialLeaseState(input.terms.leaseId);
    this.paymentMethod = input.paymentMethod;
    this.state.parties = input.terms.parties.map((p) => ({ userId: p.userId, name: p.name, role: p.role }));
    this.state.termStart = input.terms.startDate;
  }

  get leaseId() {
    return this.terms.leaseId;
  }

  get currency() {
    return this.terms.monthlyRent.currency;
  }

  log(event: string) {
    this.state.history.push({ at: nowIso(), event });
  }

  async setStatus(status: LeaseStatus) {
    this.state.status = status;
    upsertSearchAttributes([{ key: LeaseStatusKey, value: status }]);
    this.log(`status: ${status}`);
    await act.recordLeaseStatus({ leaseId: this.leaseId, status });
  }

  notify(template: string, data: Record<string, string | number> = {}, to = this.tenantEmails) {
    return mail.notify({ leaseId: this.leaseId, template, data: { currency: this.currency, ...data }, to });
  }

  /** A receipt for every payment received, e-mailed with the thanks. */
  async receipt(paymentId: string, amountMinor: number) {
    const { documentId } = await act.issueReceipt({
      leaseId: this.leaseId,
      paymentId,
      propertyAddress: this.terms.propertyAddress,
      payers: this.tenants.map((t) => t.name),
    });
    await this.notify('payment_received', { amountMinor, receiptDocumentId: documentId });
  }

  /** What the validators look at, as of now. */
  view(): LeaseView {
    return {
      state: this.state,
      parties: this.terms.parties,
      today: today(),
      nowMs: Date.now(),
      cancelling: this.cancellation !== undefined,
      waitingForDepositCard: this.waitingForDepositCard,
      moveOutRecorded: this.moveOut !== undefined,
    };
  }

  // ---------------------------------------------------------------- handlers and their flags

  addNote({ by, text }: NoteRequest) {
    this.state.notes = [...(this.state.notes ?? []), { at: nowIso(), by, text: text.trim() }];
    return this.state;
  }

  /** First-charge outcomes the rent run signalled, by period, until the term's loop takes them. */
  readonly rentOutcomes = new Map<number, CollectionOutcome>();

  rentCollected({ periodIndex, outcome }: { periodIndex: number; outcome: CollectionOutcome }) {
    if (!this.rentOutcomes.has(periodIndex)) this.rentOutcomes.set(periodIndex, outcome);
  }

  /** Reversed payments waiting to be collected again, each with its own block of charge keys. */
  readonly reversals: (PaymentReversal & { attemptBase: number })[] = [];

  paymentReversed(r: PaymentReversal) {
    const { state } = this;
    if (state.reversals?.some((x) => x.paymentId === r.paymentId)) return;
    state.reversals = [...(state.reversals ?? []), { paymentId: r.paymentId, amountMinor: r.amountMinor, feeMinor: r.feeMinor, reason: r.reason }];
    // Its collection's charge keys count from 1000 × its number, fixed now: they never meet another's.
    const attemptBase = 1000 * state.reversals.length;
    state.paidMinor -= r.amountMinor;
    state.feesMinor += r.feeMinor;
    this.log(`payment ${r.paymentId} ${r.reason}: ${r.amountMinor} owed again${r.feeMinor ? `, returned-payment fee ${r.feeMinor}` : ''}`);
    this.reversals.push({ ...r, attemptBase });
  }

  cancellation: CancellationRequest | undefined;
  /** True while a declined deposit waits for a new card: the only time after signing a lease can be cancelled. */
  waitingForDepositCard = false;

  async cancel(c: CancellationRequest) {
    this.cancellation = c;
    this.state.decisions.push({ at: nowIso(), by: c.by, decision: 'cancelled', reason: c.reason });
    this.log(`cancelled by ${c.by}: ${c.reason}`);
    return this.state;
  }

  /** Set by a termination; the term's loop redraws the schedule and clears it. */
  terminationChanged = false;

  async terminate({ by, moveOutOn, reason }: TerminationRequest) {
    const { state, terms } = this;
    const fee = terms.earlyTerminationFee ?? terms.monthlyRent;
    state.termination = { requestedBy: by, requestedOn: today(), moveOutOn, reason, feeMinor: fee.amountMinor };
    state.decisions.push({ at: nowIso(), by, decision: `early termination on ${moveOutOn}`, reason });
    this.log(`early termination requested by ${by}: moving out ${moveOutOn}, fee ${fee.amountMinor}`);
    if (fee.amountMinor > 0) {
      await act.chargeEarlyTerminationFee({ leaseId: this.leaseId, currency: this.currency, amountMinor: fee.amountMinor, today: today() });
      state.feesMinor += fee.amountMinor;
    }
    this.terminationChanged = true;
    return state;
  }

  screeningOverride: 'approve' | 'reject' | undefined;

  async decideScreening({ decision, by, reason }: ScreeningDecisionRequest) {
    this.state.decisions.push({ at: nowIso(), by, decision, reason });
    this.log(`screening ${decision} by ${by}: ${reason}`);
    this.screeningOverride = decision;
    return this.state;
  }

  /** The agreement's envelope reports a signature: shown in the lease's state at once. */
  envelopeSigned({ envelopeId, signature }: { envelopeId: string; signature: EnvelopeSignature }) {
    if (envelopeId !== this.state.envelopeId || this.state.signatures.some((s) => s.userId === signature.userId)) return;
    this.state.signatures.push(leaseSignature(signature));
    this.log(`${signature.name} signed`);
  }

  async sign(signature: SignatureRequest) {
    const party = this.terms.parties.find((p) => p.userId === signature.userId)!;
    this.state.signatures.push({ ...signature, name: party.name, role: party.role });
    this.log(`${party.name} signed`);
    return this.state;
  }

  /** Set by a manual payment; a wait for a collection day wakes on it. */
  paymentRecorded = false;

  async recordManualPayment(payment: ManualPayment) {
    const result = await act.recordManualPayment({ leaseId: this.leaseId, currency: this.currency, payment });
    this.state.paidMinor += result.allocatedMinor;
    this.log(`manual payment of ${payment.amountMinor} (${payment.method}) recorded by ${payment.recordedBy}`);
    if (patched(LeasePatch.paymentReceipts)) await this.receipt(result.paymentId, payment.amountMinor);
    this.paymentRecorded = true;
    return result;
  }

  /** The card charged from now on; a renewal carries it into the next term. */
  paymentMethod: PaymentMethodRef;
  paymentMethodChanged = false;

  async updatePaymentMethod(method: PaymentMethodRef) {
    this.paymentMethod = { customerId: method.customerId, paymentMethodId: method.paymentMethodId };
    if (patched(LeasePatch.rentRunCollection)) await act.savePaymentMethod({ leaseId: this.leaseId, paymentMethod: this.paymentMethod });
    this.paymentMethodChanged = true;
    this.log('payment method updated');
    return this.state;
  }

  async decideRenewal({ accept, by }: RenewalDecisionRequest) {
    const offer = this.state.renewalOffer!;
    offer.answer = accept ? 'accepted' : 'declined';
    this.state.decisions.push({ at: nowIso(), by, decision: accept ? 'renewal accepted' : 'renewal declined', reason: '' });
    this.log(`renewal ${offer.answer} by ${by}`);
    return this.state;
  }

  moveOut: MoveOutRequest | undefined;

  async recordMoveOut(m: MoveOutRequest) {
    this.moveOut = m;
    this.log(`move-out recorded by ${m.by} with ${m.deductions.length} deduction(s)`);
    return this.state;
  }
}

