/** Properties and their units: the shared contract of API, activities and models. */
import { PROPERTY_TYPES } from '../domain/property';
import { LateFeePolicyOverrideSchema } from './late-fee-policy.schema';
import { z } from './zod';
import { MinorUnitsSchema } from './money.schema';

export const PropertyTypeSchema = z.enum(PROPERTY_TYPES);

export const AddressSchema = z.object({
  line1: z.string().trim().min(1).max(200).optional().describe('Street address; unknown for some imported records'),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().min(1).max(100).describe('State, province or county'),
  postalCode: z.string().trim().min(1).max(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US').default('US'),
});
export type Address = z.infer<typeof AddressSchema>;

export const GeoPointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

const bathrooms = z
  .number()
  .min(0)
  .max(100)
  .refine((n) => Number.isInteger(n * 2), 'must be a whole or half number (2, 2.5)');

/** What a property is; areas are in square feet, as the US market quotes them. */
export const PropertyFieldsSchema = z.object({
  address: AddressSchema,
  location: GeoPointSchema,
  type: PropertyTypeSchema,
  bedrooms: z.number().int().min(0).max(1000).optional(),
  bathrooms: bathrooms.optional(),
  livingAreaSqft: z.number().int().min(1).max(10_000_000).optional(),
  lotAreaSqft: z.number().int().min(1).max(1_000_000_000).optional(),
  yearBuilt: z.number().int().min(1600).max(2100).optional(),
  zoningCode: z.string().trim().min(1).max(60).optional(),
  neighborhood: z.string().trim().min(1).max(100).optional(),
  county: z.string().trim().min(1).max(100).optional().describe('The county its deeds are recorded in'),
  legalDescription: z.string().trim().min(1).max(4000).optional().describe('As on its deed; printed on the title commitment and the deed of a sale'),
  annualPropertyTaxMinor: MinorUnitsSchema.optional().describe('Annual property tax in the listing\'s currency, prorated at closing'),
  monthlyHoaDuesMinor: MinorUnitsSchema.optional().describe('Monthly HOA dues in the listing\'s currency, prorated at closing (a property with dues is in an HOA)'),
  lateFeePolicy: LateFeePolicyOverrideSchema.optional().describe('Overrides the organization\'s late-fee policy for leases of this property (set fields only)'),
});

export const PropertyCreateSchema = PropertyFieldsSchema.extend({
  ownerId: z.uuid().optional().describe('The owning user; defaults to the caller when the caller is an owner'),
  managerId: z.uuid().optional().describe('The property manager responsible for it'),
});
export type PropertyCreate = z.infer<typeof PropertyCreateSchema>;

export const PropertyUpdateSchema = PropertyFieldsSchema.partial().extend({
  managerId: z.uuid().nullable().optional(),
});
export type PropertyUpdate = z.infer<typeof PropertyUpdateSchema>;

export const PropertySchema = PropertyFieldsSchema.extend({
  id: z.uuid(),
  ownerId: z.uuid(),
  managerId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Property = z.infer<typeof PropertySchema>;

export const UnitCreateSchema = z.object({
  label: z.string().trim().min(1).max(40).describe('As on the door: "2B", "Suite 300"'),
  bedrooms: z.number().int().min(0).max(100).optional(),
  bathrooms: bathrooms.optional(),
  livingAreaSqft: z.number().int().min(1).max(1_000_000).optional(),
  floor: z.number().int().min(-10).max(300).optional(),
});
export type UnitCreate = z.infer<typeof UnitCreateSchema>;

export const UnitSchema = UnitCreateSchema.extend({
  id: z.uuid(),
  propertyId: z.uuid(),
  createdAt: z.iso.datetime(),
});
export type Unit = z.infer<typeof UnitSchema>;
