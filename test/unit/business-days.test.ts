import fc from 'fast-check';
import { addDays, compareDates } from '../../domain/calendar';
import {
  addBusinessDays,
  businessDaysBetween,
  dayOfWeek,
  holidayCalendar,
  isBusinessDay,
  isWeekend,
  nextBusinessDay,
  observedDate,
  periodDeadline,
  usFederalHolidays,
  usLegalPublicHolidays,
} from '../../domain/business-days';

const CAL = holidayCalendar(2021, 2028);

describe('dayOfWeek', () => {
  it.each([
    ['1970-01-01', 4], // the origin: a Thursday
    ['1969-12-28', 0], // before the origin: a Sunday
    ['2025-01-01', 3], // Wednesday
    ['2026-07-04', 6], // Saturday
    ['2022-12-25', 0], // Sunday
    ['2024-02-29', 4], // leap day, Thursday
  ])('%s is day %i (0 = Sunday)', (date, expected) => {
    expect(dayOfWeek(date)).toBe(expected);
  });

  it('agrees with Date#getUTCDay over many dates', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40_000, max: 80_000 }), (offset) => {
        const date = addDays('1970-01-01', offset);
        expect(dayOfWeek(date)).toBe(new Date(`${date}T00:00:00Z`).getUTCDay());
      }),
    );
  });

  it('rejects what is not a date', () => {
    expect(() => dayOfWeek('2025-02-30')).toThrow(RangeError);
    expect(() => isWeekend('tomorrow')).toThrow(RangeError);
  });
});

describe('usFederalHolidays', () => {
  // OPM's published 2025 list: no holiday falls on a weekend.
  it('2025', () => {
    expect(usFederalHolidays(2025)).toEqual([
      '2025-01-01', // New Year's Day, Wednesday
      '2025-01-20', // MLK: Jan 1 is a Wednesday, Mondays 6, 13, 20 → third is the 20th
      '2025-02-17', // Washington's Birthday: Feb 1 Saturday, Mondays 3, 10, 17
      '2025-05-26', // Memorial Day: May 31 is a Saturday, last Monday the 26th
      '2025-06-19', // Juneteenth, Thursday
      '2025-07-04', // Independence Day, Friday
      '2025-09-01', // Labor Day: first Monday
      '2025-10-13', // Columbus Day: Oct 1 Wednesday, Mondays 6, 13
      '2025-11-11', // Veterans Day, Tuesday
      '2025-11-27', // Thanksgiving: Nov 1 Saturday, Thursdays 6, 13, 20, 27
      '2025-12-25', // Christmas, Thursday
    ]);
  });

  // OPM's 2026 list: July 4 is a Saturday, observed Friday July 3.
  it('2026', () => {
    expect(usFederalHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19', // Jan 1 Thursday → Mondays 5, 12, 19
      '2026-02-16', // Feb 1 Sunday → Mondays 2, 9, 16
      '2026-05-25', // May 31 Sunday → last Monday the 25th
      '2026-06-19', // Friday
      '2026-07-03', // July 4 is a Saturday → Friday before
      '2026-09-07', // Sep 1 Tuesday → first Monday the 7th
      '2026-10-12', // Oct 1 Thursday → Mondays 5, 12
      '2026-11-11', // Wednesday
      '2026-11-26', // Nov 1 Sunday → Thursdays 5, 12, 19, 26
      '2026-12-25', // Friday
    ]);
  });

  it('2027: Saturday Juneteenth and Christmas move to Friday, Sunday July 4 to Monday', () => {
    const h = usFederalHolidays(2027);
    expect(h).toContain('2027-06-18'); // June 19 is a Saturday
    expect(h).toContain('2027-07-05'); // July 4 is a Sunday
    expect(h).toContain('2027-12-24'); // Christmas is a Saturday
    expect(h).not.toContain('2027-12-25');
  });

  it('2022: a Saturday New Year is observed on Dec 31 of 2021; a Sunday Christmas on Monday Dec 26', () => {
    const h = usFederalHolidays(2022);
    expect(h[0]).toBe('2021-12-31');
    expect(h).toContain('2022-12-26');
    expect(h).not.toContain('2022-01-01');
    expect(h).toHaveLength(11);
  });

  it('has Juneteenth from 2021 and MLK Day from 1986 only', () => {
    expect(usFederalHolidays(2020)).not.toContain('2020-06-19');
    expect(usFederalHolidays(2021)).toContain('2021-06-18'); // June 19, 2021 was a Saturday
    expect(usFederalHolidays(1985)).toHaveLength(9);
    expect(usFederalHolidays(1986)).toContain('1986-01-20');
  });

  it('every observed holiday is a weekday', () => {
    for (let year = 1990; year <= 2060; year++) {
      for (const date of usFederalHolidays(year)) expect(isWeekend(date)).toBe(false);
    }
  });

  it('rejects years the rules do not cover', () => {
    expect(() => usFederalHolidays(1970)).toThrow(RangeError);
    expect(() => usFederalHolidays(2025.5)).toThrow(RangeError);
  });
});

