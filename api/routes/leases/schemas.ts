/**
 * The lease routes' request and response shapes. The lease's own state and
 * terms are the contract's (contracts/lease.schema.ts); these add what only
 * the API has: the offer's body, the answers' envelopes, and the account read
 * from the books.
 */
import { z } from '@hono/zod-openapi';
import { addDays, isValidDate, todayUtc } from '../../../domain/calendar';
import { LateFeePolicyOverrideSchema, LateFeePolicySchema } from '../../../contracts/late-fee-policy.schema';
import { LEASE_STATUSES, MAX_DEDUCTIONS_MINOR, MAX_NOTE_LENGTH } from '../../../domain/lease';
import { MoneySchema } from '../../../contracts/money.schema';
import { LeaseApplicationSchema, LeaseStateSchema as ContractLeaseStateSchema } from '../../../contracts/lease.schema';

/** Lease offers start at most this long ago (back rent is not billed through the API) and at most this far ahead. */
export const MAX_START_DAYS_AGO = 31;
export const MAX_START_DAYS_AHEAD = 730;

export const CalendarDate = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD');

export const LeaseCreateSchema = z
  .object({
    propertyId: z.uuid().describe('A property you own or manage'),
    unitId: z.uuid().optional().describe('The unit, in a multi-unit building'),
    tenants: z
      .array(z.object({ userId: z.uuid() }))
      .min(1)
      .max(10)
      .describe('Users holding the tenant role; each signs'),
    startDate: CalendarDate.describe(`From ${MAX_START_DAYS_AGO} days ago to ${MAX_START_DAYS_AHEAD} days ahead`),
    termMonths: z.number().int().min(1).max(60),
    monthlyRent: MoneySchema.refine((m) => m.amountMinor > 0, { path: ['amountMinor'], message: 'must be positive' }),
    deposit: MoneySchema,
    dueDay: z.number().int().min(1).max(28).optional().describe('Day of the month rent is due (default 1)'),
    lateFeePolicy: LateFeePolicyOverrideSchema.optional().describe(
      'This lease\'s override of the property\'s and the organization\'s late-fee policy (set fields only); see GET /v1/admin/late-fee-policy',
    ),
    earlyTerminationFee: MoneySchema.optional().describe('Charged if the lease is ended early; one month of rent if not set'),
    clauses: z.array(z.string().trim().min(1).max(4000)).max(50).optional(),
    application: LeaseApplicationSchema,
    paymentMethod: z.object({
      customerId: z.string().trim().min(1).max(255).describe('Stripe customer of the paying tenant'),
      paymentMethodId: z.string().trim().min(1).max(255).describe('Their saved card'),
    }),
  })
  .superRefine((b, ctx) => {
    if (b.deposit.currency !== b.monthlyRent.currency) {
      ctx.addIssue({ code: 'custom', path: ['deposit', 'currency'], message: 'must be the rent currency' });
    }
    const ids = b.tenants.map((t) => t.userId);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['tenants', i, 'userId'], message: 'names the same tenant twice' });
    });
    const today = todayUtc();
    if (isValidDate(b.startDate) && (b.startDate < addDays(today, -MAX_START_DAYS_AGO) || b.startDate > addDays(today, MAX_START_DAYS_AHEAD))) {
      ctx.addIssue({ code: 'custom', path: ['startDate'], message: `must be within ${MAX_START_DAYS_AGO} days ago and ${MAX_START_DAYS_AHEAD} days ahead` });
    }
  })
  .openapi('LeaseCreate');

// ---------------------------------------------------------------- the books, as the API shows them

export const InvoiceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['rent', 'late_fee', 'returned_payment_fee', 'damages', 'early_termination_fee']),
    periodIndex: z.number().int(),
    dueOn: z.string(),
    amountMinor: z.number().int(),
    openMinor: z.number().int(),
    currency: z.string(),
    status: z.enum(['open', 'partially_paid', 'paid']),
  })
  .openapi('Invoice');

