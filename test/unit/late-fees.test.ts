import { LateFeePolicySchema, effectivePolicy, type LateFeePolicy } from '../../contracts/late-fee-policy.schema';
import { lateFeesDue } from '../../domain/late-fees';

const ORG: LateFeePolicy = LateFeePolicySchema.parse({
  graceDays: 5,
  oneTime: { type: 'flat', amountMinor: 5_000 },
  dailyMinor: 1_000,
  capMinor: 20_000,
  returnedPaymentFeeMinor: 2_500,
});

const policy = (over: Partial<LateFeePolicy> = {}): LateFeePolicy => LateFeePolicySchema.parse({ ...ORG, ...over });

describe('effectivePolicy', () => {
  it('is the organisation policy when nothing overrides it', () => {
    expect(effectivePolicy(ORG)).toEqual(ORG);
    expect(effectivePolicy(ORG, null, null)).toEqual(ORG);
    expect(effectivePolicy(ORG, {}, {})).toEqual(ORG);
  });

  it('lets the property override the organisation and the lease override both', () => {
    const p = effectivePolicy(ORG, { graceDays: 3, dailyMinor: 500 }, { graceDays: 1 });
    expect(p.graceDays).toBe(1); // lease wins over property
    expect(p.dailyMinor).toBe(500); // property wins over organisation
    expect(p.oneTime).toEqual(ORG.oneTime); // inherited
    expect(p.capMinor).toBe(20_000); // inherited
    expect(p.returnedPaymentFeeMinor).toBe(2_500); // inherited
  });

  it('inherits property fields the lease does not set', () => {
    const p = effectivePolicy(ORG, { capMinor: 9_000, oneTime: { type: 'percent', basisPoints: 500 } }, { dailyMinor: 0 });
    expect(p).toEqual({
      graceDays: 5,
      oneTime: { type: 'percent', basisPoints: 500 },
      dailyMinor: 0,
      capMinor: 9_000,
      returnedPaymentFeeMinor: 2_500,
    });
  });

  it('lets a lease remove the cap with an explicit null', () => {
    expect(effectivePolicy(ORG, { capMinor: 9_000 }, { capMinor: null }).capMinor).toBeNull();
  });

  // `LateFeePolicyOverride` (Partial<LateFeePolicy>) admits `{ dailyMinor: undefined }`,
  // e.g. an override built from optional columns: such a field is unspecified and inherits.
  it('inherits a defaulted field the override sets to undefined', () => {
    expect(effectivePolicy(ORG, { dailyMinor: undefined }).dailyMinor).toBe(1_000);
    expect(effectivePolicy(ORG, { capMinor: 9_000 }, { capMinor: undefined }).capMinor).toBe(9_000);
  });

  it('inherits a required field the override sets to undefined', () => {
    expect(effectivePolicy(ORG, { graceDays: 2 }, { graceDays: undefined }).graceDays).toBe(2);
  });

  it('validates the merged policy', () => {
    expect(() => effectivePolicy(ORG, { graceDays: -1 })).toThrow();
    expect(() => effectivePolicy(ORG, null, { oneTime: { type: 'percent', basisPoints: 10_001 } })).toThrow();
  });
});

