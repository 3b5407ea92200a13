/**
 * A change order's effect on a contract: lines of the schedule of values
 * whose scheduled value goes up or down, and new lines (each under a cost
 * code of the project's budget). Pure: the project workflow applies it, in
 * one step, only once the owner has approved it; until then the contract is
 * what it was.
 */
import { applicationProblem, type Contract, type PayApplication, type ScheduleOfValuesLine } from './pay-application';

/** A line of a project's schedule of values: the G703 line, and the budget's cost code it is spent under. */
export interface ProjectSovLine extends ScheduleOfValuesLine {
  costCode: string;
}

export interface ProjectContract extends Contract {
  scheduleOfValues: ProjectSovLine[];
}

export interface ChangeOrderLine {
  itemNo: string;
  /** Added to the line's scheduled value; negative takes scope out. */
  changeMinor: number;
  /** A new line's description and cost code (an existing line keeps its own). */
  description?: string;
  costCode?: string;
}

/** What the change order adds to (or, negative, takes from) the contract sum. */
export const netChangeOf = (lines: readonly ChangeOrderLine[]) => lines.reduce((n, l) => n + l.changeMinor, 0);

/**
 * Why this change order cannot be made to the contract, or undefined: it
 * changes each line once, by a whole non-zero amount; a new line has a
 * description and one of the budget's cost codes and adds scope; no line's
 * value goes below zero, nor below the work already certified on it.
 */
export function changeOrderProblem(contract: ProjectContract, lastCertified: PayApplication | undefined, lines: readonly ChangeOrderLine[], costCodes: readonly string[]): string | undefined {
  if (lines.length === 0) return 'a change order changes at least one line of the schedule of values';
  const existing = new Map(contract.scheduleOfValues.map((l) => [l.itemNo, l]));
  const seen = new Set<string>();
  for (const l of lines) {
    const where = `item ${l.itemNo}`;
    if (!l.itemNo.trim()) return 'every line needs an item number';
    if (seen.has(l.itemNo)) return `${where}: changed twice`;
    seen.add(l.itemNo);
    if (!Number.isSafeInteger(l.changeMinor) || l.changeMinor === 0) return `${where}: the change must be a whole, non-zero number of minor units`;
    const line = existing.get(l.itemNo);
    if (line) {
      if (line.scheduledValueMinor + l.changeMinor < 0) return `${where}: the change would take its scheduled value below zero`;
      continue;
    }
    if (!l.description?.trim()) return `${where}: a new line needs a description`;
    if (!l.costCode || !costCodes.includes(l.costCode)) return `${where}: a new line needs one of the budget's cost codes${l.costCode ? ` (not ${l.costCode})` : ''}`;
    if (l.changeMinor < 0) return `${where}: a new line adds scope (a positive amount)`;
  }
  return applicationProblem(applyChangeOrder(contract, lines), lastCertified, []);
}

/** The contract with the change order in it: line values changed, new lines after the others, the net change added to line 2. */
export function applyChangeOrder(contract: ProjectContract, lines: readonly ChangeOrderLine[]): ProjectContract {
  const byItem = new Map(lines.map((l) => [l.itemNo, l]));
  const changed = contract.scheduleOfValues.map((l) => {
    const c = byItem.get(l.itemNo);
    return c ? { ...l, scheduledValueMinor: l.scheduledValueMinor + c.changeMinor } : { ...l };
  });
  const known = new Set(contract.scheduleOfValues.map((l) => l.itemNo));
  const added = lines
    .filter((l) => !known.has(l.itemNo))
    .map((l): ProjectSovLine => ({ itemNo: l.itemNo, description: l.description!.trim(), scheduledValueMinor: l.changeMinor, costCode: l.costCode! }));
  return { ...contract, netChangeOrdersMinor: contract.netChangeOrdersMinor + netChangeOf(lines), scheduleOfValues: [...changed, ...added] };
}

/** A change order's amount by the cost code it falls under (the budget moves by these). */
export function changeByCostCode(contract: ProjectContract, lines: readonly ChangeOrderLine[]): { costCode: string; changeMinor: number }[] {
  const codeOf = new Map(contract.scheduleOfValues.map((l) => [l.itemNo, l.costCode]));
  const out = new Map<string, number>();
  for (const l of lines) {
    const code = codeOf.get(l.itemNo) ?? l.costCode!;
    out.set(code, (out.get(code) ?? 0) + l.changeMinor);
  }
  return [...out].map(([costCode, changeMinor]) => ({ costCode, changeMinor }));
}