describe('usLegalPublicHolidays and observedDate', () => {
  it('keeps the statute\'s date even on a weekend', () => {
    expect(usLegalPublicHolidays(2026)).toContain('2026-07-04');
    expect(observedDate('2026-07-04')).toBe('2026-07-03'); // Saturday → Friday
    expect(observedDate('2022-12-25')).toBe('2022-12-26'); // Sunday → Monday
    expect(observedDate('2025-12-25')).toBe('2025-12-25'); // Thursday stays
  });
});

describe('holidayCalendar', () => {
  it('covers the years asked, sorted and without duplicates, plus extra dates', () => {
    const cal = holidayCalendar(2025, 2026, ['2025-04-18', '2025-12-25']);
    expect(cal.holidays).toHaveLength(11 + 11 + 1); // the repeated Christmas counted once
    expect(cal.holidays[0]).toBe('2025-01-01');
    expect(cal.holidays).toContain('2025-04-18');
    expect([...cal.holidays]).toEqual([...cal.holidays].sort());
  });

  it('includes Dec 31 of the last year when the next New Year is a Saturday', () => {
    // Jan 1 2028 is a Saturday → observed Friday Dec 31 2027.
    expect(holidayCalendar(2027, 2027).holidays).toContain('2027-12-31');
    expect(holidayCalendar(2026, 2026).holidays).not.toContain('2026-12-31');
  });

  it('rejects a reversed range and an invalid extra date', () => {
    expect(() => holidayCalendar(2026, 2025)).toThrow(RangeError);
    expect(() => holidayCalendar(2025, 2025, ['2025-13-01'])).toThrow(RangeError);
  });
});

describe('isBusinessDay and nextBusinessDay', () => {
  it('is Monday to Friday and not a holiday', () => {
    expect(isBusinessDay('2025-11-26', CAL)).toBe(true); // Wednesday
    expect(isBusinessDay('2025-11-27', CAL)).toBe(false); // Thanksgiving
    expect(isBusinessDay('2025-11-29', CAL)).toBe(false); // Saturday
    expect(isBusinessDay('2026-07-03', CAL)).toBe(false); // observed Independence Day
    expect(isBusinessDay('2025-04-18', { holidays: ['2025-04-18'] })).toBe(false); // configured extra
  });

  it('rolls forward to the first business day, staying on one', () => {
    expect(nextBusinessDay('2025-11-26', CAL)).toBe('2025-11-26');
    expect(nextBusinessDay('2025-11-27', CAL)).toBe('2025-11-28'); // Thanksgiving → Friday
    expect(nextBusinessDay('2025-08-30', CAL)).toBe('2025-09-02'); // Sat, Sun, Labor Day → Tuesday
  });
});

describe('addBusinessDays', () => {
  it('returns the date itself for n = 0, even on a weekend', () => {
    expect(addBusinessDays('2025-03-08', 0, CAL)).toBe('2025-03-08');
  });

  it('crosses a weekend', () => {
    // Fri 2025-03-07 + 1 → Sat, Sun skipped → Mon 03-10; + 3 → Mon, Tue, Wed 03-12
    expect(addBusinessDays('2025-03-07', 1, CAL)).toBe('2025-03-10');
    expect(addBusinessDays('2025-03-07', 3, CAL)).toBe('2025-03-12');
  });

  it('crosses Thanksgiving', () => {
    // Wed 11-26 + 1: Thu 27 Thanksgiving → Fri 28 (1); + 2: Sat, Sun → Mon 12-01 (2)
    expect(addBusinessDays('2025-11-26', 1, CAL)).toBe('2025-11-28');
    expect(addBusinessDays('2025-11-26', 2, CAL)).toBe('2025-12-01');
  });

  it('crosses Christmas', () => {
    // Tue 12-23 + 3: Wed 24 (1), Thu 25 Christmas, Fri 26 (2), Sat, Sun, Mon 29 (3)
    expect(addBusinessDays('2025-12-23', 3, CAL)).toBe('2025-12-29');
  });

  it('crosses New Year observed on Dec 31', () => {
    // Thu 2027-12-30 + 1: Fri 31 (observed New Year 2028), Sat, Sun → Mon 2028-01-03
    expect(addBusinessDays('2027-12-30', 1, CAL)).toBe('2028-01-03');
  });

  it('counts backwards for a negative n', () => {
    // Mon 12-01 − 2: Sun, Sat skipped, Fri 11-28 (1), Thu 27 Thanksgiving, Wed 26 (2)
    expect(addBusinessDays('2025-12-01', -2, CAL)).toBe('2025-11-26');
  });

  it('rejects a fractional count', () => {
    expect(() => addBusinessDays('2025-12-01', 1.5, CAL)).toThrow(RangeError);
  });

  it('always lands on a business day, with n - 1 business days strictly between', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 1, max: 40 }), (offset, n) => {
        const from = addDays('2022-01-01', offset);
        const to = addBusinessDays(from, n, CAL);
        expect(isBusinessDay(to, CAL)).toBe(true);
        expect(businessDaysBetween(from, to, CAL)).toBe(n - 1);
        expect(businessDaysBetween(to, from, CAL)).toBe(n - 1);
      }),
    );
  });
});

