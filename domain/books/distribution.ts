/**
 * Owner distributions: what a property can pay out at month end, and each
 * owner's part of it.
 *
 * The property's own money is its cash less the deposits it holds for its
 * tenants (they are the tenants' money); it keeps its reserve and what its
 * approved bills will need, and pays out the rest. It never pays out money it
 * does not hold: nothing when that is zero or less.
 */
export interface CashPosition {
  cashMinor: number;
  depositsHeldMinor: number;
  reserveMinor: number;
  /** Bills approved (or awaiting approval) and not yet paid. */
  openBillsMinor: number;
}

export function distributableMinor(p: CashPosition): number {
  return Math.max(0, p.cashMinor - p.depositsHeldMinor - p.reserveMinor - p.openBillsMinor);
}

export interface OwnerShare {
  ownerId: string;
  /** Basis points of the property (all owners' shares add up to 10,000). */
  shareBps: number;
}

/**
 * An amount split by shares to the cent: each owner gets the floor of their
 * share, and the cents left over go one each to the largest remainders (ties
 * to the lower owner id), so the parts always add up to the whole.
 */
export function splitByShares(amountMinor: number, owners: readonly OwnerShare[]): { ownerId: string; amountMinor: number }[] {
  const total = owners.reduce((n, o) => n + o.shareBps, 0);
  if (total <= 0) throw new RangeError('a property with no ownership shares cannot distribute');
  const parts = owners.map((o) => {
    const exact = BigInt(amountMinor) * BigInt(o.shareBps);
    return { ownerId: o.ownerId, amountMinor: Number(exact / BigInt(total)), remainder: exact % BigInt(total) };
  });
  let left = amountMinor - parts.reduce((n, p) => n + p.amountMinor, 0);
  const byRemainder = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.ownerId.localeCompare(b.ownerId) : a.remainder > b.remainder ? -1 : 1));
  for (const p of byRemainder) {
    if (left === 0) break;
    p.amountMinor += 1;
    left -= 1;
  }
  return parts.map(({ ownerId, amountMinor: a }) => ({ ownerId, amountMinor: a }));
}

/** Ownership shares must cover the property exactly once. */
export function sharesProblem(owners: readonly OwnerShare[]): string | undefined {
  if (owners.length === 0) return 'a property needs at least one owner';
  if (new Set(owners.map((o) => o.ownerId)).size !== owners.length) return 'an owner is listed twice';
  const total = owners.reduce((n, o) => n + o.shareBps, 0);
  return total === 10_000 ? undefined : `the shares add up to ${total} basis points, not 10000`;
}
