import {
  applicationProblem,
  contractProblem,
  nextPayApplication,
  payApplications,
  type BilledLine,
  type Contract,
  type RetainagePolicy,
} from '../../domain/project/pay-application';

/**
 * A renovation contract of 100,000.00 with one approved change order of
 * +5,000.00 on the roofing line; retainage 10%, stepping down to 5% on work
 * beyond 50% of the contract sum to date (5,250,000).
 */
const contract = (retainage: RetainagePolicy): Contract => ({
  originalContractSumMinor: 10_000_000,
  netChangeOrdersMinor: 500_000,
  scheduleOfValues: [
    { itemNo: '1', description: 'Site work', scheduledValueMinor: 2_000_000 },
    { itemNo: '2', description: 'Framing', scheduledValueMinor: 5_000_000 },
    { itemNo: '3', description: 'Roofing (incl. CO #1)', scheduledValueMinor: 3_500_000 },
  ],
  retainage,
});
const STEP_DOWN: RetainagePolicy = { kind: 'step_down', basisPoints: 1_000, reducedBasisPoints: 500, atCompleteBasisPoints: 5_000 };

/** Period 1: site work done, framing 30%, roofing materials delivered and stored. */
const period1: BilledLine[] = [
  { itemNo: '1', workThisPeriodMinor: 2_000_000, materialsStoredMinor: 0 },
  { itemNo: '2', workThisPeriodMinor: 1_500_000, materialsStoredMinor: 0 },
  { itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 400_000 },
];
/** Period 2: framing to 80% (and 10 cents, for a half cent of retainage), roofing 1,200,000 installed (the stored materials among it), 150,000 more stored. */
const period2: BilledLine[] = [
  { itemNo: '2', workThisPeriodMinor: 2_500_010, materialsStoredMinor: 0 },
  { itemNo: '3', workThisPeriodMinor: 1_200_000, materialsStoredMinor: 150_000 },
];

describe('G702/G703 arithmetic, computed by hand', () => {
  const [first, second] = payApplications(contract(STEP_DOWN), [period1, period2]);

  test('application 1: every work under 50% held at 10%', () => {
    expect(first!.lines.map((l) => [l.fromPreviousMinor, l.thisPeriodMinor, l.materialsStoredMinor, l.completedAndStoredMinor, l.percentCompleteBasisPoints, l.balanceToFinishMinor])).toEqual([
      [0, 2_000_000, 0, 2_000_000, 10_000, 0],
      [0, 1_500_000, 0, 1_500_000, 3_000, 3_500_000],
      [0, 0, 400_000, 400_000, 1_143, 3_100_000], // 11.43%
    ]);
    expect(first!.summary).toEqual({
      originalContractSumMinor: 10_000_000,
      netChangeOrdersMinor: 500_000,
      contractSumToDateMinor: 10_500_000,
      completedAndStoredToDateMinor: 3_900_000,
      retainageOnWorkMinor: 350_000, // 10% of 3,500,000
      retainageOnMaterialsMinor: 40_000, // 10% of 400,000
      totalRetainageMinor: 390_000,
      earnedLessRetainageMinor: 3_510_000,
      previousCertificatesMinor: 0,
      currentPaymentDueMinor: 3_510_000,
      balanceToFinishInclRetainageMinor: 6_990_000,
      percentCompleteBasisPoints: 3_714, // 37.14%
    });
  });

  test('application 2: work past 50% held at 5%, the stored materials installed move from F into E', () => {
    expect(second!.lines.map((l) => [l.fromPreviousMinor, l.thisPeriodMinor, l.materialsStoredMinor, l.completedAndStoredMinor, l.percentCompleteBasisPoints, l.balanceToFinishMinor])).toEqual([
      [2_000_000, 0, 0, 2_000_000, 10_000, 0],
      [1_500_000, 2_500_010, 0, 4_000_010, 8_000, 999_990],
      [0, 1_200_000, 150_000, 1_350_000, 3_857, 2_150_000], // 38.57%
    ]);
    expect(second!.summary).toEqual({
      originalContractSumMinor: 10_000_000,
      netChangeOrdersMinor: 500_000,
      contractSumToDateMinor: 10_500_000,
      completedAndStoredToDateMinor: 7_350_010,
      // 10% of the first 5,250,000 of work (525,000) + 5% of the 1,950,010 beyond it (97,500.50 → 97,501)
      retainageOnWorkMinor: 622_501,
      retainageOnMaterialsMinor: 7_500, // 5% of 150,000: the work is past the step
      totalRetainageMinor: 630_001,
      earnedLessRetainageMinor: 6_720_009,
      previousCertificatesMinor: 3_510_000,
      currentPaymentDueMinor: 3_210_009,
      balanceToFinishInclRetainageMinor: 3_779_991,
      percentCompleteBasisPoints: 7_000, // 70.0001%
    });
  });

  test('flat and capped retainage on the same work', () => {
    const flat = payApplications(contract({ kind: 'flat', basisPoints: 1_000 }), [period1, period2]).map((a) => a.summary);
    expect(flat.map((s) => [s.retainageOnWorkMinor, s.retainageOnMaterialsMinor, s.currentPaymentDueMinor])).toEqual([
      [350_000, 40_000, 3_510_000],
      [720_001, 15_000, 7_350_010 - 735_001 - 3_510_000], // 10% of 7,200,010 = 720,001
    ]);
    // Hold 10% until 500,000 is held: the second application holds exactly the cap, nothing on its materials.
    const capped = payApplications(contract({ kind: 'capped', basisPoints: 1_000, capMinor: 500_000 }), [period1, period2]).map((a) => a.summary);
    expect(capped.map((s) => [s.retainageOnWorkMinor, s.retainageOnMaterialsMinor, s.totalRetainageMinor])).toEqual([
      [350_000, 40_000, 390_000],
      [500_000, 0, 500_000],
    ]);
  });

  test('every application balances: line 4 = 5 + 6, line 3 = 6 + 9, and the payments add up to line 6', () => {
    const apps = payApplications(contract(STEP_DOWN), [period1, period2, [{ itemNo: '3', workThisPeriodMinor: 150_000, materialsStoredMinor: 0 }]]);
    for (const { summary: s } of apps) {
      expect(s.completedAndStoredToDateMinor).toBe(s.totalRetainageMinor + s.earnedLessRetainageMinor);
      expect(s.contractSumToDateMinor).toBe(s.earnedLessRetainageMinor + s.balanceToFinishInclRetainageMinor);
    }
    expect(apps.reduce((n, a) => n + a.summary.currentPaymentDueMinor, 0)).toBe(apps.at(-1)!.summary.earnedLessRetainageMinor);
    expect(apps.map((a) => a.applicationNo)).toEqual([1, 2, 3]);
  });
});

