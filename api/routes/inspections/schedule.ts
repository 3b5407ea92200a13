/**
 * Scheduling an inspection: its input is built from the request and the
 * records (the property's maintenance policy and its notice of entry, its
 * people, the unit's lease and so its occupants, the inspector) and its
 * workflow started. The workflow writes the inspection's row itself
 * (recordInspection), so a start that fails leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { QueryTypes, type Sequelize } from 'sequelize';
import { earliestEntry, INSPECTION_WORKFLOW_TYPE, inspectionWorkflowId, type InspectionInput } from '../../../contracts/inspection';
import { InspectionRequestSchema } from '../../../contracts/inspection.schema';
import { PropertyIdKey, ProcessStatusKey } from '../../../domain/search-attributes';
import { maintenancePolicyOf, workOrderPerson, workOrderProperty } from '../../maintenance-context';
import { Property, Unit, User } from '../../../models';
import { hasRole } from '../../access';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, forbidden } from '../../problem';
import { formatAddress } from '../../property-address';
import { idLink, json, operationRef, problems, route, type Link } from '../../route';
import { InspectionStartedSchema } from './schemas';

const person = workOrderPerson;

interface LeaseRow {
  id: string;
  status: string;
  tenant_ids: string[];
  unit_label: string | null;
}

/** What a client does next with the new inspection: every operation on `/v1/inspections/{id}`. */
const INSPECTION_LINKS: Record<string, Link> = Object.fromEntries(
  (
    [
      ['GetInspection', 'get', '', 'The inspection\'s state, report and documents'],
      ['Reschedule', 'post', '/reschedule', 'Move the visit (with the notice of entry)'],
      ['Missed', 'post', '/missed', 'Record that the visit did not happen'],
      ['Cancel', 'post', '/cancel', 'Cancel it before the report'],
      ['Report', 'post', '/report', 'Submit the report (the inspector)'],
      ['Reinspection', 'post', '/reinspection', 'Record the post-repair re-check (the inspector)'],
      ['MoveOutDeductions', 'post', '/move-out-deductions', 'Settle a move-out\'s deductions on its lease'],
    ] as const
  ).map(([name, method, suffix, description]) => [name, idLink(operationRef(method, `/v1/inspections/{id}${suffix}`), description, '$response.body#/inspectionId')]),
);

const MOVES = ['move_in', 'move_out'];

/** A milestone inspection's project: on this property (or its parcel), not completed, and holding the contract named. */
async function requireProjectContract(db: Sequelize, propertyId: string, project: { projectId: string; commitmentId: string }) {
  const [row] = await db.query<{ status: string; commitment_ids: string[] | null }>(
    `select status, array(select c->>'commitmentId' from jsonb_array_elements(coalesce(state->'commitments', '[]'::jsonb)) c) as commitment_ids
       from projects where id = $1 and coalesce(property_id, parcel_id) = $2`,
    { bind: [project.projectId, propertyId], type: QueryTypes.SELECT },
  );
  if (!row) throw fieldError('project.projectId', 'no project of this property has this id');
  if (row.status === 'completed') throw fieldError('project.projectId', 'the project is completed');
  if (!(row.commitment_ids ?? []).includes(project.commitmentId)) throw fieldError('project.commitmentId', 'the project has no contract with this id');
}

const notVisible = () =>
  new ApiProblem(404, 'not-found', 'propertyId: no such property, or none you manage', [{ field: 'propertyId', message: 'no such property, or none you manage' }]);

