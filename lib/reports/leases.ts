/**
 * The leases a report sees: those that were signed (a lease still being
 * screened or offered, or one that never started, occupies nothing), with
 * the dates they run. A lease runs from its start to the end of its last
 * scheduled rent period (renewals schedule more), or its first term's end
 * before any period is scheduled.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Currency } from '../../domain/money';

export interface ReportLease {
  leaseId: string;
  propertyId: string;
  unitLabel: string | null;
  tenants: string[];
  startDate: string;
  endDate: string;
  rentMinor: number;
  currency: Currency;
}

const SIGNED = ['awaiting_move_in', 'active', 'ended', 'closed'];

export async function signedLeases(db: Sequelize, propertyIds: readonly string[], transaction?: Transaction): Promise<ReportLease[]> {
  if (propertyIds.length === 0) return [];
  const rows = await db.query<{ id: string; property_id: string; terms: { unitLabel?: string; startDate: string; termMonths: number; monthlyRent: { amountMinor: number; currency: Currency }; parties?: { name: string; role: string }[] }; last_day: string | null; first_term_end: string }>(
    `select l.id, l.property_id, l.terms,
            (select max(period_to)::text from rent_periods r where r.lease_id = l.id) as last_day,
            ((l.terms->>'startDate')::date + make_interval(months => (l.terms->>'termMonths')::int) - interval '1 day')::date::text as first_term_end
       from leases l
      where l.property_id = any($1::uuid[]) and l.status = any($2::text[])
        and l.terms ? 'startDate' and l.terms ? 'termMonths' and l.terms ? 'monthlyRent'
      order by l.property_id, l.terms->>'startDate', l.id`,
    { bind: [[...propertyIds], SIGNED], type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => ({
    leaseId: r.id,
    propertyId: r.property_id,
    unitLabel: r.terms.unitLabel ?? null,
    tenants: (r.terms.parties ?? []).filter((p) => p.role === 'tenant').map((p) => p.name),
    startDate: r.terms.startDate,
    endDate: r.last_day ?? r.first_term_end,
    rentMinor: r.terms.monthlyRent.amountMinor,
    currency: r.terms.monthlyRent.currency,
  }));
}

export const inEffectOn = (l: ReportLease, day: string) => l.startDate <= day && day <= l.endDate;

/** Each lease's tenant receivable and deposits held, as of the end of a day. */
export async function leaseBalancesAsOf(db: Sequelize, leaseIds: readonly string[], asOf: string, transaction?: Transaction): Promise<Map<string, { receivableMinor: number; depositHeldMinor: number }>> {
  const rows = await db.query<{ book_id: string; receivable: string; deposits: string }>(
    `select t.book_id,
            coalesce(sum(l.debit_minor - l.credit_minor) filter (where l.account = 'tenant_receivable'), 0) as receivable,
            coalesce(sum(l.credit_minor - l.debit_minor) filter (where l.account = 'deposits_held'), 0) as deposits
       from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
      where t.book_type = 'lease' and t.book_id = any($1::uuid[]) and t.occurred_on <= $2
      group by t.book_id`,
    { bind: [[...leaseIds], asOf], type: QueryTypes.SELECT, transaction },
  );
  return new Map(rows.map((r) => [r.book_id, { receivableMinor: Number(r.receivable), depositHeldMinor: Number(r.deposits) }]));
}

/** The units of each property; a property without unit rows is one unit (a house). */
export async function unitsOf(db: Sequelize, propertyIds: readonly string[], transaction?: Transaction): Promise<Map<string, string[]>> {
  const rows = await db.query<{ property_id: string; label: string }>('select property_id, label from units where property_id = any($1::uuid[]) order by property_id, label', {
    bind: [[...propertyIds]],
    type: QueryTypes.SELECT,
    transaction,
  });
  const units = new Map<string, string[]>();
  for (const r of rows) units.set(r.property_id, [...(units.get(r.property_id) ?? []), r.label]);
  return units;
}
