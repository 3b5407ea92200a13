/**
 * A project's money at a glance, by cost code: the budget (as approved
 * change orders moved it), what is committed (the contracts' schedules of
 * values as they stand), what is paid for, and what is projected; plus what
 * the ledger posts for a paid draw. Pure and exact, in minor units.
 *
 * "Paid" on a cost code is the work and stored materials certified on paid
 * draws (column G of each contract's last paid application): what the owner
 * has spent on it, whether the money went to the contractor or is held as
 * retainage; the totals split it into cash paid and retainage held.
 *
 * The projection takes each cost code at the larger of its budget and what
 * is committed under it (a code not yet let is expected to cost its budget).
 * Approved change orders are funded from the contingency (a deduction returns
 * to it), so budget + contingency left is what the owner authorized at the
 * start; a projection above it is an overrun.
 */
import type { ProjectSovLine } from './change-order';
import type { PayApplication, ScheduleOfValuesLine } from './pay-application';

export interface CostCodeBudget {
  costCode: string;
  description: string;
  amountMinor: number;
}

/** A budget line as the project holds it: its original amount and what approved change orders moved it by. */
export interface BudgetLine {
  costCode: string;
  description: string;
  originalMinor: number;
  changesMinor: number;
}

/** One contract's figures for the rollup. */
export interface CommitmentFigures {
  scheduleOfValues: readonly ProjectSovLine[];
  /** The latest application paid on it. */
  lastPaid: PayApplication | undefined;
  /** Retainage paid out at completion. */
  retainageReleasedMinor: number;
}

export interface CostCodeRollup {
  costCode: string;
  description: string;
  originalBudgetMinor: number;
  approvedChangesMinor: number;
  /** Original + approved changes. */
  budgetMinor: number;
  committedMinor: number;
  /** Change orders waiting for the owner (not in the budget or the commitments). */
  pendingChangesMinor: number;
  paidMinor: number;
  /** Budget − paid. */
  remainingMinor: number;
  /** Budget − committed (negative: committed above budget). */
  uncommittedMinor: number;
  /** max(budget, committed). */
  projectedMinor: number;
}

export interface BudgetTotals {
  originalBudgetMinor: number;
  budgetMinor: number;
  contingencyOriginalMinor: number;
  /** Negative when approved change orders used more than there was. */
  contingencyRemainingMinor: number;
  /** Budget + contingency left (= the original budget and contingency). */
  authorizedMinor: number;
  committedMinor: number;
  pendingChangesMinor: number;
  paidMinor: number;
  /** Paid to contractors (draws and released retainage). */
  cashPaidMinor: number;
  retainageHeldMinor: number;
  remainingMinor: number;
  projectedMinor: number;
  /** How far the projection is above budget + contingency (0 when it is not). */
  overrunMinor: number;
}

export interface BudgetSummary {
  byCostCode: CostCodeRollup[];
  totals: BudgetTotals;
}

const sum = (values: readonly number[]) => values.reduce((n, v) => n + v, 0);

