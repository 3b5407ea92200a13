/**
 * When an approved pay application may be paid: a milestone inspection found
 * the work at least as complete as billed (within a tolerance, 5 points by
 * default) on every line billed, the conditional lien waiver for it is
 * signed, and the permits the work depends on are issued and in force. Pure
 * and workflow-safe: the project workflow waits until this list is empty.
 */
import { compareDates, type IsoDate } from '../calendar';
import type { PayApplication } from './pay-application';

/** Percentage points (in basis points) the inspected completion may fall short of what was billed. */
export const DEFAULT_INSPECTION_TOLERANCE_BASIS_POINTS = 500;

export interface MilestoneInspection {
  /** The inspector's percent complete per schedule-of-values item, basis points. */
  observedBasisPoints: Record<string, number>;
}

export interface Permit {
  name: string;
  status: 'applied' | 'issued' | 'revoked';
  /** The last day it is valid. */
  expiresOn: IsoDate | null;
}

export interface DrawConditions {
  application: PayApplication;
  /** The latest milestone inspection after the work billed, if any. */
  inspection: MilestoneInspection | null;
  conditionalWaiverSigned: boolean;
  /** The permits the billed work depends on. */
  permits: readonly Permit[];
  today: IsoDate;
  toleranceBasisPoints?: number;
}

/** Why the application cannot be paid yet (empty: it can), each reason in words a contractor can act on. */
export function drawBlockers(d: DrawConditions): string[] {
  const tolerance = d.toleranceBasisPoints ?? DEFAULT_INSPECTION_TOLERANCE_BASIS_POINTS;
  const blockers: string[] = [];
  // A line billed to date (work, not stored materials) must be found at least that far along.
  const billed = d.application.lines.filter((l) => l.thisPeriodMinor > 0);
  if (billed.length > 0 && !d.inspection) blockers.push('no milestone inspection of the work billed yet');
  if (d.inspection) {
    for (const line of billed) {
      const claimed = line.scheduledValueMinor === 0 ? 0 : Math.floor(((line.fromPreviousMinor + line.thisPeriodMinor) * 10_000) / line.scheduledValueMinor);
      const observed = d.inspection.observedBasisPoints[line.itemNo];
      if (observed === undefined) blockers.push(`item ${line.itemNo} (${line.description}) was not inspected`);
      else if (observed + tolerance < claimed) {
        blockers.push(`item ${line.itemNo} (${line.description}) is billed at ${pct(claimed)} complete, the inspection found ${pct(observed)}`);
      }
    }
  }
  if (!d.conditionalWaiverSigned) blockers.push(`the conditional lien waiver for application ${d.application.applicationNo} is not signed`);
  for (const p of d.permits) {
    if (p.status !== 'issued') blockers.push(`permit "${p.name}" is ${p.status === 'applied' ? 'not issued yet' : 'revoked'}`);
    else if (p.expiresOn && compareDates(d.today, p.expiresOn) > 0) blockers.push(`permit "${p.name}" expired on ${p.expiresOn}`);
  }
  return blockers;
}

const pct = (basisPoints: number) => `${(basisPoints / 100).toFixed(2)}%`;
