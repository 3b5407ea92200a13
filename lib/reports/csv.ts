/**
 * The reports as CSV (RFC 4180): a header row, one row per report row, CRLF
 * line endings, a field quoted only when it holds a comma, a quote or a line
 * break. Money is a plain decimal in major units ("1234.56", never a float's
 * digits) beside a currency column, so a spreadsheet reads it as a number.
 * Rows come in the report's own order: the same report gives the same text.
 */
import { minorToMajorString } from '../../domain/money';
import type { Delinquency, IncomeStatement, Occupancy, OwnerStatement, RentRoll, Report, TenantLedger, VendorTaxSummary } from '../../contracts/reports.schema';

type Cell = string | number | boolean | null;

function field(value: Cell): string {
  const s = value === null ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The text of a table: the header, then the rows, each line ended by CRLF. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => `${r.map(field).join(',')}\r\n`).join('');
}

/** Basis points as a percentage with two decimals, by integer arithmetic (8525 → "85.25"). */
export function bpsToPercent(bps: number): string {
  const abs = Math.abs(bps);
  return `${bps < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const people = (names: string[]) => names.join('; ');

function rentRoll(r: RentRoll): string {
  const m = (minor: number | null) => (minor === null ? null : minorToMajorString(minor, r.currency));
  const t = r.totals;
  return toCsv(
    ['property', 'unit', 'status', 'lease_id', 'tenants', 'start_date', 'end_date', 'rent', 'deposit_held', 'balance', 'currency'],
    [
      ...r.rows.map((x) => [x.propertyAddress, x.unitLabel, x.status, x.leaseId, people(x.tenants), x.startDate, x.endDate, m(x.rentMinor), m(x.depositHeldMinor), m(x.balanceMinor), r.currency]),
      // The totals' unit counts go where a row has its unit and status.
      ['Total', `${t.units} units`, `occupied ${t.occupied}; notice given ${t.noticeGiven}; vacant ${t.vacant}`, null, null, null, null, m(t.rentMinor), m(t.depositHeldMinor), m(t.balanceMinor), r.currency],
    ],
  );
}

function delinquency(r: Delinquency): string {
  const m = (minor: number) => minorToMajorString(minor, r.currency);
  const t = r.totals;
  return toCsv(
    ['property', 'unit', 'lease_id', 'tenants', 'current_0_30', 'days_31_60', 'days_61_90', 'over_90', 'total', 'currency'],
    [
      ...r.rows.map((x) => [x.propertyAddress, x.unitLabel, x.leaseId, people(x.tenants), m(x.buckets.current), m(x.buckets.days31to60), m(x.buckets.days61to90), m(x.buckets.over90), m(x.buckets.total), r.currency]),
      ['Total', null, null, null, m(t.current), m(t.days31to60), m(t.days61to90), m(t.over90), m(t.total), r.currency],
    ],
  );
}

function occupancy(r: Occupancy): string {
  const m = (minor: number) => minorToMajorString(minor, r.currency);
  return toCsv(
    ['property', 'month', 'units', 'unit_days', 'occupied_unit_days', 'physical_pct', 'potential_rent', 'collected', 'economic_pct', 'currency'],
    r.rows.map((x) => [x.propertyAddress, x.month, x.units, x.unitDays, x.occupiedUnitDays, bpsToPercent(x.physicalBps), m(x.potentialRentMinor), m(x.collectedMinor), bpsToPercent(x.economicBps), r.currency]),
  );
}

function ownerStatement(r: OwnerStatement): string {
  const rows: Cell[][] = [];
  for (const p of r.properties) {
    const sections = [
      ['income', p.income],
      ['expense', p.expenses],
      ['management fee', p.managementFees],
      ['contribution', p.contributions],
      ['distribution', p.distributions],
    ] as const;
    for (const [section, lines] of sections) {
      for (const l of lines) rows.push([p.propertyAddress, section, l.date, l.description, minorToMajorString(l.amountMinor, r.currency), r.currency, l.reference]);
    }
  }
  return toCsv(['property', 'section', 'date', 'description', 'amount', 'currency', 'reference'], rows);
}

function incomeStatement(r: IncomeStatement): string {
  const rows: Cell[][] = [];
  for (const mo of r.months) {
    for (const a of mo.income) rows.push([mo.month, 'income', a.account, minorToMajorString(a.amountMinor, r.currency), r.currency]);
    for (const a of mo.expenses) rows.push([mo.month, 'expense', a.account, minorToMajorString(a.amountMinor, r.currency), r.currency]);
  }
  return toCsv(['month', 'section', 'account', 'amount', 'currency'], rows);
}

function tenantLedger(r: TenantLedger): string {
  const m = (minor: number) => minorToMajorString(minor, r.currency);
  return toCsv(
    ['date', 'kind', 'description', 'charge', 'payment', 'balance', 'currency'],
    r.lines.map((l) => [l.date, l.kind, l.description, m(l.chargeMinor), m(l.paymentMinor), m(l.balanceMinor), r.currency]),
  );
}

function vendorTax(r: VendorTaxSummary): string {
  return toCsv(
    ['vendor_id', 'vendor', 'paid', 'currency', 'reportable', 'tax_id_on_file', 'flagged'],
    r.rows.map((x) => [x.vendorId, x.name, minorToMajorString(x.paidMinor, r.currency), r.currency, x.reportable, x.taxIdOnFile, x.flagged]),
  );
}

export function reportCsv(report: Report): string {
  switch (report.kind) {
    case 'rent-roll':
      return rentRoll(report);
    case 'delinquency':
      return delinquency(report);
    case 'occupancy':
      return occupancy(report);
    case 'owner-statement':
      return ownerStatement(report);
    case 'income-statement':
      return incomeStatement(report);
    case 'tenant-ledger':
      return tenantLedger(report);
    case 'vendor-tax-summary':
      return vendorTax(report);
  }
}
