/**
 * The inspection's shapes as zod schemas, for the API: what people send
 * (scheduling one, and each decision carried to the workflow as an Update)
 * and the state as the workflow's query returns it (documented; the
 * compile-time check below keeps the schema and contracts/inspection.ts's
 * type the same shape).
 */
import { z } from './zod';
import { MAX_DEDUCTIONS_MINOR } from '../domain/lease';
import { CONDITIONS } from '../domain/inspection/comparison';
import { INSPECTION_KINDS, SEVERITIES } from '../domain/inspection/report';
import { WORK_ORDER_PRIORITIES } from '../domain/work-order/sla';
import { INSPECTION_STATUSES, type InspectionState } from './inspection';
import { WORK_ORDER_CATEGORIES, WORK_ORDER_STATUSES } from './work-order';
import { MinorUnitsSchema } from './money.schema';

const Kind = z.enum(INSPECTION_KINDS);
const Condition = z.enum(CONDITIONS).describe('good → fair → poor → damaged');
const Responsibility = z.enum(['owner', 'tenant']).describe('Who answers for it: the owner (wear, the building) or the tenant (damage they caused)');
const Reason = z.string().trim().min(1).max(1000);
const Label = z.string().trim().min(1).max(200);
const PhotoIds = z.array(z.uuid()).max(20).describe('Photos already uploaded (POST /v1/uploads), by `uploadId`');
const ObservedBasisPoints = z.record(z.string().trim().min(1).max(20), z.number().int().min(0).max(10_000));
const Instant = (what: string) => z.iso.datetime({ offset: true }).describe(`${what} (ISO instant with zone)`);

// ---------------------------------------------------------------- requests

export const InspectionRequestSchema = z
  .object({
    propertyId: z.uuid(),
    unitId: z.uuid().optional().describe('The unit, in a multi-unit building'),
    kind: Kind,
    inspectorId: z.uuid().describe('A user holding the inspector role'),
    slotAt: Instant('When the inspector visits').describe(
      'When the inspector visits (ISO instant with zone): at least the property\'s notice of entry (its maintenance policy\'s `entryNoticeHours`, 24 by default) from now',
    ),
    leaseId: z.uuid().optional().describe('For a move-in or move-out: the lease of the unit (its tenants are the occupants told of the visit); by default the unit\'s active lease'),
    project: z
      .object({ projectId: z.uuid(), commitmentId: z.string().trim().min(1).max(100).describe('The contract whose work is checked') })
      .optional()
      .describe('For a milestone inspection (and only for one): the project and contract it checks; its report goes to the project, whose draws wait for it'),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'milestone' && !r.project) ctx.addIssue({ code: 'custom', path: ['project'], message: 'a milestone inspection names the project and contract it checks' });
    if (r.kind !== 'milestone' && r.project) ctx.addIssue({ code: 'custom', path: ['project'], message: 'only a milestone inspection checks a project' });
  })
  .openapi('InspectionRequest');

export const RescheduleInspectionSchema = z
  .object({
    at: Instant('The new slot').refine((at) => Date.parse(at) > Date.now(), 'must be in the future'),
    reason: z.string().trim().max(1000).optional(),
  })
  .openapi('InspectionReschedule');
export const MissedInspectionSchema = z.object({ reason: Reason.describe('Why the visit did not happen') }).openapi('InspectionMissed');
export const CancelInspectionSchema = z.object({ reason: Reason }).openapi('InspectionCancel');

export const ReportItemSchema = z.object({
  area: Label.describe('The room or area (the checklist\'s: Entry, Kitchen…)'),
  item: Label,
  condition: Condition,
  notes: z.string().trim().max(2000).default('').describe('What is wrong, for an item in poor or damaged condition'),
  photoIds: PhotoIds.default([]),
  responsibility: Responsibility.optional(),
  estimatedCostMinor: MinorUnitsSchema.optional().describe('The inspector\'s estimate of putting it back to its move-in condition'),
});

export const ReportFindingSchema = z.object({
  area: Label,
  item: Label,
  description: z.string().trim().min(1).max(4000),
  severity: z.enum(SEVERITIES),
  responsibility: Responsibility,
  needsWork: z.boolean().describe('Starts a work order (a cosmetic note may need none)'),
  category: z.enum(WORK_ORDER_CATEGORIES).describe('The trade its work order goes to'),
  photoIds: PhotoIds.default([]),
  estimatedCostMinor: MinorUnitsSchema.optional(),
});

export const InspectionReportSchema = z
  .object({
    summary: z.string().trim().min(1).max(4000),
    items: z.array(ReportItemSchema).max(300).describe('Every item of the kind\'s checklist with its condition'),
    findings: z.array(ReportFindingSchema).max(100).default([]),
    observedBasisPoints: ObservedBasisPoints.optional().describe(
      'A milestone inspection\'s finding (needed for one): how complete each line of the contract\'s schedule of values is, in basis points (10000 = done), by item number',
    ),
  })
  .openapi('InspectionReport');

