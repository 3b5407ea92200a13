/**
 * Which late fees a rent period has incurred under a policy
 * (contracts/late-fee-policy.schema.ts): a pure rule, so workflows run it directly.
 */
import { addDays, daysBetween, type IsoDate } from './calendar';
import type { LateFeePolicy } from '../contracts/late-fee-policy.schema';

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
