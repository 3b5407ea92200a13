/**
 * Late-fee policy: set for the organisation, overridable per property and
 * per lease. After the grace days a one-time fee (flat or a percentage of the
 * overdue rent) and optionally a daily fee, all under a cap per period.
 */
import { z } from './zod';
import { addDays, daysBetween, type IsoDate } from './calendar';

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
export type LateFeePolicyOverride = Partial<LateFeePolicy>;

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

export interface LateFee {
  /** The day the fee is for; with the period it makes the fee's identity (charged once). */
  forDay: IsoDate;
  kind: 'one_time' | 'daily';
  amountMinor: number;
}

/**
 * Every late fee a period has incurred by `asOf`, given its rent and how much
 * of it is still unpaid. Deterministic: re-running it yields the same fees, so
 * a caller charges those whose `forDay` it has not charged yet.
 */
export function lateFeesDue(
  policy: LateFeePolicy,
  period: { dueOn: IsoDate; rentMinor: number; unpaidMinor: number },
  asOf: IsoDate,
): LateFee[] {
  if (period.unpaidMinor <= 0) return [];
  const firstLateDay = addDays(period.dueOn, policy.graceDays + 1);
  if (daysBetween(firstLateDay, asOf) < 0) return [];
  const fees: LateFee[] = [];
  let total = 0;
  const add = (fee: LateFee) => {
    const room = policy.capMinor === null ? fee.amountMinor : Math.max(0, policy.capMinor - total);
    const amount = Math.min(fee.amountMinor, room);
    if (amount > 0) {
      fees.push({ ...fee, amountMinor: amount });
      total += amount;
    }
  };
  const oneTime =
    policy.oneTime.type === 'flat'
      ? policy.oneTime.amountMinor
      : Number((BigInt(period.unpaidMinor) * BigInt(policy.oneTime.basisPoints) + 5_000n) / 10_000n);
  add({ forDay: firstLateDay, kind: 'one_time', amountMinor: oneTime });
  if (policy.dailyMinor > 0) {
    for (let day = addDays(firstLateDay, 1); daysBetween(day, asOf) >= 0; day = addDays(day, 1)) {
      add({ forDay: day, kind: 'daily', amountMinor: policy.dailyMinor });
    }
  }
  return fees;
}
