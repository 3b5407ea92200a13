/** Listings: a property or unit offered for sale or for rent, and the rules of its lifecycle. */
import type { Currency, Money } from './money';
import type { PropertyType } from './property';

export const LISTING_PURPOSES = ['sale', 'rent'] as const;
export type ListingPurpose = (typeof LISTING_PURPOSES)[number];

export const LISTING_STATUSES = ['draft', 'active', 'under_contract', 'sold', 'rented', 'withdrawn'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/**
 * The lifecycle a listing may move through. A deal can fall through
 * (under_contract -> active) and a withdrawn listing can be relisted.
 */
const TRANSITIONS: Record<ListingStatus, readonly ListingStatus[]> = {
  draft: ['active', 'withdrawn'],
  active: ['under_contract', 'withdrawn', 'sold', 'rented'],
  under_contract: ['active', 'sold', 'rented', 'withdrawn'],
  sold: [],
  rented: [],
  withdrawn: ['draft', 'active'],
};

/** Why a status change is not allowed, or undefined when it is. */
export function statusChangeProblem(purpose: ListingPurpose, from: ListingStatus, to: ListingStatus): string | undefined {
  if (from === to) return undefined;
  if (to === 'sold' && purpose !== 'sale') return 'only a listing for sale can be sold';
  if (to === 'rented' && purpose !== 'rent') return 'only a listing for rent can be rented';
  if (!TRANSITIONS[from].includes(to)) return `a ${from} listing cannot become ${to}`;
  return undefined;
}

/**
 * Why a change to a listing's money is not allowed, or undefined when it is.
 * The price and the sold price are in one currency (the listing's), and money
 * is never converted: a sold price must be in the listing's currency (the new
 * one when the change gives a price), and a listing that has a sold price
 * changes currency only together with a sold price in the new one.
 */
export function listingCurrencyProblem(
  current: { currency: Currency; soldPriceMinor: number | null },
  change: { price?: Money; soldPrice?: Money },
): { field: 'price.currency' | 'soldPrice.currency'; message: string } | undefined {
  const currency = change.price?.currency ?? current.currency;
  if (change.soldPrice && change.soldPrice.currency !== currency) {
    return { field: 'soldPrice.currency', message: `must be the listing's currency, ${currency}` };
  }
  if (currency !== current.currency && current.soldPriceMinor !== null && !change.soldPrice) {
    return {
      field: 'price.currency',
      message: `the listing has a sold price in ${current.currency}; keep ${current.currency}, or give a soldPrice in ${currency} with the change`,
    };
  }
  return undefined;
}

/** Statuses whose listings anyone may see; drafts and withdrawn ones are private to their side. */
export const PUBLIC_LISTING_STATUSES: readonly ListingStatus[] = ['active', 'under_contract', 'sold', 'rented'];

/** The document a listing becomes in the search index: listing and property, flattened. */
export interface ListingSearchDoc {
  id: string;
  propertyId: string;
  unitId: string | null;
  purpose: ListingPurpose;
  status: ListingStatus;
  type: PropertyType;
  priceMinor: number;
  currency: Currency;
  bedrooms: number | null;
  bathrooms: number | null;
  livingAreaSqft: number | null;
  lotAreaSqft: number | null;
  yearBuilt: number | null;
  location: { lat: number; lon: number };
  address: string;
  city: string;
  region: string;
  postalCode: string | null;
  neighborhood: string | null;
  description: string;
  features: string[];
  listedAt: string | null;
  closedAt: string | null;
  soldPriceMinor: number | null;
  createdAt: string;
  updatedAt: string;
}

