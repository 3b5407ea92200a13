/** The project routes' response shapes (the state and the request bodies are declared in contracts/project.schema.ts). */
import { z } from '@hono/zod-openapi';
import { PROJECT_KINDS, PROJECT_STATUSES } from '../../../contracts/project';
import { CurrencySchema } from '../../../contracts/money.schema';
import { ProjectStateSchema } from '../../../contracts/project.schema';
import { PageQuerySchema } from '../users';

export const ProjectSchema = ProjectStateSchema.extend({
  readFrom: z.enum(['workflow', 'database']).describe('`database` when the workflow could not answer: the state it last recorded (without the history)'),
}).openapi('Project');

export const ProjectStartedSchema = z
  .object({ projectId: z.uuid(), workflowId: z.string(), status: z.enum(['active']), location: z.string() })
  .openapi('ProjectStarted');

const Figures = z
  .object({ budgetMinor: z.number().int(), committedMinor: z.number().int(), paidMinor: z.number().int(), remainingMinor: z.number().int(), overrunMinor: z.number().int() })
  .describe('Budget vs committed vs paid vs remaining, as the project last recorded them (null before its first record)');

export const ProjectSummarySchema = z
  .object({
    projectId: z.string(),
    kind: z.enum(PROJECT_KINDS),
    name: z.string(),
    status: z.enum(PROJECT_STATUSES),
    propertyId: z.string().nullable(),
    parcelId: z.string().nullable(),
    address: z.string().nullable(),
    currency: CurrencySchema,
    plannedCompletion: z.string().nullable(),
    figures: Figures.nullable(),
    pendingApprovals: z.number().int().describe('How many things wait on someone'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ProjectSummary');

export const ProjectListSchema = z
  .object({ items: z.array(ProjectSummarySchema), nextAfter: z.uuid().nullable().describe('Pass as `after` for the next page; null when there is none') })
  .openapi('ProjectList');

/** Newest first; `after` is the last item's id of the previous page. */
export const ProjectPageQuerySchema = PageQuerySchema.extend({
  status: z.enum(PROJECT_STATUSES).optional(),
  propertyId: z.uuid().optional().describe('Projects on this property or parcel'),
});
