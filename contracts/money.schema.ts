/** Money as the API and the contracts validate it: integer minor units of a supported ISO 4217 currency. */
import { SUPPORTED_CURRENCIES } from '../domain/money';
import { z } from './zod';

export const CurrencySchema = z.enum(SUPPORTED_CURRENCIES);

/** A non-negative whole number of minor units, within JavaScript's exact integer range. */
export const MinorUnitsSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const MoneySchema = z.object({
  amountMinor: MinorUnitsSchema.describe('Amount in the currency\'s minor units (cents for USD, yen for JPY)'),
  currency: CurrencySchema,
});
