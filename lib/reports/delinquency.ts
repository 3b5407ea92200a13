/**
 * Delinquency aging as of a day (domain/books/aging.ts). The aging comes from
 * the leases' own charges (the subledger); its total is checked against the
 * ledger's tenant receivable (the control account) over the same leases, and
 * a difference is reported rather than hidden (the caller withholds it).
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Delinquency, DelinquencyRow } from '../../contracts/reports.schema';
import { addAging, age, emptyAging } from '../../domain/books/aging';
import type { Currency } from '../../domain/money';
import { reportProperties, type PropertyScope } from './books';
import { leaseBalancesAsOf, signedLeases } from './leases';

/** Credits to a lease: payments net of returns, credits issued, deposit applied. */
const CREDIT_KINDS = ['payment_received', 'credit_issued', 'deposit_applied'];

export async function buildDelinquency(db: Sequelize, o: { scope: PropertyScope; asOf: string; currency: Currency }): Promise<Delinquency> {
  const properties = await reportProperties(db, o.scope);
  const address = new Map(properties.map((p) => [p.id, p.address]));
  const leases = (await signedLeases(db, properties.map((p) => p.id))).filter((l) => l.currency === o.currency && l.startDate <= o.asOf);
  const ids = leases.map((l) => l.leaseId);
  const [charges, credits, balances] = await Promise.all([
    db.query<{ lease_id: string; due_on: string; amount_minor: string }>(
      'select lease_id, due_on::text, amount_minor from lease_charges where lease_id = any($1::uuid[]) and for_day <= $2 order by lease_id, due_on',
      { bind: [ids, o.asOf], type: QueryTypes.SELECT },
    ),
    db.query<{ book_id: string; credits: string }>(
      `select book_id, sum(case when kind = 'payment_reversed' then -amount_minor else amount_minor end) as credits from ledger_transactions
        where book_type = 'lease' and book_id = any($1::uuid[]) and occurred_on <= $2 and kind = any($3::text[]) group by book_id`,
      { bind: [ids, o.asOf, [...CREDIT_KINDS, 'payment_reversed']], type: QueryTypes.SELECT },
    ),
    leaseBalancesAsOf(db, ids, o.asOf),
  ]);
  const chargesOf = new Map<string, { dueOn: string; amountMinor: number }[]>();
  for (const c of charges) chargesOf.set(c.lease_id, [...(chargesOf.get(c.lease_id) ?? []), { dueOn: c.due_on, amountMinor: Number(c.amount_minor) }]);
  const creditOf = new Map(credits.map((c) => [c.book_id, Number(c.credits)]));
  const rows: DelinquencyRow[] = [];
  let totals = emptyAging();
  let ledgerReceivableMinor = 0;
  for (const l of leases) {
    const buckets = age(chargesOf.get(l.leaseId) ?? [], creditOf.get(l.leaseId) ?? 0, o.asOf);
    ledgerReceivableMinor += balances.get(l.leaseId)?.receivableMinor ?? 0;
    totals = addAging(totals, buckets);
    if (buckets.total === 0 && buckets.current === 0) continue;
    rows.push({ leaseId: l.leaseId, propertyId: l.propertyId, propertyAddress: address.get(l.propertyId) ?? '', unitLabel: l.unitLabel, tenants: l.tenants, buckets });
  }
  return { kind: 'delinquency', title: 'Delinquency aging', currency: o.currency, asOf: o.asOf, rows, totals, ledgerReceivableMinor };
}

/** Why a delinquency report may not be released: its total is not the ledger's receivable. */
export function delinquencyProblem(r: Delinquency): string | undefined {
  return r.totals.total === r.ledgerReceivableMinor ? undefined : `the aging totals ${r.totals.total} but the ledger's tenant receivable is ${r.ledgerReceivableMinor} (as of ${r.asOf})`;
}
