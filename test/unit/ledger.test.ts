import {
  accountsOf,
  accountsOutsideBook,
  BOOK_TYPES,
  isDebitNormal,
  LEDGER_ACCOUNTS,
  POSTING_BOOKS,
  POSTING_KINDS,
  accountBalance,
  isBalanced,
  postingLines,
  tenantBalance,
  type LedgerAccount,
  type LedgerLine,
  type PostingKind,
} from '../../domain/ledger';

const AMOUNTS = [1, 99, 150_000, 123_456_789, Number.MAX_SAFE_INTEGER];

/** What each movement debits and credits. */
const EXPECTED: Record<PostingKind, { debit: LedgerAccount; credit: LedgerAccount }> = {
  rent_charged: { debit: 'tenant_receivable', credit: 'rental_income' },
  fee_charged: { debit: 'tenant_receivable', credit: 'fee_income' },
  credit_issued: { debit: 'rental_income', credit: 'tenant_receivable' },
  payment_received: { debit: 'cash', credit: 'tenant_receivable' },
  payment_reversed: { debit: 'tenant_receivable', credit: 'cash' },
  deposit_received: { debit: 'cash', credit: 'deposits_held' },
  deposit_applied: { debit: 'deposits_held', credit: 'tenant_receivable' },
  damages_charged: { debit: 'tenant_receivable', credit: 'damages_income' },
  deposit_refunded: { debit: 'deposits_held', credit: 'cash' },
  escrow_received: { debit: 'cash', credit: 'escrow_held' },
  escrow_released: { debit: 'escrow_held', credit: 'cash' },
  proceeds_allocated: { debit: 'escrow_held', credit: 'seller_proceeds_payable' },
  commission_allocated: { debit: 'escrow_held', credit: 'commissions_payable' },
  charges_allocated: { debit: 'escrow_held', credit: 'title_recording_fees_payable' },
  payoff_allocated: { debit: 'escrow_held', credit: 'lien_payoffs_payable' },
  proceeds_paid: { debit: 'seller_proceeds_payable', credit: 'cash' },
  commission_paid: { debit: 'commissions_payable', credit: 'cash' },
  charges_paid: { debit: 'title_recording_fees_payable', credit: 'cash' },
  payoff_paid: { debit: 'lien_payoffs_payable', credit: 'cash' },
  repair_paid: { debit: 'repairs_expense', credit: 'cash' },
  repair_charged: { debit: 'tenant_receivable', credit: 'damages_income' },
  draw_paid: { debit: 'repairs_expense', credit: 'cash' },
  retainage_withheld: { debit: 'repairs_expense', credit: 'retainage_payable' },
  retainage_released: { debit: 'retainage_payable', credit: 'cash' },
  // A bill's debit is its own expense account; the tests below pay this one.
  bill_paid: { debit: 'utilities_expense', credit: 'cash' },
  management_fee_charged: { debit: 'management_fees', credit: 'cash' },
  owner_contribution: { debit: 'cash', credit: 'owner_contributions' },
  owner_distribution: { debit: 'owner_distributions', credit: 'cash' },
};
const BILL_ACCOUNT = 'utilities_expense';

const sum = (lines: readonly LedgerLine[], side: 'debitMinor' | 'creditMinor') => lines.reduce((n, l) => n + l[side], 0);

