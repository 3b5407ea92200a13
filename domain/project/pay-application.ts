/**
 * A contractor's pay application (a draw) with the arithmetic of the AIA
 * G702 (Application and Certificate for Payment) and G703 (Continuation
 * Sheet): each line of the schedule of values with its work completed before
 * and this period, materials presently stored, completed and stored to date,
 * percent complete and balance to finish; then the contract sums, retainage,
 * what earlier certificates paid and the current payment due.
 *
 * Pure and exact: integer minor units, rounding half up to the minor unit
 * only where a rate applies, so a project's workflow, its PDFs and the ledger
 * show the same figures. Each application follows from the one certified
 * before it (its D column and line 7), so figures never drift from what was
 * certified, and from the contract as it stands (change orders included).
 */
import { basisPointsOf, divideRoundHalfUp } from '../money';

/** One line of the schedule of values (a change order adds lines or changes values). */
export interface ScheduleOfValuesLine {
  itemNo: string;
  description: string;
  scheduledValueMinor: number;
}

/** What one application bills on one line. */
export interface BilledLine {
  itemNo: string;
  /** Work put in place this period (materials stored earlier and now installed are billed here). */
  workThisPeriodMinor: number;
  /** Materials on site or in approved storage at the end of this period, not yet installed (not in D or E). */
  materialsStoredMinor: number;
}

/**
 * How much of each payment the owner holds back until completion.
 * - flat: the rate on all work and stored materials (10% unless agreed otherwise);
 * - step_down: the full rate on work up to a share of the contract sum, the reduced rate on work beyond it
 *   (stored materials at the rate in force for the work completed to date);
 * - capped: the rate until `capMinor` is held, then nothing more.
 */
export type RetainagePolicy =
  | { kind: 'flat'; basisPoints: number }
  | { kind: 'step_down'; basisPoints: number; reducedBasisPoints: number; atCompleteBasisPoints: number }
  | { kind: 'capped'; basisPoints: number; capMinor: number };

export const DEFAULT_RETAINAGE: RetainagePolicy = { kind: 'flat', basisPoints: 1_000 };

export interface Contract {
  originalContractSumMinor: number;
  /** Net of the approved change orders (negative when they took scope out). */
  netChangeOrdersMinor: number;
  /** Sums to the contract sum to date. */
  scheduleOfValues: ScheduleOfValuesLine[];
  retainage: RetainagePolicy;
}

/** A G703 row. */
export interface ContinuationLine {
  itemNo: string;
  description: string;
  /** C */
  scheduledValueMinor: number;
  /** D: work completed in earlier applications. */
  fromPreviousMinor: number;
  /** E */
  thisPeriodMinor: number;
  /** F */
  materialsStoredMinor: number;
  /** G = D + E + F */
  completedAndStoredMinor: number;
  /** G / C in basis points, rounded half up (10 000 = 100%). */
  percentCompleteBasisPoints: number;
  /** H = C - G */
  balanceToFinishMinor: number;
}

/** The G702 summary, its lines numbered as on the form. */
export interface PayApplicationSummary {
  /** 1 */
  originalContractSumMinor: number;
  /** 2 */
  netChangeOrdersMinor: number;
  /** 3 = 1 + 2 */
  contractSumToDateMinor: number;
  /** 4: column G's total */
  completedAndStoredToDateMinor: number;
  /** 5a: held on completed work (D + E) */
  retainageOnWorkMinor: number;
  /** 5b: held on stored material (F) */
  retainageOnMaterialsMinor: number;
  /** 5 = 5a + 5b */
  totalRetainageMinor: number;
  /** 6 = 4 - 5 */
  earnedLessRetainageMinor: number;
  /** 7: line 6 of the previous application */
  previousCertificatesMinor: number;
  /** 8 = 6 - 7 */
  currentPaymentDueMinor: number;
  /** 9 = 3 - 6 */
  balanceToFinishInclRetainageMinor: number;
  /** Column G over line 3, basis points. */
  percentCompleteBasisPoints: number;
}

