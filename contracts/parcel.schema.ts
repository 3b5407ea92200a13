/**
 * Land: parcels (a boundary, its computed area, zoning, utilities, access),
 * zoning districts and their rules, parcel search and the zoning check. The
 * shapes validate what the API accepts and document it; the geometry and the
 * zoning rules themselves are in domain/land/.
 */
import { MAX_RING_POSITIONS, polygonProblems } from '../domain/land/geometry';
import { LAND_USES } from '../domain/land/zoning';
import { AddressSchema, GeoPointSchema } from './property.schema';
import { z } from './zod';

// ------------------------------------------------------------------------------------------------
// Geometry

const PositionSchema = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .describe('[longitude, latitude] in degrees (WGS84), as GeoJSON orders them');

const POLYGON_RULES =
  'A GeoJSON (RFC 7946) Polygon of one ring (holes are not supported): at least 4 positions, the last repeating the first; ' +
  'no position repeating the one before it; edges never crossing or touching one another; enclosing at least 1 m². Either orientation. ' +
  'Edges are straight lines in longitude/latitude. A problem names the position, e.g. `boundary.coordinates.0.3`.';

/** The shape of a polygon, without the topological checks: what responses carry. */
export const GeoJsonPolygonShape = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(
      z
        .array(PositionSchema)
        .min(4, 'a ring needs at least 4 positions: 3 corners and the first one repeated to close it')
        .max(MAX_RING_POSITIONS, `a ring may have at most ${MAX_RING_POSITIONS} positions`),
    )
    .min(1, 'must hold the outer ring'),
});

/** A polygon as a client sends it: the shape, then closure, simplicity and area (domain/land/geometry.ts). */
export const GeoJsonPolygonSchema = GeoJsonPolygonShape.superRefine((polygon, ctx) => {
  // zod runs refinements after failed members too: the shape's own messages are enough then.
  if (!GeoJsonPolygonShape.safeParse(polygon).success) return;
  for (const p of polygonProblems(polygon)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}).describe(POLYGON_RULES);
export type GeoJsonPolygon = z.infer<typeof GeoJsonPolygonShape>;

export const BBoxSchema = z.object({
  minLon: z.number(),
  minLat: z.number(),
  maxLon: z.number(),
  maxLat: z.number(),
});

// ------------------------------------------------------------------------------------------------
// Zoning districts

export const JurisdictionSchema = z
  .string()
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a slug of lower-case letters and digits with single hyphens, e.g. ames-ia')
  .describe('The zoning authority, as a slug: `ames-ia`');

export const ZoningCodeSchema = z
  .string()
  .max(20)
  .regex(/^[A-Z0-9]+(-[A-Z0-9]+)*$/, 'must be upper-case letters and digits with single hyphens, e.g. RL or FS-RM')
  .describe('The district\'s code in its jurisdiction: `RL`');

/** A length, percentage or ratio with at most two decimals. */
const twoDecimals = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'must have at most two decimals');

export const LandUseSchema = z.enum(LAND_USES);

export const SetbacksSchema = z.object({
  front: twoDecimals(0, 10_000).describe('Feet'),
  side: twoDecimals(0, 10_000).describe('Feet; the smaller of the two side yards'),
  rear: twoDecimals(0, 10_000).describe('Feet'),
});

const ZONING_RULES_RULES = 'A use is at most once in `permittedUses` and `conditionalUses` together.';

export const ZoningRulesSchema = z
  .object({
    permittedUses: z.array(LandUseSchema).max(LAND_USES.length).describe('Allowed by right'),
    conditionalUses: z
      .array(z.object({ use: LandUseSchema, permit: z.string().trim().min(1).max(200).describe('The permit it needs: "Special Use Permit"') }))
      .max(LAND_USES.length)
      .describe('Allowed with the permit named; every other use is prohibited'),
    minLotAreaSqft: z.number().int().min(0).max(1_000_000_000),
    maxHeightFt: twoDecimals(0.01, 2_000),
    maxFloors: z.number().int().min(1).max(200),
    maxLotCoveragePercent: twoDecimals(0.01, 100).describe('Footprint over lot area, in percent'),
    maxFloorAreaRatio: twoDecimals(0.01, 100).describe('Footprint × floors over lot area'),
    minSetbacksFt: SetbacksSchema,
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.permittedUses.forEach((use, i) => {
      if (seen.has(use)) ctx.addIssue({ code: 'custom', path: ['permittedUses', i], message: `${use} is listed twice` });
      seen.add(use);
    });
    r.conditionalUses.forEach(({ use }, i) => {
      if (seen.has(use)) ctx.addIssue({ code: 'custom', path: ['conditionalUses', i, 'use'], message: `${use} is already listed` });
      seen.add(use);
    });
  })
  .describe(ZONING_RULES_RULES);
