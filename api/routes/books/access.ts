/**
 * Whose books a caller may see and keep. Staff (admin, ops) see every
 * property; a manager the properties they manage; an owner those they own a
 * share of. Keeping the books (bills, agreements, owners' money) is for the
 * property's manager and admins; approving a bill above the threshold is for
 * an owner of the property (or an admin).
 */
import { QueryTypes } from 'sequelize';
import type { PropertyScope } from '../../../lib/reports/books';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, Principal } from '../../deps';
import { ApiProblem } from '../../problem';

export async function visibleProperties(db: ApiDeps['db'], p: Principal): Promise<PropertyScope> {
  if (isStaff(p)) return 'all';
  const rows = await db.query<{ id: string }>(
    `select id from properties where $2 and manager_id = $1
     union select property_id from property_owners where $3 and owner_id = $1`,
    { bind: [p.userId, hasRole(p, 'manager'), hasRole(p, 'owner')], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

export const sees = (scope: PropertyScope, propertyId: string) => scope === 'all' || scope.includes(propertyId);

interface PropertyPeople {
  id: string;
  manager_id: string | null;
  owner_ids: string[];
}

export async function propertyPeople(db: ApiDeps['db'], propertyId: string): Promise<PropertyPeople | undefined> {
  const [row] = await db.query<PropertyPeople>(
    `select p.id, p.manager_id, coalesce(array_agg(o.owner_id) filter (where o.owner_id is not null), '{}') as owner_ids
       from properties p left join property_owners o on o.property_id = p.id where p.id = $1 group by p.id`,
    { bind: [propertyId], type: QueryTypes.SELECT },
  );
  return row;
}

/** The property's manager or an admin keeps its books. */
export const keepsBooks = (p: Principal, property: PropertyPeople) => hasRole(p, 'admin') || (hasRole(p, 'manager') && property.manager_id === p.userId);
/** An owner of the property or an admin approves what needs the owners' approval. */
export const approvesForOwners = (p: Principal, property: PropertyPeople) => hasRole(p, 'admin') || (hasRole(p, 'owner') && property.owner_ids.includes(p.userId));

/** 404 naming the field, for a property the caller may not keep (or that does not exist): never tell the two apart. */
export const propertyNotKept = (field = 'propertyId') =>
  new ApiProblem(404, 'not-found', `${field}: no such property, or none whose books you keep`, [{ field, message: 'no such property, or none whose books you keep' }]);
