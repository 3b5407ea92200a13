import { addDays, addMonths, compareDates, daysBetween, daysInMonth, isValidDate } from '../../domain/calendar';

describe('addDays', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-01'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2023-03-01', -1, '2023-02-28'],
    ['2024-01-31', 30, '2024-03-01'],
    ['2023-01-31', 30, '2023-03-02'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2023-01-01', 365, '2024-01-01'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2025-06-15', 0, '2025-06-15'],
  ])('%s %+d days = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it('is the inverse of itself', () => {
    for (const n of [1, 28, 29, 365, 366, 1000]) {
      expect(addDays(addDays('2024-02-29', n), -n)).toBe('2024-02-29');
    }
  });
});

describe('daysBetween', () => {
  it('is positive forward, negative backward and zero on the same day', () => {
    expect(daysBetween('2025-01-01', '2025-01-31')).toBe(30);
    expect(daysBetween('2025-01-31', '2025-01-01')).toBe(-30);
    expect(daysBetween('2025-05-05', '2025-05-05')).toBe(0);
  });

  it('counts leap days', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(daysBetween('2023-02-01', '2023-03-01')).toBe(28);
    expect(daysBetween('2025-03-01', '2024-02-28')).toBe(-367);
  });

  it('agrees with addDays', () => {
    expect(addDays('2024-11-20', daysBetween('2024-11-20', '2025-03-03'))).toBe('2025-03-03');
  });
});

describe('daysInMonth', () => {
  it.each([
    [2024, 2, 29],
    [2023, 2, 28],
    [2100, 2, 28],
    [2000, 2, 29],
    [2025, 1, 31],
    [2025, 4, 30],
    [2025, 12, 31],
  ])('%d-%d has %d days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

describe('addMonths', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2023-03-31', -1, '2023-02-28'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-01-15', 1, '2025-02-15'],
    ['2025-01-15', -1, '2024-12-15'],
    ['2025-01-15', 12, '2026-01-15'],
    ['2025-01-15', 13, '2026-02-15'],
    ['2025-01-15', -13, '2023-12-15'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-07-04', 0, '2025-07-04'],
  ])('%s %+d months = %s', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it('clamps without carrying the overflow into the next month', () => {
    // Jan 31 + 1 month must never spill into March.
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-01-29', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-30', 1)).toBe('2024-02-29');
  });
});

describe('compareDates', () => {
  it('orders dates', () => {
    expect(compareDates('2025-01-01', '2025-01-02')).toBeLessThan(0);
    expect(compareDates('2025-01-02', '2025-01-01')).toBeGreaterThan(0);
    expect(compareDates('2025-01-02', '2025-01-02')).toBe(0);
    expect(compareDates('2024-12-31', '2025-01-01')).toBeLessThan(0);
  });
});

describe('invalid dates', () => {
  const invalid = ['2023-02-29', '2023-13-01', 'x', '', '2023-00-10', '2023-04-31', '2023-01-00', '2023-1-01', '2023-01-01T00:00:00Z', ' 2023-01-01'];

  it.each(invalid)('isValidDate(%j) is false', (date) => {
    expect(isValidDate(date)).toBe(false);
  });

  it.each(invalid)('arithmetic on %j throws a RangeError', (date) => {
    expect(() => addDays(date, 1)).toThrow(RangeError);
    expect(() => addMonths(date, 1)).toThrow(RangeError);
    expect(() => daysBetween(date, '2023-01-01')).toThrow(RangeError);
    expect(() => daysBetween('2023-01-01', date)).toThrow(RangeError);
    expect(() => compareDates(date, '2023-01-01')).toThrow(RangeError);
  });

  it('accepts real dates, including leap days', () => {
    for (const d of ['2024-02-29', '2000-02-29', '2023-12-31', '2025-01-01', '2025-04-30']) {
      expect(isValidDate(d)).toBe(true);
    }
    expect(isValidDate('2100-02-29')).toBe(false);
  });
});
