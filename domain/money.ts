/**
 * Money is an integer number of minor units plus an ISO 4217 currency.
 * No floats on a money path: conversions from user-facing major units go
 * through strings or integer arithmetic only.
 */
/** Minor-unit exponent per currency (ISO 4217); those not listed use 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Currencies the platform accepts. */
export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'CHF', 'MXN'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

/** An amount: a whole number of the currency's minor units. */
export interface Money {
  amountMinor: number;
  currency: Currency;
}

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}


/**
 * Converts a decimal string in major units ("250000", "1999.99") to minor units
 * exactly. Returns undefined when it has more decimals than the currency allows.
 */
export function majorToMinor(major: string, currency: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(major.trim());
  if (!m) return undefined;
  const exp = currencyExponent(currency);
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > exp) return undefined;
  const minor = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(minor);
}

/** Formats minor units as a plain decimal string in major units ("215000.00"). */
export function minorToMajorString(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const s = String(Math.abs(minor)).padStart(exp + 1, '0');
  return `${minor < 0 ? '-' : ''}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

/** "USD 1,500.00", "JPY 98,000": for documents and messages; built from the integer, never a float. */
export function formatMoney(minor: number, currency: string): string {
  const plain = minorToMajorString(minor, currency);
  const negative = plain.startsWith('-');
  const [whole, frac] = plain.replace('-', '').split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${currency} ${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

const BASIS_POINTS_PER_UNIT = 10_000n;

/** numerator / denominator rounded half up, for a non-negative numerator and a positive denominator. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** The part of an amount given in basis points (1 bp = 0.01 %), rounded half up to the minor unit (BigInt: no float overflow). */
export function basisPointsOf(amountMinor: number, basisPoints: number): number {
  return Number(divideRoundHalfUp(BigInt(amountMinor) * BigInt(basisPoints), BASIS_POINTS_PER_UNIT));
}