export interface PayApplication {
  applicationNo: number;
  lines: ContinuationLine[];
  summary: PayApplicationSummary;
}

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : Number(divideRoundHalfUp(BigInt(part) * 10_000n, BigInt(whole))));
const sum = (values: number[]) => values.reduce((n, v) => n + v, 0);
const isMinor = (n: number, allowNegative = false) => Number.isSafeInteger(n) && (allowNegative || n >= 0);
const isBasisPoints = (n: number) => Number.isInteger(n) && n >= 0 && n <= 10_000;

/** Retainage held on work completed to date and on materials stored now (5a, 5b). */
export function retainage(policy: RetainagePolicy, workToDateMinor: number, materialsStoredMinor: number, contractSumMinor: number) {
  switch (policy.kind) {
    case 'flat':
      return { onWork: basisPointsOf(workToDateMinor, policy.basisPoints), onMaterials: basisPointsOf(materialsStoredMinor, policy.basisPoints) };
    case 'step_down': {
      const threshold = basisPointsOf(contractSumMinor, policy.atCompleteBasisPoints);
      const full = Math.min(workToDateMinor, threshold);
      const onWork = basisPointsOf(full, policy.basisPoints) + basisPointsOf(workToDateMinor - full, policy.reducedBasisPoints);
      const materialsRate = workToDateMinor >= threshold ? policy.reducedBasisPoints : policy.basisPoints;
      return { onWork, onMaterials: basisPointsOf(materialsStoredMinor, materialsRate) };
    }
    case 'capped': {
      const onWork = Math.min(policy.capMinor, basisPointsOf(workToDateMinor, policy.basisPoints));
      return { onWork, onMaterials: Math.min(policy.capMinor - onWork, basisPointsOf(materialsStoredMinor, policy.basisPoints)) };
    }
  }
}

/** Why the contract cannot be billed against, or undefined. */
export function contractProblem(c: Contract): string | undefined {
  if (!isMinor(c.originalContractSumMinor)) return 'the original contract sum must be a whole number of minor units, not negative';
  if (!isMinor(c.netChangeOrdersMinor, true)) return 'the net change by change orders must be a whole number of minor units';
  if (c.scheduleOfValues.length === 0) return 'the schedule of values has no lines';
  const items = new Set<string>();
  for (const line of c.scheduleOfValues) {
    if (items.has(line.itemNo)) return `item ${line.itemNo} appears twice in the schedule of values`;
    items.add(line.itemNo);
    if (!isMinor(line.scheduledValueMinor)) return `item ${line.itemNo}: the scheduled value must be a whole number of minor units, not negative`;
  }
  const total = sum(c.scheduleOfValues.map((l) => l.scheduledValueMinor));
  if (total !== c.originalContractSumMinor + c.netChangeOrdersMinor) {
    return `the schedule of values sums to ${total}, the contract sum to date is ${c.originalContractSumMinor + c.netChangeOrdersMinor}`;
  }
  const r = c.retainage;
  if (!isBasisPoints(r.basisPoints)) return 'the retainage rate must be whole basis points from 0 to 10000';
  if (r.kind === 'step_down' && (!isBasisPoints(r.reducedBasisPoints) || r.reducedBasisPoints > r.basisPoints || !isBasisPoints(r.atCompleteBasisPoints))) {
    return 'a stepped-down retainage needs a reduced rate no higher than the first, and a completion share, in basis points';
  }
  if (r.kind === 'capped' && !isMinor(r.capMinor)) return 'the retainage cap must be a whole number of minor units, not negative';
  return undefined;
}

/**
 * Why this application cannot be made after `previous` (the last one certified), or undefined:
 * it bills lines of the schedule, each once, nothing negative, and never past a line's value.
 */