export const ReinspectionSchema = z
  .object({
    results: z
      .array(z.object({ workOrderId: z.uuid(), passed: z.boolean(), notes: z.string().trim().max(2000).default('').describe('What is still wrong, for a repair that failed') }))
      .min(1)
      .max(100)
      .describe('One result per repair done'),
  })
  .openapi('Reinspection');

export const DeductionSchema = z.object({ description: z.string().trim().min(1).max(300), amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const MoveOutDeductionsSchema = z
  .object({
    deductions: z
      .array(DeductionSchema)
      .max(100)
      .refine((ds) => ds.reduce((n, d) => n + d.amountMinor, 0) <= MAX_DEDUCTIONS_MINOR, 'the deductions add up to more than can be charged')
      .optional()
      .describe('The deductions as the manager settles them; left out, the inspection\'s `comparison.proposedDeductions` (each must have an amount)'),
  })
  .openapi('InspectionMoveOutDeductions');

// ---------------------------------------------------------------- state

const Person = z.object({ userId: z.string(), name: z.string(), email: z.string() });

const ItemState = z.object({
  area: z.string(),
  item: z.string(),
  condition: Condition,
  notes: z.string(),
  responsibility: Responsibility.optional(),
  estimatedCostMinor: z.number().int().optional(),
  photoIds: z.array(z.string()),
});

const FindingState = z.object({
  area: z.string(),
  item: z.string(),
  description: z.string(),
  severity: z.enum(SEVERITIES),
  responsibility: Responsibility,
  needsWork: z.boolean(),
  estimatedCostMinor: z.number().int().optional(),
  category: z.enum(WORK_ORDER_CATEGORIES),
  photoIds: z.array(z.string()),
});

export const InspectionDocumentSchema = z.object({ kind: z.enum(['report', 'final_report']), documentId: z.string(), sha256: z.string() });

export const InspectionStateSchema = z
  .object({
    inspectionId: z.string(),
    kind: Kind,
    propertyId: z.string(),
    unitId: z.string().nullable(),
    leaseId: z.string().nullable(),
    status: z.enum(INSPECTION_STATUSES),
    inspector: Person,
    slotAt: z.string(),
    missed: z.array(z.object({ slotAt: z.string(), recordedAt: z.string(), reason: z.string() })),
    report: z
      .object({
        items: z.array(ItemState),
        findings: z.array(FindingState),
        summary: z.string(),
        submittedAt: z.string(),
        by: z.string(),
        observedBasisPoints: z.record(z.string(), z.number().int()).optional().describe('A milestone inspection\'s: percent complete per line, in basis points'),
      })
      .nullable(),
    documents: z.array(InspectionDocumentSchema).describe('The report\'s PDF, and the final report once closed'),
    comparison: z
      .object({
        moveInInspectionId: z.string(),
        changes: z.array(z.object({ area: z.string(), item: z.string(), from: Condition, to: Condition, steps: z.number().int() })),
        proposedDeductions: z.array(z.object({ description: z.string(), amountMinor: z.number().int(), area: z.string(), item: z.string() })),
      })
      .nullable()
      .describe('A move-out against the unit\'s move-in: what got worse, and the deductions it proposes'),
    repairs: z.array(
      z.object({
        workOrderId: z.string(),
        findingRef: z.string(),
        priority: z.enum(WORK_ORDER_PRIORITIES),
        responsibility: Responsibility,
        status: z.enum(['open', 'done', 'cancelled']),
        workOrderStatus: z.enum(WORK_ORDER_STATUSES).nullable(),
        reopened: z.number().int(),
      }),
    ),
    reinspections: z.array(z.object({ at: z.string(), by: z.string(), results: z.array(z.object({ workOrderId: z.string(), passed: z.boolean(), notes: z.string() })) })),
    cancelled: z.object({ at: z.string(), by: z.string(), reason: z.string() }).nullable(),
    project: z
      .object({
        projectId: z.string(),
        commitmentId: z.string(),
        outcome: z
          .object({ recorded: z.boolean(), reason: z.string().nullable(), at: z.string() })
          .nullable()
          .describe('Once the report is in: whether the project recorded it (its draws are checked against it), or why it refused'),
      })
      .optional()
      .describe('A milestone inspection\'s project and contract'),
    history: z.array(z.object({ at: z.string(), event: z.string() })),
  })
  .openapi('InspectionState');

// The schema and the contract's type are one shape (a mismatch fails to compile).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _state: Same<z.infer<typeof InspectionStateSchema>, InspectionState> = true;
void _state;
