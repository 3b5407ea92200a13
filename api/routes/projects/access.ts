/**
 * Who sees a project and as what they act on it. It is visible to its
 * owners (who approve its change orders and pay applications), its manager
 * (who runs it), the contractors holding a contract on it, inspectors (who
 * inspect the work of any project), and staff (admins and ops read); anyone
 * else gets 404, so its existence stays private. Acting takes a capacity
 * the route admits (the Actor's `as`); the workflow's validators then decide
 * the turn and the figures (409).
 */
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import { projectStateQuery, projectWorkflowId, type Actor, type ProjectState, type ProjectStatus } from '../../../contracts/project';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';
import { queryOrUndefined } from '../../workflow-query';

export interface ProjectRow {
  id: string;
  property_id: string | null;
  parcel_id: string | null;
  kind: ProjectState['kind'];
  name: string;
  status: ProjectStatus;
  owner_ids: string[];
  manager_id: string | null;
  contractor_ids: string[];
  currency: string;
  /** Null until the workflow first records the project. */
  state: ProjectState | null;
  workflow_id: string;
}

export const PROJECT_COLUMNS = 'id, property_id, parcel_id, kind, name, status, owner_ids, manager_id, contractor_ids, currency, state, workflow_id';

export type Capacity = 'owner' | 'manager' | 'contractor' | 'inspector' | 'staff';

const CAPACITY_NAMES: Record<Capacity, string> = {
  owner: 'the project\'s owner',
  manager: 'the project\'s manager',
  contractor: 'the contractor of the contract',
  inspector: 'an inspector',
  staff: 'an admin',
};

export interface VisibleProject {
  row: ProjectRow;
  capacities: Set<Capacity>;
  /** The workflow's answer, when access needed it (a contractor whose contract the row does not list yet). */
  live?: ProjectState;
}

export const projectHandle = (deps: ApiDeps, row: Pick<ProjectRow, 'id' | 'workflow_id'>) => deps.temporal.workflow.getHandle(row.workflow_id ?? projectWorkflowId(row.id));

/** Every capacity the caller holds on this project (a contractor's: a contract on it, as the row or `live` lists them). */
export function capacitiesOf(p: Principal, row: ProjectRow, live?: ProjectState): Set<Capacity> {
  const caps = new Set<Capacity>();
  if (hasRole(p, 'owner') && row.owner_ids.includes(p.userId)) caps.add('owner');
  if (hasRole(p, 'manager') && row.manager_id === p.userId) caps.add('manager');
  const contractors = live ? live.commitments.map((c) => c.contractor.contractorId) : row.contractor_ids;
  if (hasRole(p, 'contractor') && contractors.includes(p.userId)) caps.add('contractor');
  if (hasRole(p, 'inspector')) caps.add('inspector');
  if (hasRole(p, 'admin')) caps.add('staff');
  return caps;
}

export async function projectRow(db: ApiDeps['db'], id: string): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(`select ${PROJECT_COLUMNS} from projects where id = $1`, { bind: [id], type: QueryTypes.SELECT });
  return row;
}

/**
 * The project as its row records it, visible to whoever holds a capacity on
 * it and to staff; anyone else gets 404. The row lists a contract's
 * contractor once the workflow has recorded it: a contractor it does not
 * list yet is looked up in the workflow's state.
 */
export async function visibleProject(c: Context<AppEnv>, id: string): Promise<VisibleProject> {
  const deps = c.get('deps');
  const p = c.get('principal');
  const row = await projectRow(deps.db, id);
  if (!row) throw notFound('project');
  let capacities = capacitiesOf(p, row);
  let live: ProjectState | undefined;
  if (hasRole(p, 'contractor') && !capacities.has('contractor')) {
    live = await queryOrUndefined(c, projectHandle(deps, row), projectStateQuery);
    if (live) capacities = capacitiesOf(p, row, live);
  }
  if (!isStaff(p) && capacities.size === 0) throw notFound('project');
  return { row, capacities, ...(live ? { live } : {}) };
}

export type ProjectTarget = UpdateTarget & VisibleProject & { actor: Actor };

/**
 * A project as the target of an Update: the caller acts in the first
 * capacity of `admitted` they hold, as `actAs` records it (a manager who
 * records an inspector's findings acts as the inspector); holding none of
 * them is 403.
 */
export function projectTarget(admitted: Capacity[], actAs: Partial<Record<Capacity, Actor['as']>> = {}) {
  return async (c: Context<AppEnv>, id: string): Promise<ProjectTarget> => {
    const p = c.get('principal');
    const v = await visibleProject(c, id);
    const as = admitted.find((a) => v.capacities.has(a));
    if (!as) throw forbidden(`only ${admitted.map((a) => CAPACITY_NAMES[a]).join(' or ')} may do this`);
    const status = v.live?.status ?? v.row.status;
    return {
      ...v,
      actor: { by: p.userId, as: actAs[as] ?? as },
      handle: projectHandle(c.get('deps'), v.row),
      finished: `the project is ${status.replaceAll('_', ' ')}; it takes no more changes`,
    };
  };
}