describe('lateFeesDue', () => {
  const dueOn = '2025-03-01';
  const period = { dueOn, rentMinor: 150_000, unpaidMinor: 150_000 };

  it('charges nothing within the grace days', () => {
    for (const asOf of ['2025-02-20', '2025-03-01', '2025-03-02', '2025-03-06']) {
      expect(lateFeesDue(ORG, period, asOf)).toEqual([]);
    }
  });

  it('charges the one-time flat fee on the first late day', () => {
    expect(lateFeesDue(ORG, period, '2025-03-07')).toEqual([{ forDay: '2025-03-07', kind: 'one_time', amountMinor: 5_000 }]);
  });

  it('starts the day after the due date with no grace', () => {
    const p = policy({ graceDays: 0 });
    expect(lateFeesDue(p, period, '2025-03-01')).toEqual([]);
    expect(lateFeesDue(p, period, '2025-03-02')).toEqual([{ forDay: '2025-03-02', kind: 'one_time', amountMinor: 5_000 }]);
  });

  it('counts grace across a month end', () => {
    const feb = { ...period, dueOn: '2025-02-25' };
    expect(lateFeesDue(ORG, feb, '2025-03-02')).toEqual([]);
    expect(lateFeesDue(ORG, feb, '2025-03-03')).toEqual([{ forDay: '2025-03-03', kind: 'one_time', amountMinor: 5_000 }]);
  });

  it('takes a percentage of the unpaid amount, not the rent, rounded half up', () => {
    const p = policy({ oneTime: { type: 'percent', basisPoints: 500 }, dailyMinor: 0, capMinor: null });
    const fee = (unpaidMinor: number) => lateFeesDue(p, { dueOn, rentMinor: 150_000, unpaidMinor }, '2025-03-07');
    expect(fee(150_000)).toEqual([{ forDay: '2025-03-07', kind: 'one_time', amountMinor: 7_500 }]);
    expect(fee(50_000)[0]!.amountMinor).toBe(2_500);
    expect(fee(123_450)[0]!.amountMinor).toBe(6_173); // 6172.5
    expect(fee(123_449)[0]!.amountMinor).toBe(6_172); // 6172.45
    expect(fee(123_459)[0]!.amountMinor).toBe(6_173); // 6172.95
  });

  it('rounds tiny percentages half up and drops a zero fee', () => {
    const p = policy({ oneTime: { type: 'percent', basisPoints: 1_000 }, dailyMinor: 0, capMinor: null });
    expect(lateFeesDue(p, { dueOn, rentMinor: 5, unpaidMinor: 5 }, '2025-03-07')).toEqual([
      { forDay: '2025-03-07', kind: 'one_time', amountMinor: 1 }, // 0.5
    ]);
    expect(lateFeesDue(p, { dueOn, rentMinor: 4, unpaidMinor: 4 }, '2025-03-07')).toEqual([]); // 0.4
  });

  it('is exact on large amounts', () => {
    const p = policy({ oneTime: { type: 'percent', basisPoints: 333 }, dailyMinor: 0, capMinor: null });
    const unpaid = 9_007_199_254_740_991;
    const expected = Number((BigInt(unpaid) * 333n * 2n + 10_000n) / 20_000n);
    expect(lateFeesDue(p, { dueOn, rentMinor: unpaid, unpaidMinor: unpaid }, '2025-03-07')[0]!.amountMinor).toBe(expected);
    expect(expected).toBe(299_939_735_182_875);
  });

  it('accrues a daily fee for each day after the first late day', () => {
    const fees = lateFeesDue(policy({ capMinor: null }), period, '2025-03-10');
    expect(fees).toEqual([
      { forDay: '2025-03-07', kind: 'one_time', amountMinor: 5_000 },
      { forDay: '2025-03-08', kind: 'daily', amountMinor: 1_000 },
      { forDay: '2025-03-09', kind: 'daily', amountMinor: 1_000 },
      { forDay: '2025-03-10', kind: 'daily', amountMinor: 1_000 },
    ]);
  });

  it('accrues daily fees across a month end with no cap', () => {
    const fees = lateFeesDue(policy({ capMinor: null }), period, '2025-04-06');
    expect(fees).toHaveLength(31); // Mar 7 one-time, Mar 8..Apr 6 daily (30 days)
    expect(fees.filter((f) => f.kind === 'daily')).toHaveLength(30);
    expect(fees.at(-1)).toEqual({ forDay: '2025-04-06', kind: 'daily', amountMinor: 1_000 });
    expect(new Set(fees.map((f) => f.forDay)).size).toBe(fees.length);
  });

  it('caps the total of one-time and daily fees, the last one partial', () => {
    const p = policy({ capMinor: 7_500 });
    const fees = lateFeesDue(p, period, '2025-03-20');
    expect(fees).toEqual([
      { forDay: '2025-03-07', kind: 'one_time', amountMinor: 5_000 },
      { forDay: '2025-03-08', kind: 'daily', amountMinor: 1_000 },
      { forDay: '2025-03-09', kind: 'daily', amountMinor: 1_000 },
      { forDay: '2025-03-10', kind: 'daily', amountMinor: 500 },
    ]);
    expect(fees.reduce((n, f) => n + f.amountMinor, 0)).toBe(7_500);
  });

  it('caps the one-time fee itself', () => {
    expect(lateFeesDue(policy({ capMinor: 3_000 }), period, '2025-03-20')).toEqual([
      { forDay: '2025-03-07', kind: 'one_time', amountMinor: 3_000 },
    ]);
    expect(lateFeesDue(policy({ capMinor: 0 }), period, '2025-03-20')).toEqual([]);
  });

  it('charges only the daily fee when the one-time fee is zero', () => {
    const p = policy({ oneTime: { type: 'flat', amountMinor: 0 }, capMinor: null });
    expect(lateFeesDue(p, period, '2025-03-08')).toEqual([{ forDay: '2025-03-08', kind: 'daily', amountMinor: 1_000 }]);
  });

  it('returns a superset with identical earlier fees when re-run later', () => {
    const p = policy({ capMinor: 12_000 });
    const early = lateFeesDue(p, period, '2025-03-09');
    const later = lateFeesDue(p, period, '2025-03-20');
    expect(early).toHaveLength(3);
    expect(later.slice(0, early.length)).toEqual(early);
    expect(later.length).toBeGreaterThan(early.length);
    // Re-running for the same day is identical.
    expect(lateFeesDue(p, period, '2025-03-09')).toEqual(early);

    // A caller charges only the days it has not charged yet; together they make the total.
    const charged = new Set(early.map((f) => f.forDay));
    const fresh = later.filter((f) => !charged.has(f.forDay));
    expect(fresh.map((f) => f.forDay)).toEqual(['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14']);
    expect([...early, ...fresh].reduce((n, f) => n + f.amountMinor, 0)).toBe(12_000);
    expect(fresh.at(-1)!.amountMinor).toBe(1_000);
    expect(lateFeesDue(p, period, '2025-04-30')).toEqual(later);
  });

  it('charges nothing when nothing is unpaid', () => {
    expect(lateFeesDue(ORG, { ...period, unpaidMinor: 0 }, '2025-03-20')).toEqual([]);
    const pct = policy({ oneTime: { type: 'percent', basisPoints: 500 } });
    expect(lateFeesDue(pct, { ...period, unpaidMinor: 0 }, '2025-03-20')).toEqual([]);
  });
});
