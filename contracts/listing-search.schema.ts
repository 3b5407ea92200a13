/** The listing search contract: what a client may ask and what it gets back. */
import { PUBLIC_LISTING_STATUSES, type ListingStatus } from '../domain/listing';
import { PROPERTY_TYPES } from '../domain/property';
import { ListingPurposeSchema } from './listing.schema';
import { CurrencySchema, MoneySchema } from './money.schema';
import { PropertyTypeSchema } from './property.schema';
import { z } from './zod';

const csvOf = <T extends string>(values: readonly T[], name: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values as [T, ...T[]], { error: `each ${name} must be one of ${values.join(', ')}` })).min(1));

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal number such as 250000');
const count = z.coerce.number().int().min(0).max(1000);

const latLon = z
  .string()
  .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'must be "lat,lon", e.g. 42.03,-93.62')
  .transform((s) => {
    const [lat, lon] = s.split(',').map(Number) as [number, number];
    return { lat, lon };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'latitude must be within ±90 and longitude within ±180');

const bbox = z
  .string()
  .regex(/^(-?\d+(\.\d+)?,){3}-?\d+(\.\d+)?$/, 'must be "minLon,minLat,maxLon,maxLat"')
  .transform((s) => {
    const [minLon, minLat, maxLon, maxLat] = s.split(',').map(Number) as [number, number, number, number];
    return { minLon, minLat, maxLon, maxLat };
  })
  .refine((b) => b.minLat <= b.maxLat && Math.abs(b.minLat) <= 90 && Math.abs(b.maxLat) <= 90, 'latitudes must be within ±90 with min <= max')
  .refine((b) => Math.abs(b.minLon) <= 180 && Math.abs(b.maxLon) <= 180, 'longitudes must be within ±180');

export const SEARCH_SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'distance'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const ListingSearchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(200).optional().describe('Full-text: description, features, neighborhood, address'),
    purpose: ListingPurposeSchema.optional(),
    type: csvOf(PROPERTY_TYPES, 'type').optional().describe('Comma-separated property types'),
    status: csvOf(PUBLIC_LISTING_STATUSES as readonly ListingStatus[], 'status')
      .optional()
      .describe('Comma-separated; defaults to active'),
    currency: CurrencySchema.default('USD').describe('Prices are compared within one currency'),
    minPrice: decimal.optional().describe('In major units of the currency: 250000 is 250,000 USD'),
    maxPrice: decimal.optional(),
    minBeds: count.optional(),
    minBaths: z.coerce.number().min(0).max(100).optional(),
    minArea: z.coerce.number().int().min(0).max(10_000_000).optional().describe('Living area, square feet'),
    maxArea: z.coerce.number().int().min(0).max(10_000_000).optional(),
    near: latLon.optional().describe('Centre for distance: "lat,lon"'),
    radiusKm: z.coerce.number().positive().max(20_000).optional().describe('With near: only listings within this distance'),
    bbox: bbox.optional().describe('Bounding box "minLon,minLat,maxLon,maxLat"'),
    sort: z.enum(SEARCH_SORTS).optional().describe('Defaults to relevance with q, newest without'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(2000).optional().describe('nextCursor of the previous page'),
  })
  .superRefine((v, ctx) => {
    if (v.radiusKm !== undefined && !v.near) ctx.addIssue({ code: 'custom', path: ['radiusKm'], message: 'needs near' });
    if (v.sort === 'distance' && !v.near) ctx.addIssue({ code: 'custom', path: ['sort'], message: 'distance sort needs near' });
    if (v.minArea !== undefined && v.maxArea !== undefined && v.minArea > v.maxArea) {
      ctx.addIssue({ code: 'custom', path: ['maxArea'], message: 'must be at least minArea' });
    }
    if (v.minPrice !== undefined && v.maxPrice !== undefined && Number(v.minPrice) > Number(v.maxPrice)) {
      ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'must be at least minPrice' });
    }
  });
export type ListingSearchQuery = z.infer<typeof ListingSearchQuerySchema>;

export const FacetBucketSchema = z.object({ value: z.string(), count: z.number().int() });
export const PriceBandSchema = z.object({
  from: MoneySchema.nullable(),
  to: MoneySchema.nullable().describe('Exclusive upper bound'),
  count: z.number().int(),
});

export const ListingSearchHitSchema = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  unitId: z.uuid().nullable(),
  purpose: ListingPurposeSchema,
  status: z.string(),
  type: PropertyTypeSchema,
  price: MoneySchema,
  bedrooms: z.number().nullable(),
  bathrooms: z.number().nullable(),
  livingAreaSqft: z.number().nullable(),
  yearBuilt: z.number().nullable(),
  location: z.object({ lat: z.number(), lon: z.number() }),
  address: z.string(),
  neighborhood: z.string().nullable(),
  description: z.string(),
  features: z.array(z.string()),
  listedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  distanceKm: z.number().optional().describe('Great-circle distance from near'),
  score: z.number().nullable(),
});

export const ListingSearchResultSchema = z.object({
  total: z.number().int().describe('All matches, not just this page'),
  results: z.array(ListingSearchHitSchema),
  facets: z.object({
    type: z.array(FacetBucketSchema),
    bedrooms: z.array(FacetBucketSchema).describe('"unknown" counts listings without a bedroom count'),
    priceBands: z.array(PriceBandSchema),
  }),
  nextCursor: z.string().nullable(),
  tookMs: z.number().int().describe("Elasticsearch's own time for the query"),
});
export type ListingSearchResult = z.infer<typeof ListingSearchResultSchema>;
