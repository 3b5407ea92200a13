/**
 * The project's shapes as zod schemas, for the API: what people send (a new
 * project, and each decision carried to the workflow as an Update) and the
 * state as the workflow's query returns it (documented; the compile-time
 * checks below keep each schema and contracts/project.ts's types the same
 * shape). The figures are checked again by the workflow's validators (409
 * with their reason); these check the form (422 naming the field).
 */
import { z } from './zod';
import { compareDates, isValidDate } from '../domain/calendar';
import { PROPERTY_TYPES } from '../domain/property';
import {
  CHANGE_ORDER_STATUSES,
  PAY_APPLICATION_STATUSES,
  PROJECT_KINDS,
  PROJECT_STATUSES,
  type BilledLine,
  type ChangeOrderLine,
  type MilestoneRequest,
  type ProjectSovLine,
  type ProjectState,
  type PropertyImprovements,
  type RetainageTerms,
} from './project';
import { CurrencySchema, MinorUnitsSchema } from './money.schema';

const Minor = MinorUnitsSchema;
const SignedMinor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const BasisPoints = z.number().int().min(0).max(10_000).describe('Basis points (10 000 = 100%)');
const IsoDay = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD').describe('A calendar date, YYYY-MM-DD');
const Id = z.string().trim().min(1).max(100);
const Text = (max: number) => z.string().trim().min(1).max(max);
const Note = z.string().trim().max(2000);

// ---------------------------------------------------------------- shared pieces

const ImprovementsShape = z.object({
  addedLivingAreaSqft: z.number().int().min(0).max(1_000_000).describe('Living area the work adds, square feet'),
  newFeatures: z.array(Text(200)).max(50).describe('Features the work adds to the property\'s record ("second bathroom")'),
});

const RetainageShape = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('flat'), basisPoints: BasisPoints }),
    z.object({ kind: z.literal('step_down'), basisPoints: BasisPoints, reducedBasisPoints: BasisPoints, atCompleteBasisPoints: BasisPoints }),
    z.object({ kind: z.literal('capped'), basisPoints: BasisPoints, capMinor: Minor }),
    z.object({ kind: z.literal('step_down_at_milestone'), basisPoints: BasisPoints, reducedBasisPoints: BasisPoints, milestoneId: Id }),
  ])
  .describe('Flat 10% unless given; a step-down at a milestone holds the reduced rate once the work billed reaches it');

const SovLineShape = z.object({
  itemNo: Text(20),
  description: Text(500),
  scheduledValueMinor: Minor,
  costCode: Text(40).describe('The budget\'s cost code the line is spent under'),
});

const MilestoneShape = z.object({
  milestoneId: Id,
  name: Text(200),
  plannedOn: IsoDay,
  shareBasisPoints: z.number().int().min(1).max(10_000).describe('Its share of the contract; the shares of a contract\'s milestones sum to 10 000'),
});

const ChangeOrderLineShape = z.object({
  itemNo: Text(20),
  changeMinor: SignedMinor.describe('Added to the line\'s scheduled value; negative takes scope out'),
  description: Text(500).optional().describe('A new line\'s description'),
  costCode: Text(40).optional().describe('A new line\'s cost code'),
});

const BilledLineShape = z.object({
  itemNo: Text(20),
  workThisPeriodMinor: Minor.describe('Work put in place this period (materials stored earlier and now installed are billed here)'),
  materialsStoredMinor: Minor.default(0).describe('Materials on site at the end of the period, not yet installed'),
});

// ---------------------------------------------------------------- requests

