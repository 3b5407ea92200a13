import { ScreeningThresholdsSchema } from '../../contracts/screening.schema';
import { screenApplication, type ScreeningInput } from '../../domain/screening';

const DEFAULTS = ScreeningThresholdsSchema.parse({});

const applicant = (over: Partial<ScreeningInput> = {}): ScreeningInput => ({
  monthlyIncomeMinor: 600_000,
  monthlyRentMinor: 150_000,
  employment: { employer: 'Acme', status: 'employed' },
  references: [{ name: 'Pat Landlord', contact: 'pat@example.com' }],
  householdSize: 2,
  bedrooms: 1,
  ...over,
});

describe('ScreeningThresholdsSchema', () => {
  it('defaults to 3× income, review from 2.5×, 2 per bedroom and 1 reference', () => {
    expect(DEFAULTS).toEqual({ minIncomeToRent: 3, reviewIncomeToRent: 2.5, maxOccupantsPerBedroom: 2, minReferences: 1 });
  });
});

describe('screenApplication', () => {
  it('approves an applicant who meets every rule', () => {
    expect(screenApplication(applicant(), DEFAULTS)).toEqual({ decision: 'approve', reasons: ['meets every rule'] });
  });

  it('approves income of exactly 3× the rent, and reviews one minor unit less', () => {
    expect(screenApplication(applicant({ monthlyIncomeMinor: 450_000 }), DEFAULTS).decision).toBe('approve');
    expect(screenApplication(applicant({ monthlyIncomeMinor: 449_999 }), DEFAULTS)).toEqual({
      decision: 'review',
      reasons: ['income is below 3× the rent'],
    });
    // Odd rent: 3 × 100,001 = 300,003.
    expect(screenApplication(applicant({ monthlyRentMinor: 100_001, monthlyIncomeMinor: 300_003 }), DEFAULTS).decision).toBe('approve');
    expect(screenApplication(applicant({ monthlyRentMinor: 100_001, monthlyIncomeMinor: 300_002 }), DEFAULTS).decision).toBe('review');
  });

  it('is exact at the boundary for amounts near the safe-integer limit', () => {
    const rent = 3_002_399_751_580_330; // 3× = 9,007,199,254,740,990
    expect(screenApplication(applicant({ monthlyRentMinor: rent, monthlyIncomeMinor: 9_007_199_254_740_990 }), DEFAULTS).decision).toBe(
      'approve',
    );
    expect(screenApplication(applicant({ monthlyRentMinor: rent, monthlyIncomeMinor: 9_007_199_254_740_989 }), DEFAULTS).decision).toBe(
      'review',
    );
  });

  it('reviews income between the review ratio (inclusive) and the minimum ratio', () => {
    for (const income of [375_000, 400_000, 449_999]) {
      expect(screenApplication(applicant({ monthlyIncomeMinor: income }), DEFAULTS)).toEqual({
        decision: 'review',
        reasons: ['income is below 3× the rent'],
      });
    }
  });

  it('rejects income under the review ratio', () => {
    for (const income of [374_999, 200_000, 0]) {
      expect(screenApplication(applicant({ monthlyIncomeMinor: income }), DEFAULTS)).toEqual({
        decision: 'reject',
        reasons: ['income is below 2.5× the rent'],
      });
    }
    // 2.5 × 100,001 = 250,002.5: 250,002 is below it, 250,003 is not.
    expect(screenApplication(applicant({ monthlyRentMinor: 100_001, monthlyIncomeMinor: 250_002 }), DEFAULTS).decision).toBe('reject');
    expect(screenApplication(applicant({ monthlyRentMinor: 100_001, monthlyIncomeMinor: 250_003 }), DEFAULTS).decision).toBe('review');
  });

  it('honours custom ratios', () => {
    const t = ScreeningThresholdsSchema.parse({ minIncomeToRent: 2.75, reviewIncomeToRent: 2 });
    expect(screenApplication(applicant({ monthlyIncomeMinor: 412_500 }), t).decision).toBe('approve'); // 2.75×
    expect(screenApplication(applicant({ monthlyIncomeMinor: 412_499 }), t).decision).toBe('review');
    expect(screenApplication(applicant({ monthlyIncomeMinor: 300_000 }), t).decision).toBe('review'); // 2×
    expect(screenApplication(applicant({ monthlyIncomeMinor: 299_999 }), t)).toEqual({
      decision: 'reject',
      reasons: ['income is below 2× the rent'],
    });
  });

  it('reviews an unemployed applicant even with enough income', () => {
    expect(screenApplication(applicant({ employment: { status: 'unemployed' } }), DEFAULTS)).toEqual({
      decision: 'review',
      reasons: ['no current employment'],
    });
    for (const status of ['self_employed', 'student', 'retired'] as const) {
      expect(screenApplication(applicant({ employment: { status } }), DEFAULTS).decision).toBe('approve');
    }
  });

  it('reviews too few references', () => {
    expect(screenApplication(applicant({ references: [] }), DEFAULTS)).toEqual({
      decision: 'review',
      reasons: ['fewer than 1 reference(s)'],
    });
    const two = ScreeningThresholdsSchema.parse({ minReferences: 2 });
    expect(screenApplication(applicant(), two).reasons).toEqual(['fewer than 2 reference(s)']);
    expect(screenApplication(applicant({ references: [] }), ScreeningThresholdsSchema.parse({ minReferences: 0 })).decision).toBe('approve');
  });

  it('rejects an overcrowded household', () => {
    expect(screenApplication(applicant({ householdSize: 3, bedrooms: 1 }), DEFAULTS)).toEqual({
      decision: 'reject',
      reasons: ['household of 3 exceeds 2 for 1 bedroom(s)'],
    });
    expect(screenApplication(applicant({ householdSize: 6, bedrooms: 3 }), DEFAULTS).decision).toBe('approve');
    expect(screenApplication(applicant({ householdSize: 7, bedrooms: 3 }), DEFAULTS).decision).toBe('reject');
    // A studio (0 bedrooms) counts as one bedroom.
    expect(screenApplication(applicant({ householdSize: 2, bedrooms: 0 }), DEFAULTS).decision).toBe('approve');
    expect(screenApplication(applicant({ householdSize: 3, bedrooms: 0 }), DEFAULTS).reasons).toEqual([
      'household of 3 exceeds 2 for 0 bedroom(s)',
    ]);
  });

  it('accumulates every reason and lets a rejection dominate reviews', () => {
    const result = screenApplication(
      applicant({ monthlyIncomeMinor: 400_000, employment: { status: 'unemployed' }, references: [], householdSize: 5, bedrooms: 2 }),
      DEFAULTS,
    );
    expect(result).toEqual({
      decision: 'reject',
      reasons: [
        'income is below 3× the rent',
        'no current employment',
        'fewer than 1 reference(s)',
        'household of 5 exceeds 4 for 2 bedroom(s)',
      ],
    });
    expect(result.reasons).not.toContain('meets every rule');
  });

  it('keeps a rejection when a review follows it', () => {
    const result = screenApplication(applicant({ monthlyIncomeMinor: 100_000, employment: { status: 'unemployed' } }), DEFAULTS);
    expect(result).toEqual({ decision: 'reject', reasons: ['income is below 2.5× the rent', 'no current employment'] });
  });

  it('stays at review for several review reasons', () => {
    expect(screenApplication(applicant({ employment: { status: 'unemployed' }, references: [] }), DEFAULTS)).toEqual({
      decision: 'review',
      reasons: ['no current employment', 'fewer than 1 reference(s)'],
    });
  });
});
