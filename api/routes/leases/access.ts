/**
 * Who may see and act on a lease: staff, the property's owner and manager,
 * and the lease's tenants see it (others get 404, so its existence stays
 * private); only the property's owner or manager, or an admin, manage it;
 * managers' notes are for those who manage it.
 */
import { QueryTypes } from 'sequelize';
import type { Context } from 'hono';
import { initialLeaseState, leaseWorkflowId, type LeaseState, type LeaseStatus, type LeaseTerms, type LeaseWorkflow } from '../../../contracts/lease';
import { Property } from '../../../models';
import { canManage, canRead, isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';

export interface LeaseRow {
  id: string;
  property_id: string | null;
  status: LeaseStatus;
  terms: LeaseTerms | null;
  tenant_ids: string[];
  workflow_id: string | null;
}

export interface VisibleLease {
  row: LeaseRow;
  property: Property | null;
}

/** A lease the caller may see: staff, the property's owner or manager, the lease's tenants. Others get 404. */
export async function visibleLease(db: ApiDeps['db'], p: Principal, id: string): Promise<VisibleLease> {
  const [row] = await db.query<LeaseRow>('select id, property_id, status, terms, tenant_ids, workflow_id from leases where id = $1', {
    bind: [id],
    type: QueryTypes.SELECT,
  });
  if (!row) throw notFound('lease');
  const property = row.property_id ? await Property.findByPk(row.property_id) : null;
  const visible = isStaff(p) || (property !== null && canRead(p, property)) || row.tenant_ids.includes(p.userId);
  if (!visible) throw notFound('lease');
  return { row, property };
}

export const managesLease = (p: Principal, lease: VisibleLease) => lease.property !== null && canManage(p, lease.property);

export async function manageableLease(db: ApiDeps['db'], p: Principal, id: string): Promise<VisibleLease> {
  const lease = await visibleLease(db, p, id);
  if (!managesLease(p, lease)) throw forbidden('only the property\'s owner, its manager or an admin may do this');
  return lease;
}

export const leaseHandle = (deps: ApiDeps, lease: LeaseRow) => deps.temporal.workflow.getHandle<LeaseWorkflow>(lease.workflow_id ?? leaseWorkflowId(lease.id));

/** A lease as the target of an Update route: the caller may see it, and `rule` says whether they may act. */
export function leaseTarget(rule: 'manage' | ((p: Principal, lease: VisibleLease) => void) = () => undefined) {
  return async (c: Context<AppEnv>, id: string): Promise<VisibleLease & UpdateTarget & { principal: Principal }> => {
    const deps = c.get('deps');
    const principal = c.get('principal');
    const lease = rule === 'manage' ? await manageableLease(deps.db, principal, id) : await visibleLease(deps.db, principal, id);
    if (rule !== 'manage') rule(principal, lease);
    return { ...lease, principal, handle: leaseHandle(deps, lease.row), finished: `the lease is ${lease.row.status}; it takes no more changes` };
  };
}

/** Managers' notes are internal: tenants and other parties do not see them. */
export const seesNotes = (p: Principal, lease: VisibleLease) => isStaff(p) || managesLease(p, lease);

/** The state as the API shows it; notes only to those who manage the lease. */
export function stateToApi(state: LeaseState, showNotes = true) {
  if (!showNotes) {
    const { notes: _internal, ...visible } = state;
    return { ...visible, source: 'workflow' as const };
  }
  return { ...state, source: 'workflow' as const };
}

/** When the workflow cannot be asked: the status recorded in Postgres, nothing else. */
export function fallbackState(row: LeaseRow) {
  return { ...initialLeaseState(row.id, row.status), source: 'database' as const };
}
