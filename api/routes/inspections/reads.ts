/**
 * What people read of inspections: the ones they may see, one inspection's
 * whole state (the workflow's query, or what it last recorded when it cannot
 * answer) with links to its PDFs, and the PDFs themselves.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { inspectionStateQuery } from '../../../contracts/inspection';
import type { AppEnv } from '../../deps';
import { PDF_RESPONSE, subjectDocument } from '../../subject-document';
import { IdParams, json, problems, route } from '../../route';
import { queryOrUndefined } from '../../workflow-query';
import { inspectionHandle, visibleInspection } from './access';
import { listInspections } from './list';
import { InspectionListSchema, InspectionPageQuerySchema, InspectionSchema } from './schemas';
import { inspectionView } from './view';

const tags = ['Inspections'];
const WHO = 'Its inspector, the property\'s manager and owner, the tenants of its lease or of the unit it inspects, admins and ops see it; anyone else gets 404.';

export const inspectionReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/inspections',
      operationId: 'listInspections',
      tags,
      summary: 'The inspections the caller may see, newest first',
      description:
        'A tenant sees those of their lease or of the unit they rent; an inspector those assigned to them; a manager or an owner their properties\'; admins and ops all. A user with several roles sees the union.',
      roles: ['tenant', 'inspector', 'manager', 'owner', 'admin', 'ops'],
      request: { query: InspectionPageQuerySchema },
      responses: { 200: json(InspectionListSchema, 'A page, newest first'), ...problems(401, 403, 422) },
    }),
    async (c) => c.json(await listInspections(c.get('deps').db, c.get('principal'), c.req.valid('query')), 200),
  )
  .openapi(
    route({
      method: 'get',
      path: '/inspections/{id}',
      operationId: 'getInspection',
      tags,
      summary: 'An inspection\'s whole state: slot, report, comparison with the move-in, repairs, re-checks, documents and history',
      description: `${WHO} When the workflow cannot answer, the state it last recorded (\`readFrom: database\`, without the history).`,
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(InspectionSchema, 'The inspection'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const v = await visibleInspection(c, c.req.valid('param').id);
      const live = v.live ?? (await queryOrUndefined(c, inspectionHandle(c.get('deps'), v.row), inspectionStateQuery));
      return c.json(inspectionView(live ?? v.row.state, v.address, live ? 'workflow' : 'database'), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/inspections/{id}/documents/{documentId}',
      operationId: 'getInspectionDocument',
      tags,
      summary: 'One of the inspection\'s PDFs: its report, or its final report',
      description: `${WHO} A document that is not this inspection's is 404.`,
      roles: 'any',
      request: { params: z.object({ id: z.uuid(), documentId: z.uuid() }) },
      responses: {
        200: PDF_RESPONSE,
        ...problems(401, 404, 422),
      },
    }),
    async (c) => {
      const { id, documentId } = c.req.valid('param');
      await visibleInspection(c, id);
      return subjectDocument(c, { type: 'inspection', id }, documentId);
    },
  );
