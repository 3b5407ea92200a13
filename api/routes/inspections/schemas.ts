/** The inspection routes' response shapes (the state and the request bodies are declared in contracts/inspection.schema.ts). */
import { z } from '@hono/zod-openapi';
import { INSPECTION_KINDS } from '../../../domain/inspection/report';
import { INSPECTION_STATUSES } from '../../../contracts/inspection';
import { DeductionSchema, InspectionDocumentSchema, InspectionStateSchema } from '../../../contracts/inspection.schema';
import { LeaseStateSchema } from '../leases/schemas';
import { PageQuerySchema } from '../users';

export const InspectionSchema = InspectionStateSchema.extend({
  address: z.string().describe('The property\'s address, for the visit'),
  documents: z
    .array(InspectionDocumentSchema.extend({ href: z.string().describe('Where the PDF is: GET /v1/inspections/{id}/documents/{documentId}') }))
    .describe('The report\'s PDF, and the final report once closed'),
  readFrom: z.enum(['workflow', 'database']).describe('`database` when the workflow could not answer: the state it last recorded'),
}).openapi('Inspection');

export const InspectionSummarySchema = z
  .object({
    inspectionId: z.string(),
    propertyId: z.string(),
    unitId: z.string().nullable(),
    leaseId: z.string().nullable(),
    address: z.string(),
    kind: z.enum(INSPECTION_KINDS),
    status: z.enum(INSPECTION_STATUSES),
    inspector: z.object({ userId: z.string(), name: z.string() }),
    slotAt: z.string(),
    reported: z.boolean().describe('Whether the inspector\'s report is in'),
    repairs: z.number().int().describe('Work orders its findings started'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('InspectionSummary');

export const InspectionListSchema = z
  .object({ items: z.array(InspectionSummarySchema), nextAfter: z.uuid().nullable().describe('Pass as `after` for the next page; null when there is none') })
  .openapi('InspectionList');

/** Newest first; `after` is the last item's id of the previous page. */
export const InspectionPageQuerySchema = PageQuerySchema.extend({
  status: z.enum(INSPECTION_STATUSES).optional(),
  kind: z.enum(INSPECTION_KINDS).optional(),
  propertyId: z.uuid().optional(),
});

export const InspectionStartedSchema = z
  .object({
    inspectionId: z.uuid(),
    workflowId: z.string(),
    status: z.literal('scheduled'),
    slotAt: z.string(),
    noticeHours: z.number().int().describe('The notice of entry the occupants get (the property\'s maintenance policy)'),
    location: z.string(),
  })
  .openapi('InspectionStarted');

export const MoveOutSettledSchema = z
  .object({
    inspectionId: z.string(),
    leaseId: z.string(),
    deductions: z.array(DeductionSchema).describe('What the lease\'s move-out received'),
    // The lease after its move-out was recorded (the deposit then settles).
    lease: LeaseStateSchema,
  })
  .openapi('InspectionMoveOutDeductionsRecorded');
