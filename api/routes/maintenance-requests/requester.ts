/**
 * Who is raising a request, and for which occupancy: a tenant for a property
 * they rent (their active lease; its unit when the lease names one), or the
 * property's manager or an admin (for whoever lives there: the unit's active
 * lease, or the one lease of a property let whole). Anyone else gets 404,
 * so a property's existence stays private, as everywhere.
 */
import { QueryTypes } from 'sequelize';
import { Property, Unit } from '../../../models';
import { hasRole } from '../../access';
import type { ApiDeps, Principal } from '../../deps';
import { ApiProblem, fieldError } from '../../problem';

interface ActiveLease {
  id: string;
  tenant_ids: string[];
  unit_label: string | null;
}

export interface Occupancy {
  property: Property;
  unitId: string | null;
  lease: ActiveLease | null;
  /** Raised by the property's manager or an admin: it needs no triage. */
  triaged: boolean;
}

const notVisible = () =>
  new ApiProblem(404, 'not-found', 'propertyId: no such property, or none you rent or manage', [{ field: 'propertyId', message: 'no such property, or none you rent or manage' }]);

export async function occupancyFor(db: ApiDeps['db'], p: Principal, propertyId: string, unitId: string | undefined): Promise<Occupancy> {
  const property = await Property.findByPk(propertyId);
  if (!property) throw notVisible();
  const manages = hasRole(p, 'admin') || (hasRole(p, 'manager') && property.managerId === p.userId);
  const leases = await db.query<ActiveLease>(
    `select id, tenant_ids, terms->>'unitLabel' as unit_label from leases where property_id = $1 and status = 'active' order by created_at`,
    { bind: [property.id], type: QueryTypes.SELECT },
  );
  const mine = leases.filter((l) => l.tenant_ids.includes(p.userId));
  if (!manages && (!hasRole(p, 'tenant') || mine.length === 0)) throw notVisible();

  const unit = unitId ? await Unit.findOne({ where: { id: unitId, propertyId: property.id } }) : null;
  if (unitId && !unit) throw fieldError('unitId', 'no such unit in this property');

  let lease: ActiveLease | null;
  if (manages) {
    // Whoever lives there is told of visits: the unit's lease, or the one lease of a property let whole.
    const whole = leases.filter((l) => !l.unit_label);
    lease = unit ? (leases.find((l) => l.unit_label === unit.label) ?? null) : whole.length === 1 ? whole[0]! : null;
  } else if (unit) {
    lease = mine.find((l) => !l.unit_label || l.unit_label === unit.label) ?? null;
    if (!lease) throw new ApiProblem(403, 'forbidden', 'unitId: not a unit you rent', [{ field: 'unitId', message: 'not a unit you rent' }]);
  } else {
    if (mine.length > 1) throw fieldError('unitId', 'you rent more than one unit here: name the one the request is for');
    lease = mine[0]!;
  }
  const leaseUnit = !unit && lease?.unit_label ? await Unit.findOne({ where: { propertyId: property.id, label: lease.unit_label } }) : null;
  return { property, unitId: unit?.id ?? leaseUnit?.id ?? null, lease, triaged: manages };
}
