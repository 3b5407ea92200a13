/**
 * Calendar dates as ISO strings (YYYY-MM-DD) with integer day arithmetic in
 * UTC: pure and deterministic, so workflows and activities agree on them.
 */
const DAY_MS = 86_400_000;

export type IsoDate = string;

function toDays(date: IsoDate): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(ms).toISOString().slice(0, 10);
  if (check !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

function fromDays(days: number): IsoDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in UTC. In workflow code Date is the SDK's deterministic clock, so this is safe there too. */
export function todayUtc(): IsoDate {
  return new Date(Date.now()).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDays(toDays(date) + n);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDays(b) - toDays(a);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day `n` months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, n: number): IsoDate {
  toDays(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return toDays(a) - toDays(b);
}

export function isValidDate(date: string): boolean {
  try {
    toDays(date);
    return true;
  } catch {
    return false;
  }
}

/** The UTC date of an instant (epoch milliseconds). */
export function dateOfInstant(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant a UTC date begins (epoch milliseconds). */
export function startOfDate(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}
