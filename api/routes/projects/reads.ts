/**
 * What people read of projects: the ones they may see (from Postgres, never
 * from Temporal visibility), one project's whole state (the workflow's
 * query: budget vs committed vs paid vs remaining, milestones, pending
 * approvals, critical dates; or what it last recorded when it cannot
 * answer), and its PDFs (change orders, their signed copies, the final
 * report).
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { projectStateQuery, type ProjectState, type ProjectStatus } from '../../../contracts/project';
import { hasRole, isStaff } from '../../access';
import type { AppEnv } from '../../deps';
import { PDF_RESPONSE, subjectDocument } from '../../subject-document';
import { notFound } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { queryOrUndefined } from '../../workflow-query';
import { projectHandle, visibleProject } from './access';
import { ProjectListSchema, ProjectPageQuerySchema, ProjectSchema } from './schemas';

const tags = ['Projects'];

interface SummaryRow {
  id: string;
  kind: ProjectState['kind'];
  name: string;
  status: ProjectStatus;
  property_id: string | null;
  parcel_id: string | null;
  currency: ProjectState['currency'];
  address: string | null;
  planned_completion: string | null;
  totals: ProjectState['summary']['totals'] | null;
  pending: number | null;
  created_at: Date;
  updated_at: Date;
}

export const projectView = (state: ProjectState, readFrom: 'workflow' | 'database') => ({ ...state, readFrom });

export const projectReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/projects',
      operationId: 'listProjects',
      tags,
      summary: 'The projects the caller may see, newest first',
      description:
        'Owners and managers see their projects; a contractor the projects they hold a contract on; inspectors, admins and ops all of them. A user with several roles sees the union.',
      roles: ['owner', 'manager', 'contractor', 'inspector', 'admin', 'ops'],
      request: { query: ProjectPageQuerySchema },
      responses: { 200: json(ProjectListSchema, 'A page, newest first'), ...problems(401, 403, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const p = c.get('principal');
      const q = c.req.valid('query');
      const rows = await db.query<SummaryRow>(
        `select id, kind, name, status, property_id, parcel_id, currency, state->'site'->>'address' as address,
                state->'schedule'->>'plannedCompletion' as planned_completion, state->'summary'->'totals' as totals,
                jsonb_array_length(coalesce(state->'pendingApprovals', '[]'::jsonb)) as pending, created_at, updated_at
           from projects
          where ($2 or ($3 and $1 = any(owner_ids)) or ($4 and manager_id = $1) or ($5 and $1 = any(contractor_ids)))
            and ($6::text is null or status = $6)
            and ($7::uuid is null or property_id = $7 or parcel_id = $7)
            and ($8::uuid is null or (created_at, id) < (select created_at, id from projects where id = $8))
          order by created_at desc, id desc
          limit $9`,
        {
          bind: [p.userId, isStaff(p) || hasRole(p, 'inspector'), hasRole(p, 'owner'), hasRole(p, 'manager'), hasRole(p, 'contractor'), q.status ?? null, q.propertyId ?? null, q.after ?? null, q.limit],
          type: QueryTypes.SELECT,
        },
      );
      return c.json(
        {
          items: rows.map((r) => ({
            projectId: r.id,
            kind: r.kind,
            name: r.name,
            status: r.status,
            propertyId: r.property_id,
            parcelId: r.parcel_id,
            address: r.address,
            currency: r.currency,
            plannedCompletion: r.planned_completion,
            figures: r.totals
              ? { budgetMinor: r.totals.budgetMinor, committedMinor: r.totals.committedMinor, paidMinor: r.totals.paidMinor, remainingMinor: r.totals.remainingMinor, overrunMinor: r.totals.overrunMinor }
              : null,
            pendingApprovals: Number(r.pending ?? 0),
            createdAt: r.created_at.toISOString(),
            updatedAt: r.updated_at.toISOString(),
          })),
          nextAfter: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
        },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/projects/{id}',
      operationId: 'getProject',
      tags,
      summary: 'A project\'s whole state: budget vs committed vs paid vs remaining by cost code, contracts, milestones, change orders, pay applications, pending approvals and critical dates',
      description:
        'For its owners and manager, the contractors holding a contract on it, inspectors and staff; anyone else gets 404. When the workflow cannot answer, the state it last recorded (`readFrom: database`, without the history).',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(ProjectSchema, 'The project'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const v = await visibleProject(c, c.req.valid('param').id);
      const handle = projectHandle(c.get('deps'), v.row);
      let live = v.live ?? (await queryOrUndefined(c, handle, projectStateQuery));
      // Right after it is set up the row holds no state yet: the workflow is asked once more before giving up.
      if (!live && !v.row.state) live = await new Promise((r) => setTimeout(r, 500)).then(() => queryOrUndefined(c, handle, projectStateQuery));
      if (live) return c.json(projectView(live, 'workflow'), 200);
      if (!v.row.state) throw notFound('project');
      return c.json(projectView(v.row.state, 'database'), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/projects/{id}/documents/{documentId}',
      operationId: 'getProjectDocument',
      tags,
      summary: 'One of the project\'s PDFs: a change order, its copy signed by the owners, the final report',
      description: 'For whoever may read the project; anyone else gets 404.',
      roles: 'any',
      request: { params: z.object({ id: z.uuid(), documentId: z.uuid() }) },
      responses: {
        200: PDF_RESPONSE,
        ...problems(401, 404, 422),
      },
    }),
    async (c) => {
      const { id, documentId } = c.req.valid('param');
      await visibleProject(c, id);
      return subjectDocument(c, { type: 'project', id }, documentId);
    },
  );
