/**
 * The parcels search index, and parcel search.
 *
 * This platform's Elasticsearch (the integ-test distribution) has no
 * `geo_shape` or `shape` field type: those come from the spatial module it
 * leaves out. So a parcel's document keeps its boundary unindexed (in
 * `_source`) beside what core Elasticsearch indexes: its bounding box as four
 * doubles, its centroid as a `geo_point`, its district as a keyword. A search
 * asks Elasticsearch for the parcels whose box overlaps the search's box (and
 * whose district matches), in id order, then keeps those the exact test in
 * domain/land/geometry.ts accepts (polygon intersection, distance to the
 * boundary), reading further pages of candidates until a page of results is
 * full.
 *
 * Documents are written after the parcel's row commits, with the row's
 * version as an external version. A row whose document could not be written
 * (Elasticsearch away) stays behind (`indexed_version < version`) and is
 * written before the next search.
 */
import type { Client } from '@elastic/elasticsearch';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ParcelSearchCriteria } from '../../contracts/parcel.schema';
import {
  bboxAround,
  distanceToPolygonMetres,
  polygonBBox,
  polygonsIntersect,
  type BBox,
  type Polygon,
} from '../../domain/land/geometry';

export function parcelsAlias(prefix: string) {
  return `${prefix}-parcels`;
}

export const PARCELS_MAPPING = {
  dynamic: 'strict',
  properties: {
    propertyId: { type: 'keyword' },
    jurisdiction: { type: 'keyword' },
    apn: { type: 'keyword' },
    zoning: { type: 'keyword' },
    // Kept for the exact test; not indexed (no geo_shape here).
    boundary: { type: 'object', enabled: false },
    centroid: { type: 'geo_point' },
    minLon: { type: 'double' },
    minLat: { type: 'double' },
    maxLon: { type: 'double' },
    maxLat: { type: 'double' },
    areaSqm: { type: 'double' },
    areaSqft: { type: 'long' },
    roadAccess: { type: 'keyword' },
    updatedAt: { type: 'date' },
  },
} as const;

export interface ParcelSearchDoc {
  propertyId: string;
  jurisdiction: string;
  apn: string;
  zoning: string;
  boundary: Polygon;
  centroid: { lat: number; lon: number };
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  areaSqm: number;
  areaSqft: number;
  roadAccess: string;
  updatedAt: string;
}

const errorType = (err: unknown) => (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
const statusOf = (err: unknown) => (err as { meta?: { statusCode?: number } }).meta?.statusCode;

/** Makes sure the alias exists and points at an index (`<prefix>-parcels-v1` the first time). */
export async function ensureParcelsIndex(es: Client, prefix: string) {
  const alias = parcelsAlias(prefix);
  if (await es.indices.existsAlias({ name: alias })) return;
  const index = `${alias}-v1`;
  try {
    await es.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: PARCELS_MAPPING as never });
  } catch (err) {
    if (errorType(err) !== 'resource_already_exists_exception') throw err;
  }
  await es.indices.updateAliases({ actions: [{ add: { index, alias, is_write_index: true } }] });
}

interface ParcelRow {
  property_id: string;
  jurisdiction: string;
  apn: string;
  zoning_code: string;
  boundary: Polygon;
  area_sqm: number | string;
  area_sqft: number;
  centroid_lat: number;
  centroid_lon: number;
  road_access: string;
  version: number;
  updated_at: Date;
}

function toDoc(r: ParcelRow): ParcelSearchDoc {
  return {
    propertyId: r.property_id,
    jurisdiction: r.jurisdiction,
    apn: r.apn,
    zoning: r.zoning_code,
    boundary: r.boundary,
    centroid: { lat: r.centroid_lat, lon: r.centroid_lon },
    ...polygonBBox(r.boundary),
    areaSqm: Number(r.area_sqm),
    areaSqft: r.area_sqft,
    roadAccess: r.road_access,
    updatedAt: r.updated_at.toISOString(),
  };
}

const ROW_SQL = `select property_id, jurisdiction, apn, zoning_code, boundary, area_sqm, area_sqft, centroid_lat, centroid_lon,
                        road_access, version, updated_at from parcels`;

/**
 * Writes the search documents of these parcels (or of up to `limit` parcels
 * whose document is behind) and records the version each now has. Visible to
 * search when this returns. Returns how many were written.
 */