export const ProjectCreateSchema = z
  .object({
    kind: z.enum(PROJECT_KINDS),
    name: Text(200),
    propertyId: z.uuid().optional().describe('The property renovated (a renovation)'),
    parcelId: z.uuid().optional().describe('The parcel built on (new construction)'),
    propertyType: z
      .enum(PROPERTY_TYPES.filter((t) => t !== 'land') as [Exclude<(typeof PROPERTY_TYPES)[number], 'land'>, ...Exclude<(typeof PROPERTY_TYPES)[number], 'land'>[]])
      .optional()
      .describe('New construction: the kind of property the building becomes on the parcel\'s record (default house)'),
    currency: CurrencySchema.default('USD'),
    budget: z
      .array(z.object({ costCode: Text(40), description: Text(300), amountMinor: Minor }))
      .min(1)
      .max(200)
      .describe('The budget by cost code (each code once)'),
    contingencyMinor: Minor.default(0).describe('The reserve approved change orders are funded from'),
    plannedStart: IsoDay,
    plannedCompletion: IsoDay,
    improvements: ImprovementsShape.default({ addedLivingAreaSqft: 0, newFeatures: [] }).describe('What the work adds to the property\'s record, as planned'),
    ownerIds: z.array(z.uuid()).min(1).max(10).optional().describe('Who approves change orders (signing them) and pay applications; default: the property\'s owner'),
    permitReminderDays: z.array(z.number().int().min(1).max(365)).max(5).optional().describe('Days before a permit\'s last day its reminders go out (default 30 and 7)'),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'renovation' && (!b.propertyId || b.parcelId)) ctx.addIssue({ code: 'custom', path: ['propertyId'], message: 'a renovation is of a property: give propertyId (and no parcelId)' });
    if (b.kind === 'new_construction' && (!b.parcelId || b.propertyId)) ctx.addIssue({ code: 'custom', path: ['parcelId'], message: 'new construction is on a parcel: give parcelId (and no propertyId)' });
    if (b.kind === 'renovation' && b.propertyType) ctx.addIssue({ code: 'custom', path: ['propertyType'], message: 'only new construction names the type of property it builds' });
    if (isValidDate(b.plannedStart) && isValidDate(b.plannedCompletion) && compareDates(b.plannedCompletion, b.plannedStart) < 0) {
      ctx.addIssue({ code: 'custom', path: ['plannedCompletion'], message: 'the planned completion is before the planned start' });
    }
    const seen = new Set<string>();
    b.budget.forEach((line, i) => {
      if (seen.has(line.costCode)) ctx.addIssue({ code: 'custom', path: ['budget', i, 'costCode'], message: `cost code ${line.costCode} appears twice` });
      seen.add(line.costCode);
    });
  })
  .openapi('ProjectCreate');

export const CommitmentSchema = z
  .object({
    commitmentId: Id.optional().describe('The contract\'s id on the project (a uuid is made when left out)'),
    contractorId: z.uuid().describe('A user with the contractor role'),
    description: Text(1000),
    originalContractSumMinor: Minor,
    scheduleOfValues: z.array(SovLineShape).min(1).max(200),
    retainage: RetainageShape.optional(),
    milestones: z.array(MilestoneShape).min(1).max(50).describe('In order; their shares sum to 10 000'),
    permitNames: z.array(Text(200)).max(20).default([]).describe('The permits the work depends on: each issued and in force for a draw to be paid'),
  })
  .openapi('ProjectCommitment');

export const ChangeOrderSchema = z
  .object({
    changeOrderId: Id.optional().describe('A uuid is made when left out'),
    commitmentId: Id,
    scope: Text(2000).describe('The change in scope, in words'),
    lines: z.array(ChangeOrderLineShape).min(1).max(100),
    scheduleImpactDays: z.number().int().min(-365).max(365).default(0).describe('Days the contract\'s milestones and the planned completion move'),
    approveBy: IsoDay.describe('The owners\' last day to approve it by signing'),
  })
  .openapi('ProjectChangeOrder');

export const PayApplicationSchema = z
  .object({
    commitmentId: Id,
    periodTo: IsoDay.describe('The last day of the period billed'),
    lines: z.array(BilledLineShape).min(1).max(200),
  })
  .openapi('ProjectPayApplication');

export const PayApplicationRefSchema = z.object({ commitmentId: Id, applicationNo: z.number().int().min(1).max(10_000) }).openapi('ProjectPayApplicationRef');

export const PayApplicationReviewSchema = z
  .object({ commitmentId: Id, applicationNo: z.number().int().min(1).max(10_000), decision: z.enum(['approve', 'revise']), reason: Note.optional() })
  .refine((r) => r.decision === 'approve' || (r.reason ?? '').length > 0, { path: ['reason'], message: 'say what to revise' })
  .openapi('ProjectPayApplicationReview');

