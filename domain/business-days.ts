/**
 * Business days for contract deadlines: which days are US federal holidays
 * (as observed), and how a period counted in business or calendar days ends.
 * Pure: the day of the week comes from the date itself, never from the clock,
 * so a workflow and an activity computing a deadline always agree.
 */
import { addDays, compareDates, daysBetween, daysInMonth, type IsoDate } from './calendar';

export interface HolidayCalendar {
  /** Public holidays observed, YYYY-MM-DD. */
  holidays: readonly IsoDate[];
}

/** Day of the week, 0 = Sunday … 6 = Saturday (JavaScript's numbering). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const SUNDAY = 0;
export const MONDAY = 1;
export const THURSDAY = 4;
export const FRIDAY = 5;
export const SATURDAY = 6;

/** 1970-01-01, the day count's origin, was a Thursday. */
const EPOCH: IsoDate = '1970-01-01';

/** The day of the week of a date, from the date alone (UTC). */
export function dayOfWeek(date: IsoDate): Weekday {
  const days = daysBetween(EPOCH, date);
  return ((((days + THURSDAY) % 7) + 7) % 7) as Weekday;
}

export function isWeekend(date: IsoDate): boolean {
  const day = dayOfWeek(date);
  return day === SATURDAY || day === SUNDAY;
}

function isoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The n-th (1-based) given weekday of a month, e.g. the third Monday of January. */
function nthWeekday(year: number, month: number, weekday: Weekday, n: number): IsoDate {
  const first = isoDate(year, month, 1);
  const toWeekday = (weekday - dayOfWeek(first) + 7) % 7;
  return addDays(first, toWeekday + 7 * (n - 1));
}

function lastWeekday(year: number, month: number, weekday: Weekday): IsoDate {
  const last = isoDate(year, month, daysInMonth(year, month));
  return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7));
}

/** The Monday Holiday Act's rules (Monday holidays, Columbus Day) apply from 1971. */
const FIRST_SUPPORTED_YEAR = 1971;
const LAST_SUPPORTED_YEAR = 9999;
/** Martin Luther King Jr. Day became a legal public holiday in 1986, Juneteenth in 2021. */
const MLK_DAY_FROM = 1986;
const JUNETEENTH_FROM = 2021;

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) {
    throw new RangeError(`holiday rules are implemented for ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}, not ${year}`);
  }
}

/**
 * The legal public holidays of 5 U.S.C. 6103(a) on the dates the statute names,
 * before any weekend observance (July 4 stays July 4 on a Saturday). Regulation Z's
 * precise business day (TRID, rescission) uses these dates, not the observed ones.
 */
export function usLegalPublicHolidays(year: number): IsoDate[] {
  assertYear(year);
  const dates: IsoDate[] = [isoDate(year, 1, 1)]; // New Year's Day
  if (year >= MLK_DAY_FROM) dates.push(nthWeekday(year, 1, MONDAY, 3));
  dates.push(nthWeekday(year, 2, MONDAY, 3)); // Washington's Birthday
  dates.push(lastWeekday(year, 5, MONDAY)); // Memorial Day
  if (year >= JUNETEENTH_FROM) dates.push(isoDate(year, 6, 19));
  dates.push(isoDate(year, 7, 4)); // Independence Day
  dates.push(nthWeekday(year, 9, MONDAY, 1)); // Labor Day
  dates.push(nthWeekday(year, 10, MONDAY, 2)); // Columbus Day
  dates.push(isoDate(year, 11, 11)); // Veterans Day
  dates.push(nthWeekday(year, 11, THURSDAY, 4)); // Thanksgiving Day
  dates.push(isoDate(year, 12, 25)); // Christmas Day
  return dates;
}

/** Where a holiday is observed: a Saturday one on the Friday before, a Sunday one on the Monday after. */
export function observedDate(holiday: IsoDate): IsoDate {
  const day = dayOfWeek(holiday);
  if (day === SATURDAY) return addDays(holiday, -1);
  if (day === SUNDAY) return addDays(holiday, 1);
  return holiday;
}

