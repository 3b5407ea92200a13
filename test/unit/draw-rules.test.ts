import { drawBlockers, type DrawConditions } from '../../domain/project/draw-rules';
import { payApplications, type Contract } from '../../domain/project/pay-application';

const contract: Contract = {
  originalContractSumMinor: 6_000_000,
  netChangeOrdersMinor: 0,
  scheduleOfValues: [
    { itemNo: '1', description: 'Foundation', scheduledValueMinor: 2_000_000 },
    { itemNo: '2', description: 'Framing', scheduledValueMinor: 4_000_000 },
  ],
  retainage: { kind: 'flat', basisPoints: 1_000 },
};
// Foundation billed to 100%, framing to 45% (with stored lumber, which an inspection does not see as work).
const [application] = payApplications(contract, [
  [
    { itemNo: '1', workThisPeriodMinor: 2_000_000, materialsStoredMinor: 0 },
    { itemNo: '2', workThisPeriodMinor: 1_800_000, materialsStoredMinor: 300_000 },
  ],
]);
const ready: DrawConditions = {
  application: application!,
  inspection: { observedBasisPoints: { '1': 10_000, '2': 4_000 } }, // framing 40%: within 5 points of 45%
  conditionalWaiverSigned: true,
  permits: [{ name: 'Building permit B-2026-118', status: 'issued', expiresOn: '2027-03-31' }],
  today: '2026-12-07',
};

test('an application inspected within 5 points, its waiver signed and its permits in force, may be paid', () => {
  expect(drawBlockers(ready)).toEqual([]);
});

test('a failed milestone inspection, a missing one, an unsigned waiver, a permit not issued or expired: each blocks, named', () => {
  expect(drawBlockers({ ...ready, inspection: { observedBasisPoints: { '1': 10_000, '2': 3_999 } } })).toEqual([
    'item 2 (Framing) is billed at 45.00% complete, the inspection found 39.99%',
  ]);
  expect(drawBlockers({ ...ready, inspection: null })).toEqual(['no milestone inspection of the work billed yet']);
  expect(drawBlockers({ ...ready, inspection: { observedBasisPoints: { '1': 10_000 } } })).toEqual(['item 2 (Framing) was not inspected']);
  expect(drawBlockers({ ...ready, conditionalWaiverSigned: false })).toEqual(['the conditional lien waiver for application 1 is not signed']);
  expect(
    drawBlockers({
      ...ready,
      permits: [
        { name: 'Building permit B-2026-118', status: 'issued', expiresOn: '2026-12-06' },
        { name: 'Electrical permit E-77', status: 'applied', expiresOn: null },
      ],
    }),
  ).toEqual(['permit "Building permit B-2026-118" expired on 2026-12-06', 'permit "Electrical permit E-77" is not issued yet']);
  // A stricter tolerance of 3 points refuses what 5 allowed.
  expect(drawBlockers({ ...ready, toleranceBasisPoints: 300 })).toHaveLength(1);
});
