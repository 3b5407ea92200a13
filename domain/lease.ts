/** The lease contract shared by the API, the lease workflow and its activities. */
import { z } from './zod';
import { isValidDate } from './calendar';
import { LateFeePolicySchema } from './late-fees';
import { MoneySchema } from './money';
import type { LeaseContinuation, PaymentMethodRef, RenewalPolicy } from './lease-state';

export * from './lease-state';

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
    earlyTerminationFee: MoneySchema.optional().describe('Charged when the lease is ended early; one month of rent if not set'),
    clauses: z.array(z.string().trim().min(1).max(4000)).max(50).default([]),
  })
  .refine((t) => t.parties.some((p) => p.role === 'tenant'), { path: ['parties'], message: 'needs at least one tenant' })
  .refine((t) => t.parties.some((p) => p.role !== 'tenant'), { path: ['parties'], message: 'needs a landlord or manager' })
  .refine((t) => t.deposit.currency === t.monthlyRent.currency, { path: ['deposit', 'currency'], message: 'must be the rent currency' })
  .refine((t) => !t.earlyTerminationFee || t.earlyTerminationFee.currency === t.monthlyRent.currency, {
    path: ['earlyTerminationFee', 'currency'],
    message: 'must be the rent currency',
  });
export type LeaseTerms = z.infer<typeof LeaseTermsSchema>;



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

