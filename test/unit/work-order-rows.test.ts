import { candidates } from '../../domain/work-order/contractor-choice';
import { candidateOf, directoryContractor, repairChargePeriodIndex, workOrderRow, type DirectoryRow } from '../../activities/work-order/rows';
import type { WorkOrderState } from '../../contracts/work-order';

const state: WorkOrderState = {
  workOrderId: '3f2a9c10-0000-4000-8000-000000000001',
  propertyId: 'p-1',
  unitId: null,
  status: 'awaiting_payment',
  category: 'plumbing',
  priority: 'urgent',
  description: 'Leaking trap under the kitchen sink',
  responsibility: 'tenant',
  source: { kind: 'request' },
  requestedBy: { userId: 'u-tenant', name: 'Tess', email: 'tess@example.com' },
  raisedAt: '2026-12-07T08:00:00.000Z',
  assignment: { contractorId: 'c-1', name: 'Acme Plumbing', email: 'acme@example.com', askedAt: '2026-12-07T08:05:00.000Z', acceptBy: '2026-12-07T12:05:00.000Z', acceptedAt: '2026-12-07T08:47:20.000Z' },
  passedOver: [],
  quote: null,
  appointment: null,
  completion: { at: '2026-12-08T10:00:00.000Z', notes: 'Replaced trap', photoIds: [], materialsMinor: 2_000, labourMinor: 9_500 },
  invoice: {
    amountMinor: 11_500,
    reference: 'INV-7',
    at: '2026-12-08T11:00:00.000Z',
    status: 'paid',
    decidedBy: 'threshold',
    reason: null,
    payment: { method: 'transfer', reference: 'TR-1', paidOn: '2026-12-09', by: 'u-manager' },
    chargedToLeaseId: 'l-1',
  },
  rating: { stars: 4, comment: null, at: '2026-12-09T12:00:00.000Z' },
  sla: [],
  pauses: [],
  slaBreached: false,
  reopened: [{ at: '2026-12-10T09:00:00.000Z', by: 'u-tenant', reason: 'Leaks again', countsAgainstContractor: true }],
  mergedInto: null,
  next: null,
  history: [{ at: '2026-12-07T08:00:00.000Z', event: 'raised' }],
};

test("a work order's row: the contractor's response in whole minutes, the lease charged, paid amount, history left out", () => {
  const row = workOrderRow(state, 'USD');
  expect(row).toMatchObject({
    id: state.workOrderId,
    leaseId: 'l-1',
    requestedBy: 'u-tenant',
    contractorId: 'c-1',
    acceptedMinutes: 42,
    completedAt: '2026-12-08T10:00:00.000Z',
    reopenedInWarranty: true,
    rating: 4,
    amountPaidMinor: 11_500,
    workflowId: `workorder-${state.workOrderId}`,
  });
  expect(row.state.history).toEqual([]);
  expect(state.history).toHaveLength(1);
});

test('before acceptance, payment and rating the row holds nulls', () => {
  const early = workOrderRow(
    { ...state, assignment: { ...state.assignment!, acceptedAt: null }, invoice: null, rating: null, completion: null, reopened: [{ ...state.reopened[0]!, countsAgainstContractor: false }] },
    'USD',
  );
  expect(early).toMatchObject({ leaseId: null, contractorId: 'c-1', acceptedMinutes: null, completedAt: null, reopenedInWarranty: false, rating: null, amountPaidMinor: null });
  expect(workOrderRow({ ...state, assignment: null }, 'USD').contractorId).toBeNull();
});

const row = (extra: Partial<DirectoryRow>): DirectoryRow => ({
  user_id: 'c-1',
  company: 'Acme Plumbing',
  email: 'acme@example.com',
  trades: ['plumbing'],
  service_area: ['50010'],
  hourly_rate_minor: '9500',
  documents: [
    { kind: 'general_liability_insurance', expiresOn: '2027-06-30', coverageMinor: 200_000_000 },
    { kind: 'trade_license', expiresOn: '2027-06-30', coverageMinor: null },
    { kind: 'tax_form_w9', expiresOn: null, coverageMinor: null },
  ],
  completed: '0',
  rating: null,
  first_time_fixes: '0',
  median_response_minutes: null,
  ...extra,
});

test('a contractor without completed work has no figures; with some, the figures the ranking reads', () => {
  expect(directoryContractor(row({})).figures).toBeUndefined();
  expect(directoryContractor(row({ documents: null })).documents).toEqual([]);
  const seasoned = directoryContractor(row({ completed: '8', rating: '4.6666666', first_time_fixes: '7', median_response_minutes: 37.5 }));
  expect(seasoned).toMatchObject({ hourlyRateMinor: 9_500, figures: { rating: 4.67, firstTimeFixBasisPoints: 8_750, medianResponseMinutes: 38 } });
  expect(seasoned.documents[1]).toEqual({ kind: 'trade_license', expiresOn: '2027-06-30' });
  expect(directoryContractor(row({ completed: '2', rating: null, first_time_fixes: '2' })).figures).toEqual({ rating: 0, firstTimeFixBasisPoints: 10_000, medianResponseMinutes: 0 });
});

test('rows feed the contractor-choice rules: the seasoned contractor first, then the newcomer', () => {
  const rows = [row({ user_id: 'c-new' }), row({ user_id: 'c-old', completed: '3', rating: '5', first_time_fixes: '3', median_response_minutes: '20' })];
  const { eligible } = candidates(rows.map(directoryContractor), { trade: 'plumbing', postalCode: '50010', on: '2026-12-07', passedOver: [] });
  expect(eligible.map((c) => c.contractorId)).toEqual(['c-old', 'c-new']);
  expect(candidateOf(rows[0]!)).toEqual({ contractorId: 'c-new', name: 'Acme Plumbing', email: 'acme@example.com', hourlyRateMinor: 9_500 });
});

test("a repair's lease charge has its own negative period index, the same on every retry", () => {
  const a = repairChargePeriodIndex('3f2a9c10-0000-4000-8000-000000000001');
  expect(a).toBeLessThan(0);
  expect(a).toBeGreaterThanOrEqual(-(2 ** 28));
  expect(repairChargePeriodIndex('3f2a9c10-0000-4000-8000-000000000001')).toBe(a);
  expect(repairChargePeriodIndex('00000000-0000-4000-8000-000000000002')).toBe(-1);
  expect(() => repairChargePeriodIndex('not-a-uuid')).toThrow();
});
