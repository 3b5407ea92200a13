import { addDays, daysBetween } from '../../domain/calendar';
import { leaseEndDate, prorate, rentSchedule, type RentPeriod } from '../../domain/rent-schedule';

/** Half-up rounding of a × b / c, by hand with BigInt quotient and remainder. */
function halfUp(a: number, b: number, c: number): bigint {
  const n = BigInt(a) * BigInt(b);
  const q = n / BigInt(c);
  const r = n % BigInt(c);
  return 2n * r >= BigInt(c) ? q + 1n : q;
}

const daysOf = (p: RentPeriod) => daysBetween(p.from, p.to) + 1;

describe('prorate', () => {
  it('rounds 150000 × 10/31 (48387.09…) to 48387', () => {
    // 1,500,000 = 31 × 48387 + 3
    expect(prorate(150_000, 10, 31)).toBe(48_387);
  });

  it('rounds an exact half up', () => {
    expect(prorate(1, 1, 2)).toBe(1);
    expect(prorate(99_999, 15, 30)).toBe(50_000); // 49999.5
    expect(prorate(3, 1, 2)).toBe(2); // 1.5
  });

  it('rounds below a half down and above it up', () => {
    expect(prorate(1, 15, 31)).toBe(0); // 0.48
    expect(prorate(1, 16, 31)).toBe(1); // 0.52
    expect(prorate(150_000, 17, 31)).toBe(82_258); // 82258.06
    expect(prorate(150_000, 14, 31)).toBe(67_742); // 67741.94
  });

  it('gives 0 for no days and the full rent for a full month', () => {
    expect(prorate(150_000, 0, 31)).toBe(0);
    for (const monthDays of [28, 29, 30, 31]) {
      expect(prorate(150_000, monthDays, monthDays)).toBe(150_000);
      expect(prorate(Number.MAX_SAFE_INTEGER, monthDays, monthDays)).toBe(Number.MAX_SAFE_INTEGER);
    }
    expect(prorate(0, 10, 31)).toBe(0);
  });

  it('works on currencies without decimals (JPY-like whole yen)', () => {
    expect(prorate(250_000, 10, 31)).toBe(80_645); // 80645.16
    expect(prorate(85_000, 14, 28)).toBe(42_500);
    expect(prorate(85_001, 14, 28)).toBe(42_501); // 42500.5
    expect(Number.isInteger(prorate(123_457, 19, 30))).toBe(true);
  });

  it('is exact where float arithmetic rounds the other way', () => {
    // 123 / 30 × 15 is 61.49999999999999 in floats, but exactly 61.5.
    expect(Math.round((123 / 30) * 15)).toBe(61);
    expect(prorate(123, 15, 30)).toBe(62);
    expect(BigInt(prorate(123, 15, 30))).toBe(halfUp(123, 15, 30));

    // Beyond 2^53 the product itself is not exact in floats.
    const m = 4_503_599_627_370_524;
    expect(Math.round((m * 14) / 31)).not.toBe(Number(halfUp(m, 14, 31)));
    expect(BigInt(prorate(m, 14, 31))).toBe(halfUp(m, 14, 31));
    expect(prorate(m, 14, 31)).toBe(2_033_883_702_683_462);
  });

  it('matches BigInt half-up for a spread of rents and days', () => {
    for (const monthly of [1, 7, 999, 150_000, 123_457, 9_999_999, 2 ** 40 + 3]) {
      for (const monthDays of [28, 29, 30, 31]) {
        for (let days = 0; days <= monthDays; days++) {
          expect(BigInt(prorate(monthly, days, monthDays))).toBe(halfUp(monthly, days, monthDays));
        }
      }
    }
  });

  it('rejects bad inputs', () => {
    expect(() => prorate(-1, 10, 31)).toThrow(RangeError);
    expect(() => prorate(1.5, 10, 31)).toThrow(RangeError);
    expect(() => prorate(Number.MAX_SAFE_INTEGER + 1, 10, 31)).toThrow(RangeError);
    expect(() => prorate(150_000, 32, 31)).toThrow(RangeError);
    expect(() => prorate(150_000, -1, 31)).toThrow(RangeError);
  });
});

describe('leaseEndDate', () => {
  it('is the term later less one day', () => {
    expect(leaseEndDate('2025-01-15', 12)).toBe('2026-01-14');
    expect(leaseEndDate('2025-01-01', 12)).toBe('2025-12-31');
    expect(leaseEndDate('2025-03-01', 1)).toBe('2025-03-31');
    expect(leaseEndDate('2024-02-01', 1)).toBe('2024-02-29');
    expect(leaseEndDate('2025-01-31', 1)).toBe('2025-02-27'); // Feb 28 (clamped) less one day
    expect(leaseEndDate('2025-06-10', 6)).toBe('2025-12-09');
  });
});

