/**
 * The daily trust check: a property's cash must cover the deposits it holds
 * for its tenants (they are the tenants' money, owed back at move-out); a
 * property whose cash is below them has spent tenants' money. Reported, with
 * the figures, for staff to act on; nothing is changed.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { formatMoney } from '../../domain/money';
import { ADDRESS_SQL } from '../reports/books';

export interface TrustShortfall {
  propertyId: string;
  address: string;
  currency: string;
  cashMinor: number;
  depositsHeldMinor: number;
  shortMinor: number;
}

export async function trustShortfalls(db: Sequelize, asOf: string): Promise<TrustShortfall[]> {
  const rows = await db.query<{ property_id: string; address: string; currency: string; cash: string; deposits: string }>(
    `select p.id as property_id, ${ADDRESS_SQL} as address, b.currency, b.cash, b.deposits
       from (select coalesce(t.property_id, t.book_id) as property_id, t.currency,
                    sum(l.debit_minor - l.credit_minor) filter (where l.account = 'cash') as cash,
                    sum(l.credit_minor - l.debit_minor) filter (where l.account = 'deposits_held') as deposits
               from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
              where t.book_type in ('lease', 'property') and t.occurred_on <= $1
              group by 1, 2) b
       join properties p on p.id = b.property_id
      where coalesce(b.deposits, 0) > coalesce(b.cash, 0)
      order by address, p.id`,
    { bind: [asOf], type: QueryTypes.SELECT },
  );
  return rows.map((r) => {
    const cashMinor = Number(r.cash ?? 0);
    const depositsHeldMinor = Number(r.deposits ?? 0);
    return { propertyId: r.property_id, address: r.address, currency: r.currency, cashMinor, depositsHeldMinor, shortMinor: depositsHeldMinor - cashMinor };
  });
}

export const describeShortfall = (s: TrustShortfall) =>
  `${s.address}: cash ${formatMoney(s.cashMinor, s.currency)} is less than the tenants' deposits it holds, ${formatMoney(s.depositsHeldMinor, s.currency)} (short ${formatMoney(s.shortMinor, s.currency)})`;
