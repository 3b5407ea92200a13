/**
 * Setting up a project: its input is built from the body and the records
 * (the site's address, its owner and manager), its row written (the owners,
 * manager and site the API lists and authorizes on) and its workflow
 * started. A start that fails removes the row, so nothing is left behind.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { PROJECT_WORKFLOW_TYPE, projectWorkflowId, type ProjectInput, type ProjectPerson } from '../../../contracts/project';
import { ProjectCreateSchema } from '../../../contracts/project.schema';
import { ProcessStatusKey, PropertyIdKey } from '../../../domain/search-attributes';
import { Parcel, Property, User } from '../../../models';
import { canManage } from '../../access';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, forbidden } from '../../problem';
import { formatAddress } from '../../property-address';
import { idLink, json, operationRef, problems, route, type Link } from '../../route';
import { ProjectStartedSchema } from './schemas';

const person = (u: User): ProjectPerson => ({ userId: u.id, name: u.name, email: u.email });

const notVisible = (field: 'propertyId' | 'parcelId') =>
  new ApiProblem(404, 'not-found', `${field}: no such ${field === 'parcelId' ? 'parcel' : 'property'}, or none you own or manage`, [
    { field, message: `no such ${field === 'parcelId' ? 'parcel' : 'property'}, or none you own or manage` },
  ]);

/** What a client does next with the new project: every operation on `/v1/projects/{id}`. */
const PROJECT_LINKS: Record<string, Link> = Object.fromEntries(
  (
    [
      ['GetProject', 'get', '', 'The project\'s state'],
      ['AddCommitment', 'post', '/commitments', 'Let a contract (the manager)'],
      ['ProposeChangeOrder', 'post', '/change-orders', 'Propose a change order to a contract'],
      ['PreparePayApplication', 'post', '/pay-applications', 'Draft a pay application (the contractor)'],
      ['SubmitPayApplication', 'post', '/pay-application-submissions', 'Submit it for review'],
      ['ReviewPayApplication', 'post', '/pay-application-reviews', 'Approve it or send it back'],
      ['RecordMilestoneInspection', 'post', '/milestone-inspections', 'Record a milestone inspection'],
      ['RecordLienWaiver', 'post', '/lien-waivers', 'Record a signed lien waiver'],
      ['RecordPermit', 'post', '/permits', 'Record a permit'],
      ['RecordSubstantialCompletion', 'post', '/substantial-completion', 'Record substantial completion'],
      ['RecordFinalInspection', 'post', '/final-inspections', 'Record the final inspection'],
    ] as const
  ).map(([name, method, suffix, description]) => [name, idLink(operationRef(method, `/v1/projects/{id}${suffix}`), description, '$response.body#/projectId')]),
);

export const createProjectRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/projects',
    operationId: 'createProject',
    tags: ['Projects'],
    summary: 'Set up a construction project (a renovation of a property, or new construction on a parcel), and start its workflow',
    description:
      'The site\'s owner, its manager, or an admin; a property or parcel the caller neither owns nor manages is 404. The owners (`ownerIds`, default: the property\'s owner; each a user with the owner role) approve change orders by signing them and review pay applications; the property\'s manager runs the project. Follow `Location` for the project.',
    roles: ['owner', 'manager', 'admin'],
    idempotent: true,
    request: { body: { content: { 'application/json': { schema: ProjectCreateSchema } }, required: true } },
    responses: {
      202: { ...json(ProjectStartedSchema, 'Accepted: the project\'s workflow runs'), links: PROJECT_LINKS },
      ...problems(400, 401, 403, 404, 422, 503),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const p = c.get('principal');
    const body = c.req.valid('json');
    const field = body.parcelId ? ('parcelId' as const) : ('propertyId' as const);
    const siteId = (body.parcelId ?? body.propertyId)!;
    const property = await Property.findByPk(siteId);
    if (!property || !canManage(p, property)) throw notVisible(field);
    if (field === 'parcelId' && !(await Parcel.findByPk(siteId))) throw notVisible(field);

    const ownerIds = body.ownerIds ?? [property.ownerId];
    const ids = [...new Set([p.userId, ...ownerIds, ...(property.managerId ? [property.managerId] : [])])];
    const users = new Map((await User.findAll({ where: { id: ids } })).map((u) => [u.id, u]));
    if (!users.has(p.userId)) throw forbidden('your account has no user record');
    const owners = ownerIds.map((id) => users.get(id));
    if (owners.some((u) => !u || !u.roles.includes('owner'))) throw fieldError('ownerIds', 'each owner must be a user with the owner role');
    const manager = property.managerId ? users.get(property.managerId) : undefined;

    const projectId = randomUUID();
    const address = formatAddress(property);
    const workflowId = projectWorkflowId(projectId);
    const input: ProjectInput = {
      projectId,
      kind: body.kind,
      name: body.name,
      site: { propertyId: body.propertyId ?? null, parcelId: body.parcelId ?? null, address },
      currency: body.currency,
      budget: body.budget,
      contingencyMinor: body.contingencyMinor,
      plannedStart: body.plannedStart,
      plannedCompletion: body.plannedCompletion,
      improvements: body.improvements,
      owners: [...new Set(ownerIds)].map((id) => person(users.get(id)!)),
      managers: manager ? [person(manager)] : [],
      createdAt: new Date().toISOString(),
      createdBy: p.userId,
      ...(body.permitReminderDays ? { permitReminderDays: body.permitReminderDays } : {}),
    };
    // The row first: the owners and manager are the API's to record (the workflow's state does not name them).
    await deps.db.query(
      `insert into projects (id, property_id, parcel_id, kind, name, status, owner_ids, manager_id, contractor_ids, currency, built_property_type, state, workflow_id, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, 'active', $6::uuid[], $7, '{}', $8, $9, null, $10, $11, now(), now())`,
      {
        bind: [projectId, input.site.propertyId, input.site.parcelId, body.kind, body.name, input.owners.map((o) => o.userId), manager?.id ?? null, body.currency, body.propertyType ?? null, workflowId, p.userId],
        type: QueryTypes.INSERT,
      },
    );
    try {
      await deps.temporal.workflow.start(PROJECT_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: deps.operationsTaskQueue ?? deps.config.temporal.taskQueues.operations,
        args: [input],
        typedSearchAttributes: [...(input.site.propertyId ? [{ key: PropertyIdKey, value: input.site.propertyId }] : []), { key: ProcessStatusKey, value: 'active' }],
        memo: { address, summary: `${body.kind === 'renovation' ? 'Renovation' : 'New construction'} at ${address}: ${body.name.slice(0, 120)}` },
      });
    } catch (err) {
      await deps.db.query('delete from projects where id = $1', { bind: [projectId] }).catch(() => undefined);
      throw err;
    }
    const location = `/v1/projects/${projectId}`;
    c.header('location', location);
    return c.json({ projectId, workflowId, status: 'active' as const, location }, 202);
  },
);
