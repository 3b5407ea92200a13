/**
 * Registering a parcel: its land property and its parcel row in one
 * transaction. The area comes from the boundary, never from the client; the
 * boundary's centroid becomes the property's location, its area the lot
 * area, its district the property's zoning code. The search document is
 * written after the commit (see lib/search/parcel-index.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { UniqueConstraintError } from 'sequelize';
import { parcelArea, polygonCentroid, type Polygon } from '../../../domain/land/geometry';
import { syncParcels } from '../../../lib/search/parcel-index';
import { Parcel, Property, ZoningDistrict } from '../../../models';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError } from '../../problem';
import { idLink, json, link, problems, route } from '../../route';
import { propertyParties } from '../properties';
import { findParcel, parcelDetail } from './access';
import { ParcelCreateDoc, ParcelDoc, SAMPLE_ZONING_CHECK } from './schemas';

/** The largest lot a parcel may be (the property's lot area is at most this). */
const MAX_AREA_SQFT = 1_000_000_000;

export const parcelCreateRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/parcels',
    operationId: 'createParcel',
    tags: ['Land'],
    summary: 'Register a parcel of land',
    description: [
      'Creates a property of type `land` and its parcel in one transaction; the parcel\'s id is the property\'s.',
      'Who may register it, and `ownerId` and `managerId`, follow POST /v1/properties: an owner their own; a manager or an admin names the owner; named users must hold the owner or manager role (or admin), else 422 naming the field.',
      'The area (`areaSqm`, `areaSqft`) is computed from `boundary` on the WGS84 ellipsoid; the boundary\'s centroid becomes the property\'s location; the area its `lotAreaSqft`; `zoningCode` its zoning code. A boundary of more than 1,000,000,000 sqft is 422.',
      '`zoningCode` must be a district of `jurisdiction` (GET /v1/zoning-districts), else 422 naming it.',
      '`apn` is unique in its jurisdiction (compared upper-cased): a second parcel with it is 409.',
      'The parcel is searchable when this answers (unless the search index is unreachable: it is then indexed before the next search).',
    ].join(' '),
    roles: ['admin', 'manager', 'owner'],
    idempotent: true,
    request: { body: { content: { 'application/json': { schema: ParcelCreateDoc } }, required: true } },
    responses: {
      201: {
        ...json(ParcelDoc, 'Created'),
        links: {
          GetParcel: idLink('getParcel', 'Read the parcel'),
          CheckZoning: link('checkParcelZoning', 'Check a proposed use and building against the parcel\'s zoning', { id: '$response.body#/id' }, SAMPLE_ZONING_CHECK),
          GetProperty: idLink('getProperty', 'The parcel\'s land property', '$response.body#/propertyId'),
          UpdateProperty: idLink('updateProperty', 'Change the land property (not what the parcel gives it)', '$response.body#/propertyId'),
          CreateListing: link('createListing', 'List the land for sale (set your own price); a buyer then buys it as any property', undefined, {
            propertyId: '$response.body#/propertyId',
            purpose: 'sale',
            price: { amountMinor: 9_500_000, currency: 'USD' },
          }),
        },
      },
      ...problems(400, 401, 403, 409, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const { db, es, config, logger } = c.get('deps');
    const { ownerId, managerId } = await propertyParties(c.get('principal'), input);
    const district = await ZoningDistrict.findOne({ where: { jurisdiction: input.jurisdiction, code: input.zoningCode } });
    if (!district) throw fieldError('zoningCode', `${input.jurisdiction} has no zoning district ${input.zoningCode}; GET /v1/zoning-districts lists them`);
    const boundary = input.boundary as Polygon;
    const { areaSqm, areaSqft } = parcelArea(boundary);
    if (areaSqft > MAX_AREA_SQFT) throw fieldError('boundary', `encloses ${areaSqft} sqft; a parcel may be at most ${MAX_AREA_SQFT} sqft`);
    const centroid = polygonCentroid(boundary);
    const taken = () => new ApiProblem(409, 'conflict', `a parcel with APN ${input.apn} already exists in ${input.jurisdiction}`);
    if (await Parcel.count({ where: { jurisdiction: input.jurisdiction, apn: input.apn } })) throw taken();
    let propertyId: string;
    try {
      propertyId = await db.transaction(async (transaction) => {
        const property = await Property.create(
          {
            ownerId,
            managerId,
            type: 'land',
            addressLine1: input.address.line1 ?? null,
            addressLine2: input.address.line2 ?? null,
            city: input.address.city,
            region: input.address.region,
            postalCode: input.address.postalCode ?? null,
            country: input.address.country,
            lat: centroid.lat,
            lon: centroid.lon,
            bedrooms: null,
            bathrooms: null,
            livingAreaSqft: null,
            lotAreaSqft: areaSqft,
            yearBuilt: null,
            zoningCode: input.zoningCode,
            neighborhood: input.neighborhood ?? null,
            lateFeePolicy: null,
            externalRef: null,
          },
          { transaction },
        );
        await Parcel.create(
          {
            propertyId: property.id,
            jurisdiction: input.jurisdiction,
            apn: input.apn,
            zoningCode: input.zoningCode,
            boundary,
            areaSqm,
            areaSqft,
            centroidLat: centroid.lat,
            centroidLon: centroid.lon,
            utilities: input.utilities,
            roadAccess: input.roadAccess,
            legalDescription: input.legalDescription,
          },
          { transaction },
        );
        return property.id;
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw taken();
      throw err;
    }
    try {
      await syncParcels(db, es, config.elasticsearch.indexPrefix, { ids: [propertyId] });
    } catch (err) {
      // Saved: the parcel is indexed before the next search.
      logger.warn({ err, parcelId: propertyId }, 'parcel saved; its search document is written before the next search');
    }
    c.header('location', `/v1/parcels/${propertyId}`);
    return c.json(await parcelDetail(db, await findParcel(propertyId)), 201);
  },
);
