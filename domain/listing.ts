/** Listings: a property or unit offered for sale or for rent. */
import { z } from './zod';
import { CurrencySchema, MoneySchema } from './money';
import { PropertyTypeSchema } from './property';

export const LISTING_PURPOSES = ['sale', 'rent'] as const;
export const ListingPurposeSchema = z.enum(LISTING_PURPOSES);
export type ListingPurpose = z.infer<typeof ListingPurposeSchema>;

export const LISTING_STATUSES = ['draft', 'active', 'under_contract', 'sold', 'rented', 'withdrawn'] as const;
export const ListingStatusSchema = z.enum(LISTING_STATUSES);
export type ListingStatus = z.infer<typeof ListingStatusSchema>;

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

export const MediaSchema = z.object({
  url: z.url(),
  caption: z.string().trim().max(300).optional(),
  kind: z.enum(['photo', 'floor_plan', 'video', 'virtual_tour']).default('photo'),
});
export type Media = z.infer<typeof MediaSchema>;

const isoDate = z.iso
  .date()
  .refine((d) => d >= '1800-01-01' && d <= '2200-12-31', 'must be between 1800-01-01 and 2200-12-31')
  .describe('Calendar date, YYYY-MM-DD');

export const ListingCreateSchema = z.object({
  propertyId: z.uuid(),
  unitId: z.uuid().optional().describe('For a unit of a multi-unit building'),
  purpose: ListingPurposeSchema,
  price: MoneySchema.describe('Asking price; monthly rent for a rental'),
  status: z.enum(['draft', 'active']).default('draft'),
  description: z.string().trim().max(10_000).default(''),
  features: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  media: z.array(MediaSchema).max(100).default([]),
  listedAt: isoDate.optional().describe('Defaults to today when created active'),
});
export type ListingCreate = z.infer<typeof ListingCreateSchema>;

export const ListingUpdateSchema = z
  .object({
    price: MoneySchema,
    status: ListingStatusSchema,
    description: z.string().trim().max(10_000),
    features: z.array(z.string().trim().min(1).max(100)).max(100),
    media: z.array(MediaSchema).max(100),
    listedAt: isoDate,
    closedAt: isoDate,
    soldPrice: MoneySchema.describe('Final price when sold or rented'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type ListingUpdate = z.infer<typeof ListingUpdateSchema>;

export const ListingSchema = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  unitId: z.uuid().nullable(),
  purpose: ListingPurposeSchema,
  status: ListingStatusSchema,
  price: MoneySchema,
  description: z.string(),
  features: z.array(z.string()),
  media: z.array(MediaSchema),
  listedAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  soldPrice: MoneySchema.nullable(),
  externalRef: z.string().nullable().describe('Source record id for imported listings'),
  version: z.number().int().describe('Increases with every change; search indexing uses it to drop stale writes'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Listing = z.infer<typeof ListingSchema>;

/** The document a listing becomes in the search index: listing and property, flattened. */
export interface ListingSearchDoc {
  id: string;
  propertyId: string;
  unitId: string | null;
  purpose: ListingPurpose;
  status: ListingStatus;
  type: z.infer<typeof PropertyTypeSchema>;
  priceMinor: number;
  currency: z.infer<typeof CurrencySchema>;
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

