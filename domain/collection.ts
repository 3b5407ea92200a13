/**
 * Rent collection rules: when to retry a declined charge, and which declines
 * are worth retrying at all.
 */
import { addDays, type IsoDate } from './calendar';

/** Default dunning: retry 1, 3, 5 and 7 days after the due date. */
export const DEFAULT_DUNNING_DAYS = [1, 3, 5, 7] as const;

/**
 * Hard declines: retrying the same card cannot succeed; the tenant must give
 * a new payment method. Everything else (insufficient funds, processing
 * errors, generic declines, rate limits) is soft and retried on the schedule.
 * Codes are Stripe's `decline_code` or, failing that, its error `code`.
 */
const HARD_DECLINES = new Set([
  'expired_card',
  'incorrect_number',
  'invalid_account',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'restricted_card',
  'card_not_supported',
  'currency_not_supported',
  'do_not_honor',
  'do_not_try_again',
  'fraudulent',
  'revocation_of_authorization',
  'revocation_of_all_authorizations',
  'stop_payment_order',
  'security_violation',
  'authentication_required',
]);

export type DeclineKind = 'soft' | 'hard';

export function classifyDecline(code: string | null | undefined): DeclineKind {
  return code && HARD_DECLINES.has(code) ? 'hard' : 'soft';
}

/** The retry dates of a charge due on `dueOn` (after its first attempt that day). */
export function retryDates(dueOn: IsoDate, dunningDays: readonly number[] = DEFAULT_DUNNING_DAYS): IsoDate[] {
  const days = [...dunningDays].sort((a, b) => a - b);
  if (days.some((d) => !Number.isInteger(d) || d <= 0)) throw new RangeError('dunning days must be positive whole numbers');
  return days.map((d) => addDays(dueOn, d));
}

/**
 * Allocates a payment to open charges, oldest first. Returns what each charge
 * receives and what is left over (a credit on the tenant's account).
 */
export function allocateOldestFirst<T extends { id: string; dueOn: IsoDate; openMinor: number }>(
  charges: readonly T[],
  paymentMinor: number,
): { allocations: { chargeId: string; amountMinor: number }[]; unallocatedMinor: number } {
  if (!Number.isSafeInteger(paymentMinor) || paymentMinor <= 0) throw new RangeError('a payment must be a positive whole number of minor units');
  let left = paymentMinor;
  const allocations: { chargeId: string; amountMinor: number }[] = [];
  const ordered = [...charges].filter((c) => c.openMinor > 0).sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.id < b.id ? -1 : 1));
  for (const charge of ordered) {
    if (left === 0) break;
    const amount = Math.min(left, charge.openMinor);
    allocations.push({ chargeId: charge.id, amountMinor: amount });
    left -= amount;
  }
  return { allocations, unallocatedMinor: left };
}
