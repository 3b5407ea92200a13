/** Listings: a property or unit offered for sale or for rent, and the rules of its lifecycle. */
import type { Currency } from './money';
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

