/**
 * Reading a property's books for the reports. A property's operating books
 * are its own (bills, fees, owners' money) and its leases' (rent, deposits);
 * projects are capital and purchases are escrow, so neither is here. Every
 * figure is as of a day: transactions that occurred after it do not count.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Currency } from '../../domain/money';

/** Which properties a report covers: every one (staff), or those a user may see. */
export type PropertyScope = 'all' | readonly string[];

/** SQL over ledger_transactions `t`: the transaction is in the operating books of the property `$n`. */
export const operatingBookOf = (t: string, param: string) =>
  `((${t}.book_type = 'lease' and ${t}.property_id = ${param}) or (${t}.book_type = 'property' and ${t}.book_id = ${param}))`;

export interface ReportProperty {
  id: string;
  address: string;
}

/** A property `p`'s address on one line, as documents print it (api/property-address.ts does the same for a model). */
export const ADDRESS_SQL = `concat_ws(', ', nullif(p.address_line1, ''), nullif(p.address_line2, ''), p.city, nullif(concat_ws(' ', p.region, p.postal_code), ''), p.country)`;

/** The properties in scope that have books to report: units, leases or a management agreement. */
export async function reportProperties(db: Sequelize, scope: PropertyScope, transaction?: Transaction): Promise<ReportProperty[]> {
  if (scope !== 'all' && scope.length === 0) return [];
  return db.query<ReportProperty>(
    `select p.id, ${ADDRESS_SQL} as address from properties p
      where ($1::uuid[] is null or p.id = any($1::uuid[]))
        and (exists (select 1 from units u where u.property_id = p.id) or exists (select 1 from leases l where l.property_id = p.id and l.terms is not null)
             or exists (select 1 from management_agreements m where m.property_id = p.id))
      order by address, p.id`,
    { bind: [scope === 'all' ? null : [...scope]], type: QueryTypes.SELECT, transaction },
  );
}

export async function propertyAddress(db: Sequelize, propertyId: string, transaction?: Transaction): Promise<string | undefined> {
  const [row] = await db.query<{ address: string }>(`select ${ADDRESS_SQL} as address from properties p where p.id = $1`, { bind: [propertyId], type: QueryTypes.SELECT, transaction });
  return row?.address;
}

/** The management agreement in effect on a day (the latest to start on or before it). */
export interface AgreementTerms {
  id: string;
  currency: Currency;
  feeBps: number;
  leasingFeeMinor: number;
  reserveMinor: number;
  approvalThresholdMinor: number;
  startsOn: string;
}

export async function agreementOn(db: Sequelize, propertyId: string, day: string, transaction?: Transaction): Promise<AgreementTerms | undefined> {
  const [row] = await db.query<{ id: string; currency: Currency; fee_bps: number; leasing_fee_minor: string; reserve_minor: string; approval_threshold_minor: string; starts_on: string }>(
    `select id, currency, fee_bps, leasing_fee_minor, reserve_minor, approval_threshold_minor, starts_on::text from management_agreements
      where property_id = $1 and starts_on <= $2 order by starts_on desc limit 1`,
    { bind: [propertyId, day], type: QueryTypes.SELECT, transaction },
  );
  return (
    row && {
      id: row.id,
      currency: row.currency,
      feeBps: row.fee_bps,
      leasingFeeMinor: Number(row.leasing_fee_minor),
      reserveMinor: Number(row.reserve_minor),
      approvalThresholdMinor: Number(row.approval_threshold_minor),
      startsOn: row.starts_on,
    }
  );
}

/** The property's cash and the deposits it holds, over its operating books, as of the end of a day. */
export async function cashPosition(db: Sequelize, propertyId: string, asOf: string, currency: Currency, transaction?: Transaction): Promise<{ cashMinor: number; depositsHeldMinor: number }> {
  const [row] = await db.query<{ cash: string; deposits: string }>(
    `select coalesce(sum(l.debit_minor - l.credit_minor) filter (where l.account = 'cash'), 0) as cash,
            coalesce(sum(l.credit_minor - l.debit_minor) filter (where l.account = 'deposits_held'), 0) as deposits
       from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
      where ${operatingBookOf('t', '$1')} and t.occurred_on <= $2 and t.currency = $3`,
    { bind: [propertyId, asOf, currency], type: QueryTypes.SELECT, transaction },
  );
  return { cashMinor: Number(row!.cash), depositsHeldMinor: Number(row!.deposits) };
}

/** Owners and their shares of a property, largest share first. */
export async function ownersOf(db: Sequelize, propertyId: string, transaction?: Transaction): Promise<{ ownerId: string; shareBps: number; name: string; email: string }[]> {
  return db.query(
    `select o.owner_id as "ownerId", o.share_bps as "shareBps", u.name, u.email from property_owners o join users u on u.id = o.owner_id
      where o.property_id = $1 order by o.share_bps desc, o.owner_id`,
    { bind: [propertyId], type: QueryTypes.SELECT, transaction },
  );
}

/** A month's first and last day. */
export function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Months from `from` to `to` inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}
