/**
 * The lease's shapes as zod schemas: its terms and application (validated
 * when a lease is offered) and its state as the workflow's query returns it.
 * Each is declared once here; the TypeScript types the workflow, activities
 * and tests use are inferred from them (contracts/lease.ts re-exports them as
 * types only, so no zod reaches the workflow bundle), and the API documents
 * the same schemas in its OpenAPI document.
 */
import { z } from './zod';
import { isValidDate } from '../domain/calendar';
import { LateFeePolicySchema } from './late-fee-policy.schema';
import { LEASE_PARTY_ROLES, LEASE_STATUSES } from '../domain/lease';
import { MoneySchema } from './money.schema';

export const LeasePartySchema = z.object({
  userId: z.uuid(),
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  role: z.enum(LEASE_PARTY_ROLES),
});

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

export const SignatureSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(LEASE_PARTY_ROLES),
  signedAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  documentSha256: z.string(),
});

export const RenewalOfferSchema = z.object({
  monthlyRentMinor: z.number().int(),
  termMonths: z.number().int(),
  offeredOn: z.string(),
  respondBy: z.string(),
  answer: z.enum(['accepted', 'declined']).nullable(),
});

/** What the lease workflow's query returns: the whole state of one lease. */
export const LeaseStateSchema = z.object({
  leaseId: z.uuid(),
  status: z.enum(LEASE_STATUSES),
  screening: z.object({ decision: z.enum(['approve', 'review', 'reject']), reasons: z.array(z.string()) }).nullable(),
  decisions: z.array(z.object({ at: z.string(), by: z.string(), decision: z.string(), reason: z.string() })),
  document: z.object({ documentId: z.string(), sha256: z.string() }).nullable().describe('The current agreement; sign its sha256'),
  envelopeId: z.string().nullable().optional().describe('The signing envelope of the agreement (GET /v1/envelopes/{id}); leases offered before envelopes have none'),
  signatures: z.array(SignatureSchema),
  signingDeadline: z.string().nullable(),
  periodsBilled: z.number().int(),
  term: z.number().int().describe('1 for the original term, then one more per renewal'),
  termEnd: z.string().nullable(),
  renewalOffer: RenewalOfferSchema.nullable(),
  nextDue: z.object({ dueOn: z.string(), amountMinor: z.number().int() }).nullable(),
  paidMinor: z.number().int(),
  feesMinor: z.number().int(),
  termination: z
    .object({ requestedBy: z.string(), requestedOn: z.string(), moveOutOn: z.string(), reason: z.string(), feeMinor: z.number().int() })
    .nullable()
    .optional()
    .describe('An early termination: who asked, the move-out day and the fee charged'),
  parties: z
    .array(z.object({ userId: z.string(), name: z.string(), role: z.enum(LEASE_PARTY_ROLES) }))
    .optional()
    .describe('The parties as they sign (no contact details)'),
  termStart: z.string().nullable().optional().describe("The current term's first day"),
  notes: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })).optional().describe("Notes by the property's managers, oldest first"),
  reversals: z
    .array(z.object({ paymentId: z.string(), amountMinor: z.number().int(), feeMinor: z.number().int(), reason: z.enum(['returned', 'refunded']) }))
    .optional()
    .describe('Payments reversed after they succeeded (disputes, bank returns, refunds)'),
  history: z.array(z.object({ at: z.string(), event: z.string() })),
});
