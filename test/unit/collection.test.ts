import { DEFAULT_DUNNING_DAYS, allocateOldestFirst, classifyDecline, retryDates } from '../../domain/collection';

describe('classifyDecline', () => {
  it.each([
    'expired_card',
    'stolen_card',
    'lost_card',
    'do_not_honor',
    'do_not_try_again',
    'incorrect_number',
    'pickup_card',
    'fraudulent',
    'restricted_card',
    'authentication_required',
  ])('%s is hard', (code) => {
    expect(classifyDecline(code)).toBe('hard');
  });

  it.each(['insufficient_funds', 'generic_decline', 'processing_error', 'rate_limit', 'try_again_later', 'unknown_code', ''])(
    '%j is soft',
    (code) => {
      expect(classifyDecline(code)).toBe('soft');
    },
  );

  it('treats a missing code as soft', () => {
    expect(classifyDecline(null)).toBe('soft');
    expect(classifyDecline(undefined)).toBe('soft');
  });

  it('matches codes exactly', () => {
    expect(classifyDecline('EXPIRED_CARD')).toBe('soft');
    expect(classifyDecline(' expired_card')).toBe('soft');
  });
});

describe('retryDates', () => {
  it('retries 1, 3, 5 and 7 days after the due date by default', () => {
    expect(DEFAULT_DUNNING_DAYS).toEqual([1, 3, 5, 7]);
    expect(retryDates('2025-03-01')).toEqual(['2025-03-02', '2025-03-04', '2025-03-06', '2025-03-08']);
  });

  it('crosses month and year ends', () => {
    expect(retryDates('2024-02-27')).toEqual(['2024-02-28', '2024-03-01', '2024-03-03', '2024-03-05']);
    expect(retryDates('2025-12-30')).toEqual(['2025-12-31', '2026-01-02', '2026-01-04', '2026-01-06']);
  });

  it('sorts a custom schedule without mutating it', () => {
    const days = [14, 2, 7];
    expect(retryDates('2025-01-01', days)).toEqual(['2025-01-03', '2025-01-08', '2025-01-15']);
    expect(days).toEqual([14, 2, 7]);
    expect(retryDates('2025-01-01', [30])).toEqual(['2025-01-31']);
    expect(retryDates('2025-01-01', [])).toEqual([]);
  });

  it.each([[[0]], [[-1]], [[1.5]], [[3, 0, 5]], [[1, Number.NaN]]])('rejects %j', (days) => {
    expect(() => retryDates('2025-01-01', days)).toThrow(RangeError);
  });

  it('rejects an invalid due date', () => {
    expect(() => retryDates('2025-02-30')).toThrow(RangeError);
  });
});

describe('allocateOldestFirst', () => {
  const charges = [
    { id: 'rent-mar', dueOn: '2025-03-01', openMinor: 150_000 },
    { id: 'rent-jan', dueOn: '2025-01-01', openMinor: 20_000 },
    { id: 'fee-feb', dueOn: '2025-02-07', openMinor: 5_000 },
    { id: 'rent-feb', dueOn: '2025-02-01', openMinor: 150_000 },
  ];

  it('pays the oldest charge first and the last one partly', () => {
    expect(allocateOldestFirst(charges, 200_000)).toEqual({
      allocations: [
        { chargeId: 'rent-jan', amountMinor: 20_000 },
        { chargeId: 'rent-feb', amountMinor: 150_000 },
        { chargeId: 'fee-feb', amountMinor: 5_000 },
        { chargeId: 'rent-mar', amountMinor: 25_000 },
      ],
      unallocatedMinor: 0,
    });
  });

  it('stops when the payment runs out', () => {
    expect(allocateOldestFirst(charges, 15_000)).toEqual({
      allocations: [{ chargeId: 'rent-jan', amountMinor: 15_000 }],
      unallocatedMinor: 0,
    });
    expect(allocateOldestFirst(charges, 20_000)).toEqual({
      allocations: [{ chargeId: 'rent-jan', amountMinor: 20_000 }],
      unallocatedMinor: 0,
    });
  });

  it('leaves an overpayment unallocated (a credit)', () => {
    const result = allocateOldestFirst(charges, 400_000);
    expect(result.allocations.map((a) => a.amountMinor)).toEqual([20_000, 150_000, 5_000, 150_000]);
    expect(result.unallocatedMinor).toBe(75_000);
    expect(result.allocations.reduce((n, a) => n + a.amountMinor, 0) + result.unallocatedMinor).toBe(400_000);
    expect(allocateOldestFirst([], 1_000)).toEqual({ allocations: [], unallocatedMinor: 1_000 });
  });

  it('skips fully paid charges', () => {
    const result = allocateOldestFirst(
      [
        { id: 'a', dueOn: '2025-01-01', openMinor: 0 },
        { id: 'b', dueOn: '2025-02-01', openMinor: 100 },
        { id: 'c', dueOn: '2024-12-01', openMinor: 0 },
      ],
      500,
    );
    expect(result).toEqual({ allocations: [{ chargeId: 'b', amountMinor: 100 }], unallocatedMinor: 400 });
  });

  it('breaks ties on the due date by id', () => {
    const result = allocateOldestFirst(
      [
        { id: 'rent', dueOn: '2025-02-01', openMinor: 100 },
        { id: 'fee', dueOn: '2025-02-01', openMinor: 100 },
        { id: 'deposit', dueOn: '2025-02-01', openMinor: 100 },
        { id: 'aaa-later', dueOn: '2025-03-01', openMinor: 100 },
      ],
      250,
    );
    expect(result.allocations).toEqual([
      { chargeId: 'deposit', amountMinor: 100 },
      { chargeId: 'fee', amountMinor: 100 },
      { chargeId: 'rent', amountMinor: 50 },
    ]);
  });

  it('is independent of input order and does not mutate it', () => {
    const before = structuredClone(charges);
    const a = allocateOldestFirst(charges, 180_000);
    const b = allocateOldestFirst([...charges].reverse(), 180_000);
    expect(a).toEqual(b);
    expect(charges).toEqual(before);
  });

  it.each([0, -100, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])('rejects a payment of %d', (payment) => {
    expect(() => allocateOldestFirst(charges, payment)).toThrow(RangeError);
  });
});