export const scheduleInspectionRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/inspections',
    operationId: 'scheduleInspection',
    tags: ['Inspections'],
    summary: 'Schedule an inspection, and start its workflow',
    description: [
      'The property\'s manager or an admin; a property the caller does not manage is 404. `unitId` must be a unit of that property and `inspectorId` a user holding the inspector role (422 otherwise).',
      '`slotAt` must give the occupants the notice of entry the property\'s maintenance policy sets (`entryNoticeHours`, 24 unless the property says otherwise): an earlier slot is 422 naming `slotAt`.',
      '`leaseId`, for a move-in or move-out, is the lease of the unit (a lease of another property or unit is 422); left out, the unit\'s active lease is used. Its tenants are told of the visit.',
      'A milestone inspection names `project`: a project on this property (or its parcel) that is not completed, and one of its contracts (422 naming `project.projectId` or `project.commitmentId` otherwise).',
      'The work orders the findings start carry the property\'s maintenance policy as it is now. Follow `Location` for the inspection.',
    ].join(' '),
    roles: ['manager', 'admin'],
    idempotent: true,
    request: { body: { content: { 'application/json': { schema: InspectionRequestSchema } }, required: true } },
    responses: {
      202: { ...json(InspectionStartedSchema, 'Accepted: the inspection\'s workflow runs'), links: INSPECTION_LINKS },
      ...problems(400, 401, 403, 404, 422, 503),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const p = c.get('principal');
    const body = c.req.valid('json');
    const property = await Property.findByPk(body.propertyId);
    if (!property || !(hasRole(p, 'admin') || (hasRole(p, 'manager') && property.managerId === p.userId))) throw notVisible();

    let unit = body.unitId ? await Unit.findOne({ where: { id: body.unitId, propertyId: property.id } }) : null;
    if (body.unitId && !unit) throw fieldError('unitId', 'no such unit in this property');

    const policy = await maintenancePolicyOf(deps.db, property.id);
    const slotMs = Date.parse(body.slotAt);
    const earliest = earliestEntry(Date.now(), policy.entryNoticeHours);
    if (slotMs < earliest) {
      throw fieldError('slotAt', `the occupants are owed ${policy.entryNoticeHours} hours' notice of entry: the earliest slot is ${new Date(earliest).toISOString()}`);
    }

    // The lease: the one named (of this property, and of the unit), or the unit's active lease (the one lease of a property let whole).
    const leases = await deps.db.query<LeaseRow>(
      `select id, status, tenant_ids, terms->>'unitLabel' as unit_label from leases where property_id = $1 order by created_at`,
      { bind: [property.id], type: QueryTypes.SELECT },
    );
    let lease: LeaseRow | null;
    if (body.leaseId) {
      lease = leases.find((l) => l.id === body.leaseId) ?? null;
      if (!lease) throw fieldError('leaseId', 'no lease of this property has this id');
      if (unit && lease.unit_label && lease.unit_label !== unit.label) throw fieldError('leaseId', `that lease is of unit ${lease.unit_label}, not ${unit.label}`);
      if (!unit && lease.unit_label) unit = await Unit.findOne({ where: { propertyId: property.id, label: lease.unit_label } });
    } else {
      const active = leases.filter((l) => l.status === 'active');
      const whole = active.filter((l) => !l.unit_label);
      lease = unit ? (active.find((l) => l.unit_label === unit!.label) ?? (whole.length === 1 ? whole[0]! : null)) : whole.length === 1 ? whole[0]! : null;
    }

    const ids = [p.userId, property.ownerId, body.inspectorId, ...(property.managerId ? [property.managerId] : []), ...(lease?.tenant_ids ?? [])];
    const users = new Map((await User.findAll({ where: { id: [...new Set(ids)] } })).map((u) => [u.id, u]));
    const me = users.get(p.userId);
    if (!me) throw forbidden('your account has no user record');
    const inspector = users.get(body.inspectorId);
    if (!inspector || !inspector.roles.includes('inspector')) throw fieldError('inspectorId', 'no user with the inspector role has this id');
    const owner = users.get(property.ownerId);
    if (!owner) throw fieldError('propertyId', 'the property\'s owner has no user record');
    const manager = property.managerId ? users.get(property.managerId) : undefined;
    const occupants = (lease?.tenant_ids ?? []).flatMap((id) => (users.has(id) ? [person(users.get(id)!)] : []));
    const managers = manager ? [person(manager)] : [];

    if (body.project) await requireProjectContract(deps.db, property.id, body.project);

    const address = formatAddress(property);
    const inspectionId = randomUUID();
    const slotAt = new Date(slotMs).toISOString();
    const input: InspectionInput = {
      inspectionId,
      kind: body.kind,
      propertyId: property.id,
      unitId: unit?.id ?? null,
      address,
      // The lease whose move-in or move-out this is; another inspection names one only when asked to.
      leaseId: body.leaseId ?? (MOVES.includes(body.kind) ? (lease?.id ?? null) : null),
      inspector: person(inspector),
      occupants,
      managers,
      slotAt,
      noticeHours: policy.entryNoticeHours,
      workOrders: {
        // A repair the tenant caused is charged to the occupants' lease.
        property: workOrderProperty(property, policy, unit?.id ?? null, lease?.id ?? null),
        managers,
        owners: [person(owner)],
        occupants,
        requestedBy: person(me),
      },
      requestedBy: p.userId,
      scheduledAt: new Date().toISOString(),
      ...(body.project && { project: body.project }),
    };
    const workflowId = inspectionWorkflowId(inspectionId);
    await deps.temporal.workflow.start(INSPECTION_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: deps.operationsTaskQueue ?? deps.config.temporal.taskQueues.operations,
      args: [input],
      typedSearchAttributes: [
        { key: PropertyIdKey, value: property.id },
        { key: ProcessStatusKey, value: 'scheduled' },
      ],
      memo: { address, summary: `${body.kind.replace('_', '-')} inspection of ${address}${unit ? ` (unit ${unit.label})` : ''} by ${inspector.name} at ${slotAt}` },
    });
    const location = `/v1/inspections/${inspectionId}`;
    c.header('location', location);
    return c.json({ inspectionId, workflowId, status: 'scheduled' as const, slotAt, noticeHours: policy.entryNoticeHours, location }, 202);
  },
);
