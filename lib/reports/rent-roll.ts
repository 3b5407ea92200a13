/**
 * The rent roll as of a day: every unit of the properties in scope, with the
 * lease in effect on it (its tenants, dates, rent), the deposit held and what
 * the tenant owes, and its status: occupied; notice given (its lease ends
 * within NOTICE_DAYS with nothing after it); vacant.
 */
import type { Sequelize } from 'sequelize';
import type { RentRoll, RentRollRow } from '../../contracts/reports.schema';
import { addDays } from '../../domain/calendar';
import type { Currency } from '../../domain/money';
import { reportProperties, type PropertyScope } from './books';
import { inEffectOn, leaseBalancesAsOf, signedLeases, unitsOf, type ReportLease } from './leases';

/** A lease ending this soon with no renewal scheduled is on notice (the usual 30-day notice to vacate). */
export const NOTICE_DAYS = 30;

export async function buildRentRoll(db: Sequelize, o: { scope: PropertyScope; asOf: string; currency: Currency }): Promise<RentRoll> {
  const properties = await reportProperties(db, o.scope);
  const ids = properties.map((p) => p.id);
  const [leases, units] = await Promise.all([signedLeases(db, ids), unitsOf(db, ids)]);
  const current = leases.filter((l) => l.currency === o.currency && inEffectOn(l, o.asOf));
  const balances = await leaseBalancesAsOf(db, current.map((l) => l.leaseId), o.asOf);
  const rows: RentRollRow[] = [];
  for (const p of properties) {
    const here = current.filter((l) => l.propertyId === p.id);
    const labels = units.get(p.id) ?? [];
    const taken = new Set<ReportLease>();
    const row = (unitLabel: string | null, lease: ReportLease | undefined): RentRollRow => {
      if (lease) taken.add(lease);
      const b = lease && balances.get(lease.leaseId);
      return {
        propertyId: p.id,
        propertyAddress: p.address,
        unitLabel,
        status: !lease ? 'vacant' : lease.endDate <= addDays(o.asOf, NOTICE_DAYS) ? 'notice_given' : 'occupied',
        leaseId: lease?.leaseId ?? null,
        tenants: lease?.tenants ?? [],
        startDate: lease?.startDate ?? null,
        endDate: lease?.endDate ?? null,
        rentMinor: lease?.rentMinor ?? null,
        depositHeldMinor: b?.depositHeldMinor ?? 0,
        balanceMinor: b?.receivableMinor ?? 0,
      };
    };
    if (labels.length === 0) rows.push(row(here[0]?.unitLabel ?? null, here[0]));
    else for (const label of labels) rows.push(row(label, here.find((l) => l.unitLabel === label && !taken.has(l))));
    // A lease whose unit label matches no unit row still occupies something: show it rather than lose it.
    for (const l of here) if (!taken.has(l)) rows.push(row(l.unitLabel, l));
  }
  const sum = (f: (r: RentRollRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  return {
    kind: 'rent-roll',
    title: 'Rent roll',
    currency: o.currency,
    asOf: o.asOf,
    rows,
    totals: {
      units: rows.length,
      occupied: rows.filter((r) => r.status === 'occupied').length,
      noticeGiven: rows.filter((r) => r.status === 'notice_given').length,
      vacant: rows.filter((r) => r.status === 'vacant').length,
      rentMinor: sum((r) => r.rentMinor ?? 0),
      depositHeldMinor: sum((r) => r.depositHeldMinor),
      balanceMinor: sum((r) => r.balanceMinor),
    },
  };
}
