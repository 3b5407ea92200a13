/**
 * Delinquency aging: what a tenant owes, by how long it has been owed. The
 * lease's charges (each with its due day) are paid oldest first by every
 * credit to the lease (payments net of returns, credits issued, deposit
 * applied); what is left open is aged from its due day to the report's day.
 * A balance in the tenant's favour (paid ahead) shows as a negative amount in
 * the current bucket, so the buckets always add up to what the tenant owes.
 */
import { daysBetween, type IsoDate } from '../calendar';

export interface AgingCharge {
  dueOn: IsoDate;
  amountMinor: number;
}

export interface Aging {
  current: number;
  days31to60: number;
  days61to90: number;
  over90: number;
  total: number;
}

export const emptyAging = (): Aging => ({ current: 0, days31to60: 0, days61to90: 0, over90: 0, total: 0 });

export function age(charges: readonly AgingCharge[], creditsMinor: number, asOf: IsoDate): Aging {
  const aging = emptyAging();
  let credit = creditsMinor;
  for (const c of [...charges].sort((a, b) => a.dueOn.localeCompare(b.dueOn))) {
    const paid = Math.min(Math.max(credit, 0), c.amountMinor);
    credit -= paid;
    const open = c.amountMinor - paid;
    if (open === 0) continue;
    const days = daysBetween(c.dueOn, asOf);
    if (days <= 30) aging.current += open;
    else if (days <= 60) aging.days31to60 += open;
    else if (days <= 90) aging.days61to90 += open;
    else aging.over90 += open;
  }
  // Credit beyond every charge (paid ahead); negative credit (more returned than received) is owed now.
  aging.current -= credit;
  aging.total = aging.current + aging.days31to60 + aging.days61to90 + aging.over90;
  return aging;
}

export function addAging(a: Aging, b: Aging): Aging {
  return { current: a.current + b.current, days31to60: a.days31to60 + b.days31to60, days61to90: a.days61to90 + b.days61to90, over90: a.over90 + b.over90, total: a.total + b.total };
}
