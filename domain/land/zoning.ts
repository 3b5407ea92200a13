/**
 * Zoning: a district's rules and the check of a proposed use and building
 * against them, rule by rule.
 *
 * - A use the district allows by right needs nothing; a conditional use needs
 *   the permit the district names for it; any other use is prohibited (the
 *   parcel would have to be rezoned).
 * - Every dimensional rule is checked whatever the use: minimum lot area,
 *   maximum height, maximum floors, maximum lot coverage, maximum floor-area
 *   ratio, minimum front, side and rear setbacks. Each failure needs a
 *   variance from that rule.
 * - Outcome: `prohibited` when the use is; otherwise `conditional` when
 *   anything is needed (a conditional use permit, a variance); otherwise
 *   `by_right`.
 *
 * Lot coverage is the building's footprint over the lot's area; the floor-area
 * ratio is footprint × floors over the lot's area (every floor taken as large
 * as the footprint). Figures are compared exactly: areas in whole square feet,
 * lengths in hundredths of a foot, coverage and ratios as integer
 * cross-products (BigInt), never as rounded quotients. A ratio is reported
 * rounded up at a precision finer than the rule's, so a shown figure is never
 * on the wrong side of its limit.
 *
 * Pure and workflow-safe.
 */

/** What a proposal may be used for: one vocabulary for districts and proposals. */
export const LAND_USES = [
  'single_family_dwelling',
  'two_family_dwelling',
  'townhouse',
  'multi_family_dwelling',
  'accessory_dwelling_unit',
  'home_occupation',
  'child_care_center',
  'place_of_worship',
  'school',
  'park',
  'agriculture',
  'retail',
  'office',
  'restaurant',
  'hotel',
  'mixed_use',
  'gas_station',
  'light_industrial',
  'heavy_industrial',
  'warehouse',
  'telecommunications_tower',
] as const;
export type LandUse = (typeof LAND_USES)[number];

export interface ConditionalUse {
  use: LandUse;
  /** The permit it needs, as the jurisdiction names it: "Special Use Permit (Zoning Board of Adjustment)". */
  permit: string;
}

/**
 * A district's rules. Lengths in feet and areas in square feet; lengths,
 * percentages and ratios have at most two decimals.
 */
export interface ZoningRules {
  permittedUses: LandUse[];
  conditionalUses: ConditionalUse[];
  minLotAreaSqft: number;
  maxHeightFt: number;
  maxFloors: number;
  /** Footprint over lot area, in percent: 40 is 40 %. */
  maxLotCoveragePercent: number;
  /** Floor area (footprint × floors) over lot area: 0.6. */
  maxFloorAreaRatio: number;
  minSetbacksFt: Setbacks;
}

export interface Setbacks {
  front: number;
  /** The smaller of the two side yards. */
  side: number;
  rear: number;
}

export interface ZoningDistrictRef {
  jurisdiction: string;
  code: string;
  name?: string;
  rules: ZoningRules;
  /** The date of the zoning data (YYYY-MM-DD). */
  effectiveDate: string;
}

export interface BuildingProposal {
  use: LandUse;
  footprintSqft: number;
  heightFt: number;
  floors: number;
  setbacksFt: Setbacks;
}

export type ZoningOutcome = 'by_right' | 'conditional' | 'prohibited';
export type ZoningRuleId =
  | 'use'
  | 'min_lot_area'
  | 'max_height'
  | 'max_floors'
  | 'max_lot_coverage'
  | 'max_floor_area_ratio'
  | 'min_front_setback'
  | 'min_side_setback'
  | 'min_rear_setback';
export type Remedy = 'conditional_use_permit' | 'variance' | 'rezoning';
export type FigureUnit = 'use' | 'sqft' | 'ft' | 'floors' | 'percent' | 'ratio';

export interface Figure {
  value: number | string;
  unit: FigureUnit;
}

export interface ZoningCheckItem {
  rule: ZoningRuleId;
  /** "ames-ia RL, maximum height": where the rule comes from. */
  source: string;
  comparison: 'allowed_use' | 'at_least' | 'at_most';
  passed: boolean;
  required: Figure;
  proposed: Figure;
  /** The comparison in words, with the exact figures. */
  note: string;
  /** What would make a failed rule allowable; null when it passed (or the use is permitted). */
  remedy: Remedy | null;
}

export interface ZoningNeed {
  kind: Remedy;
  rule: ZoningRuleId;
  description: string;
}

