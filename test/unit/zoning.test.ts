/**
 * The zoning check against hand-computed cases: by right, a conditional use,
 * setback, height, floors, coverage and floor-area-ratio variances, a
 * prohibited use, a lot below the minimum area; limits met exactly; figures
 * never shown on the wrong side of their limit. And the seeded Ames districts
 * are valid rules.
 */
import { ZoningRulesSchema } from '../../contracts/parcel.schema';
import { formatFigure, zoningCheck, type BuildingProposal, type ZoningCheckResult, type ZoningDistrictRef, type ZoningRules } from '../../domain/land/zoning';
import { AMES_EFFECTIVE_DATE, AMES_ZONING_DISTRICTS } from '../../models/migrations/0015-parcels';

/** A low-density residential district, as the cases below compute against it. */
const RULES: ZoningRules = {
  permittedUses: ['single_family_dwelling', 'park'],
  conditionalUses: [{ use: 'place_of_worship', permit: 'Special Use Permit' }],
  minLotAreaSqft: 6_000,
  maxHeightFt: 40,
  maxFloors: 3,
  maxLotCoveragePercent: 40,
  maxFloorAreaRatio: 0.6,
  minSetbacksFt: { front: 25, side: 6, rear: 20 },
};
const DISTRICT: ZoningDistrictRef = { jurisdiction: 'testville-ia', code: 'RL', rules: RULES, effectiveDate: '2023-03-15' };
const LOT = { areaSqft: 10_000 };

/** A house that meets every rule on the 10,000 sqft lot. */
const HOUSE: BuildingProposal = {
  use: 'single_family_dwelling',
  footprintSqft: 2_000,
  heightFt: 30,
  floors: 2,
  setbacksFt: { front: 30, side: 8, rear: 25 },
};

const check = (proposal: Partial<BuildingProposal> = {}, lot = LOT, district = DISTRICT) => zoningCheck(lot, district, { ...HOUSE, ...proposal });
const rule = (r: ZoningCheckResult, id: string) => r.checks.find((c) => c.rule === id)!;
const failed = (r: ZoningCheckResult) => r.checks.filter((c) => !c.passed).map((c) => c.rule);

const EVERY_RULE = ['use', 'min_lot_area', 'max_height', 'max_floors', 'max_lot_coverage', 'max_floor_area_ratio', 'min_front_setback', 'min_side_setback', 'min_rear_setback'];

test('by right: a house within every rule', () => {
  // Coverage 2,000 / 10,000 = 20 % ≤ 40 %; FAR 2,000 × 2 / 10,000 = 0.4 ≤ 0.6; 30 ft ≤ 40; 2 floors ≤ 3;
  // setbacks 30 ≥ 25, 8 ≥ 6, 25 ≥ 20; lot 10,000 ≥ 6,000.
  const r = check();
  expect(r.outcome).toBe('by_right');
  expect(r.needs).toEqual([]);
  expect(r.checks.map((c) => c.rule)).toEqual(EVERY_RULE);
  expect(failed(r)).toEqual([]);
  expect(r.zoningDataDate).toBe('2023-03-15');
  expect(r.lotAreaSqft).toBe(10_000);
  expect(rule(r, 'max_lot_coverage')).toMatchObject({ required: { value: 40, unit: 'percent' }, proposed: { value: 20, unit: 'percent' }, remedy: null });
  expect(rule(r, 'max_floor_area_ratio')).toMatchObject({ required: { value: 0.6, unit: 'ratio' }, proposed: { value: 0.4, unit: 'ratio' } });
  expect(rule(r, 'use')).toMatchObject({ passed: true, remedy: null, proposed: { value: 'single_family_dwelling', unit: 'use' } });
  expect(r.checks.every((c) => c.source.startsWith('testville-ia RL (effective 2023-03-15), '))).toBe(true);
});

test('conditional: a place of worship needs the district\'s special use permit', () => {
  // Footprint 3,000 on 10,000 = 30 %; one floor: FAR 0.3; 35 ft: every dimension passes.
  const r = check({ use: 'place_of_worship', footprintSqft: 3_000, heightFt: 35, floors: 1 });
  expect(r.outcome).toBe('conditional');
  expect(failed(r)).toEqual([]);
  expect(rule(r, 'use')).toMatchObject({ passed: true, remedy: 'conditional_use_permit' });
  expect(r.needs).toEqual([{ kind: 'conditional_use_permit', rule: 'use', description: 'Special Use Permit for place_of_worship in testville-ia RL' }]);
});

