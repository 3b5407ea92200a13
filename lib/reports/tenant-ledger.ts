/** A tenant's ledger statement: every charge and credit to their lease, with the running balance. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { TenantLedger } from '../../contracts/reports.schema';
import type { Currency } from '../../domain/money';
import { propertyAddress } from './books';

/** What each kind of lease movement is, for the tenant: a charge raises what they owe, a credit lowers it. */
const WORDS: Record<string, string> = {
  rent_charged: 'Rent',
  fee_charged: 'Fee',
  damages_charged: 'Damages',
  repair_charged: 'Repair charged',
  payment_received: 'Payment',
  payment_reversed: 'Payment returned',
  credit_issued: 'Credit',
  deposit_applied: 'Deposit applied',
};

export async function buildTenantLedger(db: Sequelize, o: { leaseId: string; from?: string; asOf: string }): Promise<TenantLedger | undefined> {
  const [lease] = await db.query<{ property_id: string; terms: { startDate: string; unitLabel?: string; monthlyRent: { currency: Currency }; parties?: { name: string; role: string }[] } }>(
    `select property_id, terms from leases where id = $1 and terms ? 'startDate' and terms ? 'monthlyRent'`,
    { bind: [o.leaseId], type: QueryTypes.SELECT },
  );
  if (!lease) return undefined;
  const from = o.from ?? lease.terms.startDate;
  const rows = await db.query<{ occurred_on: string; kind: string; reference: string | null; net_debit: string }>(
    `select t.occurred_on::text, t.kind, t.reference, sum(l.debit_minor - l.credit_minor) as net_debit
       from ledger_transactions t join ledger_lines l on l.transaction_id = t.id and l.account = 'tenant_receivable'
      where t.book_type = 'lease' and t.book_id = $1 and t.occurred_on <= $2
      group by t.id order by t.occurred_on, t.created_at, t.id`,
    { bind: [o.leaseId, o.asOf], type: QueryTypes.SELECT },
  );
  let balance = 0;
  let openingMinor = 0;
  const lines: TenantLedger['lines'] = [];
  for (const r of rows) {
    const change = Number(r.net_debit);
    balance += change;
    if (r.occurred_on < from) {
      openingMinor = balance;
      continue;
    }
    if (change === 0) continue;
    const words = WORDS[r.kind] ?? r.kind.replace(/_/g, ' ');
    lines.push({ date: r.occurred_on, kind: r.kind, description: r.reference ? `${words}: ${r.reference}` : words, chargeMinor: Math.max(change, 0), paymentMinor: Math.max(-change, 0), balanceMinor: balance });
  }
  return {
    kind: 'tenant-ledger',
    title: 'Tenant ledger',
    currency: lease.terms.monthlyRent.currency,
    asOf: o.asOf,
    leaseId: o.leaseId,
    propertyAddress: (await propertyAddress(db, lease.property_id)) ?? '',
    unitLabel: lease.terms.unitLabel ?? null,
    tenants: (lease.terms.parties ?? []).filter((p) => p.role === 'tenant').map((p) => p.name),
    from,
    openingMinor,
    lines,
    closingMinor: balance,
  };
}
