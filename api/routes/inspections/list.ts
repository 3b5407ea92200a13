/**
 * Pages of inspections from Postgres (never from Temporal visibility), newest
 * first, scoped to what the caller may see: as a tenant, those of their
 * lease or their unit; as an inspector, theirs; as a manager or owner, their
 * properties'; staff, everything. A user with several roles sees the union.
 */
import { QueryTypes } from 'sequelize';
import type { InspectionKind, InspectionStatus } from '../../../contracts/inspection';
import { Property } from '../../../models';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, Principal } from '../../deps';
import { formatAddress } from '../../property-address';
import { TENANT_SEES, type InspectionRow } from './access';

export interface InspectionListFilter {
  limit: number;
  after?: string | undefined;
  status?: InspectionStatus | undefined;
  kind?: InspectionKind | undefined;
  propertyId?: string | undefined;
}

/** The inspection's row without its state, and what the list reads out of that state. */
interface SummaryRow extends Omit<InspectionRow, 'state' | 'workflow_id'> {
  inspector_name: string | null;
  slot_at: Date;
  reported: boolean;
  repairs: number;
  created_at: Date;
  updated_at: Date;
}

export async function listInspections(db: ApiDeps['db'], p: Principal, f: InspectionListFilter) {
  const rows = await db.query<SummaryRow>(
    `select i.id, i.property_id, i.unit_id, i.lease_id, i.kind, i.status, i.inspector_id, i.state->'inspector'->>'name' as inspector_name, i.slot_at,
            jsonb_typeof(i.state->'report') = 'object' as reported, coalesce(jsonb_array_length(i.state->'repairs'), 0)::int as repairs,
            i.created_at, i.updated_at
       from inspections i join properties pr on pr.id = i.property_id
      where ($2 or ($3 and i.inspector_id = $1) or ($4 and pr.manager_id = $1) or ($5 and pr.owner_id = $1) or ($6 and ${TENANT_SEES}))
        and ($7::text is null or i.status = $7)
        and ($8::text is null or i.kind = $8)
        and ($9::uuid is null or i.property_id = $9)
        and ($10::uuid is null or (i.created_at, i.id) < (select created_at, id from inspections where id = $10))
      order by i.created_at desc, i.id desc
      limit $11`,
    {
      bind: [
        p.userId,
        isStaff(p),
        hasRole(p, 'inspector'),
        hasRole(p, 'manager'),
        hasRole(p, 'owner'),
        hasRole(p, 'tenant'),
        f.status ?? null,
        f.kind ?? null,
        f.propertyId ?? null,
        f.after ?? null,
        f.limit,
      ],
      type: QueryTypes.SELECT,
    },
  );
  const properties = await Property.findAll({ where: { id: [...new Set(rows.map((r) => r.property_id))] } });
  const address = new Map(properties.map((pr) => [pr.id, formatAddress(pr)]));
  return {
    items: rows.map((r) => ({
      inspectionId: r.id,
      propertyId: r.property_id,
      unitId: r.unit_id,
      leaseId: r.lease_id,
      address: address.get(r.property_id) ?? '',
      kind: r.kind,
      status: r.status,
      inspector: { userId: r.inspector_id, name: r.inspector_name ?? '' },
      slotAt: new Date(r.slot_at).toISOString(),
      reported: Boolean(r.reported),
      repairs: Number(r.repairs),
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
    nextAfter: rows.length === f.limit ? rows[rows.length - 1]!.id : null,
  };
}
