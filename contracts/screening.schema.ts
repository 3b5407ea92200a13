/** Tenant screening's thresholds, as they may be configured (the rules are in domain/screening.ts). */
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

