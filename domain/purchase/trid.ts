/**
 * The TILA-RESPA Integrated Disclosure waiting period (12 CFR 1026.19(f)(1)(ii)
 * and (f)(2)(ii)): the consumer must receive the closing disclosure at least three
 * business days before consummation, and some corrections restart that wait.
 * Pure, so the purchase workflow can schedule closing from it directly.
 */
import { addDays, type IsoDate } from '../calendar';
import { dayOfWeek, observedDate, SUNDAY, usLegalPublicHolidays, type HolidayCalendar } from '../business-days';

/** Three business days between receipt of the closing disclosure and consummation. */
export const TRID_WAIT_BUSINESS_DAYS = 3;

/** More than 1/8 of a percentage point (in thousandths of a point) makes the APR inaccurate (12 CFR 1026.22(a)(2)). */
export const APR_TOLERANCE_MILLI = 125;

function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** The statute's own date of a legal public holiday (July 4 even on a Saturday). */
function isLegalPublicHoliday(date: IsoDate): boolean {
  return usLegalPublicHolidays(yearOf(date)).includes(date);
}

/**
 * A weekday on which a weekend holiday is observed (Friday July 3 for a Saturday
 * July 4). Official interpretation 2(a)(6)-2 says such a day is a business day.
 */
function isObservedSubstitute(date: IsoDate): boolean {
  const year = yearOf(date);
  // A Saturday New Year's Day is observed on December 31 of the year before.
  const candidates = [...usLegalPublicHolidays(year), ...(year < 9999 ? [`${year + 1}-01-01`] : [])];
  return candidates.some((holiday) => holiday !== date && observedDate(holiday) === date);
}

/**
 * For the closing-disclosure wait, a "business day" is every calendar day except
 * Sundays and the federal legal public holidays (12 CFR 1026.2(a)(6)) — Saturdays count.
 * The holidays are the statute's dates, always applied whatever the calendar holds;
 * a weekday on which the calendar observes a weekend holiday still counts. Any other
 * date the calendar lists (one configured as extra) is treated as a holiday: that can
 * only lengthen the wait, never shorten it, so pass the plain federal calendar.
 */
export function isTridBusinessDay(date: IsoDate, cal: HolidayCalendar): boolean {
  if (dayOfWeek(date) === SUNDAY) return false;
  if (isLegalPublicHoliday(date)) return false;
  return !cal.holidays.includes(date) || isObservedSubstitute(date);
}

/**
 * The earliest day consummation may happen when the consumer received the closing
 * disclosure on receivedOn: the third TRID business day after it (received Monday →
 * Thursday; received Friday before a Monday holiday → Saturday counts, so Wednesday).
 */
export function earliestConsummation(receivedOn: IsoDate, cal: HolidayCalendar): IsoDate {
  let day = addDays(receivedOn, 0); // validates receivedOn
  for (let counted = 0; counted < TRID_WAIT_BUSINESS_DAYS; ) {
    day = addDays(day, 1);
    if (isTridBusinessDay(day, cal)) counted++;
  }
  return day;
}

export interface DisclosureTerms {
  /** APR in thousandths of a percentage point: 6.875% = 6875. */
  aprMilli: number;
  loanProduct: string;
  prepaymentPenalty: boolean;
}

/** 6875 → "6.875%", from the integer (no float formatting). */
export function formatAprMilli(aprMilli: number): string {
  const sign = aprMilli < 0 ? '-' : '';
  const abs = Math.abs(aprMilli);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}%`;
}

/** Product names compare without regard to case or spacing: "Fixed  rate" is "Fixed Rate". */
function sameProduct(a: string, b: string): boolean {
  const normal = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return normal(a) === normal(b);
}

function assertTerms(terms: DisclosureTerms): void {
  if (!Number.isSafeInteger(terms.aprMilli) || terms.aprMilli < 0) {
    throw new RangeError(`APR must be a whole, non-negative number of thousandths of a point: ${terms.aprMilli}`);
  }
}

/**
 * The changes in a revised disclosure that restart the 3-business-day wait (empty when
 * none), per 12 CFR 1026.19(f)(2)(ii): the APR up by more than 0.125 percentage points,
 * a different loan product, a prepayment penalty added. Other changes (APR down, fees)
 * only need a corrected disclosure at or before consummation.
 */
export function waitRestartReasons(previous: DisclosureTerms, revised: DisclosureTerms): string[] {
  assertTerms(previous);
  assertTerms(revised);
  const reasons: string[] = [];
  const rise = revised.aprMilli - previous.aprMilli;
  if (rise > APR_TOLERANCE_MILLI) {
    reasons.push(
      `The APR rose from ${formatAprMilli(previous.aprMilli)} to ${formatAprMilli(revised.aprMilli)}, ` +
        `up ${formatAprMilli(rise).slice(0, -1)} percentage points, more than the 0.125 allowed.`,
    );
  }
  if (!sameProduct(previous.loanProduct, revised.loanProduct)) {
    reasons.push(`The loan product changed from "${previous.loanProduct}" to "${revised.loanProduct}".`);
  }
  if (revised.prepaymentPenalty && !previous.prepaymentPenalty) {
    reasons.push('A prepayment penalty was added.');
  }
  return reasons;
}
