import { listingCurrencyProblem } from '../../domain/listing';
import type { Currency } from '../../domain/money';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' as Currency });
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as Currency });

describe('listingCurrencyProblem: the price and the sold price share one currency', () => {
  const sold = { currency: 'USD' as Currency, soldPriceMinor: 23_000_000 };
  const unsold = { currency: 'USD' as Currency, soldPriceMinor: null };

  it.each<[string, typeof sold | typeof unsold, Parameters<typeof listingCurrencyProblem>[1]]>([
    ['no money in the change', sold, {}],
    ['a new price in the same currency', sold, { price: usd(24_000_000) }],
    ['a new sold price in the listing\'s currency', sold, { soldPrice: usd(22_500_000) }],
    ['a new currency with a sold price in it', sold, { price: eur(21_000_000), soldPrice: eur(20_500_000) }],
    ['a new currency when nothing was sold', unsold, { price: eur(21_000_000) }],
    ['a first sold price with a new currency, both in it', unsold, { price: eur(21_000_000), soldPrice: eur(20_000_000) }],
  ])('allows %s', (_what, current, change) => {
    expect(listingCurrencyProblem(current, change)).toBeUndefined();
  });

  it('refuses a new price currency that would leave the sold price in the old one (never converting it)', () => {
    expect(listingCurrencyProblem(sold, { price: eur(21_000_000) })).toEqual({
      field: 'price.currency',
      message: expect.stringMatching(/sold price in USD.*soldPrice in EUR/),
    });
  });

  it('a sold price at zero is still a sold price', () => {
    expect(listingCurrencyProblem({ currency: 'USD', soldPriceMinor: 0 }, { price: eur(1) })?.field).toBe('price.currency');
  });

  it.each<[string, typeof sold | typeof unsold, Parameters<typeof listingCurrencyProblem>[1]]>([
    ['a sold price in another currency than the listing\'s', unsold, { soldPrice: eur(20_000_000) }],
    ['a sold price in the old currency with a new price currency', sold, { price: eur(21_000_000), soldPrice: usd(20_000_000) }],
    ['a sold price in a third currency', sold, { price: eur(21_000_000), soldPrice: { amountMinor: 1, currency: 'GBP' } }],
  ])('names soldPrice.currency for %s', (_what, current, change) => {
    const currency = change.price?.currency ?? current.currency;
    expect(listingCurrencyProblem(current, change)).toEqual({ field: 'soldPrice.currency', message: `must be the listing's currency, ${currency}` });
  });
});
