/**
 * A project's pure money rules (domain/project/budget.ts, change-order.ts):
 * change orders applied to a contract, the budget rollup by cost code with
 * its projection against budget + contingency, the inspector's completion
 * of a contract, and the ledger's postings for a paid draw, checked against
 * hand-computed figures and against the ledger's own balance rules.
 */
import { accountBalance, isBalanced, postingLines, type LedgerLine } from '../../domain/ledger';
import { budgetSummary, drawPostings, drawProblem, observedCompletionBasisPoints } from '../../domain/project/budget';
import { applyChangeOrder, changeByCostCode, changeOrderProblem, netChangeOf, type ProjectContract } from '../../domain/project/change-order';
import { nextPayApplication, payApplications, type RetainagePolicy } from '../../domain/project/pay-application';

const CODES = ['06-100', '09-200', '22-000'];

const contract = (retainage: RetainagePolicy = { kind: 'flat', basisPoints: 1_000 }): ProjectContract => ({
  originalContractSumMinor: 8_800_000,
  netChangeOrdersMinor: 0,
  scheduleOfValues: [
    { itemNo: '1', description: 'Framing', scheduledValueMinor: 3_800_000, costCode: '06-100' },
    { itemNo: '2', description: 'Drywall and paint', scheduledValueMinor: 3_000_000, costCode: '09-200' },
    { itemNo: '3', description: 'Plumbing rough-in', scheduledValueMinor: 2_000_000, costCode: '22-000' },
  ],
  retainage,
});

describe('change orders', () => {
  it('adds a line and changes another, in one new contract: line 2 of the G702 and the schedule of values agree', () => {
    const lines = [
      { itemNo: '4', description: 'Second bathroom fixtures', costCode: '22-000', changeMinor: 900_000 },
      { itemNo: '2', changeMinor: -250_000 },
    ];
    expect(changeOrderProblem(contract(), undefined, lines, CODES)).toBeUndefined();
    const after = applyChangeOrder(contract(), lines);
    expect(after.netChangeOrdersMinor).toBe(650_000);
    expect(after.scheduleOfValues.map((l) => [l.itemNo, l.scheduledValueMinor, l.costCode])).toEqual([
      ['1', 3_800_000, '06-100'],
      ['2', 2_750_000, '09-200'],
      ['3', 2_000_000, '22-000'],
      ['4', 900_000, '22-000'],
    ]);
    expect(netChangeOf(lines)).toBe(650_000);
    expect(changeByCostCode(contract(), lines)).toEqual([
      { costCode: '22-000', changeMinor: 900_000 },
      { costCode: '09-200', changeMinor: -250_000 },
    ]);
    // The original is left as it was.
    expect(contract().scheduleOfValues[1]!.scheduledValueMinor).toBe(3_000_000);
  });

  it.each([
    [[], 'a change order changes at least one line of the schedule of values'],
    [[{ itemNo: '2', changeMinor: 0 }], 'item 2: the change must be a whole, non-zero number of minor units'],
    [[{ itemNo: '2', changeMinor: 1.5 }], 'item 2: the change must be a whole, non-zero number of minor units'],
    [[{ itemNo: '2', changeMinor: 10 }, { itemNo: '2', changeMinor: 10 }], 'item 2: changed twice'],
    [[{ itemNo: '2', changeMinor: -3_000_001 }], 'item 2: the change would take its scheduled value below zero'],
    [[{ itemNo: '9', changeMinor: 100, costCode: '06-100' }], 'item 9: a new line needs a description'],
    [[{ itemNo: '9', changeMinor: 100, description: 'Deck' }], "item 9: a new line needs one of the budget's cost codes"],
    [[{ itemNo: '9', changeMinor: 100, description: 'Deck', costCode: '31-000' }], "item 9: a new line needs one of the budget's cost codes (not 31-000)"],
    [[{ itemNo: '9', changeMinor: -100, description: 'Deck', costCode: '06-100' }], 'item 9: a new line adds scope (a positive amount)'],
  ])('refuses %j: %s', (lines, message) => {
    expect(changeOrderProblem(contract(), undefined, lines, CODES)).toBe(message);
  });

  it('never takes a line below the work already certified on it', () => {
    const [certified] = payApplications(contract(), [[{ itemNo: '2', workThisPeriodMinor: 2_000_000, materialsStoredMinor: 0 }]]);
    expect(changeOrderProblem(contract(), certified, [{ itemNo: '2', changeMinor: -1_000_000 }], CODES)).toBeUndefined();
    expect(changeOrderProblem(contract(), certified, [{ itemNo: '2', changeMinor: -1_000_001 }], CODES)).toBe('item 2: its scheduled value (1999999) is below the work already billed (2000000)');
  });
});