test('a setback variance: a side yard of 5 ft where 6 are required', () => {
  const r = check({ setbacksFt: { front: 30, side: 5, rear: 25 } });
  expect(r.outcome).toBe('conditional');
  expect(failed(r)).toEqual(['min_side_setback']);
  expect(rule(r, 'min_side_setback')).toMatchObject({
    comparison: 'at_least',
    required: { value: 6, unit: 'ft' },
    proposed: { value: 5, unit: 'ft' },
    note: 'a side setback of 5 ft is below the minimum of 6 ft',
    remedy: 'variance',
    source: 'testville-ia RL (effective 2023-03-15), minimum side setback',
  });
  expect(r.needs).toEqual([{ kind: 'variance', rule: 'min_side_setback', description: 'a variance from the minimum side setback (6 ft; proposed 5 ft)' }]);
});

test('a height variance: 42.5 ft where 40 is the maximum; 40.00 exactly passes, 40.01 does not', () => {
  const r = check({ heightFt: 42.5 });
  expect(r.outcome).toBe('conditional');
  expect(failed(r)).toEqual(['max_height']);
  expect(rule(r, 'max_height').note).toBe('a height of 42.5 ft is above the maximum of 40 ft');
  expect(r.needs.map((n) => [n.kind, n.rule])).toEqual([['variance', 'max_height']]);
  expect(check({ heightFt: 40 }).outcome).toBe('by_right');
  expect(failed(check({ heightFt: 40.01 }))).toEqual(['max_height']);
});

test('too many floors: 4 where 3 is the maximum (FAR 2,000 × 4 / 10,000 = 0.8 also over 0.6)', () => {
  const r = check({ floors: 4 });
  expect(failed(r)).toEqual(['max_floors', 'max_floor_area_ratio']);
  expect(rule(r, 'max_floors').note).toBe('a building of 4 floors is above the maximum of 3 floors');
  expect(rule(r, 'max_floor_area_ratio').proposed).toEqual({ value: 0.8, unit: 'ratio' });
});

test('lot coverage over: 4,200 sqft on 10,000 is 42 % > 40 %; FAR with one floor 0.42 ≤ 0.6 passes', () => {
  const r = check({ footprintSqft: 4_200, floors: 1 });
  expect(r.outcome).toBe('conditional');
  expect(failed(r)).toEqual(['max_lot_coverage']);
  expect(rule(r, 'max_lot_coverage')).toMatchObject({ proposed: { value: 42, unit: 'percent' }, remedy: 'variance' });
  expect(rule(r, 'max_lot_coverage').note).toBe('a footprint of 4,200 sqft on a lot of 10,000 sqft covers 42 % of the lot, above the maximum of 40 %');
  expect(rule(r, 'max_floor_area_ratio')).toMatchObject({ passed: true, proposed: { value: 0.42 } });
});

test('floor-area ratio over: 3,100 sqft × 2 floors = 6,200 sqft on 10,000 is 0.62 > 0.6; coverage 31 % passes', () => {
  const r = check({ footprintSqft: 3_100, floors: 2 });
  expect(failed(r)).toEqual(['max_floor_area_ratio']);
  expect(rule(r, 'max_floor_area_ratio').note).toBe('3,100 sqft × 2 floors = 6,200 sqft of floor area on 10,000 sqft is a ratio of 0.62, above the maximum of 0.6');
  expect(r.needs).toEqual([{ kind: 'variance', rule: 'max_floor_area_ratio', description: 'a variance from the maximum floor-area ratio (0.6 ratio; proposed 0.62 ratio)' }]);
});

test('limits met exactly pass: 4,000 / 10,000 = 40 % coverage; 2,000 × 3 / 10,000 = 0.6 FAR; setbacks of exactly 25, 6, 20', () => {
  expect(check({ footprintSqft: 4_000, floors: 1 }).outcome).toBe('by_right');
  expect(check({ footprintSqft: 2_000, floors: 3 }).outcome).toBe('by_right');
  expect(check({ setbacksFt: { front: 25, side: 6, rear: 20 } }).outcome).toBe('by_right');
});

test('a hair over is caught exactly and never shown as within: 4,000 sqft on a 9,999 sqft lot is 40.004 %', () => {
  // 4,000 × 10,000 = 40,000,000 > 40 % × 9,999 = 39,996,000 (hundredths of a percent × 100): over.
  // 4,000 / 9,999 = 40.0040004 %, shown rounded up at three decimals: 40.005 (rounded to two it would read 40.00).
  const r = check({ footprintSqft: 4_000, floors: 1 }, { areaSqft: 9_999 });
  expect(failed(r)).toEqual(['max_lot_coverage']);
  expect(rule(r, 'max_lot_coverage').proposed.value).toBe(40.005);
  // 2,000 × 3 = 6,000 on 9,999 = 0.60006: over 0.6, shown 0.601.
  const far = check({ footprintSqft: 2_000, floors: 3 }, { areaSqft: 9_999 });
  expect(failed(far)).toEqual(['max_floor_area_ratio']);
  expect(rule(far, 'max_floor_area_ratio').proposed.value).toBe(0.601);
});

