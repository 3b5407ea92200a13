/**
 * Reading parcels: one by id, and search — by a drawn polygon (POST
 * /v1/parcels/search, the polygon is JSON), by distance and by zoning (either
 * route). Results come in id order, a page at a time, read from Postgres once
 * the search has found them.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ParcelSearchCriteria } from '../../../contracts/parcel.schema';
import { searchParcels, syncParcels } from '../../../lib/search/parcel-index';
import type { AppEnv } from '../../deps';
import { ApiProblem } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { findParcel, loadParcels, parcelDetail, parcelToApi } from './access';
import { ParcelDoc, ParcelSearchBodyDoc, ParcelSearchQueryDoc, ParcelSearchResultDoc } from './schemas';

const PUBLIC = 'Parcels are public records: any authenticated user reads them.';
const SEARCH_RULES = [
  'Criteria combine (all must hold); none lists every parcel.',
  '`near` matches a parcel when any point of it lies within the radius (distance to its nearest edge, 0 inside it), measured on the mean-radius sphere; each result then carries `distanceM`.',
  'Results come in id order; pass `nextAfter` as `after` for the next page. A page may hold fewer than `limit` results (even none) while `nextAfter` is set: the search stops after reading 5,000 candidates; go on from `nextAfter`.',
];

/** Pending search documents first (a parcel saved while the index was away), then the search. */
async function search(c: Context<AppEnv>, criteria: ParcelSearchCriteria) {
  const { db, es, config, logger } = c.get('deps');
  const prefix = config.elasticsearch.indexPrefix;
  try {
    await syncParcels(db, es, prefix, { pending: 100 });
  } catch (err) {
    logger.warn({ err }, 'parcels left unindexed; retried before the next search');
  }
  let found: Awaited<ReturnType<typeof searchParcels>>;
  try {
    found = await searchParcels(es, prefix, criteria);
  } catch (err) {
    logger.error({ err }, 'parcel search failed');
    throw new ApiProblem(503, 'service-unavailable', 'search is unavailable right now; try again shortly');
  }
  const records = await loadParcels(found.hits.map((h) => h.id));
  const items = found.hits.flatMap((h) => {
    const record = records.get(h.id);
    return record ? [{ ...parcelToApi(record), ...(h.distanceM !== undefined && { distanceM: h.distanceM }) }] : [];
  });
  return c.json({ items, nextAfter: found.nextAfter }, 200);
}

export const parcelReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/parcels/{id}',
      operationId: 'getParcel',
      tags: ['Land'],
      summary: 'Get a parcel',
      description: `${PUBLIC} With its district, the date of that zoning data, and its ownership chain. An id that is no parcel's is 404.`,
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(ParcelDoc, 'The parcel'), ...problems(401, 404, 422) },
    }),
    async (c) => c.json(await parcelDetail(c.get('deps').db, await findParcel(c.req.valid('param').id)), 200),
  )
  .openapi(
    route({
      method: 'get',
      path: '/parcels',
      operationId: 'listParcels',
      tags: ['Land'],
      summary: 'Search parcels by distance and zoning',
      description: [PUBLIC, 'By a drawn polygon: POST /v1/parcels/search.', '`near` and `radiusM` go together, else 422 naming the missing one.', ...SEARCH_RULES].join(' '),
      roles: 'any',
      request: { query: ParcelSearchQueryDoc },
      responses: { 200: json(ParcelSearchResultDoc, 'A page of parcels, by id'), ...problems(401, 422, 503) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return search(c, {
        ...(q.near && q.radiusM !== undefined && { near: { ...q.near, radiusM: q.radiusM } }),
        ...(q.zoning && { zoning: q.zoning }),
        ...(q.jurisdiction && { jurisdiction: q.jurisdiction }),
        limit: q.limit,
        ...(q.after && { after: q.after }),
      });
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/parcels/search',
      operationId: 'searchParcels',
      tags: ['Land'],
      summary: 'Search parcels by a drawn polygon, distance and zoning',
      description: [
        PUBLIC,
        '`intersects` matches a parcel sharing at least one point with the polygon (touching counts); the polygon follows the rules of a parcel\'s boundary, and a problem names its position (`intersects.coordinates.0.3`).',
        ...SEARCH_RULES,
      ].join(' '),
      roles: 'any',
      request: { body: { content: { 'application/json': { schema: ParcelSearchBodyDoc } }, required: true } },
      responses: { 200: json(ParcelSearchResultDoc, 'A page of parcels, by id'), ...problems(400, 401, 415, 422, 503) },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return search(c, {
        ...(b.intersects && { intersects: b.intersects }),
        ...(b.near && { near: b.near }),
        ...(b.zoning && { zoning: b.zoning }),
        ...(b.jurisdiction && { jurisdiction: b.jurisdiction }),
        limit: b.limit,
        ...(b.after && { after: b.after }),
      });
    },
  );