export const MilestoneInspectionSchema = z
  .object({
    inspectionId: Id.optional().describe('A uuid is made when left out'),
    commitmentId: Id,
    inspectedOn: IsoDay,
    observedBasisPoints: z.record(Text(20), BasisPoints).describe('Percent complete found per schedule-of-values item, basis points'),
    notes: Note.optional(),
  })
  .openapi('ProjectMilestoneInspection');

export const LienWaiverSchema = z
  .object({
    commitmentId: Id,
    kind: z.enum(['conditional', 'unconditional']),
    applicationNo: z.number().int().min(1).max(10_000).optional().describe('The application a progress waiver is for; left out on the final (unconditional) waiver for the retainage'),
    documentId: z.uuid().optional().describe('The signed waiver, uploaded'),
  })
  .refine((w) => w.kind === 'unconditional' || w.applicationNo !== undefined, { path: ['applicationNo'], message: 'a conditional waiver is for an application: name it' })
  .openapi('ProjectLienWaiver');

export const PermitSchema = z
  .object({
    name: Text(200),
    status: z.enum(['applied', 'issued', 'revoked']),
    number: Text(100).optional(),
    expiresOn: IsoDay.nullable().default(null).describe('Its last day (an issued permit has one)'),
  })
  .refine((p) => p.status !== 'issued' || p.expiresOn !== null, { path: ['expiresOn'], message: 'an issued permit has a last day' })
  .openapi('ProjectPermit');

export const SubstantialCompletionSchema = z
  .object({
    on: IsoDay,
    improvements: ImprovementsShape.optional().describe('As built, when they differ from the plan'),
    punchList: z.array(Text(500)).max(200).optional(),
  })
  .openapi('ProjectSubstantialCompletion');

export const FinalInspectionSchema = z
  .object({ inspectionId: Id.optional().describe('A uuid is made when left out'), inspectedOn: IsoDay, passed: z.boolean(), notes: Note.optional() })
  .openapi('ProjectFinalInspection');

// ---------------------------------------------------------------- state

const Nullable = z.string().nullable();
const Person = z.object({ contractorId: z.string(), name: z.string(), email: z.string() });

const ContinuationLine = z.object({
  itemNo: z.string(),
  description: z.string(),
  scheduledValueMinor: z.number().int(),
  fromPreviousMinor: z.number().int(),
  thisPeriodMinor: z.number().int(),
  materialsStoredMinor: z.number().int(),
  completedAndStoredMinor: z.number().int(),
  percentCompleteBasisPoints: z.number().int(),
  balanceToFinishMinor: z.number().int(),
});

const ApplicationSummary = z.object({
  originalContractSumMinor: z.number().int(),
  netChangeOrdersMinor: z.number().int(),
  contractSumToDateMinor: z.number().int(),
  completedAndStoredToDateMinor: z.number().int(),
  retainageOnWorkMinor: z.number().int(),
  retainageOnMaterialsMinor: z.number().int(),
  totalRetainageMinor: z.number().int(),
  earnedLessRetainageMinor: z.number().int(),
  previousCertificatesMinor: z.number().int(),
  currentPaymentDueMinor: z.number().int(),
  balanceToFinishInclRetainageMinor: z.number().int(),
  percentCompleteBasisPoints: z.number().int(),
});

const RetainagePolicyShape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('flat'), basisPoints: z.number().int() }),
  z.object({ kind: z.literal('step_down'), basisPoints: z.number().int(), reducedBasisPoints: z.number().int(), atCompleteBasisPoints: z.number().int() }),
  z.object({ kind: z.literal('capped'), basisPoints: z.number().int(), capMinor: z.number().int() }),
]);

const CostCodeRollup = z.object({
  costCode: z.string(),
  description: z.string(),
  originalBudgetMinor: z.number().int(),
  approvedChangesMinor: z.number().int(),
  budgetMinor: z.number().int(),
  committedMinor: z.number().int(),
  pendingChangesMinor: z.number().int(),
  paidMinor: z.number().int(),
  remainingMinor: z.number().int(),
  uncommittedMinor: z.number().int(),
  projectedMinor: z.number().int(),
});

