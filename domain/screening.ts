/**
 * Tenant screening: a rules decision with reasons a manager can read and
 * overrule (the lease workflow records who overruled and why). Pure, so the
 * workflow runs it directly.
 */
import type { ScreeningThresholds } from '../contracts/screening.schema';

/** The defaults of ScreeningThresholdsSchema, for callers without zod (workflows). */
export const DEFAULT_SCREENING_THRESHOLDS: ScreeningThresholds = {
  minIncomeToRent: 3,
  reviewIncomeToRent: 2.5,
  maxOccupantsPerBedroom: 2,
  minReferences: 1,
};

export interface ScreeningInput {
  monthlyIncomeMinor: number;
  monthlyRentMinor: number;
  employment: { employer?: string; status: 'employed' | 'self_employed' | 'student' | 'retired' | 'unemployed' };
  references: { name: string; contact: string }[];
  householdSize: number;
  bedrooms: number;
}

export type ScreeningDecision = 'approve' | 'review' | 'reject';

export function screenApplication(input: ScreeningInput, thresholds: ScreeningThresholds): { decision: ScreeningDecision; reasons: string[] } {
  const reasons: string[] = [];
  let decision: ScreeningDecision = 'approve';
  const worse = (d: ScreeningDecision) => {
    if (d === 'reject' || (d === 'review' && decision === 'approve')) decision = d;
  };
  // Compare income × 100 to rent × ratio × 100 in integers: exact on money.
  const ratioTimes100 = (r: number) => BigInt(Math.round(r * 100));
  const income100 = BigInt(input.monthlyIncomeMinor) * 100n;
  if (income100 < BigInt(input.monthlyRentMinor) * ratioTimes100(thresholds.reviewIncomeToRent)) {
    worse('reject');
    reasons.push(`income is below ${thresholds.reviewIncomeToRent}× the rent`);
  } else if (income100 < BigInt(input.monthlyRentMinor) * ratioTimes100(thresholds.minIncomeToRent)) {
    worse('review');
    reasons.push(`income is below ${thresholds.minIncomeToRent}× the rent`);
  }
  if (input.employment.status === 'unemployed') {
    worse('review');
    reasons.push('no current employment');
  }
  if (input.references.length < thresholds.minReferences) {
    worse('review');
    reasons.push(`fewer than ${thresholds.minReferences} reference(s)`);
  }
  const capacity = Math.max(1, input.bedrooms) * thresholds.maxOccupantsPerBedroom;
  if (input.householdSize > capacity) {
    worse('reject');
    reasons.push(`household of ${input.householdSize} exceeds ${capacity} for ${input.bedrooms} bedroom(s)`);
  }
  if (decision === 'approve') reasons.push('meets every rule');
  return { decision, reasons };
}