export interface ZoningCheckResult {
  outcome: ZoningOutcome;
  district: { jurisdiction: string; code: string };
  zoningDataDate: string;
  lotAreaSqft: number;
  checks: ZoningCheckItem[];
  needs: ZoningNeed[];
}

// ------------------------------------------------------------------------------------------------
// Exact figures

/** A figure with at most two decimals, as an integer count of hundredths. */
export const hundredths = (n: number): bigint => BigInt(Math.round(n * 100));

const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

/** Thousands separators, at most three decimals, no trailing zeros: 12500 → "12,500", 40.5 → "40.5". */
export function formatFigure(n: number): string {
  const [whole, fraction = ''] = Math.abs(n).toFixed(3).split('.') as [string, string?];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = fraction.replace(/0+$/, '');
  return `${n < 0 ? '-' : ''}${grouped}${decimals ? `.${decimals}` : ''}`;
}

const RULE_NAMES: Record<ZoningRuleId, string> = {
  use: 'allowed uses',
  min_lot_area: 'minimum lot area',
  max_height: 'maximum height',
  max_floors: 'maximum floors',
  max_lot_coverage: 'maximum lot coverage',
  max_floor_area_ratio: 'maximum floor-area ratio',
  min_front_setback: 'minimum front setback',
  min_side_setback: 'minimum side setback',
  min_rear_setback: 'minimum rear setback',
};

/** How one use stands in a district. */
export function useStanding(rules: ZoningRules, use: LandUse): { standing: 'permitted' } | { standing: 'conditional'; permit: string } | { standing: 'prohibited' } {
  if (rules.permittedUses.includes(use)) return { standing: 'permitted' };
  const conditional = rules.conditionalUses.find((c) => c.use === use);
  if (conditional) return { standing: 'conditional', permit: conditional.permit };
  return { standing: 'prohibited' };
}

/**
 * Checks a proposal on a lot of `lotAreaSqft` (whole square feet) against a
 * district: every rule, its figures, and what the proposal needs.
 */