export type ZoningRulesInput = z.infer<typeof ZoningRulesSchema>;

const isoDate = z.iso
  .date()
  .refine((d) => d >= '1900-01-01' && d <= '2200-12-31', 'must be between 1900-01-01 and 2200-12-31')
  .describe('Calendar date, YYYY-MM-DD');

export const ZoningDistrictPutSchema = z.object({
  name: z.string().trim().min(1).max(200),
  rules: ZoningRulesSchema,
  effectiveDate: isoDate.describe('The date of this zoning data: when the rules took effect'),
});

export const ZoningDistrictSchema = ZoningDistrictPutSchema.extend({
  id: z.string().describe('`<jurisdiction>/<code>`: the end of its path'),
  jurisdiction: JurisdictionSchema,
  code: ZoningCodeSchema,
  updatedAt: z.iso.datetime(),
});
export type ZoningDistrict = z.infer<typeof ZoningDistrictSchema>;

// ------------------------------------------------------------------------------------------------
// Parcels

export const WATER_SUPPLIES = ['municipal', 'well', 'none'] as const;
export const SEWAGE = ['municipal', 'septic', 'none'] as const;
export const ROAD_ACCESS = ['paved', 'gravel', 'easement', 'none'] as const;

export const UtilitiesSchema = z.object({
  water: z.enum(WATER_SUPPLIES),
  sewer: z.enum(SEWAGE).describe('Municipal sewer, a septic system, or none'),
  electric: z.boolean(),
  gas: z.boolean().describe('Natural gas service'),
  internet: z.boolean().describe('Wired or fixed-wireless broadband'),
});
export type Utilities = z.infer<typeof UtilitiesSchema>;

export const RoadAccessSchema = z.enum(ROAD_ACCESS).describe('Frontage on a paved or gravel road, access over an easement, or none');

export const ApnSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9]+([-. ][A-Za-z0-9]+)*$/, 'must be letters and digits, optionally separated by single hyphens, dots or spaces')
  .transform((s) => s.toUpperCase())
  .describe('Assessor\'s parcel number, unique in its jurisdiction (upper-cased): `09-03-300-010`');

export const ParcelCreateSchema = z.object({
  address: AddressSchema,
  neighborhood: z.string().trim().min(1).max(100).optional(),
  ownerId: z.uuid().optional().describe('The owning user; defaults to the caller when the caller is an owner'),
  managerId: z.uuid().optional().describe('The property manager responsible for it'),
  jurisdiction: JurisdictionSchema,
  apn: ApnSchema,
  zoningCode: ZoningCodeSchema.describe('A district of `jurisdiction` (GET /v1/zoning-districts)'),
  boundary: GeoJsonPolygonSchema,
  utilities: UtilitiesSchema,
  roadAccess: RoadAccessSchema,
  legalDescription: z.string().trim().min(1).max(4_000).describe('As the deed and the title commitment describe the land'),
});
export type ParcelCreate = z.infer<typeof ParcelCreateSchema>;

export const ParcelSchema = z.object({
  id: z.uuid().describe('The parcel\'s land property id'),
  propertyId: z.uuid(),
  ownerId: z.uuid(),
  address: AddressSchema,
  neighborhood: z.string().optional(),
  jurisdiction: JurisdictionSchema,
  apn: z.string(),
  zoning: z.object({ code: ZoningCodeSchema, name: z.string(), effectiveDate: z.string().describe('The date of the zoning data') }),
  boundary: GeoJsonPolygonShape,
  areaSqm: z.number().describe('Computed from the boundary on the WGS84 ellipsoid, to the hundredth'),
  areaSqft: z.number().int().describe('The same area in whole square feet; what zoning compares'),
  centroid: GeoPointSchema.describe('Also the property\'s location'),
  bbox: BBoxSchema,
  utilities: UtilitiesSchema,
  roadAccess: RoadAccessSchema,
  legalDescription: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Parcel = z.infer<typeof ParcelSchema>;

/** One link of the ownership chain: a recorded deed (the property's title records, oldest first). */
export const OwnershipLinkSchema = z.object({
  instrument: z.string(),
  recordedOn: z.string(),
  from: z.array(z.string()).describe('Grantors'),
  to: z.array(z.string()).describe('Grantees'),
  considerationMinor: z.number().int().nullable(),
});

/** A parcel as read one at a time: with its ownership chain. */
export const ParcelDetailSchema = ParcelSchema.extend({
  ownershipChain: z.array(OwnershipLinkSchema).describe('The recorded deeds of the land, oldest first (from the title records purchases keep)'),
});
export type ParcelDetail = z.infer<typeof ParcelDetailSchema>;

// ------------------------------------------------------------------------------------------------
// Search

export const MAX_SEARCH_RADIUS_M = 50_000;

const NearSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  radiusM: z.number().positive().max(MAX_SEARCH_RADIUS_M).describe('Metres from the point to the nearest point of the parcel'),
});

