import { complianceProblems, dueExpiryReminders, type VendorDocument } from '../../domain/work-order/vendor-compliance';

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

describe('expiry reminders', () => {
  const doc = (expiresOn: string, sent: number[] = []) => ({ id: `doc-${expiresOn}`, expiresOn, sent });

  test('go out 30 and 3 days before a document expires, each once', () => {
    expect(dueExpiryReminders([doc('2027-01-15')], '2026-12-15')).toEqual([]);
    expect(dueExpiryReminders([doc('2027-01-15')], '2026-12-16')).toEqual([{ documentId: 'doc-2027-01-15', expiresOn: '2027-01-15', daysLeft: 30, covers: [30] }]);
    expect(dueExpiryReminders([doc('2027-01-15', [30])], '2026-12-17')).toEqual([]);
    expect(dueExpiryReminders([doc('2027-01-15', [30])], '2027-01-12')).toEqual([{ documentId: 'doc-2027-01-15', expiresOn: '2027-01-15', daysLeft: 3, covers: [3] }]);
    expect(dueExpiryReminders([doc('2027-01-15', [30, 3])], '2027-01-14')).toEqual([]);
  });

  test('a missed day is caught up with the days actually left', () => {
    expect(dueExpiryReminders([doc('2027-01-15')], '2026-12-20')).toEqual([{ documentId: 'doc-2027-01-15', expiresOn: '2027-01-15', daysLeft: 26, covers: [30] }]);
  });

  test('a document arriving inside both windows gets one e-mail that covers both; an expired one gets none', () => {
    expect(dueExpiryReminders([doc('2027-01-15'), doc('2027-01-01')], '2027-01-13')).toEqual([{ documentId: 'doc-2027-01-15', expiresOn: '2027-01-15', daysLeft: 2, covers: [30, 3] }]);
    expect(dueExpiryReminders([doc('2027-01-13')], '2027-01-13')).toEqual([{ documentId: 'doc-2027-01-13', expiresOn: '2027-01-13', daysLeft: 0, covers: [30, 3] }]);
  });
});