const BudgetTotals = z.object({
  originalBudgetMinor: z.number().int(),
  budgetMinor: z.number().int(),
  contingencyOriginalMinor: z.number().int(),
  contingencyRemainingMinor: z.number().int(),
  authorizedMinor: z.number().int(),
  committedMinor: z.number().int(),
  pendingChangesMinor: z.number().int(),
  paidMinor: z.number().int(),
  cashPaidMinor: z.number().int(),
  retainageHeldMinor: z.number().int(),
  remainingMinor: z.number().int(),
  projectedMinor: z.number().int(),
  overrunMinor: z.number().int(),
});

export const ProjectStateSchema = z
  .object({
    projectId: z.string(),
    kind: z.enum(PROJECT_KINDS),
    name: z.string(),
    site: z.object({ propertyId: Nullable, parcelId: Nullable, address: z.string() }),
    currency: CurrencySchema,
    status: z.enum(PROJECT_STATUSES),
    schedule: z.object({
      plannedStart: z.string(),
      originalPlannedCompletion: z.string(),
      plannedCompletion: z.string().describe('As approved change orders moved it'),
      substantialCompletionOn: Nullable,
      completedOn: Nullable,
    }),
    budget: z.array(z.object({ costCode: z.string(), description: z.string(), originalMinor: z.number().int(), changesMinor: z.number().int() })),
    contingencyMinor: z.number().int(),
    commitments: z.array(
      z.object({
        commitmentId: z.string(),
        contractor: Person,
        description: z.string(),
        contract: z.object({
          originalContractSumMinor: z.number().int(),
          netChangeOrdersMinor: z.number().int(),
          scheduleOfValues: z.array(z.object({ itemNo: z.string(), description: z.string(), scheduledValueMinor: z.number().int(), costCode: z.string() })),
          retainage: RetainagePolicyShape,
        }),
        permitNames: z.array(z.string()),
        addedAt: z.string(),
        addedBy: z.string(),
        retainage: z.object({
          heldMinor: z.number().int(),
          status: z.enum(['held', 'released']),
          releasedMinor: z.number().int(),
          releasedOn: Nullable,
          blockers: z.array(z.string()),
        }),
      }),
    ),
    milestones: z.array(
      z.object({
        milestoneId: z.string(),
        commitmentId: z.string(),
        name: z.string(),
        shareBasisPoints: z.number().int(),
        cumulativeBasisPoints: z.number().int(),
        originalPlannedOn: z.string(),
        plannedOn: z.string(),
        status: z.enum(['upcoming', 'late', 'reached']),
        reachedOn: Nullable,
        reachedByInspectionId: Nullable,
      }),
    ),
    changeOrders: z.array(
      z.object({
        changeOrderId: z.string(),
        number: z.number().int(),
        commitmentId: z.string(),
        scope: z.string(),
        lines: z.array(z.object({ itemNo: z.string(), changeMinor: z.number().int(), description: z.string().optional(), costCode: z.string().optional() })),
        netChangeMinor: z.number().int(),
        scheduleImpactDays: z.number().int(),
        approveBy: z.string(),
        status: z.enum(CHANGE_ORDER_STATUSES),
        proposedBy: z.string(),
        proposedAt: z.string(),
        envelopeId: z.string().describe('The owners sign it through this envelope (GET /v1/envelopes/{id})'),
        document: z.object({ documentId: z.string(), sha256: z.string() }).nullable(),
        decidedAt: Nullable,
        reason: Nullable,
      }),
    ),
    payApplications: z.array(
      z.object({
        commitmentId: z.string(),
        applicationNo: z.number().int(),
        periodTo: z.string(),
        status: z.enum(PAY_APPLICATION_STATUSES),
        billed: z.array(z.object({ itemNo: z.string(), workThisPeriodMinor: z.number().int(), materialsStoredMinor: z.number().int() })),
        application: z.object({ applicationNo: z.number().int(), lines: z.array(ContinuationLine), summary: ApplicationSummary }).describe('The G702/G703 figures'),
        preparedAt: z.string(),
        submittedAt: Nullable,
        reviews: z.array(z.object({ at: z.string(), by: z.string(), decision: z.enum(['approve', 'revise']), reason: Nullable })),
        approvedAt: Nullable,
        blockers: z.array(z.string()).describe('Approved, not yet paid: what it waits for'),
        payment: z
          .object({
            paidOn: z.string(),
            currentPaymentDueMinor: z.number().int(),
            postings: z.array(z.object({ kind: z.enum(['draw_paid', 'retainage_withheld', 'retainage_released']), amountMinor: z.number().int() })),
          })
          .nullable(),
      }),
    ),
    inspections: z.array(
      z.object({
        inspectionId: z.string(),
        commitmentId: z.string(),
        inspectedOn: z.string(),
        observedBasisPoints: z.record(z.string(), z.number()),
        completionBasisPoints: z.number().int(),
        notes: Nullable,
        recordedBy: z.string(),
      }),
    ),
    finalInspections: z.array(z.object({ inspectionId: z.string(), passed: z.boolean(), notes: Nullable, inspectedOn: z.string(), recordedBy: z.string() })),
    lienWaivers: z.array(
      z.object({
        commitmentId: z.string(),
        kind: z.enum(['conditional', 'unconditional']),
        applicationNo: z.number().int().nullable(),
        documentId: Nullable,
        signedAt: z.string(),
        recordedBy: z.string(),
      }),
    ),
    permits: z.array(z.object({ name: z.string(), status: z.enum(['applied', 'issued', 'revoked']), expiresOn: Nullable, number: Nullable, recordedAt: z.string() })),
    alerts: z.array(z.object({ kind: z.enum(['budget_overrun', 'schedule_slip', 'permit_expiring', 'permit_expired']), key: z.string(), at: z.string(), message: z.string() })),
    overrun: z.boolean().describe('The projection is above budget + contingency now'),
    improvements: z.object({ addedLivingAreaSqft: z.number().int(), newFeatures: z.array(z.string()) }),
    substantialCompletion: z.object({ on: z.string(), by: z.string(), punchList: z.array(z.string()) }).nullable(),
    documents: z.array(z.object({ kind: z.enum(['change_order', 'final_report']), ref: z.string(), documentId: z.string(), sha256: z.string() })),
    summary: z.object({ byCostCode: z.array(CostCodeRollup), totals: BudgetTotals }).describe('Budget vs committed vs paid vs remaining, by cost code and in total'),
    pendingApprovals: z.array(
      z.object({
        kind: z.enum(['change_order', 'pay_application', 'draw', 'retainage_release', 'final_inspection']),
        ref: z.string(),
        what: z.string(),
        waitingOn: z.enum(['owner', 'reviewer', 'contractor', 'conditions', 'inspector']),
        due: Nullable,
        blockers: z.array(z.string()),
      }),
    ),
    criticalDates: z.array(z.object({ date: z.string(), kind: z.enum(['milestone', 'permit_expiry', 'change_order_deadline', 'planned_completion']), what: z.string(), ref: z.string() })),
    history: z.array(z.object({ at: z.string(), event: z.string() })),
  })
  .openapi('ProjectState');

// The schemas and the contract's types are one shape (a mismatch fails to compile).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _state: Same<z.infer<typeof ProjectStateSchema>, ProjectState> = true;
const _retainage: Same<z.infer<typeof RetainageShape>, RetainageTerms> = true;
const _sov: Same<z.infer<typeof SovLineShape>, ProjectSovLine> = true;
const _milestone: Same<z.infer<typeof MilestoneShape>, MilestoneRequest> = true;
const _coLine: Same<z.infer<typeof ChangeOrderLineShape>, ChangeOrderLine> = true;
const _billed: Same<z.infer<typeof BilledLineShape>, BilledLine> = true;
const _improvements: Same<z.infer<typeof ImprovementsShape>, PropertyImprovements> = true;
void [_state, _retainage, _sov, _milestone, _coLine, _billed, _improvements];
