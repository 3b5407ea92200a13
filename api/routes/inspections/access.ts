/**
 * Who sees an inspection and as what they act on it. It is visible to its
 * inspector, the property's manager and owner, the tenants of the lease it
 * is about or of the unit it inspects (their active lease), and staff
 * (admins and ops read); anyone else gets 404, so its existence stays
 * private. Acting takes a capacity the route admits; the workflow's
 * validators then decide the state (409).
 */
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import { inspectionStateQuery, inspectionWorkflowId, type InspectionKind, type InspectionState, type InspectionStatus } from '../../../contracts/inspection';
import { Property } from '../../../models';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { formatAddress } from '../../property-address';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';
import { QUERY_TIMEOUT_MS } from '../../workflow-query';

export interface InspectionRow {
  id: string;
  property_id: string;
  unit_id: string | null;
  lease_id: string | null;
  kind: InspectionKind;
  status: InspectionStatus;
  inspector_id: string;
  state: InspectionState;
  workflow_id: string;
}

export interface VisibleInspection {
  row: InspectionRow;
  property: Property;
  address: string;
  /** Whether the caller is a tenant of its lease or of the unit it inspects. */
  occupant: boolean;
  /** The workflow's answer when the row was not written yet (asked once, reused by the read). */
  live?: InspectionState;
}

export type Capacity = 'inspector' | 'manager' | 'owner' | 'tenant' | 'staff';

const CAPACITY_NAMES: Record<Capacity, string> = {
  inspector: 'its inspector',
  manager: 'the property\'s manager',
  owner: 'the property\'s owner',
  tenant: 'a tenant of the unit',
  staff: 'an admin',
};

/**
 * The SQL of "the user ($1) is a tenant of the inspection `i`'s lease, or of
 * an active lease of its unit (a lease naming no unit covers the whole
 * property; an inspection of no unit, every lease of the property)". Shared
 * by the list and the single read.
 */
export const TENANT_SEES = `exists (
  select 1 from leases l
   where l.property_id = i.property_id and $1::uuid = any(l.tenant_ids)
     and (l.id = i.lease_id
          or (l.status = 'active' and (i.unit_id is null or l.terms->>'unitLabel' is null
                                       or l.terms->>'unitLabel' = (select u.label from units u where u.id = i.unit_id)))))`;

export const inspectionHandle = (deps: ApiDeps, row: Pick<InspectionRow, 'id' | 'workflow_id'>) => deps.temporal.workflow.getHandle(row.workflow_id ?? inspectionWorkflowId(row.id));

/** Every capacity the caller holds on this inspection. */
export function capacitiesOf(p: Principal, v: Pick<VisibleInspection, 'row' | 'property' | 'occupant'>): Set<Capacity> {
  const caps = new Set<Capacity>();
  if (hasRole(p, 'inspector') && v.row.inspector_id === p.userId) caps.add('inspector');
  if (hasRole(p, 'manager') && v.property.managerId === p.userId) caps.add('manager');
  if (hasRole(p, 'owner') && v.property.ownerId === p.userId) caps.add('owner');
  if (hasRole(p, 'tenant') && v.occupant) caps.add('tenant');
  if (hasRole(p, 'admin')) caps.add('staff');
  return caps;
}

/**
 * The inspection as its row records it or, between the request and the
 * workflow's first write of the row, as its workflow describes it (so the id
 * a client was just given never answers 404).
 */
export async function visibleInspection(c: Context<AppEnv>, id: string): Promise<VisibleInspection> {
  const deps = c.get('deps');
  const p = c.get('principal');
  const [recorded] = await deps.db.query<InspectionRow & { occupant: boolean }>(
    `select i.id, i.property_id, i.unit_id, i.lease_id, i.kind, i.status, i.inspector_id, i.state, i.workflow_id, ${TENANT_SEES} as occupant
       from inspections i where i.id = $2`,
    { bind: [p.userId, id], type: QueryTypes.SELECT },
  );
  const live = recorded ? undefined : await notYetRecorded(deps, id);
  const row = recorded ?? live?.row;
  const property = row && (await Property.findByPk(row.property_id));
  if (!row || !property) throw notFound('inspection');
  const occupant = recorded ? recorded.occupant : await tenantSees(deps, p.userId, row);
  const v: VisibleInspection = { row, property, address: formatAddress(property), occupant, ...(live ? { live: live.state } : {}) };
  if (!isStaff(p) && capacitiesOf(p, v).size === 0) throw notFound('inspection');
  return v;
}

/** TENANT_SEES for an inspection not recorded yet. */
async function tenantSees(deps: ApiDeps, userId: string, row: InspectionRow): Promise<boolean> {
  const [found] = await deps.db.query<{ sees: boolean }>(
    `select ${TENANT_SEES} as sees from (select $2::uuid as property_id, $3::uuid as unit_id, $4::uuid as lease_id) i`,
    { bind: [userId, row.property_id, row.unit_id, row.lease_id], type: QueryTypes.SELECT },
  );
  return found?.sees ?? false;
}

async function notYetRecorded(deps: ApiDeps, id: string): Promise<{ row: InspectionRow; state: InspectionState } | undefined> {
  const handle = inspectionHandle(deps, { id, workflow_id: inspectionWorkflowId(id) });
  try {
    const s = await deps.temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(inspectionStateQuery));
    const row: InspectionRow = {
      id,
      property_id: s.propertyId,
      unit_id: s.unitId,
      lease_id: s.leaseId,
      kind: s.kind,
      status: s.status,
      inspector_id: s.inspector.userId,
      state: s,
      workflow_id: handle.workflowId,
    };
    return { row, state: s };
  } catch {
    // No such workflow, or it cannot say in time: nothing to show.
    return undefined;
  }
}

export type InspectionTarget = UpdateTarget & VisibleInspection & { by: string; as: Capacity };

/** An inspection as the target of an Update: the caller acts in the first of `admitted` they hold; holding none of them is 403. */
export function inspectionTarget(...admitted: Capacity[]) {
  return async (c: Context<AppEnv>, id: string): Promise<InspectionTarget> => {
    const p = c.get('principal');
    const v = await visibleInspection(c, id);
    const held = capacitiesOf(p, v);
    const as = admitted.find((a) => held.has(a));
    if (!as) throw forbidden(`only ${admitted.map((a) => CAPACITY_NAMES[a]).join(' or ')} may do this`);
    const status = (v.live ?? v.row.state)?.status ?? v.row.status;
    return { ...v, by: p.userId, as, handle: inspectionHandle(c.get('deps'), v.row), finished: `the inspection is ${status}; it takes no more changes` };
  };
}
