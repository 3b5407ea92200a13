import { CurrencySchema, MoneySchema } from '../../contracts/money.schema';
import { currencyExponent, majorToMinor, minorToMajorString } from '../../domain/money';

describe('currencyExponent', () => {
  it('uses 2 decimals by default, 0 for yen-like and 3 for dinar-like currencies', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('GBP')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('ZZZ')).toBe(2);
  });
});

describe('majorToMinor', () => {
  it.each([
    ['250000', 'USD', 25_000_000],
    ['1999.99', 'USD', 199_999],
    ['1999.9', 'EUR', 199_990],
    ['0.05', 'GBP', 5],
    ['12', 'GBP', 1200],
    ['0', 'USD', 0],
    ['  42.10 ', 'USD', 4210],
    ['007.5', 'EUR', 750],
  ])('%s %s -> %d', (major, currency, minor) => {
    expect(majorToMinor(major, currency)).toBe(minor);
  });

  it('treats JPY as having no minor unit', () => {
    expect(majorToMinor('250000', 'JPY')).toBe(250_000);
    expect(majorToMinor('1', 'JPY')).toBe(1);
    expect(majorToMinor('1.5', 'JPY')).toBeUndefined();
    expect(majorToMinor('1.0', 'JPY')).toBeUndefined();
  });

  it('uses three decimals for a KWD-like currency', () => {
    expect(currencyExponent('KWD')).toBe(3);
    expect(majorToMinor('1.234', 'KWD')).toBe(1234);
    expect(majorToMinor('0.5', 'KWD')).toBe(500);
    expect(majorToMinor('7', 'KWD')).toBe(7000);
    expect(majorToMinor('1.2345', 'KWD')).toBeUndefined();
  });

  it('rejects more decimals than the currency allows', () => {
    expect(majorToMinor('1.001', 'USD')).toBeUndefined();
    expect(majorToMinor('0.005', 'EUR')).toBeUndefined();
    expect(majorToMinor('10.123', 'GBP')).toBeUndefined();
  });

  it.each(['', 'abc', '1e3', '-5', '+5', '1,000', '.5', '5.', '1.2.3', 'NaN', 'Infinity', '0x10'])(
    'rejects the non-number %j',
    (major) => {
      expect(majorToMinor(major, 'USD')).toBeUndefined();
    },
  );

  it('accepts exactly MAX_SAFE_INTEGER minor units and rejects anything above', () => {
    // 9007199254740991 cents
    expect(majorToMinor('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER);
    expect(majorToMinor('90071992547409.92', 'USD')).toBeUndefined();
    expect(majorToMinor(String(Number.MAX_SAFE_INTEGER), 'JPY')).toBe(Number.MAX_SAFE_INTEGER);
    expect(majorToMinor('9007199254740992', 'JPY')).toBeUndefined();
    expect(majorToMinor('99999999999999999999999', 'USD')).toBeUndefined();
  });

  it('never goes through floating point (0.1 + 0.2 style values are exact)', () => {
    expect(majorToMinor('0.29', 'USD')).toBe(29);
    expect(majorToMinor('1.15', 'USD')).toBe(115);
    expect(majorToMinor('4.35', 'USD')).toBe(435);
  });
});

describe('minorToMajorString', () => {
  it('formats with the currency exponent', () => {
    expect(minorToMajorString(21_500_000, 'USD')).toBe('215000.00');
    expect(minorToMajorString(5, 'USD')).toBe('0.05');
    expect(minorToMajorString(50, 'EUR')).toBe('0.50');
    expect(minorToMajorString(0, 'GBP')).toBe('0.00');
    expect(minorToMajorString(199_999, 'USD')).toBe('1999.99');
    expect(minorToMajorString(1, 'KWD')).toBe('0.001');
    expect(minorToMajorString(1234, 'KWD')).toBe('1.234');
    expect(minorToMajorString(-5, 'USD')).toBe('-0.05');
  });

  it('prints JPY without a decimal point', () => {
    expect(minorToMajorString(250_000, 'JPY')).toBe('250000');
    expect(minorToMajorString(0, 'JPY')).toBe('0');
  });

  it.each([
    [0, 'USD'],
    [5, 'USD'],
    [99, 'EUR'],
    [100, 'GBP'],
    [123_456_789, 'USD'],
    [Number.MAX_SAFE_INTEGER, 'USD'],
    [0, 'JPY'],
    [7, 'JPY'],
    [250_000, 'JPY'],
    [1, 'KWD'],
    [1_000_001, 'KWD'],
  ])('round-trips %d %s through majorToMinor', (minor, currency) => {
    expect(majorToMinor(minorToMajorString(minor, currency), currency)).toBe(minor);
  });

  it('round-trips major strings that are already canonical', () => {
    for (const [major, currency] of [['0.05', 'USD'], ['1999.99', 'EUR'], ['250000', 'JPY'], ['3.141', 'KWD']] as const) {
      expect(minorToMajorString(majorToMinor(major, currency)!, currency)).toBe(major);
    }
  });
});

describe('MoneySchema', () => {
  it('accepts whole non-negative minor units in a supported currency', () => {
    expect(MoneySchema.parse({ amountMinor: 0, currency: 'JPY' })).toEqual({ amountMinor: 0, currency: 'JPY' });
    expect(MoneySchema.safeParse({ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' }).success).toBe(true);
  });

  it('rejects negatives, fractions, unsafe integers and unsupported currencies', () => {
    expect(MoneySchema.safeParse({ amountMinor: -1, currency: 'USD' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amountMinor: 1.5, currency: 'USD' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amountMinor: Number.MAX_SAFE_INTEGER + 1, currency: 'USD' }).success).toBe(false);
    expect(MoneySchema.safeParse({ amountMinor: 100, currency: 'KWD' }).success).toBe(false);
    expect(CurrencySchema.safeParse('usd').success).toBe(false);
  });
});