describe('businessDaysBetween', () => {
  it('counts the business days strictly between two dates', () => {
    // Wed 11-26 .. Mon 12-01: Thu 27 holiday, Fri 28, Sat, Sun → 1
    expect(businessDaysBetween('2025-11-26', '2025-12-01', CAL)).toBe(1);
    expect(businessDaysBetween('2025-11-26', '2025-11-26', CAL)).toBe(0);
  });
});

describe('periodDeadline', () => {
  it('business days: 10 business days crossing Thanksgiving', () => {
    // From Thu 11-20: Fri 21 (1), Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 holiday,
    // Fri 28 (5), Mon 12-01 (6), Tue 2 (7), Wed 3 (8), Thu 4 (9), Fri 5 (10)
    expect(periodDeadline('2025-11-20', { days: 10, count: 'business' }, CAL)).toBe('2025-12-05');
  });

  it('business days: 5 business days crossing Christmas and New Year', () => {
    // From Tue 2025-12-23: Wed 24 (1), Thu 25 holiday, Fri 26 (2), Mon 29 (3), Tue 30 (4),
    // Wed 31 (5)
    expect(periodDeadline('2025-12-23', { days: 5, count: 'business' }, CAL)).toBe('2025-12-31');
    // one more day: Thu 2026-01-01 holiday → Fri 01-02 (6)
    expect(periodDeadline('2025-12-23', { days: 6, count: 'business' }, CAL)).toBe('2026-01-02');
  });

  it('calendar days ending on a weekday stay put', () => {
    // Mon 03-03 + 10 = Thu 03-13
    expect(periodDeadline('2025-03-03', { days: 10, count: 'calendar' }, CAL)).toBe('2025-03-13');
  });

  it('calendar days ending on a weekend roll to Monday', () => {
    // Mon 03-03 + 5 = Sat 03-08 → Mon 03-10
    expect(periodDeadline('2025-03-03', { days: 5, count: 'calendar' }, CAL)).toBe('2025-03-10');
    // Mon 03-03 + 6 = Sun 03-09 → Mon 03-10
    expect(periodDeadline('2025-03-03', { days: 6, count: 'calendar' }, CAL)).toBe('2025-03-10');
  });

  it('calendar days ending on a holiday (or on the weekend before one) roll past it', () => {
    // Mon 08-25 + 7 = Mon 09-01, Labor Day → Tue 09-02
    expect(periodDeadline('2025-08-25', { days: 7, count: 'calendar' }, CAL)).toBe('2025-09-02');
    // Sat 08-23 + 7 = Sat 08-30 → Sun 31 → Mon Labor Day → Tue 09-02
    expect(periodDeadline('2025-08-23', { days: 7, count: 'calendar' }, CAL)).toBe('2025-09-02');
    // Fri 2025-12-19 + 7 = Fri 12-26, the day after Christmas: a business day
    expect(periodDeadline('2025-12-19', { days: 7, count: 'calendar' }, CAL)).toBe('2025-12-26');
    // Thu 2025-12-18 + 7 = Thu 12-25 Christmas → Fri 12-26
    expect(periodDeadline('2025-12-18', { days: 7, count: 'calendar' }, CAL)).toBe('2025-12-26');
  });

  it('a period of 0 days ends on the first business day on or after acceptance', () => {
    expect(periodDeadline('2025-03-08', { days: 0, count: 'business' }, CAL)).toBe('2025-03-10');
    expect(periodDeadline('2025-03-08', { days: 0, count: 'calendar' }, CAL)).toBe('2025-03-10');
    expect(periodDeadline('2025-03-07', { days: 0, count: 'business' }, CAL)).toBe('2025-03-07');
  });

  it('rejects a negative or fractional period', () => {
    expect(() => periodDeadline('2025-03-03', { days: -1, count: 'calendar' }, CAL)).toThrow(RangeError);
    expect(() => periodDeadline('2025-03-03', { days: 2.5, count: 'business' }, CAL)).toThrow(RangeError);
  });

  it('is always a business day, never before the plain calendar date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom('calendar' as const, 'business' as const),
        (offset, days, count) => {
          const from = addDays('2022-01-01', offset);
          const deadline = periodDeadline(from, { days, count }, CAL);
          expect(isBusinessDay(deadline, CAL)).toBe(true);
          expect(compareDates(deadline, addDays(from, days))).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
