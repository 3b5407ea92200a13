import { complianceProblems, expiryReminders, type VendorDocument } from '../../domain/work-order/vendor-compliance';

const insured = (expiresOn: string, coverageMinor = 200_000_000): VendorDocument => ({ kind: 'general_liability_insurance', expiresOn, coverageMinor });
const licence: VendorDocument = { kind: 'trade_license', expiresOn: '2027-06-30' };
const w9: VendorDocument = { kind: 'tax_form_w9', expiresOn: null };

describe('vendor compliance blocks an assignment', () => {
  test('a contractor with every document in force may be assigned, up to and including the last valid day', () => {
    expect(complianceProblems([insured('2026-12-31'), licence, w9], '2026-12-31')).toEqual([]);
  });

  test('an expired insurance certificate, cover below the minimum, a missing licence or tax form each block, all named', () => {
    expect(complianceProblems([insured('2026-11-30'), licence, w9], '2026-12-01')).toEqual(['the general liability insurance certificate expired on 2026-11-30']);
    expect(complianceProblems([insured('2027-01-31', 50_000_000), licence, w9], '2026-12-01')).toEqual(['general liability cover of USD 500,000.00 is below the required USD 1,000,000.00']);
    expect(complianceProblems([insured('2027-01-31')], '2026-12-01')).toEqual(['no trade licence on file', 'no tax form (W-9) on file']);
  });

  test('a renewed certificate counts even when the expired one is still on file', () => {
    expect(complianceProblems([insured('2026-11-30'), insured('2027-11-30'), licence, w9], '2026-12-01')).toEqual([]);
  });

  test('the property\'s own rules: another minimum, workers\' compensation required', () => {
    const rules = { required: ['general_liability_insurance', 'workers_comp_insurance'] as const, minGeneralLiabilityMinor: 300_000_000, currency: 'USD' as const };
    expect(complianceProblems([insured('2027-01-31')], '2026-12-01', rules)).toEqual([
      'general liability cover of USD 2,000,000.00 is below the required USD 3,000,000.00',
      "no workers' compensation certificate on file",
    ]);
  });
});

test('reminders go out 30 and 3 days before a document expires, none for one that never does', () => {
  expect(expiryReminders(insured('2027-01-15'))).toEqual([
    { on: '2026-12-16', daysLeft: 30 },
    { on: '2027-01-12', daysLeft: 3 },
  ]);
  expect(expiryReminders(w9)).toEqual([]);
});
