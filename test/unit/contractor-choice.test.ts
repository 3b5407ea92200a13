import { acceptanceWindowMinutes, candidates, type DirectoryContractor } from '../../domain/work-order/contractor-choice';
import type { VendorDocument } from '../../domain/work-order/vendor-compliance';

const inForce: VendorDocument[] = [
  { kind: 'general_liability_insurance', expiresOn: '2027-06-30', coverageMinor: 200_000_000 },
  { kind: 'trade_license', expiresOn: '2027-06-30' },
  { kind: 'tax_form_w9', expiresOn: null },
];
const plumber = (contractorId: string, extra: Partial<DirectoryContractor> = {}): DirectoryContractor => ({
  contractorId,
  trades: ['plumbing'],
  serviceArea: ['50010', '50014'],
  hourlyRateMinor: 9_500,
  documents: inForce,
  ...extra,
});

const directory = [
  plumber('newcomer'),
  plumber('steady', { figures: { rating: 4.6, firstTimeFixBasisPoints: 8_800, medianResponseMinutes: 50 } }),
  plumber('star', { figures: { rating: 4.9, firstTimeFixBasisPoints: 9_100, medianResponseMinutes: 35 } }),
  plumber('steady-cheaper', { hourlyRateMinor: 8_000, figures: { rating: 4.6, firstTimeFixBasisPoints: 8_800, medianResponseMinutes: 50 } }),
  plumber('electrician', { trades: ['electrical'] }),
  plumber('far-away', { serviceArea: ['52240'] }),
  plumber('lapsed-insurance', { documents: [{ ...inForce[0]!, expiresOn: '2026-11-30' }, inForce[1]!, inForce[2]!] }),
];
const need = { trade: 'plumbing' as const, postalCode: '50010', on: '2026-12-07', passedOver: [] as string[] };

test('the right trade, serving the area, compliant on the day: best record first, then the lower rate; newcomers last', () => {
  const { eligible, refused } = candidates(directory, need);
  expect(eligible.map((c) => c.contractorId)).toEqual(['star', 'steady-cheaper', 'steady', 'newcomer']);
  expect(Object.fromEntries(refused.map((r) => [r.contractorId, r.reasons]))).toEqual({
    electrician: ['not a plumbing contractor'],
    'far-away': ['does not serve 50010'],
    'lapsed-insurance': ['the general liability insurance certificate expired on 2026-11-30'],
  });
});

test('one who declined or let the work lapse is passed over for the next qualified one', () => {
  expect(candidates(directory, { ...need, passedOver: ['star'] }).eligible[0]!.contractorId).toBe('steady-cheaper');
});

test('an emergency must be accepted within 30 minutes, other work within 4 hours', () => {
  expect(acceptanceWindowMinutes('emergency')).toBe(30);
  expect(acceptanceWindowMinutes('routine')).toBe(240);
});
