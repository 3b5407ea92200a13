/**
 * The lease process's contract: what the lease workflow, its activities, the
 * API and the tests agree on. Its workflow id, input, state (as the query
 * returns it), messages (query, updates, signals), the activities it calls
 * and their inputs, and the failures it ends with.
 *
 * Workflow-safe: only types and message definitions. The shapes validated
 * with zod are declared once in ./lease.schema.ts and imported here as types
 * only, so no zod reaches the workflow bundle.
 *
 * Names are forever: the workflow type, its messages and its activities are
 * recorded in every running lease's history. Rename nothing here.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { IsoDate } from '../domain/calendar';
import type { LateFee } from '../domain/late-fees';
import type { LeaseStatus, RenewalPolicy } from '../domain/lease';
import type { Currency, Money } from '../domain/money';
import type { RentPeriod } from '../domain/rent-schedule';
import type { EnvelopeSignature } from './envelope';
import type { LeaseApplicationSchema, LeasePartySchema, LeaseStateSchema, LeaseTermsSchema, RenewalOfferSchema, SignatureSchema } from './lease.schema';

export { DEFAULT_RENEWAL, LEASE_STATUSES, type LeaseStatus, type RenewalPolicy } from '../domain/lease';

/** The workflow type, as registered and recorded in histories. */
export const LEASE_WORKFLOW_TYPE = 'leaseWorkflow';

export function leaseWorkflowId(leaseId: string) {
  return `lease-${leaseId}`;
}

// ---------------------------------------------------------------- shapes (declared in lease.schema.ts)

export type LeaseParty = z.infer<typeof LeasePartySchema>;
export type LeaseTerms = z.infer<typeof LeaseTermsSchema>;
export type LeaseApplication = z.infer<typeof LeaseApplicationSchema>;
export type Signature = z.infer<typeof SignatureSchema>;
export type RenewalOffer = z.infer<typeof RenewalOfferSchema>;
/** What the lease workflow's query returns. */
export type LeaseState = z.infer<typeof LeaseStateSchema>;

/** A saved card of the tenant who pays (Stripe customer and payment method). */
export interface PaymentMethodRef {
  customerId: string;
  paymentMethodId: string;
}

export interface LeaseContinuation {
  /** Which term this run covers (1 = the original term). */
  term: number;
  /** Periods billed in earlier terms: this term's period indexes follow on. */
  periodOffset: number;
  /** Resume at this period of the current term (after a continue-as-new mid-term). */
  resumeAtPeriod: number;
  state: LeaseState;
}

/** The workflow function's type, for typed handles and continue-as-new. */
export type LeaseWorkflow = (input: LeaseInput) => Promise<LeaseState>;

/** The workflow's input. */
export interface LeaseInput {
  terms: LeaseTerms;
  application: LeaseApplication;
  paymentMethod: PaymentMethodRef;
  /** Days the parties have to sign before the offer expires. */
  signingDays?: number;
  /** Retry days after a soft decline (default +1, +3, +5, +7). */
  dunningDays?: number[];
  renewal?: RenewalPolicy;
  /** Days before each due date a reminder is sent (default 3; 0 sends none). */
  reminderDays?: number;
  /** Set when a lease continues as new (a renewal, or a long history): where it resumes. */
  continuation?: LeaseContinuation;
}

export interface Deduction {
  description: string;
  amountMinor: number;
}

export type CollectionOutcome =
  | { status: 'nothing_due' }
  | { status: 'succeeded'; amountMinor: number; paymentId?: string }
  | { status: 'failed'; declineKind: 'soft' | 'hard'; message: string };

export interface ManualPayment {
  idempotencyKey: string;
  amountMinor: number;
  method: 'cash' | 'check' | 'bank_transfer';
  receivedOn: IsoDate;
  recordedBy: string;
}

export interface PaymentReversal {
  paymentId: string;
  periodIndex: number;
  amountMinor: number;
  feeMinor: number;
  reason: 'returned' | 'refunded';
}

/** The state of a lease before anything has happened to it. */
export function initialLeaseState(leaseId: string, status: LeaseStatus = 'screening'): LeaseState {
  return {
    leaseId,
    status,
    screening: null,
    decisions: [],
    document: null,
    envelopeId: null,
    signatures: [],
    signingDeadline: null,
    periodsBilled: 0,
    term: 1,
    termEnd: null,
    renewalOffer: null,
    nextDue: null,
    paidMinor: 0,
    feesMinor: 0,
    termination: null,
    reversals: [],
    parties: [],
    termStart: null,
    notes: [],
    history: [],
  };
}

/** A signature an envelope recorded, as the lease keeps it: the agreement's hash as the signer saw it. */
export function leaseSignature(s: EnvelopeSignature): Signature {
  return {
    userId: s.userId,
    name: s.name,
    role: s.role as Signature['role'],
    signedAt: s.signedAt,
    ip: s.ip,
    userAgent: s.userAgent,
    documentSha256: s.documents[0]?.sha256 ?? '',
  };
}

// ---------------------------------------------------------------- messages

export const leaseStateQuery = defineQuery<LeaseState>('leaseState');

export interface ScreeningDecisionRequest {
  decision: 'approve' | 'reject';
  by: string;
  reason: string;
}
/** A signature as the signer gives it; the workflow adds their name and role. */
export type SignatureRequest = Omit<Signature, 'name' | 'role'>;
export interface MoveOutRequest {
  deductions: Deduction[];
  by: string;
}
export interface RenewalDecisionRequest {
  accept: boolean;
  by: string;
}
export interface CancellationRequest {
  by: string;
  reason: string;
}
export interface NoteRequest {
  by: string;
  text: string;
}
export interface TerminationRequest {
  by: string;
  moveOutOn: IsoDate;
  reason: string;
}