export function budgetSummary(a: {
  budget: readonly BudgetLine[];
  contingencyMinor: number;
  commitments: readonly CommitmentFigures[];
  pending: readonly { costCode: string; changeMinor: number }[];
}): BudgetSummary {
  const committed = new Map<string, number>();
  const paid = new Map<string, number>();
  const add = (m: Map<string, number>, code: string, n: number) => m.set(code, (m.get(code) ?? 0) + n);
  for (const c of a.commitments) {
    const paidOn = new Map(c.lastPaid?.lines.map((l) => [l.itemNo, l.completedAndStoredMinor]) ?? []);
    for (const line of c.scheduleOfValues) {
      add(committed, line.costCode, line.scheduledValueMinor);
      add(paid, line.costCode, paidOn.get(line.itemNo) ?? 0);
    }
  }
  const pending = new Map<string, number>();
  for (const p of a.pending) add(pending, p.costCode, p.changeMinor);

  const byCostCode = a.budget.map((b): CostCodeRollup => {
    const budget = b.originalMinor + b.changesMinor;
    const c = committed.get(b.costCode) ?? 0;
    const p = paid.get(b.costCode) ?? 0;
    return {
      costCode: b.costCode,
      description: b.description,
      originalBudgetMinor: b.originalMinor,
      approvedChangesMinor: b.changesMinor,
      budgetMinor: budget,
      committedMinor: c,
      pendingChangesMinor: pending.get(b.costCode) ?? 0,
      paidMinor: p,
      remainingMinor: budget - p,
      uncommittedMinor: budget - c,
      projectedMinor: Math.max(budget, c),
    };
  });
  const total = (k: keyof CostCodeRollup) => sum(byCostCode.map((r) => r[k] as number));
  const budgetMinor = total('budgetMinor');
  const contingencyRemainingMinor = a.contingencyMinor - total('approvedChangesMinor');
  const authorizedMinor = budgetMinor + contingencyRemainingMinor;
  const projectedMinor = total('projectedMinor');
  const retainageHeldMinor = sum(a.commitments.map((c) => (c.lastPaid?.summary.totalRetainageMinor ?? 0) - c.retainageReleasedMinor));
  const cashPaidMinor = sum(a.commitments.map((c) => (c.lastPaid?.summary.earnedLessRetainageMinor ?? 0) + c.retainageReleasedMinor));
  return {
    byCostCode,
    totals: {
      originalBudgetMinor: total('originalBudgetMinor'),
      budgetMinor,
      contingencyOriginalMinor: a.contingencyMinor,
      contingencyRemainingMinor,
      authorizedMinor,
      committedMinor: total('committedMinor'),
      pendingChangesMinor: total('pendingChangesMinor'),
      paidMinor: total('paidMinor'),
      cashPaidMinor,
      retainageHeldMinor,
      remainingMinor: total('remainingMinor'),
      projectedMinor,
      overrunMinor: Math.max(0, projectedMinor - authorizedMinor),
    },
  };
}

/**
 * How complete an inspector found a contract, in basis points of its sum:
 * each line's observed percentage weighted by its scheduled value (a line
 * not observed counts as not started), rounded down (a milestone is not
 * reached by rounding).
 */
export function observedCompletionBasisPoints(lines: readonly ScheduleOfValuesLine[], observedBasisPoints: Readonly<Record<string, number>>): number {
  const total = BigInt(sum(lines.map((l) => l.scheduledValueMinor)));
  if (total === 0n) return 0;
  const weighted = lines.reduce((n, l) => n + BigInt(Math.min(10_000, observedBasisPoints[l.itemNo] ?? 0)) * BigInt(l.scheduledValueMinor), 0n);
  return Number(weighted / total);
}

/** A movement of the project's book for a paid draw (see domain/ledger.ts). */
export interface DrawPosting {
  kind: 'draw_paid' | 'retainage_withheld' | 'retainage_released';
  amountMinor: number;
}

/** Why an application cannot be paid as the one after `previous` (line 4 or line 8 going negative), or undefined. */
export function drawProblem(application: PayApplication, previous: PayApplication | undefined): string | undefined {
  const before = previous?.summary.completedAndStoredToDateMinor ?? 0;
  if (application.summary.completedAndStoredToDateMinor < before) return `completed and stored to date (${application.summary.completedAndStoredToDateMinor}) would fall below the last application's (${before})`;
  if (application.summary.currentPaymentDueMinor < 0) return `the current payment due would be negative (${application.summary.currentPaymentDueMinor})`;
  return undefined;
}

/**
 * What the ledger posts when `application` is paid after `previous`: the
 * work and materials added this period go to the expense, the retainage
 * withheld on them to retainage payable and the rest out of cash; when the
 * retainage held went down (a step-down, stored materials installed at a
 * lower rate) the difference is paid out of it. Cash out always equals
 * line 8, the expense line 4's growth. Zero amounts are not posted.
 */
export function drawPostings(application: PayApplication, previous: PayApplication | undefined): DrawPosting[] {
  const problem = drawProblem(application, previous);
  if (problem) throw new RangeError(problem);
  const work = application.summary.completedAndStoredToDateMinor - (previous?.summary.completedAndStoredToDateMinor ?? 0);
  const retained = application.summary.totalRetainageMinor - (previous?.summary.totalRetainageMinor ?? 0);
  const postings: DrawPosting[] =
    retained >= 0
      ? [
          { kind: 'draw_paid', amountMinor: work - retained },
          { kind: 'retainage_withheld', amountMinor: retained },
        ]
      : [
          { kind: 'draw_paid', amountMinor: work },
          { kind: 'retainage_released', amountMinor: -retained },
        ];
  return postings.filter((p) => p.amountMinor > 0);
}
