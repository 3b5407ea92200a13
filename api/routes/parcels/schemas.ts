/** The parcel routes' documented shapes: the contract's schemas under their OpenAPI names. */
import { z } from '@hono/zod-openapi';
import {
  JurisdictionSchema,
  ParcelCreateSchema,
  ParcelDetailSchema,
  ParcelSearchBodySchema,
  ParcelSearchQuerySchema,
  ParcelSearchResultSchema,
  ZoningCheckRequestSchema,
  ZoningCheckResultSchema,
  ZoningCodeSchema,
  ZoningDistrictPutSchema,
  ZoningDistrictSchema,
} from '../../../contracts/parcel.schema';

export const ParcelCreateDoc = ParcelCreateSchema.openapi('ParcelCreate');
export const ParcelDoc = ParcelDetailSchema.openapi('Parcel');
export const ParcelSearchQueryDoc = ParcelSearchQuerySchema.openapi('ParcelSearchQuery');
export const ParcelSearchBodyDoc = ParcelSearchBodySchema.openapi('ParcelSearch');
export const ParcelSearchResultDoc = ParcelSearchResultSchema.openapi('ParcelSearchResult');
export const ZoningCheckRequestDoc = ZoningCheckRequestSchema.openapi('ZoningCheckRequest');
export const ZoningCheckResultDoc = ZoningCheckResultSchema.openapi('ZoningCheckResult');
export const ZoningDistrictPutDoc = ZoningDistrictPutSchema.openapi('ZoningDistrictPut');
export const ZoningDistrictDoc = ZoningDistrictSchema.openapi('ZoningDistrict');

export const DistrictParams = z.object({ jurisdiction: JurisdictionSchema, code: ZoningCodeSchema });
export const DistrictListQuery = z.object({ jurisdiction: JurisdictionSchema.optional() });

/** A zoning check a generic client may send as is (the link from a new parcel). */
export const SAMPLE_ZONING_CHECK = {
  use: 'single_family_dwelling',
  building: { footprintSqft: 1_800, heightFt: 28, floors: 2, setbacksFt: { front: 30, side: 8, rear: 25 } },
} as const;