describe('postingLines', () => {
  it('covers every posting kind', () => {
    expect([...POSTING_KINDS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(POSTING_KINDS)('%s', (kind) => {
    it.each(AMOUNTS)('is balanced for %d', (minor) => {
      const lines = postingLines(kind, minor, BILL_ACCOUNT);
      expect(isBalanced(lines)).toBe(true);
      expect(sum(lines, 'debitMinor')).toBe(minor);
      expect(sum(lines, 'creditMinor')).toBe(minor);
      for (const line of lines) {
        expect(Object.keys(LEDGER_ACCOUNTS)).toContain(line.account);
        expect(Number.isSafeInteger(line.debitMinor) && Number.isSafeInteger(line.creditMinor)).toBe(true);
        // A line is one-sided.
        expect(line.debitMinor === 0 || line.creditMinor === 0).toBe(true);
      }
    });

    it('debits and credits the right accounts', () => {
      expect(postingLines(kind, 500, BILL_ACCOUNT)).toEqual([
        { account: EXPECTED[kind].debit, debitMinor: 500, creditMinor: 0 },
        { account: EXPECTED[kind].credit, debitMinor: 0, creditMinor: 500 },
      ]);
    });

    it.each([0, -1, -150_000, 1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, 2 ** 60])(
      'rejects %d minor units',
      (minor) => {
        expect(() => postingLines(kind, minor)).toThrow(RangeError);
      },
    );
  });
});

describe('isBalanced', () => {
  it('needs at least two lines whose debits equal credits, none negative', () => {
    expect(isBalanced([])).toBe(false);
    expect(isBalanced([{ account: 'cash', debitMinor: 0, creditMinor: 0 }])).toBe(false);
    expect(
      isBalanced([
        { account: 'cash', debitMinor: 100, creditMinor: 0 },
        { account: 'deposits_held', debitMinor: 0, creditMinor: 99 },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { account: 'cash', debitMinor: -100, creditMinor: 0 },
        { account: 'deposits_held', debitMinor: 0, creditMinor: -100 },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { account: 'cash', debitMinor: 100, creditMinor: 0 },
        { account: 'rental_income', debitMinor: 0, creditMinor: 60 },
        { account: 'fee_income', debitMinor: 0, creditMinor: 40 },
      ]),
    ).toBe(true);
  });

  it('holds for any concatenation of postings', () => {
    const lines = POSTING_KINDS.flatMap((kind, i) => postingLines(kind, 1000 * (i + 1) + 7, BILL_ACCOUNT));
    expect(isBalanced(lines)).toBe(true);
  });
});

describe('accountBalance sign conventions', () => {
  it('reports assets debit-normal and liabilities/income credit-normal', () => {
    const lines = [...postingLines('deposit_received', 300_000), ...postingLines('rent_charged', 150_000)];
    expect(accountBalance(lines, 'cash')).toBe(300_000);
    expect(accountBalance(lines, 'tenant_receivable')).toBe(150_000);
    expect(accountBalance(lines, 'deposits_held')).toBe(300_000);
    expect(accountBalance(lines, 'rental_income')).toBe(150_000);
    // Untouched accounts are zero (compared with == here; the sign of zero is checked below).
    expect(accountBalance(lines, 'fee_income') === 0).toBe(true);
    expect(accountBalance(lines, 'damages_income') === 0).toBe(true);
  });

  it('goes negative against the normal direction', () => {
    // Paying more than was charged leaves the tenant in credit.
    const overpaid = [...postingLines('rent_charged', 100_000), ...postingLines('payment_received', 120_000)];
    expect(tenantBalance(overpaid)).toBe(-20_000);
    // A credit with no rent charged makes rental income negative.
    expect(accountBalance(postingLines('credit_issued', 5_000), 'rental_income')).toBe(-5_000);
    // A refund alone takes cash below zero and the deposit liability below zero.
    const refund = postingLines('deposit_refunded', 7_000);
    expect(accountBalance(refund, 'cash')).toBe(-7_000);
    expect(accountBalance(refund, 'deposits_held')).toBe(-7_000);
  });

  it('is zero for an empty ledger', () => {
    for (const account of Object.keys(LEDGER_ACCOUNTS) as LedgerAccount[]) {
      expect(accountBalance([], account) === 0).toBe(true);
    }
    expect(tenantBalance([])).toBe(0);
  });

  it('reports a zero balance as +0, never -0, on every account', () => {
    // -0 leaks into formatting: Intl.NumberFormat shows it as "-$0.00".
    const settled = [
      ...postingLines('deposit_received', 1_000),
      ...postingLines('deposit_refunded', 1_000),
      ...postingLines('rent_charged', 2_000),
      ...postingLines('credit_issued', 2_000),
    ];
    for (const lines of [[], settled]) {
      for (const account of Object.keys(LEDGER_ACCOUNTS) as LedgerAccount[]) {
        expect({ account, balance: accountBalance(lines, account) }).toEqual({ account, balance: 0 });
        expect(Object.is(accountBalance(lines, account), 0)).toBe(true);
      }
    }
  });
});

describe('a lease from deposit to move-out', () => {
  const deposit = 300_000;
  const rents = [150_000, 150_000, 150_000];
  const payments = [150_000, 150_000];
  const lateFee = 7_500;
  const reversed = 150_000;
  const credit = 10_000;
  const damages = 42_000;
  const applied = 200_000;
  const refunded = 80_000;

  const postings: [PostingKind, number][] = [
    ['deposit_received', deposit],
    ...rents.map((r): [PostingKind, number] => ['rent_charged', r]),
    ...payments.map((p): [PostingKind, number] => ['payment_received', p]),
    ['fee_charged', lateFee],
    ['payment_reversed', reversed],
    ['credit_issued', credit],
    ['damages_charged', damages],
    ['deposit_applied', applied],
    ['deposit_refunded', refunded],
  ];
  const lines = postings.flatMap(([kind, minor]) => postingLines(kind, minor));
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('derives what the tenant owes from the lines', () => {
    const charges = total(rents);
    const paid = total(payments);
    const expected = charges - paid + lateFee - credit + reversed + damages - applied;
    expect(expected).toBe(139_500);
    expect(tenantBalance(lines)).toBe(expected);
  });

  it('holds what is left of the deposit', () => {
    expect(accountBalance(lines, 'deposits_held')).toBe(deposit - applied - refunded);
    expect(accountBalance(lines, 'deposits_held')).toBe(20_000);
  });

  it('has the cash that came in less reversals and refunds', () => {
    const received = deposit + total(payments);
    expect(accountBalance(lines, 'cash')).toBe(received - reversed - refunded);
    expect(accountBalance(lines, 'cash')).toBe(370_000);
  });

  it('splits income by kind', () => {
    expect(accountBalance(lines, 'rental_income')).toBe(total(rents) - credit);
    expect(accountBalance(lines, 'fee_income')).toBe(lateFee);
    expect(accountBalance(lines, 'damages_income')).toBe(damages);
  });

  it('balances overall: debits = credits and assets = liabilities + income', () => {
    expect(sum(lines, 'debitMinor')).toBe(sum(lines, 'creditMinor'));
    expect(isBalanced(lines)).toBe(true);
    const of = (type: 'asset' | 'liability' | 'income') =>
      (Object.keys(LEDGER_ACCOUNTS) as LedgerAccount[])
        .filter((a) => LEDGER_ACCOUNTS[a].type === type)
        .reduce((n, a) => n + accountBalance(lines, a), 0);
    expect(of('asset')).toBe(of('liability') + of('income'));
  });
});

describe('the chart of accounts', () => {
  it("gives a lease's book the six accounts the lease ledger has always shown, in that order", () => {
    expect(accountsOf('lease')).toEqual(['tenant_receivable', 'cash', 'deposits_held', 'rental_income', 'fee_income', 'damages_income']);
  });

  it('has the accounts the next processes need, each with its type', () => {
    const types = Object.fromEntries(Object.entries(LEDGER_ACCOUNTS).map(([a, d]) => [a, d.type]));
    expect(types).toMatchObject({
      escrow_held: 'liability',
      seller_proceeds_payable: 'liability',
      commissions_payable: 'liability',
      title_recording_fees_payable: 'liability',
      tax_prorations_payable: 'liability',
      lien_payoffs_payable: 'liability',
      repairs_expense: 'expense',
      retainage_payable: 'liability',
      owner_distributions: 'equity',
      management_fees: 'expense',
    });
  });

  it('gives every book type an account to hold money in, and every account a book', () => {
    for (const book of BOOK_TYPES) expect(accountsOf(book)).toContain('cash');
    for (const account of Object.keys(LEDGER_ACCOUNTS) as LedgerAccount[]) expect(LEDGER_ACCOUNTS[account].books.length).toBeGreaterThan(0);
  });

  it('grows assets and expenses by debits, the rest by credits, contra accounts the other way', () => {
    expect(isDebitNormal('cash')).toBe(true);
    expect(isDebitNormal('repairs_expense')).toBe(true);
    expect(isDebitNormal('deposits_held')).toBe(false);
    expect(isDebitNormal('rental_income')).toBe(false);
    expect(isDebitNormal('owner_distributions')).toBe(true); // contra equity: distributions reduce it
    const paidOut: LedgerLine[] = [
      { account: 'owner_distributions', debitMinor: 40_000, creditMinor: 0 },
      { account: 'cash', debitMinor: 0, creditMinor: 40_000 },
    ];
    expect(accountBalance(paidOut, 'owner_distributions')).toBe(40_000);
    expect(accountBalance(paidOut, 'cash')).toBe(-40_000);
  });

  it.each(POSTING_KINDS)('posts %s only to accounts of its own book', (kind) => {
    expect(accountsOutsideBook(POSTING_BOOKS[kind], postingLines(kind, 100, BILL_ACCOUNT))).toEqual([]);
  });

  it('names the accounts a book may not hold', () => {
    expect(accountsOutsideBook('lease', postingLines('escrow_received', 100))).toEqual(['escrow_held']);
  });
});