const pageFields = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.uuid().optional().describe('nextAfter of the previous page'),
};

/** The criteria both search routes take. */
export interface ParcelSearchCriteria {
  intersects?: GeoJsonPolygon;
  near?: { lat: number; lon: number; radiusM: number };
  zoning?: string[];
  jurisdiction?: string;
  limit: number;
  after?: string;
}

export const ParcelSearchBodySchema = z.object({
  intersects: GeoJsonPolygonSchema.optional().describe('A drawn polygon: parcels sharing at least one point with it'),
  near: NearSchema.optional().describe('Parcels with a point within `radiusM` of (`lat`, `lon`)'),
  zoning: z.array(ZoningCodeSchema).min(1).max(20).optional().describe('Parcels in any of these districts'),
  jurisdiction: JurisdictionSchema.optional(),
  ...pageFields,
});

const zoningList = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(ZoningCodeSchema).min(1).max(20));

const latLon = z
  .string()
  .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'must be "lat,lon", e.g. 42.03,-93.62')
  .transform((s) => {
    const [lat, lon] = s.split(',').map(Number) as [number, number];
    return { lat, lon };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'latitude must be within ±90 and longitude within ±180');

export const ParcelSearchQuerySchema = z
  .object({
    near: latLon.optional().describe('"lat,lon": with radiusM, parcels with a point within radiusM metres'),
    radiusM: z.coerce.number().positive().max(MAX_SEARCH_RADIUS_M).optional().describe('Metres; needs near (and near needs it)'),
    zoning: zoningList.optional().describe('Comma-separated district codes: `RL,RM`'),
    jurisdiction: JurisdictionSchema.optional(),
    ...pageFields,
  })
  .superRefine((v, ctx) => {
    if (v.near && v.radiusM === undefined) ctx.addIssue({ code: 'custom', path: ['radiusM'], message: 'needed with near' });
    if (v.radiusM !== undefined && !v.near) ctx.addIssue({ code: 'custom', path: ['near'], message: 'needed with radiusM' });
  });

export const ParcelSearchHitSchema = ParcelSchema.extend({
  distanceM: z.number().optional().describe('With `near`: metres from the point to the parcel (0 inside it), to the centimetre'),
});

export const ParcelSearchResultSchema = z.object({
  items: z.array(ParcelSearchHitSchema),
  nextAfter: z.uuid().nullable().describe('Pass as `after` for the next page; null when there is none'),
});

// ------------------------------------------------------------------------------------------------
// Zoning check

export const ZoningCheckRequestSchema = z.object({
  use: LandUseSchema,
  building: z.object({
    footprintSqft: z.number().int().min(1).max(1_000_000_000).describe('Ground floor area, square feet'),
    heightFt: twoDecimals(0.01, 2_000),
    floors: z.number().int().min(1).max(200),
    setbacksFt: SetbacksSchema.describe('Distances from the building to the front, side and rear lot lines, feet'),
  }),
});
export type ZoningCheckRequest = z.infer<typeof ZoningCheckRequestSchema>;

const FigureSchema = z.object({
  value: z.union([z.number(), z.string()]),
  unit: z.enum(['use', 'sqft', 'ft', 'floors', 'percent', 'ratio']),
});

const RULE_IDS = ['use', 'min_lot_area', 'max_height', 'max_floors', 'max_lot_coverage', 'max_floor_area_ratio', 'min_front_setback', 'min_side_setback', 'min_rear_setback'] as const;
const REMEDIES = ['conditional_use_permit', 'variance', 'rezoning'] as const;

export const ZoningCheckResultSchema = z.object({
  parcelId: z.uuid(),
  outcome: z.enum(['by_right', 'conditional', 'prohibited']),
  district: z.object({ jurisdiction: JurisdictionSchema, code: ZoningCodeSchema, name: z.string() }),
  zoningDataDate: z.string().describe('The effective date of the zoning data the check used'),
  lotAreaSqft: z.number().int(),
  checks: z.array(
    z.object({
      rule: z.enum(RULE_IDS),
      source: z.string().describe('The district, the date of its data and the rule'),
      comparison: z.enum(['allowed_use', 'at_least', 'at_most']),
      passed: z.boolean(),
      required: FigureSchema,
      proposed: FigureSchema,
      note: z.string(),
      remedy: z.enum(REMEDIES).nullable(),
    }),
  ),
  needs: z.array(z.object({ kind: z.enum(REMEDIES), rule: z.enum(RULE_IDS), description: z.string() })),
});