describe('what cannot be billed', () => {
  test('a contract whose schedule of values does not add up to its sum, or a bad retainage', () => {
    expect(contractProblem({ ...contract(STEP_DOWN), netChangeOrdersMinor: 0 })).toMatch(/sums to 10500000.*10000000/);
    expect(contractProblem(contract({ kind: 'step_down', basisPoints: 500, reducedBasisPoints: 1_000, atCompleteBasisPoints: 5_000 }))).toMatch(/reduced rate/);
    expect(contractProblem(contract({ kind: 'flat', basisPoints: 10_001 }))).toMatch(/basis points/);
    expect(contractProblem(contract(STEP_DOWN))).toBeUndefined();
  });

  test('billing past a line\'s value, an unknown line, a line twice, or a negative amount', () => {
    const c = contract(STEP_DOWN);
    const [first] = payApplications(c, [period1]);
    expect(applicationProblem(c, first, [{ itemNo: '1', workThisPeriodMinor: 1, materialsStoredMinor: 0 }])).toMatch(/item 1: .*2000001.*2000000/);
    expect(applicationProblem(c, first, [{ itemNo: '9', workThisPeriodMinor: 1, materialsStoredMinor: 0 }])).toMatch(/not in the schedule/);
    expect(applicationProblem(c, first, [period2[0]!, period2[0]!])).toMatch(/billed twice/);
    expect(applicationProblem(c, first, [{ itemNo: '2', workThisPeriodMinor: -1, materialsStoredMinor: 0 }])).toMatch(/not negative/);
    expect(() => nextPayApplication(c, first, [{ itemNo: '9', workThisPeriodMinor: 1, materialsStoredMinor: 0 }])).toThrow(/not in the schedule/);
    // A change order may not take a line below what was already billed on it.
    const cut: Contract = { ...c, netChangeOrdersMinor: -600_000, scheduleOfValues: c.scheduleOfValues.map((l) => (l.itemNo === '2' ? { ...l, scheduledValueMinor: 1_400_000 } : l)) };
    expect(applicationProblem(cut, first, [])).toMatch(/item 2: its scheduled value \(1400000\) is below the work already billed \(1500000\)/);
  });
});
