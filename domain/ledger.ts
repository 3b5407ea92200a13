/**
 * Double-entry bookkeeping for the whole platform. Every movement of money is
 * a transaction of lines that balance (debits = credits, in one currency),
 * and every transaction belongs to a book: a lease's, a purchase's (its
 * escrow), a property's operating book, and later a project's or a work
 * order's. Balances are derived from the lines, never stored.
 *
 * The chart of accounts, in one place: each account's type (which sets its
 * normal side) and the books that use it.
 */
export const BOOK_TYPES = ['lease', 'purchase', 'property', 'project', 'work_order'] as const;
export type BookType = (typeof BOOK_TYPES)[number];

/** A book: the record whose money it is (the lease, the purchase, the property…). */
export interface Book {
  type: BookType;
  id: string;
}

export const leaseBook = (leaseId: string): Book => ({ type: 'lease', id: leaseId });
export const purchaseBook = (purchaseId: string): Book => ({ type: 'purchase', id: purchaseId });

export const ACCOUNT_TYPES = ['asset', 'liability', 'income', 'expense', 'equity'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

interface AccountDefinition {
  type: AccountType;
  books: readonly BookType[];
  /** A contra account runs against its type's normal side (owner distributions reduce equity). */
  contra?: true;
  about: string;
}

const ALL_BOOKS = BOOK_TYPES;

export const LEDGER_ACCOUNTS = {
  // Leases
  tenant_receivable: { type: 'asset', books: ['lease'], about: 'what the tenant owes' },
  cash: { type: 'asset', books: ALL_BOOKS, about: 'money received (through Stripe or by hand), less money paid out' },
  deposits_held: { type: 'liability', books: ['lease'], about: 'security deposits held for tenants' },
  rental_income: { type: 'income', books: ['lease'], about: 'rent earned (credits reduce it)' },
  fee_income: { type: 'income', books: ['lease'], about: 'late fees, returned-payment and early-termination fees' },
  damages_income: { type: 'income', books: ['lease'], about: 'move-out deductions' },
  // Purchases: money held in escrow until closing, and what closing owes to whom
  escrow_held: { type: 'liability', books: ['purchase'], about: 'earnest money and closing funds held in escrow for the parties' },
  seller_proceeds_payable: { type: 'liability', books: ['purchase'], about: 'what closing owes the seller' },
  commissions_payable: { type: 'liability', books: ['purchase'], about: 'brokers\' commissions owed at closing' },
  title_recording_fees_payable: { type: 'liability', books: ['purchase'], about: 'title insurance and recording fees owed at closing' },
  tax_prorations_payable: { type: 'liability', books: ['purchase'], about: 'property taxes prorated between buyer and seller, owed at closing' },
  lien_payoffs_payable: { type: 'liability', books: ['purchase'], about: 'mortgages and liens paid off from the proceeds' },
  // Property operating books, projects and work orders
  repairs_expense: { type: 'expense', books: ['property', 'project', 'work_order'], about: 'repairs and maintenance' },
  retainage_payable: { type: 'liability', books: ['project'], about: 'contractors\' pay withheld until the work is accepted' },
  management_fees: { type: 'expense', books: ['property'], about: 'the property manager\'s fees' },
  owner_distributions: { type: 'equity', books: ['property'], contra: true, about: 'money paid out to the owners' },
  // A property's bills, by what they pay for (repairs above; management fees too when billed)
  utilities_expense: { type: 'expense', books: ['property'], about: 'water, power, gas, trash' },
  insurance_expense: { type: 'expense', books: ['property'], about: 'property insurance premiums' },
  property_tax_expense: { type: 'expense', books: ['property'], about: 'property taxes paid' },
  hoa_expense: { type: 'expense', books: ['property'], about: 'homeowners\' association dues' },
  other_expense: { type: 'expense', books: ['property'], about: 'other operating expenses (landscaping, cleaning, legal…)' },
  owner_contributions: { type: 'equity', books: ['property'], about: 'money the owners paid in' },
} as const satisfies Record<string, AccountDefinition>;
export type LedgerAccount = keyof typeof LEDGER_ACCOUNTS;

/** The accounts a book of this type uses, in chart order. */
export function accountsOf(book: BookType): LedgerAccount[] {
  return (Object.keys(LEDGER_ACCOUNTS) as LedgerAccount[]).filter((a) => (LEDGER_ACCOUNTS[a].books as readonly BookType[]).includes(book));
}

/** Assets and expenses grow by debits; liabilities, income and equity by credits; a contra account the other way. */
export function isDebitNormal(account: LedgerAccount): boolean {
  const def: AccountDefinition = LEDGER_ACCOUNTS[account];
  const debitType = def.type === 'asset' || def.type === 'expense';
  return def.contra ? !debitType : debitType;
}

export interface LedgerLine {
  account: LedgerAccount;
  debitMinor: number;
  creditMinor: number;
}

/** The kinds of movement, each with the book it is posted to; its lines are postingLines. */
export const POSTING_BOOKS = {
  rent_charged: 'lease',
  fee_charged: 'lease',
  credit_issued: 'lease',
  payment_received: 'lease',
  payment_reversed: 'lease',
  deposit_received: 'lease',
  deposit_applied: 'lease',
  damages_charged: 'lease',
  deposit_refunded: 'lease',
  /** Earnest money or closing funds into a purchase's escrow, and back out of it. */
  escrow_received: 'purchase',
  escrow_released: 'purchase',
  /** At settlement, escrow is allocated to what closing owes (the settlement statement's lines)… */
  proceeds_allocated: 'purchase',
  commission_allocated: 'purchase',
  charges_allocated: 'purchase',
  payoff_allocated: 'purchase',
  /** …and each is paid out of cash. */
  proceeds_paid: 'purchase',
  commission_paid: 'purchase',
  charges_paid: 'purchase',
  payoff_paid: 'purchase',
  /** A contractor's invoice paid from the property's operating book… */
  repair_paid: 'property',
  /** …and, when the tenant caused the damage, charged to their lease. */
  repair_charged: 'lease',
  /** A project's draw paid to its contractor: the work billed less retainage, out of cash… */
  draw_paid: 'project',
  /** …the retainage withheld from it, owed to the contractor at completion… */
  retainage_withheld: 'project',
  /** …and paid out when it is released (or stepped down). */
  retainage_released: 'project',
  /** A vendor's bill paid from the property's operating book, to the bill's expense account. */
  bill_paid: 'property',
  /** The manager's fee for a month (a share of rent collected, and leasing fees), taken from the property's cash. */
  management_fee_charged: 'property',
  /** An owner's money paid in, and the property's cash above its reserve paid out to the owners. */
  owner_contribution: 'property',
  owner_distribution: 'property',
} as const satisfies Record<string, BookType>;
export type PostingKind = keyof typeof POSTING_BOOKS;
export const POSTING_KINDS = Object.keys(POSTING_BOOKS) as PostingKind[];

function amount(minor: number): number {
  if (!Number.isSafeInteger(minor) || minor <= 0) {
    throw new RangeError(`a posting needs a positive whole number of minor units, got ${minor}`);
  }
  return minor;
}

const dr = (account: LedgerAccount, minor: number): LedgerLine => ({ account, debitMinor: minor, creditMinor: 0 });
const cr = (account: LedgerAccount, minor: number): LedgerLine => ({ account, debitMinor: 0, creditMinor: minor });

/** The accounts a bill can be charged to (a property book's expenses). */
export const BILL_ACCOUNTS = ['repairs_expense', 'utilities_expense', 'insurance_expense', 'property_tax_expense', 'hoa_expense', 'management_fees', 'other_expense'] as const satisfies readonly LedgerAccount[];
export type BillAccount = (typeof BILL_ACCOUNTS)[number];

/** The balanced lines of one kind of movement; a bill's lines also need its expense account. */
export function postingLines(kind: PostingKind, minor: number, expenseAccount?: BillAccount): LedgerLine[] {
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
    case 'escrow_received':
      return [dr('cash', a), cr('escrow_held', a)];
    case 'escrow_released':
      return [dr('escrow_held', a), cr('cash', a)];
    case 'proceeds_allocated':
      return [dr('escrow_held', a), cr('seller_proceeds_payable', a)];
    case 'commission_allocated':
      return [dr('escrow_held', a), cr('commissions_payable', a)];
    case 'charges_allocated':
      return [dr('escrow_held', a), cr('title_recording_fees_payable', a)];
    case 'payoff_allocated':
      return [dr('escrow_held', a), cr('lien_payoffs_payable', a)];
    case 'proceeds_paid':
      return [dr('seller_proceeds_payable', a), cr('cash', a)];
    case 'commission_paid':
      return [dr('commissions_payable', a), cr('cash', a)];
    case 'charges_paid':
      return [dr('title_recording_fees_payable', a), cr('cash', a)];
    case 'payoff_paid':
      return [dr('lien_payoffs_payable', a), cr('cash', a)];
    case 'repair_paid':
      return [dr('repairs_expense', a), cr('cash', a)];
    case 'repair_charged':
      return [dr('tenant_receivable', a), cr('damages_income', a)];
    case 'draw_paid':
      return [dr('repairs_expense', a), cr('cash', a)];
    case 'retainage_withheld':
      return [dr('repairs_expense', a), cr('retainage_payable', a)];
    case 'retainage_released':
      return [dr('retainage_payable', a), cr('cash', a)];
    case 'bill_paid':
      if (!expenseAccount) throw new RangeError('a bill is paid to an expense account');
      return [dr(expenseAccount, a), cr('cash', a)];
    case 'management_fee_charged':
      return [dr('management_fees', a), cr('cash', a)];
    case 'owner_contribution':
      return [dr('cash', a), cr('owner_contributions', a)];
    case 'owner_distribution':
      return [dr('owner_distributions', a), cr('cash', a)];
  }
}

/** Lines a book of this type may not hold (an account outside its chart). */
export function accountsOutsideBook(book: BookType, lines: readonly LedgerLine[]): LedgerAccount[] {
  const allowed = new Set(accountsOf(book));
  return [...new Set(lines.map((l) => l.account).filter((a) => !allowed.has(a)))];
}

export function isBalanced(lines: readonly LedgerLine[]): boolean {
  const debits = lines.reduce((n, l) => n + l.debitMinor, 0);
  const credits = lines.reduce((n, l) => n + l.creditMinor, 0);
  return lines.length >= 2 && debits === credits && lines.every((l) => l.debitMinor >= 0 && l.creditMinor >= 0);
}

/** An account's balance in its normal direction (see isDebitNormal). */
export function accountBalance(lines: readonly LedgerLine[], account: LedgerAccount): number {
  const debit = lines.filter((l) => l.account === account).reduce((n, l) => n + l.debitMinor - l.creditMinor, 0);
  return isDebitNormal(account) ? debit : 0 - debit;
}

/** What the tenant owes (negative: in credit). */
export const tenantBalance = (lines: readonly LedgerLine[]) => accountBalance(lines, 'tenant_receivable');
