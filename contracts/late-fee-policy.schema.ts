/**
 * Late-fee policy, as configured: set for the organisation, overridable per
 * property and per lease. After the grace days a one-time fee (flat or a
 * percentage of the overdue rent) and optionally a daily fee, all under a cap
 * per period. The fees a period incurs are a pure rule in domain/late-fees.ts.
 */
import { z } from './zod';

export const LateFeePolicySchema = z.object({
  graceDays: z.number().int().min(0).max(60),
  oneTime: z.discriminatedUnion('type', [
    z.object({ type: z.literal('flat'), amountMinor: z.number().int().min(0) }),
    z.object({ type: z.literal('percent'), basisPoints: z.number().int().min(0).max(10_000).describe('500 = 5%') }),
  ]),
  dailyMinor: z.number().int().min(0).default(0),
  capMinor: z.number().int().min(0).nullable().default(null).describe('Most that late fees may add to one period'),
  returnedPaymentFeeMinor: z.number().int().min(0).default(0),
});
export type LateFeePolicy = z.infer<typeof LateFeePolicySchema>;

/** The organisation's policy unless a property or lease says otherwise: 5 grace days, then 5% of the overdue rent. */
export const DEFAULT_LATE_FEE_POLICY: LateFeePolicy = {
  graceDays: 5,
  oneTime: { type: 'percent', basisPoints: 500 },
  dailyMinor: 0,
  capMinor: null,
  returnedPaymentFeeMinor: 0,
};
/** A property's or a lease's override: only the fields it sets replace the policy above it. */
export const LateFeePolicyOverrideSchema = z.object({
  graceDays: z.number().int().min(0).max(60).optional(),
  oneTime: LateFeePolicySchema.shape.oneTime.optional(),
  dailyMinor: z.number().int().min(0).optional(),
  capMinor: z.number().int().min(0).nullable().optional(),
  returnedPaymentFeeMinor: z.number().int().min(0).optional(),
});
export type LateFeePolicyOverride = z.infer<typeof LateFeePolicyOverrideSchema>;

/** The organisation's policy, refined by the property's and then the lease's overrides. */
export function effectivePolicy(
  organisation: LateFeePolicy,
  property?: LateFeePolicyOverride | null,
  lease?: LateFeePolicyOverride | null,
): LateFeePolicy {
  return LateFeePolicySchema.parse({ ...organisation, ...defined(property), ...defined(lease) });
}

/** An override's fields that are set; `undefined` inherits (null, as for the cap, is a value). */
function defined(override: LateFeePolicyOverride | null | undefined): LateFeePolicyOverride {
  return Object.fromEntries(Object.entries(override ?? {}).filter(([, v]) => v !== undefined));
}

