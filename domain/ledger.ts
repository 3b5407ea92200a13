/**
 * Double-entry bookkeeping for leases. Every movement of money is a
 * transaction of lines that balance (debits = credits, per currency). A
 * lease's balance is derived from these lines, never stored.
 *
 * Accounts are per lease (the ledger rows carry the lease id); the chart:
 *   tenant_receivable  asset      what the tenant owes
 *   cash               asset      money received (through Stripe or by hand)
 *   deposits_held      liability  security deposits we hold for the tenant
 *   rental_income      income     rent earned (credits reduce it)
 *   fee_income         income     late fees and returned-payment fees
 *   damages_income     income     move-out deductions
 */
export const LEDGER_ACCOUNTS = {
  tenant_receivable: 'asset',
  cash: 'asset',
  deposits_held: 'liability',
  rental_income: 'income',
  fee_income: 'income',
  damages_income: 'income',
} as const;
export type LedgerAccount = keyof typeof LEDGER_ACCOUNTS;

export interface LedgerLine {
  account: LedgerAccount;
  debitMinor: number;
  creditMinor: number;
}

export const POSTING_KINDS = [
  'rent_charged',
  'fee_charged',
  'credit_issued',
  'payment_received',
  'payment_reversed',
  'deposit_received',
  'deposit_applied',
  'damages_charged',
  'deposit_refunded',
] as const;
export type PostingKind = (typeof POSTING_KINDS)[number];

function amount(minor: number): number {
  if (!Number.isSafeInteger(minor) || minor <= 0) {
    throw new RangeError(`a posting needs a positive whole number of minor units, got ${minor}`);
  }
  return minor;
}

const dr = (account: LedgerAccount, minor: number): LedgerLine => ({ account, debitMinor: minor, creditMinor: 0 });
const cr = (account: LedgerAccount, minor: number): LedgerLine => ({ account, debitMinor: 0, creditMinor: minor });

/** The balanced lines of one kind of movement. */
export function postingLines(kind: PostingKind, minor: number): LedgerLine[] {
  const a = amount(minor);
  switch (kind) {
    case 'rent_charged':
      return [dr('tenant_receivable', a), cr('rental_income', a)];
    case 'fee_charged':
      return [dr('tenant_receivable', a), cr('fee_income', a)];
    case 'credit_issued':
      return [dr('rental_income', a), cr('tenant_receivable', a)];
    case 'payment_received':
      return [dr('cash', a), cr('tenant_receivable', a)];
    case 'payment_reversed':
      return [dr('tenant_receivable', a), cr('cash', a)];
    case 'deposit_received':
      return [dr('cash', a), cr('deposits_held', a)];
    case 'deposit_applied':
      return [dr('deposits_held', a), cr('tenant_receivable', a)];
    case 'damages_charged':
      return [dr('tenant_receivable', a), cr('damages_income', a)];
    case 'deposit_refunded':
      return [dr('deposits_held', a), cr('cash', a)];
  }
}

export function isBalanced(lines: readonly LedgerLine[]): boolean {
  const debits = lines.reduce((n, l) => n + l.debitMinor, 0);
  const credits = lines.reduce((n, l) => n + l.creditMinor, 0);
  return lines.length >= 2 && debits === credits && lines.every((l) => l.debitMinor >= 0 && l.creditMinor >= 0);
}

/**
 * An account's balance in its normal direction: debit-normal for assets,
 * credit-normal for liabilities and income.
 */
export function accountBalance(lines: readonly LedgerLine[], account: LedgerAccount): number {
  const debit = lines.filter((l) => l.account === account).reduce((n, l) => n + l.debitMinor - l.creditMinor, 0);
  return LEDGER_ACCOUNTS[account] === 'asset' ? debit : 0 - debit;
}

/** What the tenant owes (negative: in credit). */
export const tenantBalance = (lines: readonly LedgerLine[]) => accountBalance(lines, 'tenant_receivable');
