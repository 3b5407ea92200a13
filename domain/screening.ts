/**
 * Tenant screening: a rules decision with reasons a manager can read and
 * overrule (the lease workflow records who overruled and why).
 */
import { z } from './zod';

export const ScreeningThresholdsSchema = z.object({
  /** Monthly income must be at least this multiple of the rent (3 = 3×). */
  minIncomeToRent: z.number().positive().default(3),
  /** Between this multiple and the minimum, a manager reviews instead of a rejection. */
  reviewIncomeToRent: z.number().positive().default(2.5),
  maxOccupantsPerBedroom: z.number().int().positive().default(2),
  minReferences: z.number().int().min(0).default(1),
});
export type ScreeningThresholds = z.infer<typeof ScreeningThresholdsSchema>;

export { screenApplication, type ScreeningDecision, type ScreeningInput } from './screening-rules';
