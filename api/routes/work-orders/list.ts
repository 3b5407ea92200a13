/**
 * Pages of work orders from Postgres (never from Temporal visibility), newest
 * first, scoped to what the caller may see: their own requests; as a
 * contractor, the work assigned to them; as a manager or owner, their
 * properties'; staff, everything. Shared by the work-order list, the
 * maintenance-request list and the contractor's queue.
 */
import { QueryTypes } from 'sequelize';
import type { WorkOrderPriority, WorkOrderState, WorkOrderStatus, WorkOrderCategory } from '../../../contracts/work-order';
import { Property } from '../../../models';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, Principal } from '../../deps';
import { formatAddress } from '../../property-address';

export interface WorkOrderListFilter {
  limit: number;
  after?: string | undefined;
  status?: WorkOrderStatus | undefined;
  priority?: WorkOrderPriority | undefined;
  propertyId?: string | undefined;
  /** Only maintenance requests (not work an inspection raised). */
  requestsOnly?: boolean;
}

/** `visible`: every work order the caller may see; `assigned`: only those assigned to them as a contractor. */
export type WorkOrderScope = 'visible' | 'assigned';

interface SummaryRow {
  id: string;
  property_id: string;
  unit_id: string | null;
  status: WorkOrderStatus;
  priority: WorkOrderPriority;
  category: WorkOrderCategory;
  contractor_id: string | null;
  sla_breached: boolean;
  raised_at: Date;
  updated_at: Date;
  description: string | null;
  next: WorkOrderState['next'] | null;
}

// contractor_id mirrors the assignment: a contractor asked sees the work before they accept it.
const ASSIGNED = 'w.contractor_id = $1';

export async function listWorkOrders(db: ApiDeps['db'], p: Principal, scope: WorkOrderScope, f: WorkOrderListFilter) {
  const rows = await db.query<SummaryRow>(
    `select w.id, w.property_id, w.unit_id, w.status, w.priority, w.category, w.contractor_id, w.sla_breached, w.raised_at, w.updated_at,
            w.state->>'description' as description, w.state->'next' as next
       from work_orders w join properties pr on pr.id = w.property_id
      where (($12 and ${ASSIGNED}) or (not $12 and ($2 or w.requested_by = $1 or ($3 and ${ASSIGNED}) or ($4 and pr.manager_id = $1) or ($5 and pr.owner_id = $1))))
        and ($6::text is null or w.status = $6)
        and ($7::text is null or w.priority = $7)
        and ($8::uuid is null or w.property_id = $8)
        and (not $9 or w.state->'source'->>'kind' = 'request')
        and ($10::uuid is null or (w.raised_at, w.id) < (select raised_at, id from work_orders where id = $10))
      order by w.raised_at desc, w.id desc
      limit $11`,
    {
      bind: [
        p.userId,
        isStaff(p),
        hasRole(p, 'contractor'),
        hasRole(p, 'manager'),
        hasRole(p, 'owner'),
        f.status ?? null,
        f.priority ?? null,
        f.propertyId ?? null,
        f.requestsOnly ?? false,
        f.after ?? null,
        f.limit,
        scope === 'assigned',
      ],
      type: QueryTypes.SELECT,
    },
  );
  const properties = await Property.findAll({ where: { id: [...new Set(rows.map((r) => r.property_id))] } });
  const address = new Map(properties.map((pr) => [pr.id, formatAddress(pr)]));
  return {
    items: rows.map((r) => ({
      workOrderId: r.id,
      propertyId: r.property_id,
      unitId: r.unit_id,
      address: address.get(r.property_id) ?? '',
      status: r.status,
      priority: r.priority,
      category: r.category,
      description: r.description ?? '',
      contractorId: r.contractor_id,
      slaBreached: r.sla_breached,
      raisedAt: r.raised_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      next: r.next ?? null,
    })),
    nextAfter: rows.length === f.limit ? rows[rows.length - 1]!.id : null,
  };
}
