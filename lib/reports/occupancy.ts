/**
 * Physical and economic occupancy by property and month.
 *  - physical: unit-days under a lease over unit-days;
 *  - economic: rent collected (receipts net of returns) over the rent the
 *    units would earn — each unit at its lease's rent, or when vacant at the
 *    rent of its latest lease (before the month, else the next one). A unit
 *    never leased has no rent to lose and adds nothing to the potential.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Occupancy, OccupancyRow } from '../../contracts/reports.schema';
import { daysBetween } from '../../domain/calendar';
import { divideRoundHalfUp, type Currency } from '../../domain/money';
import { monthBounds, monthsBetween, reportProperties, type PropertyScope } from './books';
import { signedLeases, unitsOf, type ReportLease } from './leases';

const bps = (part: number, whole: number) => (whole > 0 ? Number(divideRoundHalfUp(BigInt(part) * 10_000n, BigInt(whole))) : 0);
const overlapDays = (l: ReportLease, from: string, to: string) => {
  const start = l.startDate > from ? l.startDate : from;
  const end = l.endDate < to ? l.endDate : to;
  return start > end ? 0 : daysBetween(start, end) + 1;
};

export async function buildOccupancy(db: Sequelize, o: { scope: PropertyScope; from: string; to: string; currency: Currency }): Promise<Occupancy> {
  const properties = await reportProperties(db, o.scope);
  const ids = properties.map((p) => p.id);
  const [leases, units, receipts] = await Promise.all([
    signedLeases(db, ids),
    unitsOf(db, ids),
    db.query<{ property_id: string; month: string; collected: string }>(
      `select property_id, to_char(occurred_on, 'YYYY-MM') as month,
              sum(case kind when 'payment_received' then amount_minor else -amount_minor end) as collected
         from ledger_transactions
        where book_type = 'lease' and property_id = any($1::uuid[]) and kind in ('payment_received', 'payment_reversed') and currency = $4
          and occurred_on between $2 and $3
        group by 1, 2`,
      { bind: [ids, monthBounds(o.from).from, monthBounds(o.to).to, o.currency], type: QueryTypes.SELECT },
    ),
  ]);
  const collected = new Map(receipts.map((r) => [`${r.property_id}:${r.month}`, Number(r.collected)]));
  const rows: OccupancyRow[] = [];
  for (const p of properties) {
    const mine = leases.filter((l) => l.propertyId === p.id && l.currency === o.currency);
    const labels: (string | null)[] = units.get(p.id) ?? [null];
    for (const month of monthsBetween(o.from, o.to)) {
      const { from, to } = monthBounds(month);
      const days = daysBetween(from, to) + 1;
      let occupiedUnitDays = 0;
      let potentialRentMinor = 0;
      for (const label of labels) {
        // A house (no unit rows) is its leases, whatever unit label they carry.
        const ofUnit = mine.filter((l) => label === null || l.unitLabel === label);
        let rentDays = 0n;
        let occupied = 0;
        for (const l of ofUnit) {
          const d = overlapDays(l, from, to);
          occupied += d;
          rentDays += BigInt(l.rentMinor) * BigInt(d);
        }
        occupied = Math.min(occupied, days);
        const vacantRent = [...ofUnit].reverse().find((l) => l.startDate <= to)?.rentMinor ?? ofUnit.find((l) => l.startDate > to)?.rentMinor ?? 0;
        rentDays += BigInt(vacantRent) * BigInt(days - occupied);
        occupiedUnitDays += occupied;
        potentialRentMinor += Number(divideRoundHalfUp(rentDays, BigInt(days)));
      }
      const unitDays = labels.length * days;
      const collectedMinor = collected.get(`${p.id}:${month}`) ?? 0;
      rows.push({
        propertyId: p.id,
        propertyAddress: p.address,
        month,
        units: labels.length,
        unitDays,
        occupiedUnitDays,
        physicalBps: bps(occupiedUnitDays, unitDays),
        potentialRentMinor,
        collectedMinor,
        economicBps: bps(collectedMinor, potentialRentMinor),
      });
    }
  }
  return { kind: 'occupancy', title: 'Occupancy', currency: o.currency, asOf: monthBounds(o.to).to, from: o.from, to: o.to, rows };
}
