/**
 * The purchase's shapes as zod schemas, for the API: an offer's terms (validated
 * by the domain's own rule, domain/purchase/offer.ts, so the API and the
 * workflow refuse the same offers) and the state as the workflow's query
 * returns it (documented; the compile-time checks below keep each schema and
 * the domain's type the same shape).
 */
import { z } from './zod';
import { CHECKLIST_STATUSES } from '../domain/purchase/checklist';
import { NEGOTIATION_STATUSES, ROUND_STATUSES } from '../domain/purchase/negotiation';
import { CONTINGENCY_COUNTS, CONTINGENCY_KINDS, FINANCING_TYPES, MISSED_DEADLINE_OUTCOMES, offerTermsProblem, type OfferTerms } from '../domain/purchase/offer';
import { SETTLEMENT_SECTIONS } from '../domain/purchase/settlement';
import { REQUIREMENT_KINDS } from '../domain/purchase/title';
import { CONTINGENCY_STATUSES, INSPECTION_SEVERITIES, PURCHASE_STAGES, type PurchaseState } from './purchase';
import { CurrencySchema, MinorUnitsSchema } from './money.schema';

const Minor = MinorUnitsSchema;
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('A calendar date, YYYY-MM-DD');

const OfferTermsShape = z.object({
  priceMinor: Minor,
  currency: CurrencySchema,
  earnestMoneyMinor: Minor,
  earnestMoneyDueBusinessDays: z.number().int().min(0).max(30).describe('Business days after acceptance the earnest money is due (default 3)'),
  financing: z.object({ type: z.enum(FINANCING_TYPES), downPaymentMinor: Minor }),
  contingencies: z.array(z.object({ kind: z.enum(CONTINGENCY_KINDS), days: z.number().int(), count: z.enum(CONTINGENCY_COUNTS) })).max(CONTINGENCY_KINDS.length),
  onMissedDeadline: z.enum(MISSED_DEADLINE_OUTCOMES).describe('What a contingency deadline passing undecided means (most US contracts: waived)'),
  closingDate: IsoDate,
  sellerCreditMinor: Minor,
  expiresAt: z.string().describe('When this offer or counter lapses unanswered (ISO instant with zone)'),
});

/** An offer's terms as a client sends them: the domain's rule decides (the field it names becomes the 422's field). */
export const OfferTermsSchema = OfferTermsShape.superRefine((terms, ctx) => {
  const problem = offerTermsProblem(terms, new Date().toISOString());
  if (problem) ctx.addIssue({ code: 'custom', path: problem.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: problem.message });
}).openapi('OfferTerms');

const RoundSchema = z.object({ n: z.number().int(), by: z.enum(['buyer', 'seller']), terms: OfferTermsShape, at: z.string(), status: z.enum(ROUND_STATUSES), reason: z.string().nullable() });
const PersonSchema = z.object({ userId: z.string(), name: z.string(), email: z.string() });
const Requirement = z.object({
  id: z.string(),
  kind: z.enum(REQUIREMENT_KINDS),
  description: z.string(),
  instrument: z.string().nullable(),
  amountMinor: z.number().int().nullable(),
  satisfiedBy: z.object({ type: z.enum(['payoff_line', 'recorded_release', 'document']), ref: z.string(), at: z.string() }).nullable(),
});
const Line = z.object({
  description: z.string(),
  buyerDebitMinor: z.number().int(),
  buyerCreditMinor: z.number().int(),
  sellerDebitMinor: z.number().int(),
  sellerCreditMinor: z.number().int(),
  reference: z.string().optional(),
});

