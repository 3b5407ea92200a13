/**
 * The lease workflow's state and policies: plain types and constants with no
 * dependencies, so workflow code can import them (the zod contract of lease
 * terms and applications lives in ./lease.ts).
 */
import type { LeaseParty } from './lease';

export interface Signature {
  userId: string;
  name: string;
  role: LeaseParty['role'];
  signedAt: string;
  ip: string;
  userAgent: string;
  /** The SHA-256 of the document the signer saw; must be the current one. */
  documentSha256: string;
}

export const LEASE_STATUSES = [
  'screening',
  'awaiting_decision',
  'awaiting_signatures',
  'awaiting_move_in',
  'active',
  'ended',
  'closed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type LeaseStatus = (typeof LEASE_STATUSES)[number];

/** A saved card of the tenant who pays (Stripe customer and payment method). */
export interface PaymentMethodRef {
  customerId: string;
  paymentMethodId: string;
}

export interface RenewalPolicy {
  /** Days before the end of the term that the offer is made (default 60). */
  noticeDays: number;
  /** Days the tenant has to answer (default 30). */
  responseDays: number;
  /** Rent change offered, in basis points (300 = +3%). */
  rentChangeBps: number;
  /** Term offered, in months. */
  termMonths: number;
  /** Without an answer: go month-to-month at a premium, or end at the term's end. */
  noAnswer: 'month_to_month' | 'end';
  monthToMonthPremiumBps: number;
}

export const DEFAULT_RENEWAL: RenewalPolicy = {
  noticeDays: 60,
  responseDays: 30,
  rentChangeBps: 300,
  termMonths: 12,
  noAnswer: 'month_to_month',
  monthToMonthPremiumBps: 1000,
};

export interface RenewalOffer {
  monthlyRentMinor: number;
  termMonths: number;
  offeredOn: string;
  respondBy: string;
  answer: 'accepted' | 'declined' | null;
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

/** What the lease workflow's status query returns. */
export interface LeaseState {
  leaseId: string;
  status: LeaseStatus;
  screening: { decision: 'approve' | 'review' | 'reject'; reasons: string[] } | null;
  decisions: { at: string; by: string; decision: string; reason: string }[];
  document: { documentId: string; sha256: string } | null;
  signatures: Signature[];
  signingDeadline: string | null;
  periodsBilled: number;
  term: number;
  termEnd: string | null;
  renewalOffer: RenewalOffer | null;
  nextDue: { dueOn: string; amountMinor: number } | null;
  paidMinor: number;
  feesMinor: number;
  /** An early termination: who asked, the move-out day and the fee charged. */
  termination?: { requestedBy: string; requestedOn: string; moveOutOn: string; reason: string; feeMinor: number } | null;
  /** The parties as they sign (no contact details) and the current term's first day. */
  parties?: { userId: string; name: string; role: LeaseParty['role'] }[];
  termStart?: string | null;
  /** Notes by the property's managers, oldest first. */
  notes?: { at: string; by: string; text: string }[];
  /** Payments reversed after they succeeded (disputes, bank returns, refunds). */
  reversals?: { paymentId: string; amountMinor: number; feeMinor: number; reason: 'returned' | 'refunded' }[];
  history: { at: string; event: string }[];
}

/** The state of a lease before anything has happened to it. */
export function initialLeaseState(leaseId: string, status: LeaseStatus = 'screening'): LeaseState {
  return {
    leaseId,
    status,
    screening: null,
    decisions: [],
    document: null,
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
