/**
 * A move-out inspection against the same unit's move-in: item by item, what
 * got worse, and of that, what the tenant is responsible for becomes a
 * proposed, itemized deduction from the deposit (the manager may edit it
 * before the move-out settles). Pure and workflow-safe.
 */
import type { Deduction } from '../../contracts/lease';

export const CONDITIONS = ['good', 'fair', 'poor', 'damaged'] as const;
export type Condition = (typeof CONDITIONS)[number];

export type Responsibility = 'owner' | 'tenant';

/** One checklist item of a report, by room or area. */
export interface InspectedItem {
  area: string;
  item: string;
  condition: Condition;
  notes: string;
  /** Who answers for its state, where the inspector said (a finding's responsibility). */
  responsibility?: Responsibility;
  /** The inspector's estimate of putting it back to its move-in condition. */
  estimatedCostMinor?: number;
}

export interface ItemChange {
  area: string;
  item: string;
  from: Condition;
  to: Condition;
  /** Steps worse on the good → damaged scale (negative: better). */
  steps: number;
}

/** A deduction for the lease's move-out (its description and amount), with where it came from for the manager reviewing it. */
export interface ProposedDeduction extends Deduction {
  area: string;
  item: string;
}

const rank = (c: Condition) => CONDITIONS.indexOf(c);
const key = (i: { area: string; item: string }) => `${i.area.trim().toLowerCase()}\u0000${i.item.trim().toLowerCase()}`;

/** Items in both reports whose condition changed, worst change first; items in only one report are listed apart. */
export function compareReports(moveIn: readonly InspectedItem[], moveOut: readonly InspectedItem[]) {
  const before = new Map(moveIn.map((i) => [key(i), i]));
  const after = new Map(moveOut.map((i) => [key(i), i]));
  const changes: ItemChange[] = [];
  for (const [k, out] of after) {
    const inItem = before.get(k);
    if (inItem && inItem.condition !== out.condition) {
      changes.push({ area: out.area, item: out.item, from: inItem.condition, to: out.condition, steps: rank(out.condition) - rank(inItem.condition) });
    }
  }
  changes.sort((a, b) => b.steps - a.steps || a.area.localeCompare(b.area) || a.item.localeCompare(b.item));
  return {
    changes,
    onlyAtMoveIn: moveIn.filter((i) => !after.has(key(i))),
    onlyAtMoveOut: moveOut.filter((i) => !before.has(key(i))),
  };
}

/**
 * The deductions proposed for the move-out: each item that got worse and is
 * the tenant's responsibility, at the inspector's estimate (0 where none was
 * given: the manager prices it). Wear from normal use (an item the inspector
 * did not put on the tenant) is never proposed.
 */
export function proposedDeductions(moveIn: readonly InspectedItem[], moveOut: readonly InspectedItem[]): ProposedDeduction[] {
  const after = new Map(moveOut.map((i) => [key(i), i]));
  return compareReports(moveIn, moveOut)
    .changes.filter((c) => c.steps > 0)
    .map((c) => ({ change: c, item: after.get(key(c))! }))
    .filter(({ item }) => item.responsibility === 'tenant')
    .map(({ change, item }) => ({
      description: `${change.area}: ${change.item}, ${change.from} at move-in, ${change.to} at move-out${item.notes.trim() ? ` (${item.notes.trim()})` : ''}`,
      amountMinor: item.estimatedCostMinor ?? 0,
      area: change.area,
      item: change.item,
    }));
}