export const screeningDecisionUpdate = defineUpdate<LeaseState, [ScreeningDecisionRequest]>('screeningDecision');
export const signUpdate = defineUpdate<LeaseState, [SignatureRequest]>('sign');
export const manualPaymentUpdate = defineUpdate<{ paymentId: string; allocatedMinor: number }, [ManualPayment]>('recordManualPayment');
export const moveOutUpdate = defineUpdate<LeaseState, [MoveOutRequest]>('moveOut');
export const renewalDecisionUpdate = defineUpdate<LeaseState, [RenewalDecisionRequest]>('renewalDecision');
export const paymentMethodUpdatedUpdate = defineUpdate<LeaseState, [PaymentMethodRef]>('paymentMethodUpdated');
export const cancelUpdate = defineUpdate<LeaseState, [CancellationRequest]>('cancel');
export const addNoteUpdate = defineUpdate<LeaseState, [NoteRequest]>('addNote');
export const terminateUpdate = defineUpdate<LeaseState, [TerminationRequest]>('terminate');
/** The first charge of a period, made by the rent run. */
export const rentCollectedSignal = defineSignal<[{ periodIndex: number; outcome: CollectionOutcome }]>('rentCollected');
/** A payment that had succeeded was reversed (dispute, bank return) or refunded: the money is owed again. */
export const paymentReversedSignal = defineSignal<[PaymentReversal]>('paymentReversed');

// ---------------------------------------------------------------- failures

/** The failure types a lease workflow can end with (ApplicationFailure.type). */
export const LeaseFailure = {
  /** The deposit was declined, and declined again on the new card. */
  DepositFailed: 'DepositFailed',
} as const;

// ---------------------------------------------------------------- activities

/** The receipt header: what the PDF says about the lease. */
export interface ReceiptHeader {
  propertyAddress: string;
  payers: string[];
}

export interface DepositOutcome {
  status: 'succeeded' | 'failed';
  declineKind?: 'soft' | 'hard';
  message?: string;
  paymentId?: string;
}

/**
 * What the lease workflow asks of the world (activities/lease/). Each takes
 * one input object; activities/lease/legacy-inputs.ts still accepts the
 * positional arguments that leases scheduled before that change.
 */
export interface LeaseActivities {
  recordLeaseStatus(a: { leaseId: string; status: LeaseState['status'] }): Promise<void>;
  createAgreement(a: { terms: LeaseTerms }): Promise<{ documentId: string; sha256: string; pages: number }>;
  storeSignedAgreement(a: { leaseId: string; documentId: string; signatures: Signature[]; audit: { at: string; event: string }[] }): Promise<{ documentId: string; sha256: string }>;
  /** Attempt 1 is the deposit's own key; a retry with a new card is a charge of its own. */
  chargeDeposit(a: { leaseId: string; deposit: Money; paymentMethod: PaymentMethodRef; today: IsoDate; attempt?: number }): Promise<DepositOutcome>;
  /** The receipt PDF of a payment received, stored once; returns its document. */
  issueReceipt(a: { leaseId: string; paymentId: string } & ReceiptHeader): Promise<{ documentId: string }>;
  billRentPeriod(a: { leaseId: string; currency: Currency; period: RentPeriod }): Promise<{ chargeId: string }>;
  /** Writes (or, after a termination, rewrites) the periods the rent run collects, and the card it charges. */
  scheduleRentPeriods(a: { leaseId: string; currency: Currency; paymentMethod: PaymentMethodRef; periods: RentPeriod[]; replace?: boolean }): Promise<void>;
  savePaymentMethod(a: { leaseId: string; paymentMethod: PaymentMethodRef }): Promise<void>;
  /** Bills a scheduled period and makes its first charge, as the rent run would (same keys); returns the recorded outcome. */
  collectRentPeriod(a: { leaseId: string; periodIndex: number; today: IsoDate }): Promise<CollectionOutcome>;
  chargeEarlyTerminationFee(a: { leaseId: string; currency: Currency; amountMinor: number; today: IsoDate }): Promise<void>;
  /** Charges what is open on the lease (oldest charges first); one key per period and attempt. */
  collectBalance(a: { leaseId: string; currency: Currency; paymentMethod: PaymentMethodRef; periodIndex: number; attempt: number; today: IsoDate }): Promise<CollectionOutcome>;
  applyLateFees(a: { leaseId: string; currency: Currency; periodIndex: number; fees: LateFee[] }): Promise<{ addedMinor: number }>;
  recordManualPayment(a: { leaseId: string; currency: Currency; payment: ManualPayment }): Promise<{ paymentId: string; allocatedMinor: number }>;
  periodOpenMinor(a: { leaseId: string; periodIndex: number }): Promise<number>;
  /** Records an e-mail to send; delivery happens on its own and never holds the lease. */
  notify(a: { leaseId: string; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
  /** Move-out: charges the deductions, applies the deposit to what is owed, refunds the rest, issues the statement. */
  settleDeposit(a: { terms: LeaseTerms; deductions: Deduction[]; today: IsoDate }): Promise<{ appliedMinor: number; refundedMinor: number; documentId: string }>;
}
