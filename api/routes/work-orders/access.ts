/**
 * Who sees a work order and as what they act on it. It is visible to its
 * requester, the property's manager and owner, the contractor it is assigned
 * to (asked or accepted), and staff (admins and ops read); anyone else gets
 * 404, so its existence stays private. Acting takes a capacity the route
 * admits (the Actor's `as`); the workflow's validators then decide the turn
 * and the state (409).
 */
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import { workOrderStateQuery, workOrderWorkflowId, type Actor, type WorkOrderState, type WorkOrderStatus } from '../../../contracts/work-order';
import { Property } from '../../../models';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { formatAddress } from '../../property-address';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';
import { QUERY_TIMEOUT_MS } from '../../workflow-query';

export interface WorkOrderRow {
  id: string;
  property_id: string;
  unit_id: string | null;
  requested_by: string;
  status: WorkOrderStatus;
  contractor_id: string | null;
  state: WorkOrderState;
  workflow_id: string;
}

export interface VisibleWorkOrder {
  row: WorkOrderRow;
  property: Property;
  address: string;
  /** The workflow's answer when the row was not written yet (asked once, reused by the read). */
  live?: WorkOrderState;
}

export type Capacity = Exclude<Actor['as'], 'inspection'>;

const CAPACITY_NAMES: Record<Capacity, string> = {
  requester: 'its requester',
  tenant: 'the tenant who raised it',
  manager: 'the property\'s manager',
  owner: 'the property\'s owner',
  contractor: 'the contractor it is assigned to',
  staff: 'an admin',
};

export const workOrderHandle = (deps: ApiDeps, row: Pick<WorkOrderRow, 'id' | 'workflow_id'>) => deps.temporal.workflow.getHandle(row.workflow_id ?? workOrderWorkflowId(row.id));

/** Every capacity the caller holds on this work order. */
export function capacitiesOf(p: Principal, v: Pick<VisibleWorkOrder, 'row' | 'property'>): Set<Capacity> {
  const caps = new Set<Capacity>();
  const requester = v.row.requested_by === p.userId;
  if (requester) caps.add('requester');
  if (requester && hasRole(p, 'tenant')) caps.add('tenant');
  if (hasRole(p, 'manager') && v.property.managerId === p.userId) caps.add('manager');
  if (hasRole(p, 'owner') && v.property.ownerId === p.userId) caps.add('owner');
  // contractor_id mirrors the assignment (the contractor asked, then the one who accepted).
  if (hasRole(p, 'contractor') && v.row.contractor_id === p.userId) caps.add('contractor');
  if (hasRole(p, 'admin')) caps.add('staff');
  return caps;
}

/**
 * The work order as its row records it or, between the request and the
 * workflow's first write of the row, as its workflow describes it (so the id
 * a client was just given never answers 404).
 */
export async function visibleWorkOrder(c: Context<AppEnv>, id: string): Promise<VisibleWorkOrder> {
  const deps = c.get('deps');
  const p = c.get('principal');
  const [recorded] = await deps.db.query<WorkOrderRow>(
    'select id, property_id, unit_id, requested_by, status, contractor_id, state, workflow_id from work_orders where id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  // The row follows the workflow by a moment: a contractor just asked may not be on it yet (nor a work order on the row at all).
  const askedAfterRow = recorded && hasRole(p, 'contractor') && recorded.contractor_id !== p.userId;
  const live = recorded && !askedAfterRow ? undefined : await notYetRecorded(deps, id);
  const row = live?.row ?? recorded;
  const property = row && (await Property.findByPk(row.property_id));
  if (!row || !property) throw notFound('work order');
  const v = { row, property, address: formatAddress(property), ...(live ? { live: live.state } : {}) };
  if (!isStaff(p) && capacitiesOf(p, v).size === 0) throw notFound('work order');
  return v;
}

async function notYetRecorded(deps: ApiDeps, id: string): Promise<{ row: WorkOrderRow; state: WorkOrderState } | undefined> {
  const handle = workOrderHandle(deps, { id, workflow_id: workOrderWorkflowId(id) });
  try {
    const s = await deps.temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(workOrderStateQuery));
    const row: WorkOrderRow = {
      id,
      property_id: s.propertyId,
      unit_id: s.unitId,
      requested_by: s.requestedBy.userId,
      status: s.status,
      contractor_id: s.assignment?.contractorId ?? null,
      state: s,
      workflow_id: handle.workflowId,
    };
    return { row, state: s };
  } catch {
    // No such workflow, or it cannot say in time: nothing to show.
    return undefined;
  }
}

export type WorkOrderTarget = UpdateTarget & VisibleWorkOrder & { actor: Actor };

/**
 * A work order as the target of an Update: the caller acts in the first of
 * `admitted` they hold (a manager who raised the request cancels as the
 * manager…); holding none of them is 403.
 */
export function workOrderTarget(...admitted: Capacity[]) {
  return async (c: Context<AppEnv>, id: string): Promise<WorkOrderTarget> => {
    const p = c.get('principal');
    const v = await visibleWorkOrder(c, id);
    const held = capacitiesOf(p, v);
    const as = admitted.find((a) => held.has(a));
    if (!as) throw forbidden(`only ${admitted.map((a) => CAPACITY_NAMES[a]).join(' or ')} may do this`);
    const status = (v.live ?? v.row.state)?.status ?? v.row.status;
    return {
      ...v,
      actor: { by: p.userId, as },
      handle: workOrderHandle(c.get('deps'), v.row),
      finished: `the work order is ${status.replaceAll('_', ' ')}; it takes no more changes`,
    };
  };
}
