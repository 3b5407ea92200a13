/** Listings as the API and the contracts validate them. */
import { LISTING_PURPOSES, LISTING_STATUSES } from '../domain/listing';
import { MoneySchema } from './money.schema';
import { z } from './zod';

export const ListingPurposeSchema = z.enum(LISTING_PURPOSES);
export const ListingStatusSchema = z.enum(LISTING_STATUSES);

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

