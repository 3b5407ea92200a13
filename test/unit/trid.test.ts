import fc from 'fast-check';
import { addDays, daysBetween } from '../../domain/calendar';
import { dayOfWeek, holidayCalendar } from '../../domain/business-days';
import {
  earliestConsummation,
  formatAprMilli,
  isTridBusinessDay,
  waitRestartReasons,
  type DisclosureTerms,
} from '../../domain/purchase/trid';

const CAL = holidayCalendar(2021, 2028);

describe('isTridBusinessDay', () => {
  it('counts Saturdays, not Sundays', () => {
    expect(isTridBusinessDay('2025-03-08', CAL)).toBe(true); // Saturday
    expect(isTridBusinessDay('2025-03-09', CAL)).toBe(false); // Sunday
    expect(isTridBusinessDay('2025-03-10', CAL)).toBe(true); // Monday
  });

  it('does not count a legal public holiday', () => {
    expect(isTridBusinessDay('2025-11-27', CAL)).toBe(false); // Thanksgiving
    expect(isTridBusinessDay('2025-09-01', CAL)).toBe(false); // Labor Day
  });

  it('uses the statute\'s date of a weekend holiday, not the day it is observed (comment 2(a)(6)-2)', () => {
    expect(isTridBusinessDay('2026-07-04', CAL)).toBe(false); // Independence Day on a Saturday
    expect(isTridBusinessDay('2026-07-03', CAL)).toBe(true); // observed Friday still counts
    expect(isTridBusinessDay('2022-12-26', CAL)).toBe(true); // observed Monday for a Sunday Christmas
    expect(isTridBusinessDay('2021-12-31', CAL)).toBe(true); // observed Friday for Saturday Jan 1 2022
    expect(isTridBusinessDay('2022-01-01', CAL)).toBe(false); // that Saturday itself
  });

  it('applies the statutory holidays even beyond the calendar\'s years', () => {
    expect(isTridBusinessDay('2035-12-25', { holidays: [] })).toBe(false);
  });

  it('treats other dates the calendar lists as holidays (only ever lengthening the wait)', () => {
    const withExtra = holidayCalendar(2025, 2025, ['2025-03-05']);
    expect(isTridBusinessDay('2025-03-05', withExtra)).toBe(false);
    expect(isTridBusinessDay('2025-03-05', CAL)).toBe(true);
  });
});

describe('earliestConsummation', () => {
  it.each([
    // Mon 03-03: Tue 4 (1), Wed 5 (2), Thu 6 (3)
    ['received Monday → Thursday', '2025-03-03', '2025-03-06'],
    // Thu 03-06: Fri 7 (1), Sat 8 (2), Sun 9 skipped, Mon 10 (3). Mon–Fri counting would say Tue 11.
    ['a Saturday counts', '2025-03-06', '2025-03-10'],
    // Fri 08-29: Sat 30 (1), Sun 31 skipped, Mon 09-01 Labor Day skipped, Tue 2 (2), Wed 3 (3)
    ['received Friday before a Monday holiday → Wednesday', '2025-08-29', '2025-09-03'],
    // Tue 11-25: Wed 26 (1), Thu 27 Thanksgiving skipped, Fri 28 (2), Sat 29 (3): consummation on a Saturday
    ['Thanksgiving skipped, ending on a Saturday', '2025-11-25', '2025-11-29'],
    // Wed 2026-07-01: Thu 2 (1), Fri 3 observed holiday but a business day (2), Sat 4 Independence Day
    // skipped, Sun 5 skipped, Mon 6 (3)
    ['Saturday July 4 skipped, observed Friday July 3 counted', '2026-07-01', '2026-07-06'],
    // Fri 2022-12-23: Sat 24 (1), Sun 25 Christmas skipped, Mon 26 observed holiday counted (2), Tue 27 (3)
    ['Sunday Christmas, observed Monday counted', '2022-12-23', '2022-12-27'],
    // Sat 2025-12-20: Sun 21 skipped, Mon 22 (1), Tue 23 (2), Wed 24 (3)
    ['received on a Saturday', '2025-12-20', '2025-12-24'],
    // Tue 2025-12-23: Wed 24 (1), Thu 25 Christmas skipped, Fri 26 (2), Sat 27 (3)
    ['Christmas on a Thursday', '2025-12-23', '2025-12-27'],
  ])('%s', (_name, receivedOn, expected) => {
    expect(earliestConsummation(receivedOn, CAL)).toBe(expected);
  });

  it('is always 3 to 6 days later, never a Sunday, and a TRID business day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), (offset) => {
        const received = addDays('2022-01-01', offset);
        const earliest = earliestConsummation(received, CAL);
        const wait = daysBetween(received, earliest);
        // 3 counted days plus the skipped ones: a Sunday and the holidays near it, never more than 3
        expect(wait).toBeGreaterThanOrEqual(3);
        expect(wait).toBeLessThanOrEqual(6);
        expect(dayOfWeek(earliest)).not.toBe(0);
        expect(isTridBusinessDay(earliest, CAL)).toBe(true);
      }),
    );
  });
});

describe('waitRestartReasons', () => {
  const previous: DisclosureTerms = { aprMilli: 6_875, loanProduct: 'Fixed Rate', prepaymentPenalty: false };

  it('is empty when nothing that matters changed', () => {
    expect(waitRestartReasons(previous, { ...previous })).toEqual([]);
  });

  it('does not restart for an APR rise of exactly 0.125 points', () => {
    // 6.875% → 7.000%: up 125 milli, not more than 125
    expect(waitRestartReasons(previous, { ...previous, aprMilli: 7_000 })).toEqual([]);
  });

  it('restarts for an APR rise of 0.126 points', () => {
    // 6.875% → 7.001%: up 126 milli
    expect(waitRestartReasons(previous, { ...previous, aprMilli: 7_001 })).toEqual([
      'The APR rose from 6.875% to 7.001%, up 0.126 percentage points, more than the 0.125 allowed.',
    ]);
  });

  it('does not restart for an APR decrease, however large', () => {
    expect(waitRestartReasons(previous, { ...previous, aprMilli: 5_500 })).toEqual([]);
  });

  it('restarts for a different loan product, but not for the same one spelt differently', () => {
    expect(waitRestartReasons(previous, { ...previous, loanProduct: '5/1 Adjustable Rate' })).toEqual([
      'The loan product changed from "Fixed Rate" to "5/1 Adjustable Rate".',
    ]);
    expect(waitRestartReasons(previous, { ...previous, loanProduct: ' fixed  rate ' })).toEqual([]);
  });

  it('restarts when a prepayment penalty is added, not when one is removed', () => {
    expect(waitRestartReasons(previous, { ...previous, prepaymentPenalty: true })).toEqual(['A prepayment penalty was added.']);
    expect(waitRestartReasons({ ...previous, prepaymentPenalty: true }, previous)).toEqual([]);
  });

  it('gives every reason at once', () => {
    const revised: DisclosureTerms = { aprMilli: 7_250, loanProduct: 'Interest Only', prepaymentPenalty: true };
    expect(waitRestartReasons(previous, revised)).toHaveLength(3);
  });

  it('rejects an APR that is not whole thousandths', () => {
    expect(() => waitRestartReasons(previous, { ...previous, aprMilli: 6_875.5 })).toThrow(RangeError);
  });
});

describe('formatAprMilli', () => {
  it.each([
    [6_875, '6.875%'],
    [7_000, '7.000%'],
    [126, '0.126%'],
    [12_050, '12.050%'],
  ])('%i → %s', (milli, text) => {
    expect(formatAprMilli(milli)).toBe(text);
  });
});
