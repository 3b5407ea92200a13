/**
 * Income statement and cash flow by month, for a property or every property
 * in scope. Income and expenses are accrual (what was earned and incurred in
 * the month, by account); the cash flow is the owner's money moving
 * (receipts net of returns, payments of bills, repairs and fees, owners'
 * contributions and distributions), as the owner statement counts it.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { IncomeStatement } from '../../contracts/reports.schema';
import { LEDGER_ACCOUNTS, type LedgerAccount } from '../../domain/ledger';
import type { Currency } from '../../domain/money';
import { monthBounds, monthsBetween, propertyAddress, reportProperties, type PropertyScope } from './books';

const CASH_SECTIONS: Record<string, 'receipts' | 'payments' | 'contributions' | 'distributions'> = {
  payment_received: 'receipts',
  payment_reversed: 'receipts',
  deposit_applied: 'receipts',
  bill_paid: 'payments',
  repair_paid: 'payments',
  management_fee_charged: 'payments',
  owner_contribution: 'contributions',
  owner_distribution: 'distributions',
};

export async function buildIncomeStatement(db: Sequelize, o: { scope: PropertyScope; propertyId?: string; from: string; to: string; currency: Currency }): Promise<IncomeStatement> {
  const ids = (await reportProperties(db, o.scope)).map((p) => p.id).filter((id) => !o.propertyId || id === o.propertyId);
  const bind = [ids, monthBounds(o.from).from, monthBounds(o.to).to, o.currency];
  const inBooks = `((t.book_type = 'lease' and t.property_id = any($1::uuid[])) or (t.book_type = 'property' and t.book_id = any($1::uuid[])))
                   and t.occurred_on between $2 and $3 and t.currency = $4`;
  const [accounts, cash] = await Promise.all([
    db.query<{ month: string; account: LedgerAccount; net_debit: string }>(
      `select to_char(t.occurred_on, 'YYYY-MM') as month, l.account, sum(l.debit_minor - l.credit_minor) as net_debit
         from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
        where ${inBooks} group by 1, 2 order by 1, 2`,
      { bind, type: QueryTypes.SELECT },
    ),
    db.query<{ month: string; kind: string; effect: string }>(
      `select to_char(t.occurred_on, 'YYYY-MM') as month, t.kind,
              sum(case l.account when 'cash' then l.debit_minor - l.credit_minor when 'deposits_held' then l.debit_minor - l.credit_minor else 0 end) as effect
         from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
        where ${inBooks} group by 1, 2`,
      { bind, type: QueryTypes.SELECT },
    ),
  ]);
  const months = monthsBetween(o.from, o.to).map((month) => {
    const mine = accounts.filter((a) => a.month === month);
    const of = (type: 'income' | 'expense') =>
      mine
        .filter((a) => LEDGER_ACCOUNTS[a.account].type === type)
        .map((a) => ({ account: a.account, amountMinor: type === 'income' ? -Number(a.net_debit) : Number(a.net_debit) }))
        .filter((a) => a.amountMinor !== 0);
    const income = of('income');
    const expenses = of('expense');
    const flows = { receipts: 0, payments: 0, contributions: 0, distributions: 0 };
    for (const c of cash.filter((c) => c.month === month)) {
      const section = CASH_SECTIONS[c.kind];
      if (section) flows[section] += Number(c.effect);
    }
    const sum = (xs: { amountMinor: number }[]) => xs.reduce((n, x) => n + x.amountMinor, 0);
    return {
      month,
      income,
      expenses,
      netIncomeMinor: sum(income) - sum(expenses),
      cash: {
        receiptsMinor: flows.receipts,
        paymentsMinor: -flows.payments,
        contributionsMinor: flows.contributions,
        distributionsMinor: -flows.distributions,
        netMinor: flows.receipts + flows.payments + flows.contributions + flows.distributions,
      },
    };
  });
  const address = o.propertyId ? ((await propertyAddress(db, o.propertyId)) ?? null) : null;
  return {
    kind: 'income-statement',
    title: address ? `Income statement: ${address}` : 'Income statement',
    currency: o.currency,
    asOf: monthBounds(o.to).to,
    propertyId: o.propertyId ?? null,
    propertyAddress: address,
    from: o.from,
    to: o.to,
    months,
  };
}