/**
 * US federal legal public holidays of a year, as observed (Saturday → Friday before,
 * Sunday → Monday after). When January 1 is a Saturday its holiday is observed on
 * December 31 of the year before, and that date is in this year's list (as OPM lists it).
 */
export function usFederalHolidays(year: number): IsoDate[] {
  return usLegalPublicHolidays(year).map(observedDate);
}

/**
 * A calendar of the US federal holidays for fromYear..toYear inclusive, plus any extra
 * configured dates. It covers every day of those years: when the next New Year's Day
 * is a Saturday, its observance on December 31 of toYear is included too.
 */
export function holidayCalendar(fromYear: number, toYear: number, extra: readonly IsoDate[] = []): HolidayCalendar {
  assertYear(fromYear);
  assertYear(toYear);
  if (fromYear > toYear) throw new RangeError(`fromYear ${fromYear} is after toYear ${toYear}`);
  const dates: IsoDate[] = [];
  for (let year = fromYear; year <= toYear; year++) dates.push(...usFederalHolidays(year));
  const lastDay = isoDate(toYear, 12, 31);
  if (dayOfWeek(lastDay) === FRIDAY) dates.push(lastDay); // the following January 1 is a Saturday
  for (const date of extra) dates.push(addDays(date, 0)); // addDays validates the date
  return { holidays: [...new Set(dates)].sort(compareDates) };
}

/** Mon–Fri and not a holiday of the calendar. */
export function isBusinessDay(date: IsoDate, cal: HolidayCalendar): boolean {
  return !isWeekend(date) && !cal.holidays.includes(date);
}

function assertWholeDays(n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
}

/**
 * The n-th business day after `date` (date itself not counted); n = 0 returns date.
 * A negative n counts backwards: the |n|-th business day before `date`.
 */
export function addBusinessDays(date: IsoDate, n: number, cal: HolidayCalendar): IsoDate {
  assertWholeDays(n);
  const step = n < 0 ? -1 : 1;
  let day = addDays(date, 0);
  for (let left = Math.abs(n); left > 0; ) {
    day = addDays(day, step);
    if (isBusinessDay(day, cal)) left--;
  }
  return day;
}

/** The first business day on or after date. */
export function nextBusinessDay(date: IsoDate, cal: HolidayCalendar): IsoDate {
  let day = date;
  while (!isBusinessDay(day, cal)) day = addDays(day, 1);
  return day;
}

/** Business days strictly between a and b, in either order (0 for the same or adjacent days). */
export function businessDaysBetween(a: IsoDate, b: IsoDate, cal: HolidayCalendar): number {
  const [first, last] = compareDates(a, b) <= 0 ? [a, b] : [b, a];
  let count = 0;
  for (let day = addDays(first, 1); compareDates(day, last) < 0; day = addDays(day, 1)) {
    if (isBusinessDay(day, cal)) count++;
  }
  return count;
}

export type DayCount = 'calendar' | 'business';

export interface Period {
  days: number;
  count: DayCount;
}

/**
 * A contract period's last day, counted from `from` (acceptance): business days skip
 * weekends and holidays; calendar days count every day, and a last day that falls on
 * a weekend or holiday rolls forward to the next business day (as most US purchase
 * contracts say). The deadline is always a business day: a period of 0 days ends on
 * the first business day on or after `from`.
 */
export function periodDeadline(from: IsoDate, period: Period, cal: HolidayCalendar): IsoDate {
  assertWholeDays(period.days);
  if (period.days < 0) throw new RangeError(`a period cannot be negative: ${period.days} days`);
  if (period.count === 'business' && period.days > 0) return addBusinessDays(from, period.days, cal);
  return nextBusinessDay(addDays(from, period.days), cal);
}