export const PurchaseStateSchema = z
  .object({
    purchaseId: z.string(),
    listingId: z.string(),
    propertyId: z.string(),
    stage: z.enum(PURCHASE_STAGES),
    parties: z.object({ buyers: z.array(PersonSchema), sellers: z.array(PersonSchema), buyerAgents: z.array(PersonSchema), sellerAgents: z.array(PersonSchema) }),
    negotiation: z.object({ status: z.enum(NEGOTIATION_STATUSES), rounds: z.array(RoundSchema) }),
    contract: OfferTermsShape.nullable(),
    acceptedOn: IsoDate.nullable(),
    backupPosition: z.number().int().nullable(),
    contingencies: z.array(
      z.object({ kind: z.enum(CONTINGENCY_KINDS), deadline: IsoDate, status: z.enum(CONTINGENCY_STATUSES), decidedBy: z.string().nullable(), decidedAt: z.string().nullable(), note: z.string().nullable() }),
    ),
    escrow: z.object({
      currency: CurrencySchema,
      earnestMoneyMinor: z.number().int(),
      dueOn: IsoDate.nullable(),
      receivedMinor: z.number().int(),
      paymentId: z.string().nullable(),
      disposition: z.enum(['held', 'applied', 'refunded', 'released']).nullable(),
    }),
    checklist: z.array(
      z.object({
        kind: z.string(),
        title: z.string(),
        why: z.string(),
        status: z.enum(CHECKLIST_STATUSES),
        documentId: z.string().nullable(),
        reason: z.string().nullable(),
        history: z.array(z.object({ at: z.string(), status: z.enum(CHECKLIST_STATUSES), by: z.string(), reason: z.string().optional() })),
      }),
    ),
    title: z
      .object({
        effectiveDate: IsoDate,
        scheduleA: z.object({ proposedInsured: z.array(z.string()), amountMinor: z.number().int(), currency: CurrencySchema, legalDescription: z.string(), vestedIn: z.array(z.string()) }),
        requirements: z.array(Requirement),
        exceptions: z.array(z.object({ instrument: z.string().nullable(), description: z.string() })),
      })
      .nullable(),
    inspection: z
      .object({ findings: z.array(z.object({ item: z.string(), severity: z.enum(INSPECTION_SEVERITIES), note: z.string() })), at: z.string(), by: z.string() })
      .nullable(),
    appraisal: z.object({ valueMinor: z.number().int(), at: z.string(), by: z.string() }).nullable(),
    amendments: z.array(
      z.object({
        n: z.number().int(),
        kind: z.enum(['repair_credit', 'price']),
        amountMinor: z.number().int(),
        by: z.enum(['buyer', 'seller']),
        note: z.string().nullable(),
        status: z.enum(['open', 'accepted', 'rejected', 'superseded']),
        at: z.string(),
      }),
    ),
    wire: z
      .object({
        instructions: z.object({ bankName: z.string(), accountLast4: z.string(), setAt: z.string(), by: z.string() }),
        heldForCallback: z.boolean(),
        callbacks: z.array(z.object({ by: z.string(), at: z.string(), note: z.string() })),
      })
      .nullable(),
    releaseApprovals: z.array(z.object({ by: z.string(), to: z.enum(['buyer', 'seller']), reason: z.string(), at: z.string() })),
    remindersSent: z.array(z.string()).describe('Deadlines already reminded of'),
    closing: z.object({
      statement: z
        .object({
          currency: CurrencySchema,
          closingDate: IsoDate,
          sections: z.array(z.object({ id: z.enum(SETTLEMENT_SECTIONS), title: z.string(), lines: z.array(Line) })),
          totals: z.object({
            buyerDebitsMinor: z.number().int(),
            buyerCreditsMinor: z.number().int(),
            dueFromBuyerMinor: z.number().int(),
            sellerCreditsMinor: z.number().int(),
            sellerDebitsMinor: z.number().int(),
            dueToSellerMinor: z.number().int(),
          }),
        })
        .nullable(),
      documents: z.array(z.object({ kind: z.enum(['purchase_agreement', 'settlement_statement', 'deed']), documentId: z.string(), sha256: z.string() })),
      envelopeId: z.string().nullable(),
      disclosure: z
        .object({
          receivedOn: IsoDate,
          terms: z.object({ aprMilli: z.number().int(), loanProduct: z.string(), prepaymentPenalty: z.boolean() }),
          earliestClosing: IsoDate,
          revisions: z.number().int(),
        })
        .nullable(),
      fundsReceived: z.object({ reference: z.string(), at: z.string(), by: z.string() }).nullable(),
      deed: z
        .object({ status: z.enum(['prepared', 'approved', 'submitted', 'recorded', 'rejected']), instrument: z.string().nullable(), recordedOn: IsoDate.nullable(), reason: z.string().nullable() })
        .nullable(),
    }),
    blocking: z.array(z.string()).describe('What stands between the deal and closing now'),
    outcome: z.object({ reason: z.string(), by: z.string(), compensations: z.array(z.string()) }).nullable(),
    history: z.array(z.object({ at: z.string(), event: z.string() })),
    source: z.enum(['workflow', 'database']).describe('`database` when the workflow could not answer: the state its activities last recorded'),
  })
  .openapi('PurchaseState');

// The schemas and the domain's types are one shape (a mismatch fails to compile).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _terms: Same<z.infer<typeof OfferTermsShape>, OfferTerms> = true;
const _state: Same<Omit<z.infer<typeof PurchaseStateSchema>, 'source'>, PurchaseState> = true;
void _terms;
void _state;
