/**
 * Rent periods of a lease: monthly, due on the lease's due day, with the first
 * and last months prorated by days. Amounts are exact integers in minor units.
 */
import { addDays, addMonths, daysBetween, daysInMonth, type IsoDate } from './calendar';

export interface RentPeriod {
  /** 1-based sequence within the lease term. */
  index: number;
  /** First and last day the rent covers (inclusive). */
  from: IsoDate;
  to: IsoDate;
  dueOn: IsoDate;
  amountMinor: number;
  prorated: boolean;
}

/**
 * `monthlyMinor` × days / days-in-month, rounded half up, in integer arithmetic
 * (BigInt, so no float ever touches the amount).
 */
export function prorate(monthlyMinor: number, days: number, monthDays: number): number {
  if (!Number.isSafeInteger(monthlyMinor) || monthlyMinor < 0) throw new RangeError('monthly rent must be a whole number of minor units');
  if (days < 0 || days > monthDays) throw new RangeError(`cannot prorate ${days} of ${monthDays} days`);
  const n = BigInt(monthlyMinor) * BigInt(days) * 2n + BigInt(monthDays);
  return Number(n / (2n * BigInt(monthDays)));
}

function monthEnd(date: IsoDate): IsoDate {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return `${date.slice(0, 8)}${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

/**
 * Calendar-month periods from `start` to `end` (inclusive). Each full month
 * is due on `dueDay` of that month (1..28, so it exists in every month); a partial first
 * month is due on move-in, a partial last month on its first day.
 */
export function rentSchedule(start: IsoDate, end: IsoDate, monthlyMinor: number, dueDay = 1): RentPeriod[] {
  if (daysBetween(start, end) < 0) throw new RangeError('the lease ends before it starts');
  if (!Number.isInteger(dueDay) || dueDay < 1 || dueDay > 28) throw new RangeError('the due day must be 1..28');
  const periods: RentPeriod[] = [];
  let cursor = start;
  while (daysBetween(cursor, end) >= 0) {
    const mEnd = monthEnd(cursor);
    const to = daysBetween(mEnd, end) < 0 ? end : mEnd;
    const [y, m] = cursor.split('-').map(Number) as [number, number];
    const monthDays = daysInMonth(y, m);
    const days = daysBetween(cursor, to) + 1;
    const full = days === monthDays;
    const dueOn = full ? `${cursor.slice(0, 8)}${String(dueDay).padStart(2, '0')}` : cursor;
    periods.push({
      index: periods.length + 1,
      from: cursor,
      to,
      dueOn,
      amountMinor: full ? monthlyMinor : prorate(monthlyMinor, days, monthDays),
      prorated: !full,
    });
    cursor = addDays(to, 1);
  }
  return periods;
}

/** The lease's last day: `termMonths` after the start, less one day. */
export function leaseEndDate(start: IsoDate, termMonths: number): IsoDate {
  return addDays(addMonths(start, termMonths), -1);
}

