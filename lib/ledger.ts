/**
 * The platform's one ledger in Postgres: posting to a book and reading it.
 * Postings are idempotent on their key, so an activity that runs twice posts
 * once; the lines come from the pure rules in domain/ledger.ts, and the
 * database refuses a transaction whose lines do not balance.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { accountsOf, isDebitNormal, leaseBook, POSTING_BOOKS, postingLines, type BillAccount, type Book, type LedgerAccount, type PostingKind } from '../domain/ledger';
import type { Currency } from '../domain/money';

export interface Posting {
  book: Book;
  /** The property the money concerns; by default a lease's own property (a property book is its own). */
  propertyId?: string | null;
  kind: PostingKind;
  amountMinor: number;
  currency: Currency;
  occurredOn: string;
  /** What it is about: an invoice, a payment, a fee (for people reading the ledger). */
  reference?: string;
  memo?: string;
  /** Unique per intended posting, e.g. `rent:<lease>:<period>` or `payment:<key>`. */
  idempotencyKey: string;
  /** A bill's expense account (bill_paid only). */
  expenseAccount?: BillAccount;
  /** Who was paid or paid in: the vendor of a bill or draw, the owner of a distribution or contribution. */
  partyId?: string | null;
}

/** A lease's property, looked up in the same statement as the insert (no extra round trip on the hot path). */
const PROPERTY_OF_BOOK = `coalesce($9::uuid, case $2 when 'lease' then (select property_id from leases where id = $3) when 'property' then $3 end)`;

