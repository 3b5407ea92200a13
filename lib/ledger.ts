/**
 * Posting to and reading from the lease ledger in Postgres. Postings are
 * idempotent on their key, so an activity that runs twice posts once; the
 * lines come from the pure rules in domain/ledger.ts.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { LEDGER_ACCOUNTS, postingLines, type LedgerAccount, type PostingKind } from '../domain/ledger';
import type { Currency } from '../domain/money';

export interface Posting {
  leaseId: string;
  kind: PostingKind;
  amountMinor: number;
  currency: Currency;
  occurredOn: string;
  /** What it is about: an invoice, a payment, a fee (for people reading the ledger). */
  reference?: string;
  memo?: string;
  /** Unique per intended posting, e.g. `rent:<invoiceId>` or `payment:<paymentIntentId>`. */
  idempotencyKey: string;
}

export async function postToLedger(
  db: Sequelize,
  posting: Posting,
  transaction?: Transaction,
): Promise<{ transactionId: string; created: boolean }> {
  const lines = postingLines(posting.kind, posting.amountMinor);
  const run = async (t: Transaction) => {
    const [inserted] = await db.query<{ id: string }>(
      `insert into ledger_transactions (id, lease_id, kind, amount_minor, currency, occurred_on, reference, memo, idempotency_key, created_at)
       values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, now())
       on conflict (idempotency_key) do nothing returning id`,
      {
        bind: [posting.leaseId, posting.kind, posting.amountMinor, posting.currency, posting.occurredOn, posting.reference ?? null, posting.memo ?? null, posting.idempotencyKey],
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    if (!inserted) {
      const [existing] = await db.query<{ id: string; kind: string; amount_minor: number; lease_id: string }>(
        'select id, kind, amount_minor, lease_id from ledger_transactions where idempotency_key = $1',
        { bind: [posting.idempotencyKey], type: QueryTypes.SELECT, transaction: t },
      );
      if (!existing || existing.kind !== posting.kind || existing.amount_minor !== posting.amountMinor || existing.lease_id !== posting.leaseId) {
        throw new Error(`ledger idempotency key ${posting.idempotencyKey} was used for a different posting`);
      }
      return { transactionId: existing.id, created: false };
    }
    await db.query(
      `insert into ledger_lines (transaction_id, lease_id, account, debit_minor, credit_minor, currency)
       select $1, $2, l.account, l.debit_minor, l.credit_minor, $3
         from json_to_recordset($4::json) as l(account text, debit_minor bigint, credit_minor bigint)`,
      {
        bind: [inserted.id, posting.leaseId, posting.currency, JSON.stringify(lines.map((l) => ({ account: l.account, debit_minor: l.debitMinor, credit_minor: l.creditMinor })))],
        transaction: t,
      },
    );
    return { transactionId: inserted.id, created: true };
  };
  return transaction ? run(transaction) : db.transaction(run);
}

/** Each account's balance for a lease, in the account's normal direction (see domain/ledger.ts). */
export async function ledgerBalances(db: Sequelize, leaseId: string): Promise<Record<LedgerAccount, number>> {
  const rows = await db.query<{ account: LedgerAccount; net_debit: number }>(
    `select account, sum(debit_minor - credit_minor)::bigint as net_debit from ledger_lines where lease_id = $1 group by account`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  const balances = Object.fromEntries(Object.keys(LEDGER_ACCOUNTS).map((a) => [a, 0])) as Record<LedgerAccount, number>;
  for (const r of rows) balances[r.account] = LEDGER_ACCOUNTS[r.account] === 'asset' ? r.net_debit : 0 - r.net_debit;
  return balances;
}

/** Whether every transaction of the lease balances, checked from the stored lines. */
export async function unbalancedTransactions(db: Sequelize, leaseId: string): Promise<string[]> {
  const rows = await db.query<{ transaction_id: string }>(
    `select transaction_id from ledger_lines where lease_id = $1 group by transaction_id
      having sum(debit_minor) <> sum(credit_minor)`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.transaction_id);
}

/**
 * The books' invariants for one lease, as a list of what is wrong (empty when
 * sound): every transaction balances, and what the ledger says the tenant
 * owes equals what the lease's own records say: invoices (rent and fees
 * charged) − payments that stand (not reversed; the deposit held is not a
 * payment, the deposit applied is) − credits issued. Checked after every
 * scenario in the tests; usable by operations staff too.
 */
export async function ledgerInvariantViolations(db: Sequelize, leaseId: string): Promise<string[]> {
  const problems = (await unbalancedTransactions(db, leaseId)).map((id) => `transaction ${id} does not balance`);
  const [row] = await db.query<{ invoices: string; payments: string; credits: string }>(
    `select (select coalesce(sum(amount_minor), 0) from lease_charges where lease_id = $1) as invoices,
            (select coalesce(sum(amount_minor), 0) from payments where lease_id = $1 and status = 'succeeded' and idempotency_key not like 'deposit:' || $1 || '%') as payments,
            (select coalesce(sum(amount_minor), 0) from ledger_transactions where lease_id = $1 and kind = 'credit_issued') as credits`,
    { bind: [leaseId], type: QueryTypes.SELECT },
  );
  const expected = Number(row!.invoices) - Number(row!.payments) - Number(row!.credits);
  const receivable = Number((await ledgerBalances(db, leaseId)).tenant_receivable);
  if (receivable !== expected) {
    problems.push(`the ledger says the tenant owes ${receivable}; invoices ${row!.invoices} − payments ${row!.payments} − credits ${row!.credits} = ${expected}`);
  }
  return problems;
}