test('prohibited: retail is allowed neither by right nor conditionally; every rule is still checked', () => {
  const r = check({ use: 'retail', heightFt: 45 });
  expect(r.outcome).toBe('prohibited');
  expect(r.checks.map((c) => c.rule)).toEqual(EVERY_RULE);
  expect(failed(r)).toEqual(['use', 'max_height']);
  expect(rule(r, 'use')).toMatchObject({
    passed: false,
    remedy: 'rezoning',
    required: { value: 'by right: single_family_dwelling, park; conditional: place_of_worship (Special Use Permit)', unit: 'use' },
    note: 'retail is not allowed in testville-ia RL, neither by right nor conditionally',
  });
  expect(r.needs.map((n) => [n.kind, n.rule])).toEqual([['rezoning', 'use'], ['variance', 'max_height']]);
});

test('a lot below the minimum area: 5,500 sqft where 6,000 is the minimum needs a variance even for a permitted house', () => {
  // Footprint 1,500 on 5,500 = 27.2727… % (shown 27.273, rounded up); one floor: FAR 0.273 (0.27272… rounded up).
  const r = check({ footprintSqft: 1_500, floors: 1, heightFt: 25 }, { areaSqft: 5_500 });
  expect(r.outcome).toBe('conditional');
  expect(failed(r)).toEqual(['min_lot_area']);
  expect(rule(r, 'min_lot_area')).toMatchObject({
    required: { value: 6_000, unit: 'sqft' },
    proposed: { value: 5_500, unit: 'sqft' },
    note: 'the lot\'s area of 5,500 sqft is below the minimum of 6,000 sqft',
    remedy: 'variance',
  });
  expect(rule(r, 'max_lot_coverage').proposed.value).toBe(27.273);
  expect(rule(r, 'max_floor_area_ratio').proposed.value).toBe(0.273);
});

test('a conditional use with variances needs the permit first, then each variance in rule order', () => {
  const r = check({ use: 'place_of_worship', heightFt: 48, setbacksFt: { front: 20, side: 6, rear: 10 } });
  expect(r.outcome).toBe('conditional');
  expect(r.needs.map((n) => [n.kind, n.rule])).toEqual([
    ['conditional_use_permit', 'use'],
    ['variance', 'max_height'],
    ['variance', 'min_front_setback'],
    ['variance', 'min_rear_setback'],
  ]);
});

test('figures are written with thousands separators and at most three decimals', () => {
  expect([formatFigure(217_800), formatFigure(40.5), formatFigure(0.6), formatFigure(27.273), formatFigure(1_000_000.25)]).toEqual(['217,800', '40.5', '0.6', '27.273', '1,000,000.25']);
});

describe('the seeded Ames districts (illustrative rules)', () => {
  test('are the codes the Ames import maps, effective on one date', () => {
    expect(AMES_ZONING_DISTRICTS.map((d) => d.code)).toEqual(['RL', 'RM', 'RH', 'FV', 'C', 'I', 'A']);
    expect(AMES_EFFECTIVE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test.each(AMES_ZONING_DISTRICTS.map((d) => [d.code, d] as const))('%s: its rules are valid as PUT /v1/zoning-districts would take them', (_code, d) => {
    const parsed = ZoningRulesSchema.safeParse(d.rules);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  test('a typical Ames house in RL (7,200 sqft lot, 1,400 sqft footprint, 2 floors, 26 ft) is allowed by right', () => {
    // Coverage 1,400 / 7,200 = 19.444 %; FAR 2,800 / 7,200 = 0.389.
    const rl = AMES_ZONING_DISTRICTS.find((d) => d.code === 'RL')!;
    const r = zoningCheck({ areaSqft: 7_200 }, { jurisdiction: 'ames-ia', code: 'RL', rules: rl.rules as unknown as ZoningRules, effectiveDate: AMES_EFFECTIVE_DATE }, {
      use: 'single_family_dwelling',
      footprintSqft: 1_400,
      heightFt: 26,
      floors: 2,
      setbacksFt: { front: 25, side: 7, rear: 35 },
    });
    expect(r.outcome).toBe('by_right');
    expect(rule(r, 'max_lot_coverage').proposed.value).toBe(19.445); // 19.4444… rounded up
    expect(rule(r, 'max_floor_area_ratio').proposed.value).toBe(0.389);
  });
});

test('a lot without area or a fractional footprint is a programming error, refused before any arithmetic', () => {
  expect(() => check({}, { areaSqft: 0 })).toThrow(RangeError);
  expect(() => check({ footprintSqft: 1.5 })).toThrow(RangeError);
});