export async function postToLedger(db: Sequelize, posting: Posting, transaction?: Transaction): Promise<{ transactionId: string; created: boolean }> {
  const { book } = posting;
  const lines = postingLines(posting.kind, posting.amountMinor, posting.expenseAccount);
  if (POSTING_BOOKS[posting.kind] !== book.type) throw new Error(`a ${posting.kind} posting belongs in a ${POSTING_BOOKS[posting.kind]} book, not a ${book.type} book`);
  const run = async (t: Transaction) => {
    const [inserted] = await db.query<{ id: string }>(
      `insert into ledger_transactions (id, book_type, book_id, property_id, kind, amount_minor, currency, occurred_on, reference, memo, idempotency_key, party_id, created_at)
       values (gen_random_uuid(), $2, $3, ${PROPERTY_OF_BOOK}, $4, $5, $6, $7, $8, $10, $1, $11, now())
       on conflict (idempotency_key) do nothing returning id`,
      {
        bind: [
          posting.idempotencyKey,
          book.type,
          book.id,
          posting.kind,
          posting.amountMinor,
          posting.currency,
          posting.occurredOn,
          posting.reference ?? null,
          posting.propertyId ?? null,
          posting.memo ?? null,
          posting.partyId ?? null,
        ],
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    if (!inserted) {
      const [existing] = await db.query<{ id: string; kind: string; amount_minor: number; book_type: string; book_id: string }>(
        'select id, kind, amount_minor, book_type, book_id from ledger_transactions where idempotency_key = $1',
        { bind: [posting.idempotencyKey], type: QueryTypes.SELECT, transaction: t },
      );
      const same = existing && existing.kind === posting.kind && Number(existing.amount_minor) === posting.amountMinor && existing.book_type === book.type && existing.book_id === book.id;
      if (!same) throw new Error(`ledger idempotency key ${posting.idempotencyKey} was used for a different posting`);
      return { transactionId: existing.id, created: false };
    }
    await db.query(
      `insert into ledger_lines (transaction_id, book_type, book_id, account, debit_minor, credit_minor, currency)
       select $1, $2, $3, l.account, l.debit_minor, l.credit_minor, $4
         from json_to_recordset($5::json) as l(account text, debit_minor bigint, credit_minor bigint)`,
      {
        bind: [inserted.id, book.type, book.id, posting.currency, JSON.stringify(lines.map((l) => ({ account: l.account, debit_minor: l.debitMinor, credit_minor: l.creditMinor })))],
        transaction: t,
      },
    );
    return { transactionId: inserted.id, created: true };
  };
  return transaction ? run(transaction) : db.transaction(run);
}

/** Each account of a book, in its normal direction (domain/ledger.ts); every account of the book's chart, 0 if unused. */
export async function ledgerBalances(db: Sequelize, book: Book, transaction?: Transaction): Promise<Record<LedgerAccount, number>> {
  const rows = await db.query<{ account: LedgerAccount; net_debit: string }>(
    `select account, sum(debit_minor - credit_minor)::bigint as net_debit from ledger_lines where book_type = $1 and book_id = $2 group by account`,
    { bind: [book.type, book.id], type: QueryTypes.SELECT, transaction },
  );
  const balances = Object.fromEntries(accountsOf(book.type).map((a) => [a, 0])) as Record<LedgerAccount, number>;
  for (const r of rows) balances[r.account] = isDebitNormal(r.account) ? Number(r.net_debit) : 0 - Number(r.net_debit);
  return balances;
}

/** A lease's balances, as its routes and tests read them. */
export const leaseBalances = (db: Sequelize, leaseId: string) => ledgerBalances(db, leaseBook(leaseId));

/** Transactions of the book whose stored lines do not balance. */
export async function unbalancedTransactions(db: Sequelize, book: Book): Promise<string[]> {
  const rows = await db.query<{ transaction_id: string }>(
    `select transaction_id from ledger_lines where book_type = $1 and book_id = $2 group by transaction_id
      having sum(debit_minor) <> sum(credit_minor)`,
    { bind: [book.type, book.id], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.transaction_id);
}

/**
 * The books' invariants, as a list of what is wrong (empty when sound). For
 * every book: each transaction balances, and each line is an account of the
 * book's chart. For a lease's book besides: what the ledger says the tenant
 * owes equals what the lease's own records say, invoices (rent and fees
 * charged) − payments that stand (not reversed; the deposit held is not a
 * payment, the deposit applied is) − credits issued. Checked after every
 * scenario in the tests; usable by operations staff too.
 */
export async function ledgerInvariantViolations(db: Sequelize, book: Book): Promise<string[]> {
  const problems = (await unbalancedTransactions(db, book)).map((id) => `transaction ${id} does not balance`);
  const outside = await db.query<{ account: string }>(
    `select distinct account from ledger_lines where book_type = $1 and book_id = $2 and not (account = any($3::text[]))`,
    { bind: [book.type, book.id, accountsOf(book.type)], type: QueryTypes.SELECT },
  );
  problems.push(...outside.map((r) => `account ${r.account} is not in a ${book.type} book's chart`));
  if (book.type === 'lease') problems.push(...(await leaseReceivableViolations(db, book.id)));
  return problems;
}

async function leaseReceivableViolations(db: Sequelize, leaseId: string): Promise<string[]> {
  const [row] = await db.query<{ invoices: string; payments: string; credits: string }>(
    `select (select coalesce(sum(amount_minor), 0) from lease_charges where lease_id = $1) as invoices,
            (select coalesce(sum(amount_minor), 0) from payments where lease_id = $1 and status = 'succeeded' and idempotency_key not like 'deposit:' || $1 || '%') as payments,
            (select coalesce(sum(amount_minor), 0) from ledger_transactions where book_type = 'lease' and book_id = $1 and kind = 'credit_issued') as credits`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  const expected = Number(row!.invoices) - Number(row!.payments) - Number(row!.credits);
  const receivable = Number((await leaseBalances(db, leaseId)).tenant_receivable);
  if (receivable === expected) return [];
  return [`the ledger says the tenant owes ${receivable}; invoices ${row!.invoices} − payments ${row!.payments} − credits ${row!.credits} = ${expected}`];
}

/** Every book with a transaction, for a check over the whole ledger. */
export async function ledgerBooks(db: Sequelize): Promise<Book[]> {
  const rows = await db.query<{ book_type: Book['type']; book_id: string }>('select distinct book_type, book_id from ledger_transactions', { type: QueryTypes.SELECT });
  return rows.map((r) => ({ type: r.book_type, id: r.book_id }));
}
