/** Who a user is to the platform. A user may hold several roles. */
export const ROLES = ['admin', 'manager', 'owner', 'tenant', 'buyer', 'seller', 'inspector', 'contractor', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see every resource (ops reads, admin reads and writes). */
export const STAFF_ROLES: readonly Role[] = ['admin', 'ops'];
