/** Whose resource is it: the ownership rules the handlers apply after the role check. */
import type { Principal } from './deps';

interface Owned {
  ownerId: string;
  managerId: string | null;
}

export const hasRole = (p: Principal, ...roles: Principal['roles']) => p.roles.some((r) => roles.includes(r));

/** Admins and ops staff see everything; only admins change everything. */
export const isStaff = (p: Principal) => hasRole(p, 'admin', 'ops');

/** The owner, the property's manager, or an admin may change a property and its listings. */
export function canManage(p: Principal, property: Owned): boolean {
  if (hasRole(p, 'admin')) return true;
  if (hasRole(p, 'owner') && property.ownerId === p.userId) return true;
  if (hasRole(p, 'manager') && property.managerId === p.userId) return true;
  return false;
}

export function canRead(p: Principal, property: Owned): boolean {
  return isStaff(p) || canManage(p, property);
}
