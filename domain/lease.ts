/** The lease contract shared by the API, the lease workflow and its activities. */
import { z } from './zod';
import { isValidDate } from './calendar';
import { LateFeePolicySchema } from './late-fees';
import { MoneySchema } from './money';

export const LeasePartySchema = z.object({
  userId: z.uuid(),
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  role: z.enum(['tenant', 'landlord', 'manager']),
});
export type LeaseParty = z.infer<typeof LeasePartySchema>;

export const LeaseTermsSchema = z
  .object({
    leaseId: z.uuid(),
    propertyId: z.uuid(),
    propertyAddress: z.string().trim().min(1).max(300),
    unitLabel: z.string().trim().max(40).optional(),
    parties: z.array(LeasePartySchema).min(2).max(12),
    startDate: z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD'),
    termMonths: z.number().int().min(1).max(60),
    monthlyRent: MoneySchema,
    dueDay: z.number().int().min(1).max(28).default(1),
    deposit: MoneySchema,
    lateFeePolicy: LateFeePolicySchema,
    clauses: z.array(z.string().trim().min(1).max(4000)).max(50).default([]),
  })
  .refine((t) => t.parties.some((p) => p.role === 'tenant'), { path: ['parties'], message: 'needs at least one tenant' })
  .refine((t) => t.parties.some((p) => p.role !== 'tenant'), { path: ['parties'], message: 'needs a landlord or manager' })
  .refine((t) => t.deposit.currency === t.monthlyRent.currency, { path: ['deposit', 'currency'], message: 'must be the rent currency' });
export type LeaseTerms = z.infer<typeof LeaseTermsSchema>;

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

export const LeaseApplicationSchema = z.object({
  monthlyIncomeMinor: z.number().int().min(0),
  employment: z.object({
    employer: z.string().trim().max(200).optional(),
    status: z.enum(['employed', 'self_employed', 'student', 'retired', 'unemployed']),
  }),
  references: z.array(z.object({ name: z.string().trim().min(1).max(200), contact: z.string().trim().min(1).max(200) })).max(10),
  householdSize: z.number().int().min(1).max(30),
  bedrooms: z.number().int().min(0).max(50),
});
export type LeaseApplication = z.infer<typeof LeaseApplicationSchema>;

/** A saved card of the tenant who pays (Stripe customer and payment method). */
export interface PaymentMethodRef {
  customerId: string;
  paymentMethodId: string;
}

export interface LeaseInput {
  terms: LeaseTerms;
  application: LeaseApplication;
  paymentMethod: PaymentMethodRef;
  /** Days the parties have to sign before the offer expires. */
  signingDays?: number;
  /** Retry days after a soft decline (default +1, +3, +5, +7). */
  dunningDays?: number[];
  renewal?: RenewalPolicy;
  /** Set when a lease continues as new (a renewal, or a long history): where it resumes. */
  continuation?: LeaseContinuation;
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
  history: { at: string; event: string }[];
}