describe('rentSchedule', () => {
  describe('a 12-month lease from 2025-01-15', () => {
    const start = '2025-01-15';
    const end = leaseEndDate(start, 12);
    const periods = rentSchedule(start, end, 150_000);

    it('ends on 2026-01-14', () => {
      expect(end).toBe('2026-01-14');
    });

    it('has a prorated first period due on move-in', () => {
      expect(periods[0]).toEqual({
        index: 1,
        from: '2025-01-15',
        to: '2025-01-31',
        dueOn: '2025-01-15',
        amountMinor: prorate(150_000, 17, 31),
        prorated: true,
      });
      expect(periods[0]!.amountMinor).toBe(82_258);
    });

    it('has eleven full months in between, due on the 1st', () => {
      const middle = periods.slice(1, -1);
      expect(middle).toHaveLength(11);
      middle.forEach((p, i) => {
        const month = String(i + 2).padStart(2, '0');
        expect(p.index).toBe(i + 2);
        expect(p.from).toBe(`2025-${month}-01`);
        expect(p.dueOn).toBe(`2025-${month}-01`);
        expect(p.amountMinor).toBe(150_000);
        expect(p.prorated).toBe(false);
      });
      expect(middle[0]!.to).toBe('2025-02-28');
      expect(middle[10]!.to).toBe('2025-12-31');
    });

    it('has a prorated last period due on its first day', () => {
      expect(periods).toHaveLength(13);
      expect(periods[12]).toEqual({
        index: 13,
        from: '2026-01-01',
        to: '2026-01-14',
        dueOn: '2026-01-01',
        amountMinor: 67_742,
        prorated: true,
      });
    });

    it('covers every day of the lease exactly once', () => {
      expect(periods[0]!.from).toBe(start);
      expect(periods.at(-1)!.to).toBe(end);
      for (let i = 1; i < periods.length; i++) {
        expect(periods[i]!.from).toBe(addDays(periods[i - 1]!.to, 1));
      }
      const covered = periods.reduce((n, p) => n + daysOf(p), 0);
      expect(covered).toBe(daysBetween(start, end) + 1);
      expect(covered).toBe(365);
    });

    it('charges twelve months in total here (17/31 + 14/31 of a 31-day month)', () => {
      expect(periods.reduce((n, p) => n + p.amountMinor, 0)).toBe(12 * 150_000);
    });
  });

  it('does not prorate a lease starting on the 1st', () => {
    const periods = rentSchedule('2025-01-01', leaseEndDate('2025-01-01', 12), 150_000);
    expect(periods).toHaveLength(12);
    expect(periods.every((p) => !p.prorated && p.amountMinor === 150_000)).toBe(true);
    expect(periods.map((p) => p.dueOn)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}-01`),
    );
    expect(periods.reduce((n, p) => n + daysOf(p), 0)).toBe(365);
  });

  it('puts full months on the due day and partial months on their first day', () => {
    const periods = rentSchedule('2025-01-15', '2025-04-10', 150_000, 5);
    expect(periods.map((p) => [p.from, p.to, p.dueOn, p.prorated])).toEqual([
      ['2025-01-15', '2025-01-31', '2025-01-15', true],
      ['2025-02-01', '2025-02-28', '2025-02-05', false],
      ['2025-03-01', '2025-03-31', '2025-03-05', false],
      ['2025-04-01', '2025-04-10', '2025-04-01', true],
    ]);
    expect(periods[3]!.amountMinor).toBe(prorate(150_000, 10, 30));
    expect(periods[3]!.amountMinor).toBe(50_000);
  });

  it('uses due day 28 in every month, February included', () => {
    const periods = rentSchedule('2024-01-01', '2025-02-28', 100_000, 28);
    expect(periods.every((p) => !p.prorated)).toBe(true);
    expect(periods.find((p) => p.from === '2024-02-01')!.dueOn).toBe('2024-02-28');
    expect(periods.find((p) => p.from === '2025-02-01')!.dueOn).toBe('2025-02-28');
    expect(periods.every((p) => p.dueOn.endsWith('-28'))).toBe(true);
  });

  it('prorates by the length of each month (leap February)', () => {
    const periods = rentSchedule('2024-02-10', '2024-03-09', 145_000);
    expect(periods).toHaveLength(2);
    expect(periods[0]).toMatchObject({ from: '2024-02-10', to: '2024-02-29', amountMinor: 100_000, prorated: true }); // 20/29
    expect(periods[1]).toMatchObject({ from: '2024-03-01', to: '2024-03-09', amountMinor: prorate(145_000, 9, 31), prorated: true });
    expect(periods[1]!.amountMinor).toBe(42_097); // 42096.77
  });

  it('handles a lease inside one month and a one-day lease', () => {
    expect(rentSchedule('2025-03-10', '2025-03-20', 31_000)).toEqual([
      { index: 1, from: '2025-03-10', to: '2025-03-20', dueOn: '2025-03-10', amountMinor: 11_000, prorated: true },
    ]);
    expect(rentSchedule('2025-03-10', '2025-03-10', 31_000)).toEqual([
      { index: 1, from: '2025-03-10', to: '2025-03-10', dueOn: '2025-03-10', amountMinor: 1_000, prorated: true },
    ]);
  });

  it('rejects a lease that ends before it starts', () => {
    expect(() => rentSchedule('2025-02-01', '2025-01-31', 150_000)).toThrow(RangeError);
  });

  it.each([0, 29, 31, -1, 1.5])('rejects due day %d', (dueDay) => {
    expect(() => rentSchedule('2025-01-01', '2025-12-31', 150_000, dueDay)).toThrow(RangeError);
  });

  it('rejects invalid dates', () => {
    expect(() => rentSchedule('2023-02-29', '2023-12-31', 150_000)).toThrow(RangeError);
    expect(() => rentSchedule('2023-01-01', 'x', 150_000)).toThrow(RangeError);
  });
});