describe('budgetSummary', () => {
  const budget = [
    { costCode: '06-100', description: 'Framing and carpentry', originalMinor: 4_000_000, changesMinor: 0 },
    { costCode: '09-200', description: 'Drywall and finishes', originalMinor: 3_000_000, changesMinor: 0 },
    { costCode: '22-000', description: 'Plumbing', originalMinor: 2_000_000, changesMinor: 900_000 },
  ];
  const c = applyChangeOrder(contract(), [{ itemNo: '4', description: 'Second bathroom fixtures', costCode: '22-000', changeMinor: 900_000 }]);
  const [first] = payApplications(c, [[{ itemNo: '1', workThisPeriodMinor: 1_900_000, materialsStoredMinor: 0 }, { itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 234_567 }]]);

  it('rolls up budget, committed, pending, paid and remaining by cost code, paid split into cash and retainage in total', () => {
    const s = budgetSummary({ budget, contingencyMinor: 500_000, commitments: [{ scheduleOfValues: c.scheduleOfValues, lastPaid: first, retainageReleasedMinor: 0 }], pending: [{ costCode: '09-200', changeMinor: 250_000 }] });
    expect(s.byCostCode).toEqual([
      { costCode: '06-100', description: 'Framing and carpentry', originalBudgetMinor: 4_000_000, approvedChangesMinor: 0, budgetMinor: 4_000_000, committedMinor: 3_800_000, pendingChangesMinor: 0, paidMinor: 1_900_000, remainingMinor: 2_100_000, uncommittedMinor: 200_000, projectedMinor: 4_000_000 },
      { costCode: '09-200', description: 'Drywall and finishes', originalBudgetMinor: 3_000_000, approvedChangesMinor: 0, budgetMinor: 3_000_000, committedMinor: 3_000_000, pendingChangesMinor: 250_000, paidMinor: 0, remainingMinor: 3_000_000, uncommittedMinor: 0, projectedMinor: 3_000_000 },
      { costCode: '22-000', description: 'Plumbing', originalBudgetMinor: 2_000_000, approvedChangesMinor: 900_000, budgetMinor: 2_900_000, committedMinor: 2_900_000, pendingChangesMinor: 0, paidMinor: 234_567, remainingMinor: 2_665_433, uncommittedMinor: 0, projectedMinor: 2_900_000 },
    ]);
    expect(s.totals).toEqual({
      originalBudgetMinor: 9_000_000,
      budgetMinor: 9_900_000,
      contingencyOriginalMinor: 500_000,
      contingencyRemainingMinor: -400_000,
      authorizedMinor: 9_500_000,
      committedMinor: 9_700_000,
      pendingChangesMinor: 250_000,
      paidMinor: 2_134_567,
      cashPaidMinor: 1_921_110,
      retainageHeldMinor: 213_457,
      remainingMinor: 7_765_433,
      projectedMinor: 9_900_000,
      overrunMinor: 400_000,
    });
    expect(s.totals.cashPaidMinor + s.totals.retainageHeldMinor).toBe(s.totals.paidMinor);
  });

  it('takes a code not yet let at its budget, one let above it at the contract, and finds no overrun while the contingency covers it', () => {
    const s = budgetSummary({
      budget: budget.map((b) => ({ ...b, changesMinor: 0 })),
      contingencyMinor: 500_000,
      commitments: [{ scheduleOfValues: [{ itemNo: '1', description: 'Framing', scheduledValueMinor: 4_300_000, costCode: '06-100' }], lastPaid: undefined, retainageReleasedMinor: 0 }],
      pending: [],
    });
    expect(s.byCostCode.map((r) => r.projectedMinor)).toEqual([4_300_000, 3_000_000, 2_000_000]);
    expect(s.totals).toMatchObject({ projectedMinor: 9_300_000, authorizedMinor: 9_500_000, overrunMinor: 0, paidMinor: 0, cashPaidMinor: 0 });
  });

  it('counts retainage released as cash paid and no longer held', () => {
    const [, all] = payApplications(c, [
      [{ itemNo: '1', workThisPeriodMinor: 1_000_000, materialsStoredMinor: 0 }],
      c.scheduleOfValues.map((l) => ({ itemNo: l.itemNo, workThisPeriodMinor: l.itemNo === '1' ? l.scheduledValueMinor - 1_000_000 : l.scheduledValueMinor, materialsStoredMinor: 0 })),
    ]);
    const s = budgetSummary({ budget, contingencyMinor: 500_000, commitments: [{ scheduleOfValues: c.scheduleOfValues, lastPaid: all, retainageReleasedMinor: 970_000 }], pending: [] });
    expect(s.totals).toMatchObject({ paidMinor: 9_700_000, cashPaidMinor: 9_700_000, retainageHeldMinor: 0, remainingMinor: 200_000 });
  });
});

