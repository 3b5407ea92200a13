/** The purchase routes' request and response shapes (the state is declared once in contracts/purchase.schema.ts). */
import { z } from '@hono/zod-openapi';
import { CONTINGENCY_KINDS } from '../../../domain/purchase/offer';
import { OfferTermsSchema, PurchaseStateSchema } from '../../../contracts/purchase.schema';
import { INSPECTION_SEVERITIES, PURCHASE_STAGES } from '../../../contracts/purchase';

export { OfferTermsSchema, PurchaseStateSchema };

export const OfferCreateSchema = z
  .object({
    terms: OfferTermsSchema,
    buyerIds: z.array(z.uuid()).min(1).max(4).optional().describe('The buyers, when an agent or manager makes the offer for them; a buyer making their own offer leaves it out'),
  })
  .openapi('OfferCreate');

export const OfferStartedSchema = z
  .object({ purchaseId: z.uuid(), workflowId: z.string(), stage: z.literal('negotiating'), location: z.string() })
  .openapi('OfferStarted');

export const OfferSummarySchema = z
  .object({
    purchaseId: z.string(),
    stage: z.enum(PURCHASE_STAGES),
    buyers: z.array(z.string()).describe('Buyers\' names'),
    round: z.number().int().describe('The latest round (1 = the buyer\'s offer)'),
    latestBy: z.enum(['buyer', 'seller']),
    terms: PurchaseStateSchema.shape.contract.unwrap(),
    whoseTurn: z.enum(['buyer', 'seller']).nullable(),
    backupPosition: z.number().int().nullable(),
    updatedAt: z.string(),
  })
  .openapi('OfferSummary');

export const OfferListSchema = z.object({ listingId: z.string(), offers: z.array(OfferSummarySchema) }).openapi('OfferList');
export const PurchaseListSchema = z
  .object({ purchases: z.array(z.object({ purchaseId: z.string(), listingId: z.string(), propertyId: z.string(), stage: z.enum(PURCHASE_STAGES), priceMinor: z.number().int(), currency: z.string(), updatedAt: z.string() })) })
  .openapi('PurchaseList');

export const CounterSchema = z.object({ terms: OfferTermsSchema }).openapi('CounterOffer');
export const AcceptSchema = z
  .object({ others: z.enum(['reject', 'backup']).default('reject').describe('The listing\'s other open offers: rejected, or kept as ordered backups') })
  .openapi('AcceptOffer');
export const RejectSchema = z.object({ reason: z.string().trim().max(500).optional() }).openapi('RejectOffer');
export const WithdrawSchema = z.object({}).openapi('WithdrawOffer');
export const EarnestMoneySchema = z
  .object({ paymentMethod: z.object({ customerId: z.string().min(1).max(255), paymentMethodId: z.string().min(1).max(255) }).describe('The buyer\'s saved card (Stripe)') })
  .openapi('EarnestMoneyPayment');
export const ContingencyActionSchema = z
  .object({ kind: z.enum(CONTINGENCY_KINDS), action: z.enum(['satisfy', 'waive', 'fail']), note: z.string().trim().max(1000).optional() })
  .openapi('ContingencyAction');
export const DocumentSubmissionSchema = z.object({ kind: z.string().min(1).max(80), documentId: z.string().min(1).max(200) }).openapi('ChecklistSubmission');
export const DocumentReviewSchema = z
  .object({ kind: z.string().min(1).max(80), decision: z.enum(['approve', 'return']), reason: z.string().trim().max(1000).optional() })
  .refine((r) => r.decision === 'approve' || (r.reason ?? '').length > 0, { path: ['reason'], message: 'a returned document needs a reason' })
  .openapi('ChecklistReview');
export const TitleRequirementSchema = z
  .object({ requirementId: z.string().min(1).max(200), satisfaction: z.object({ type: z.enum(['payoff_line', 'recorded_release', 'document']), ref: z.string().trim().min(1).max(200) }) })
  .openapi('TitleRequirementSatisfied');
export const DisclosureSchema = z
  .object({
    receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    terms: z.object({ aprMilli: z.number().int().min(0).max(100_000).describe('APR in thousandths of a point: 6.875% = 6875'), loanProduct: z.string().trim().min(1).max(120), prepaymentPenalty: z.boolean() }),
  })
  .openapi('ClosingDisclosure');
export const FundsSchema = z.object({ reference: z.string().trim().min(1).max(200).describe('Wire or transfer reference of the buyer\'s and the lender\'s funds') }).openapi('ClosingFunds');
export const TerminationSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).openapi('PurchaseTermination');
export const InspectionSchema = z
  .object({ findings: z.array(z.object({ item: z.string().trim().min(1).max(200), severity: z.enum(INSPECTION_SEVERITIES), note: z.string().trim().max(2000).default('') })).max(200) })
  .openapi('InspectionReport');
export const AppraisalSchema = z.object({ valueMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).openapi('Appraisal');
export const AmendmentSchema = z
  .object({
    kind: z.enum(['repair_credit', 'price']).describe('A repair credit after the inspection, or a new price after a low appraisal'),
    amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('The new seller credit, or the new price'),
    note: z.string().trim().max(1000).optional(),
  })
  .openapi('AmendmentProposal');
export const AmendmentAnswerSchema = z.object({ decision: z.enum(['accept', 'reject']) }).openapi('AmendmentAnswer');
export const WireInstructionsSchema = z
  .object({ bankName: z.string().trim().min(1).max(200), accountLast4: z.string().regex(/^\d{4}$/).describe('Last four digits of the account (the full number stays with escrow)') })
  .openapi('WireInstructions');
export const WireCallbackSchema = z.object({ note: z.string().trim().min(1).max(1000).describe('Who was called, on which number from the file, and what they confirmed') }).openapi('WireCallback');
export const ReleaseSchema = z.object({ to: z.enum(['buyer', 'seller']), reason: z.string().trim().min(1).max(1000) }).openapi('EarnestMoneyReleaseApproval');