export const PaymentSchema = z
  .object({
    id: z.uuid(),
    method: z.enum(['card', 'cash', 'check', 'bank_transfer', 'deposit']),
    amountMinor: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'refunded', 'returned']),
    reference: z.string().nullable(),
    failure: z.object({ code: z.string().nullable(), message: z.string().nullable(), declineKind: z.string().nullable() }).nullable(),
    receiptDocumentId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Payment');

export const DocumentSchema = z
  .object({ id: z.uuid(), kind: z.string(), sha256: z.string(), pages: z.number().int(), createdAt: z.string() })
  .openapi('LeaseDocument');

export const AccountSchema = z
  .object({
    balanceMinor: z.number().int().describe('What the tenant owes now, from the ledger (negative: in credit)'),
    depositHeldMinor: z.number().int(),
    openInvoices: z.array(InvoiceSchema),
    documents: z.array(DocumentSchema),
  })
  .openapi('LeaseAccount');

// ---------------------------------------------------------------- the lease

export const LeaseStartedSchema = z
  .object({ leaseId: z.uuid(), workflowId: z.string(), status: z.enum(LEASE_STATUSES), location: z.string() })
  .openapi('LeaseStarted');

/** The workflow's state as the API shows it: with where it came from. */
export const LeaseStateSchema = ContractLeaseStateSchema.extend({
  source: z.enum(['workflow', 'database']).describe('`database` when the workflow could not be asked: only `status` is known then'),
}).openapi('LeaseState');

export const LeaseTermsSummarySchema = z
  .object({
    startDate: z.string(),
    termMonths: z.number().int(),
    monthlyRent: MoneySchema,
    deposit: MoneySchema,
    dueDay: z.number().int(),
    lateFeePolicy: LateFeePolicySchema.describe('The effective policy: organization, then property, then lease'),
    earlyTerminationFee: MoneySchema.nullable(),
  })
  .openapi('LeaseTermsSummary');

export const LeaseViewSchema = LeaseStateSchema.extend({ terms: LeaseTermsSummarySchema.nullable(), account: AccountSchema }).openapi('LeaseView');

export const ScreeningDecisionSchema = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(1000) })
  .openapi('ScreeningDecision');

export const RenewalDecisionSchema = z.object({ accept: z.boolean().describe('true accepts the renewal offer, false declines it') }).openapi('RenewalDecision');

export const TerminationSchema = z
  .object({
    moveOutOn: CalendarDate.describe('The last day of the tenancy; rent is prorated to it'),
    reason: z.string().trim().min(1).max(1000),
  })
  .openapi('Termination');

export const NoteSchema = z.object({ text: z.string().trim().min(1).max(MAX_NOTE_LENGTH) }).openapi('LeaseNote');

export const CancellationSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).openapi('Cancellation');

export const MoveOutSchema = z
  .object({
    deductions: z
      .array(z.object({ description: z.string().trim().min(1).max(300), amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }))
      .max(100)
      .refine((ds) => ds.reduce((n, d) => n + d.amountMinor, 0) <= MAX_DEDUCTIONS_MINOR, 'the deductions add up to more than can be charged')
      .describe('Itemized deductions from the deposit, in the lease currency'),
  })
  .openapi('MoveOut');

export const SignatureRequestSchema = z
  .object({
    documentSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex (64 characters)')
      .describe('The sha256 of the agreement you read (`document.sha256` of the lease)'),
  })
  .openapi('SignatureRequest');

export const ManualPaymentSchema = z
  .object({
    amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    method: z.enum(['cash', 'check', 'bank_transfer']),
    receivedOn: CalendarDate.refine((d) => !isValidDate(d) || (d <= todayUtc() && d >= '2000-01-01'), 'must not be in the future'),
  })
  .openapi('ManualPayment');

export const PaymentRecordedSchema = z
  .object({ paymentId: z.uuid(), allocatedMinor: z.number().int().describe('How much of it settled open charges') })
  .openapi('PaymentRecorded');

export const LedgerSchema = z
  .object({
    leaseId: z.uuid(),
    balances: z.record(z.string(), z.number().int()).describe('Per account, in its normal direction'),
    transactions: z.array(
      z.object({
        id: z.uuid(),
        kind: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        occurredOn: z.string(),
        reference: z.string().nullable(),
        memo: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('LeaseLedger');