export function zoningCheck(lot: { areaSqft: number }, district: ZoningDistrictRef, proposal: BuildingProposal): ZoningCheckResult {
  if (!Number.isInteger(lot.areaSqft) || lot.areaSqft <= 0) throw new RangeError(`a lot's area is a positive whole number of square feet, not ${lot.areaSqft}`);
  if (!Number.isInteger(proposal.footprintSqft) || !Number.isInteger(proposal.floors)) throw new RangeError('a footprint and floors are whole numbers');
  const { rules } = district;
  const where = `${district.jurisdiction} ${district.code}`;
  const source = (rule: ZoningRuleId) => `${where} (effective ${district.effectiveDate}), ${RULE_NAMES[rule]}`;
  const checks: ZoningCheckItem[] = [];

  // The use.
  const standing = useStanding(rules, proposal.use);
  const allowed = [
    `by right: ${rules.permittedUses.join(', ') || 'none'}`,
    `conditional: ${rules.conditionalUses.map((c) => `${c.use} (${c.permit})`).join(', ') || 'none'}`,
  ].join('; ');
  checks.push({
    rule: 'use',
    source: source('use'),
    comparison: 'allowed_use',
    passed: standing.standing !== 'prohibited',
    required: { value: allowed, unit: 'use' },
    proposed: { value: proposal.use, unit: 'use' },
    note:
      standing.standing === 'permitted'
        ? `${proposal.use} is allowed by right in ${where}`
        : standing.standing === 'conditional'
          ? `${proposal.use} is a conditional use in ${where}: it needs a ${standing.permit}`
          : `${proposal.use} is not allowed in ${where}, neither by right nor conditionally`,
    remedy: standing.standing === 'conditional' ? 'conditional_use_permit' : standing.standing === 'prohibited' ? 'rezoning' : null,
  });

  // A minimum or maximum on a figure given with at most two decimals.
  const limit = (rule: ZoningRuleId, kind: 'at_least' | 'at_most', unit: FigureUnit, required: number, proposed: number, what: string) => {
    const r = hundredths(required);
    const p = hundredths(proposed);
    const passed = kind === 'at_least' ? p >= r : p <= r;
    const fig = (n: number) => `${formatFigure(n)} ${unit === 'floors' ? (n === 1 ? 'floor' : 'floors') : unit}`;
    const relation = passed ? (kind === 'at_least' ? 'meets the minimum of' : 'is within the maximum of') : kind === 'at_least' ? 'is below the minimum of' : 'is above the maximum of';
    checks.push({
      rule,
      source: source(rule),
      comparison: kind,
      passed,
      required: { value: required, unit },
      proposed: { value: proposed, unit },
      note: `${what} ${fig(proposed)} ${relation} ${fig(required)}`,
      remedy: passed ? null : 'variance',
    });
  };

  limit('min_lot_area', 'at_least', 'sqft', rules.minLotAreaSqft, lot.areaSqft, 'the lot\'s area of');
  limit('max_height', 'at_most', 'ft', rules.maxHeightFt, proposal.heightFt, 'a height of');
  limit('max_floors', 'at_most', 'floors', rules.maxFloors, proposal.floors, 'a building of');

  // Lot coverage: footprint / lot ≤ max %  ⇔  footprint × 10,000 ≤ max (hundredths of a percent) × lot.
  const footprint = BigInt(proposal.footprintSqft);
  const lotArea = BigInt(lot.areaSqft);
  const maxCoverage = hundredths(rules.maxLotCoveragePercent); // hundredths of a percent
  const coverageOk = footprint * 10_000n <= maxCoverage * lotArea;
  // Shown in percent with three decimals, rounded up.
  const coverageShown = Number(ceilDiv(footprint * 100_000n, lotArea)) / 1000;
  checks.push({
    rule: 'max_lot_coverage',
    source: source('max_lot_coverage'),
    comparison: 'at_most',
    passed: coverageOk,
    required: { value: rules.maxLotCoveragePercent, unit: 'percent' },
    proposed: { value: coverageShown, unit: 'percent' },
    note: `a footprint of ${formatFigure(proposal.footprintSqft)} sqft on a lot of ${formatFigure(lot.areaSqft)} sqft covers ${formatFigure(coverageShown)} % ${coverageOk ? 'of the lot, within' : 'of the lot, above'} the maximum of ${formatFigure(rules.maxLotCoveragePercent)} %`,
    remedy: coverageOk ? null : 'variance',
  });

  // Floor-area ratio: footprint × floors / lot ≤ max  ⇔  footprint × floors × 100 ≤ max (hundredths) × lot.
  const floorArea = footprint * BigInt(proposal.floors);
  const maxFar = hundredths(rules.maxFloorAreaRatio);
  const farOk = floorArea * 100n <= maxFar * lotArea;
  const farShown = Number(ceilDiv(floorArea * 1000n, lotArea)) / 1000;
  checks.push({
    rule: 'max_floor_area_ratio',
    source: source('max_floor_area_ratio'),
    comparison: 'at_most',
    passed: farOk,
    required: { value: rules.maxFloorAreaRatio, unit: 'ratio' },
    proposed: { value: farShown, unit: 'ratio' },
    note: `${formatFigure(proposal.footprintSqft)} sqft × ${proposal.floors} ${proposal.floors === 1 ? 'floor' : 'floors'} = ${formatFigure(Number(floorArea))} sqft of floor area on ${formatFigure(lot.areaSqft)} sqft is a ratio of ${formatFigure(farShown)}, ${farOk ? 'within' : 'above'} the maximum of ${formatFigure(rules.maxFloorAreaRatio)}`,
    remedy: farOk ? null : 'variance',
  });

  limit('min_front_setback', 'at_least', 'ft', rules.minSetbacksFt.front, proposal.setbacksFt.front, 'a front setback of');
  limit('min_side_setback', 'at_least', 'ft', rules.minSetbacksFt.side, proposal.setbacksFt.side, 'a side setback of');
  limit('min_rear_setback', 'at_least', 'ft', rules.minSetbacksFt.rear, proposal.setbacksFt.rear, 'a rear setback of');

  const needs: ZoningNeed[] = checks
    .filter((c) => c.remedy !== null)
    .map((c) => ({
      kind: c.remedy!,
      rule: c.rule,
      description:
        c.remedy === 'conditional_use_permit' && standing.standing === 'conditional'
          ? `${standing.permit} for ${proposal.use} in ${where}`
          : c.remedy === 'rezoning'
            ? `rezoning to a district that allows ${proposal.use} (it is prohibited in ${where})`
            : `a variance from the ${RULE_NAMES[c.rule]} (${formatFigure(c.required.value as number)} ${c.required.unit}; proposed ${formatFigure(c.proposed.value as number)} ${c.proposed.unit})`,
    }));

  const outcome: ZoningOutcome = standing.standing === 'prohibited' ? 'prohibited' : needs.length ? 'conditional' : 'by_right';
  return {
    outcome,
    district: { jurisdiction: district.jurisdiction, code: district.code },
    zoningDataDate: district.effectiveDate,
    lotAreaSqft: lot.areaSqft,
    checks,
    needs,
  };
}