export function applicationProblem(c: Contract, previous: PayApplication | undefined, billed: BilledLine[]): string | undefined {
  const values = new Map(c.scheduleOfValues.map((l) => [l.itemNo, l.scheduledValueMinor]));
  const before = new Map(previous?.lines.map((l) => [l.itemNo, l.fromPreviousMinor + l.thisPeriodMinor]) ?? []);
  for (const [itemNo, work] of before) {
    if (!values.has(itemNo)) return `item ${itemNo} was billed before and is no longer in the schedule of values`;
    if (work > values.get(itemNo)!) return `item ${itemNo}: its scheduled value (${values.get(itemNo)}) is below the work already billed (${work})`;
  }
  const seen = new Set<string>();
  for (const b of billed) {
    const where = `item ${b.itemNo}`;
    if (!values.has(b.itemNo)) return `${where}: not in the schedule of values`;
    if (seen.has(b.itemNo)) return `${where}: billed twice`;
    seen.add(b.itemNo);
    if (!isMinor(b.workThisPeriodMinor) || !isMinor(b.materialsStoredMinor)) return `${where}: amounts must be whole minor units, not negative`;
    const toDate = (before.get(b.itemNo) ?? 0) + b.workThisPeriodMinor + b.materialsStoredMinor;
    if (toDate > values.get(b.itemNo)!) return `${where}: completed and stored (${toDate}) would be more than the scheduled value (${values.get(b.itemNo)})`;
  }
  return undefined;
}

/**
 * The application after `previous` (the last one certified; undefined for the
 * first), under the contract as it stands now (change orders included): D is
 * what earlier applications billed as work, line 7 what the previous one
 * certified. Throws on what `contractProblem` or `applicationProblem` would
 * refuse (callers check those first).
 */
export function nextPayApplication(c: Contract, previous: PayApplication | undefined, billed: BilledLine[]): PayApplication {
  const problem = contractProblem(c) ?? applicationProblem(c, previous, billed);
  if (problem) throw new Error(problem);
  const contractSum = c.originalContractSumMinor + c.netChangeOrdersMinor;
  const before = new Map(previous?.lines.map((l) => [l.itemNo, l.fromPreviousMinor + l.thisPeriodMinor]) ?? []);
  const byItem = new Map(billed.map((b) => [b.itemNo, b]));
  const lines = c.scheduleOfValues.map((sov): ContinuationLine => {
    const b = byItem.get(sov.itemNo);
    const fromPrevious = before.get(sov.itemNo) ?? 0;
    const thisPeriod = b?.workThisPeriodMinor ?? 0;
    const stored = b?.materialsStoredMinor ?? 0;
    const completed = fromPrevious + thisPeriod + stored;
    return {
      itemNo: sov.itemNo,
      description: sov.description,
      scheduledValueMinor: sov.scheduledValueMinor,
      fromPreviousMinor: fromPrevious,
      thisPeriodMinor: thisPeriod,
      materialsStoredMinor: stored,
      completedAndStoredMinor: completed,
      percentCompleteBasisPoints: percentOf(completed, sov.scheduledValueMinor),
      balanceToFinishMinor: sov.scheduledValueMinor - completed,
    };
  });
  const work = sum(lines.map((l) => l.fromPreviousMinor + l.thisPeriodMinor));
  const stored = sum(lines.map((l) => l.materialsStoredMinor));
  const held = retainage(c.retainage, work, stored, contractSum);
  const completedAndStored = work + stored;
  const totalRetainage = held.onWork + held.onMaterials;
  const earned = completedAndStored - totalRetainage;
  const previousCertificates = previous?.summary.earnedLessRetainageMinor ?? 0;
  return {
    applicationNo: (previous?.applicationNo ?? 0) + 1,
    lines,
    summary: {
      originalContractSumMinor: c.originalContractSumMinor,
      netChangeOrdersMinor: c.netChangeOrdersMinor,
      contractSumToDateMinor: contractSum,
      completedAndStoredToDateMinor: completedAndStored,
      retainageOnWorkMinor: held.onWork,
      retainageOnMaterialsMinor: held.onMaterials,
      totalRetainageMinor: totalRetainage,
      earnedLessRetainageMinor: earned,
      previousCertificatesMinor: previousCertificates,
      currentPaymentDueMinor: earned - previousCertificates,
      balanceToFinishInclRetainageMinor: contractSum - earned,
      percentCompleteBasisPoints: percentOf(completedAndStored, contractSum),
    },
  };
}

/** Applications one after another under one contract (each certified as computed). */
export function payApplications(c: Contract, applications: BilledLine[][]): PayApplication[] {
  const out: PayApplication[] = [];
  for (const billed of applications) out.push(nextPayApplication(c, out.at(-1), billed));
  return out;
}