describe('observedCompletionBasisPoints', () => {
  it('weights each line by its value, counts lines not observed as not started, and rounds down', () => {
    const lines = contract().scheduleOfValues;
    // (46% × 38,000 + 10% × 20,000) / 88,000 = 22.136…%
    expect(observedCompletionBasisPoints(lines, { '1': 4_600, '3': 1_000 })).toBe(2_213);
    expect(observedCompletionBasisPoints(lines, { '1': 10_000, '2': 10_000, '3': 10_000 })).toBe(10_000);
    expect(observedCompletionBasisPoints(lines, {})).toBe(0);
    expect(observedCompletionBasisPoints([], { '1': 10_000 })).toBe(0);
  });
});

describe('drawPostings', () => {
  const post = (postings: ReturnType<typeof drawPostings>): LedgerLine[] => postings.flatMap((p) => postingLines(p.kind, p.amountMinor));

  it('posts the current payment due out of cash and the retainage withheld to retainage payable (flat 10%)', () => {
    const [a1, a2] = payApplications(contract(), [
      [{ itemNo: '1', workThisPeriodMinor: 1_900_000, materialsStoredMinor: 0 }, { itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 234_567 }],
      [{ itemNo: '3', workThisPeriodMinor: 500_000, materialsStoredMinor: 0 }],
    ]);
    expect(drawPostings(a1!, undefined)).toEqual([
      { kind: 'draw_paid', amountMinor: 1_921_110 },
      { kind: 'retainage_withheld', amountMinor: 213_457 },
    ]);
    // The stored materials are installed (and more): G grows by 265,433, retainage by 26,543 (50,000 on work less 23,457 on materials).
    expect(drawPostings(a2!, a1)).toEqual([
      { kind: 'draw_paid', amountMinor: 238_890 },
      { kind: 'retainage_withheld', amountMinor: 26_543 },
    ]);
    expect(a2!.summary.currentPaymentDueMinor).toBe(238_890);
  });

  it('pays out retainage when it goes down (stored materials installed past a step-down), and the book agrees with the certificates', () => {
    const c: ProjectContract = {
      originalContractSumMinor: 10_000_000,
      netChangeOrdersMinor: 0,
      scheduleOfValues: [{ itemNo: '1', description: 'Modules', scheduledValueMinor: 10_000_000, costCode: '06-100' }],
      retainage: { kind: 'step_down', basisPoints: 1_000, reducedBasisPoints: 500, atCompleteBasisPoints: 1_000 },
    };
    const apps = payApplications(c, [
      [{ itemNo: '1', workThisPeriodMinor: 500_000, materialsStoredMinor: 2_000_000 }],
      [{ itemNo: '1', workThisPeriodMinor: 2_000_000, materialsStoredMinor: 0 }],
      [{ itemNo: '1', workThisPeriodMinor: 1_000_000, materialsStoredMinor: 0 }],
    ]);
    // 1: 10% of 500,000 and of 2,000,000 stored. 2: nothing added, 1,000,000 at 10% + 1,500,000 at 5%: 75,000 less held.
    expect(apps.map((a) => a.summary.totalRetainageMinor)).toEqual([250_000, 175_000, 225_000]);
    expect(drawPostings(apps[1]!, apps[0])).toEqual([{ kind: 'retainage_released', amountMinor: 75_000 }]);
    expect(drawPostings(apps[2]!, apps[1])).toEqual([
      { kind: 'draw_paid', amountMinor: 950_000 },
      { kind: 'retainage_withheld', amountMinor: 50_000 },
    ]);
    const book = apps.flatMap((a, i) => post(drawPostings(a, apps[i - 1])));
    expect(isBalanced(book)).toBe(true);
    const last = apps.at(-1)!.summary;
    expect(accountBalance(book, 'repairs_expense')).toBe(last.completedAndStoredToDateMinor);
    expect(accountBalance(book, 'retainage_payable')).toBe(last.totalRetainageMinor);
    expect(-accountBalance(book, 'cash')).toBe(apps.reduce((n, a) => n + a.summary.currentPaymentDueMinor, 0));
    expect(-accountBalance(book, 'cash')).toBe(last.earnedLessRetainageMinor);
  });

  it('refuses an application whose completed and stored to date went down (stored materials taken away)', () => {
    const a1 = nextPayApplication(contract(), undefined, [{ itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 100_000 }]);
    const a2 = nextPayApplication(contract(), a1, [{ itemNo: '1', workThisPeriodMinor: 50_000, materialsStoredMinor: 0 }]);
    expect(drawProblem(a2, a1)).toBe('completed and stored to date (50000) would fall below the last application\'s (100000)');
    expect(() => drawPostings(a2, a1)).toThrow(RangeError);
  });
});