export async function syncParcels(db: Sequelize, es: Client, prefix: string, which: { ids: string[] } | { pending: number }): Promise<number> {
  const rows =
    'ids' in which
      ? await db.query<ParcelRow>(`${ROW_SQL} where property_id = any($1::uuid[])`, { bind: [which.ids], type: QueryTypes.SELECT })
      : await db.query<ParcelRow>(`${ROW_SQL} where indexed_version < version order by property_id limit $1`, { bind: [which.pending], type: QueryTypes.SELECT });
  if (!rows.length) return 0;
  await ensureParcelsIndex(es, prefix);
  const index = parcelsAlias(prefix);
  const operations = rows.flatMap((r) => [{ index: { _index: index, _id: r.property_id, version: r.version, version_type: 'external_gte' } }, toDoc(r)]);
  const res = await es.bulk({ operations, refresh: 'wait_for' });
  const failures: string[] = [];
  const done: { id: string; version: number }[] = [];
  res.items.forEach((item, i) => {
    const op = item.index;
    // 409: the index already has a later version; this row's own is then behind it and counts as written.
    if (!op?.error || op.status === 409) done.push({ id: rows[i]!.property_id, version: rows[i]!.version });
    else failures.push(`${op._id}: ${op.error.type}: ${op.error.reason ?? ''}`);
  });
  if (done.length) {
    await db.query(
      `update parcels p set indexed_version = d.version
         from unnest($1::uuid[], $2::int[]) as d(id, version)
        where p.property_id = d.id and p.indexed_version < d.version`,
      { bind: [done.map((d) => d.id), done.map((d) => d.version)] },
    );
  }
  if (failures.length) throw new Error(`Elasticsearch rejected ${failures.length} parcel document(s): ${failures.slice(0, 5).join('; ')}`);
  return done.length;
}

// ------------------------------------------------------------------------------------------------
// Search

/** Candidates read per Elasticsearch request, and at most per search page (then the page ends early). */
const BATCH = 200;
const MAX_EXAMINED = 5_000;

export interface ParcelSearchHit {
  id: string;
  /** With `near`: metres from the point to the parcel, to the centimetre. */
  distanceM?: number;
}

/** The filter of candidates whose box overlaps `box`. */
function overlaps(box: BBox) {
  return [
    { range: { minLon: { lte: box.maxLon } } },
    { range: { maxLon: { gte: box.minLon } } },
    { range: { minLat: { lte: box.maxLat } } },
    { range: { maxLat: { gte: box.minLat } } },
  ];
}

/**
 * Parcels matching the criteria, in id order: at most `limit`, and where the
 * next page starts (null when the candidates are exhausted). A page may hold
 * fewer than `limit` when 5,000 candidates were read without filling it; the
 * next page goes on from there.
 */
export async function searchParcels(es: Client, prefix: string, criteria: ParcelSearchCriteria): Promise<{ hits: ParcelSearchHit[]; nextAfter: string | null }> {
  const drawn = criteria.intersects as Polygon | undefined;
  const near = criteria.near;
  const filter: object[] = [];
  if (drawn) filter.push(...overlaps(polygonBBox(drawn)));
  if (near) filter.push(...overlaps(bboxAround(near, near.radiusM)));
  if (criteria.zoning) filter.push({ terms: { zoning: criteria.zoning } });
  if (criteria.jurisdiction) filter.push({ term: { jurisdiction: criteria.jurisdiction } });

  const hits: ParcelSearchHit[] = [];
  let after = criteria.after;
  let examined = 0;
  for (;;) {
    let batch: ParcelSearchDoc[];
    try {
      const res = await es.search<ParcelSearchDoc>({
        index: parcelsAlias(prefix),
        size: BATCH,
        track_total_hits: false,
        query: { bool: { filter: [...filter, ...(after ? [{ range: { propertyId: { gt: after } } }] : [])] } },
        sort: [{ propertyId: 'asc' }],
        _source: ['propertyId', 'boundary'],
      });
      batch = res.hits.hits.map((h) => h._source!);
    } catch (err) {
      // No index yet: no parcel has been written.
      if (statusOf(err) === 404 && errorType(err) === 'index_not_found_exception') return { hits: [], nextAfter: null };
      throw err;
    }
    for (const doc of batch) {
      examined++;
      after = doc.propertyId;
      if (drawn && !polygonsIntersect(doc.boundary, drawn)) continue;
      let distanceM: number | undefined;
      if (near) {
        const metres = distanceToPolygonMetres(near, doc.boundary);
        if (metres > near.radiusM) continue;
        distanceM = Math.round(metres * 100) / 100;
      }
      hits.push({ id: doc.propertyId, ...(distanceM !== undefined && { distanceM }) });
      if (hits.length === criteria.limit) return { hits, nextAfter: doc.propertyId };
    }
    if (batch.length < BATCH) return { hits, nextAfter: null };
    if (examined >= MAX_EXAMINED) return { hits, nextAfter: after ?? null };
  }
}
