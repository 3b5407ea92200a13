/** The pure rules of a property's books: the management fee, what a property can distribute and how it splits, and aging. */
import { age } from '../../domain/books/aging';
import { distributableMinor, sharesProblem, splitByShares } from '../../domain/books/distribution';
import { managementFeeFor } from '../../domain/books/management-fee';

describe('managementFeeFor', () => {
  test('a share of what was collected, rounded half up, plus the leasing fee per new lease', () => {
    expect(managementFeeFor({ feeBps: 800, leasingFeeMinor: 30_000 }, { collectedMinor: 405_000, newLeases: 1 })).toEqual({
      collectedMinor: 405_000,
      percentMinor: 32_400,
      newLeases: 1,
      leasingMinor: 30_000,
      totalMinor: 62_400,
    });
    // 8.75% of 1,234.57 = 108.024875 → 108.02; 0.5 of a cent rounds up.
    expect(managementFeeFor({ feeBps: 875, leasingFeeMinor: 0 }, { collectedMinor: 123_457, newLeases: 0 }).percentMinor).toBe(10_802);
    expect(managementFeeFor({ feeBps: 5000, leasingFeeMinor: 0 }, { collectedMinor: 1, newLeases: 0 }).percentMinor).toBe(1);
  });

  test('a month of more returns than receipts owes no percentage (and takes nothing back)', () => {
    expect(managementFeeFor({ feeBps: 1000, leasingFeeMinor: 5_000 }, { collectedMinor: -20_000, newLeases: 2 })).toMatchObject({ percentMinor: 0, leasingMinor: 10_000, totalMinor: 10_000 });
  });
});

describe('distributions', () => {
  test('only the cash above the tenants\' deposits, the reserve and the open bills, never below zero', () => {
    expect(distributableMinor({ cashMinor: 500_000, depositsHeldMinor: 300_000, reserveMinor: 50_000, openBillsMinor: 20_000 })).toBe(130_000);
    expect(distributableMinor({ cashMinor: 300_000, depositsHeldMinor: 300_000, reserveMinor: 50_000, openBillsMinor: 0 })).toBe(0);
    expect(distributableMinor({ cashMinor: -10_000, depositsHeldMinor: 0, reserveMinor: 0, openBillsMinor: 0 })).toBe(0);
  });

  test('a split by shares adds up to the cent: the cents left go to the largest remainders', () => {
    expect(splitByShares(231_500, [{ ownerId: 'a', shareBps: 6000 }, { ownerId: 'b', shareBps: 4000 }])).toEqual([
      { ownerId: 'a', amountMinor: 138_900 },
      { ownerId: 'b', amountMinor: 92_600 },
    ]);
    const thirds = splitByShares(100, [{ ownerId: 'c', shareBps: 3334 }, { ownerId: 'a', shareBps: 3333 }, { ownerId: 'b', shareBps: 3333 }]);
    expect(thirds).toEqual([{ ownerId: 'c', amountMinor: 34 }, { ownerId: 'a', amountMinor: 33 }, { ownerId: 'b', amountMinor: 33 }]);
    for (const amount of [1, 7, 99_999, 123_456_789]) {
      const parts = splitByShares(amount, [{ ownerId: 'x', shareBps: 1 }, { ownerId: 'y', shareBps: 3333 }, { ownerId: 'z', shareBps: 6666 }]);
      expect(parts.reduce((n, p) => n + p.amountMinor, 0)).toBe(amount);
    }
  });

  test('shares must cover the property exactly once', () => {
    expect(sharesProblem([{ ownerId: 'a', shareBps: 10_000 }])).toBeUndefined();
    expect(sharesProblem([])).toMatch(/at least one owner/);
    expect(sharesProblem([{ ownerId: 'a', shareBps: 5000 }, { ownerId: 'a', shareBps: 5000 }])).toMatch(/twice/);
    expect(sharesProblem([{ ownerId: 'a', shareBps: 6000 }, { ownerId: 'b', shareBps: 3000 }])).toMatch(/9000/);
  });
});

describe('age', () => {
  const asOf = '2026-11-30';
  test('credits pay the oldest charges first; what is left is aged from its due day', () => {
    const charges = [
      { dueOn: '2026-08-01', amountMinor: 100 },
      { dueOn: '2026-09-01', amountMinor: 100 },
      { dueOn: '2026-10-01', amountMinor: 100 },
      { dueOn: '2026-11-01', amountMinor: 100 },
    ];
    // 121 days, 90 days, 60 days, 29 days; 150 paid covers August and half of September.
    expect(age(charges, 150, asOf)).toEqual({ current: 100, days31to60: 100, days61to90: 50, over90: 0, total: 250 });
    expect(age(charges, 0, asOf)).toEqual({ current: 100, days31to60: 100, days61to90: 100, over90: 100, total: 400 });
  });

  test('paid ahead shows as a negative current balance; the buckets always add up to what is owed', () => {
    expect(age([{ dueOn: '2026-11-01', amountMinor: 100 }], 130, asOf)).toEqual({ current: -30, days31to60: 0, days61to90: 0, over90: 0, total: -30 });
    expect(age([], -40, asOf)).toEqual({ current: 40, days31to60: 0, days61to90: 0, over90: 0, total: 40 });
  });
});
