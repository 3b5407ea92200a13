/**
 * Turns a validated search request into an Elasticsearch query and the
 * response back into the API's shape. Pure, so its rules are unit-tested
 * without a cluster; the search route runs it against the real one.
 */
import type { estypes } from '@elastic/elasticsearch';
import { haversineMetres } from '../../domain/geo';
import type { ListingSearchDoc } from '../../domain/listing';
import type { ListingSearchQuery, ListingSearchResult, SearchSort } from '../../contracts/listing-search.schema';
import { currencyExponent, majorToMinor, type Currency } from '../../domain/money';

export class SearchInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SearchInputError';
  }
}

/** Band edges in major units: sale prices, and monthly rents. */
const SALE_BANDS = [100_000, 200_000, 300_000, 500_000, 1_000_000];
const RENT_BANDS = [1_000, 1_500, 2_000, 3_000, 5_000];

function bandEdges(query: ListingSearchQuery): number[] {
  const scale = 10 ** currencyExponent(query.currency);
  return (query.purpose === 'rent' ? RENT_BANDS : SALE_BANDS).map((e) => e * scale);
}

function effectiveSort(query: ListingSearchQuery): SearchSort {
  return query.sort ?? (query.q ? 'relevance' : 'newest');
}

function sortClause(query: ListingSearchQuery): estypes.SortCombinations[] {
  const tiebreak: estypes.SortCombinations = { id: { order: 'asc' } };
  switch (effectiveSort(query)) {
    case 'relevance':
      return [{ _score: { order: 'desc' } }, tiebreak];
    case 'price_asc':
      return [{ priceMinor: { order: 'asc' } }, tiebreak];
    case 'price_desc':
      return [{ priceMinor: { order: 'desc' } }, tiebreak];
    case 'newest':
      // A missing date sorts as the epoch rather than `_last`, whose sort value
      // (Long.MIN_VALUE) cannot round-trip through a JSON cursor exactly.
      return [
        { listedAt: { order: 'desc', missing: 0 } },
        { closedAt: { order: 'desc', missing: 0 } },
        { createdAt: { order: 'desc' } },
        tiebreak,
      ];
    case 'distance':
      return [
        { _geo_distance: { location: query.near!, order: 'asc', unit: 'km', distance_type: 'arc' } },
        tiebreak,
      ];
  }
}

function priceBound(value: string | undefined, field: 'minPrice' | 'maxPrice', currency: Currency) {
  if (value === undefined) return undefined;
  const minor = majorToMinor(value, currency);
  if (minor === undefined) {
    throw new SearchInputError(field, `has more decimals than ${currency} allows, or is too large`);
  }
  return minor;
}

const HIT_FIELDS = [
  'id', 'propertyId', 'unitId', 'purpose', 'status', 'type', 'priceMinor', 'currency', 'bedrooms', 'bathrooms',
  'livingAreaSqft', 'yearBuilt', 'location', 'address', 'neighborhood', 'description', 'features', 'listedAt', 'closedAt',
] as const satisfies readonly (keyof ListingSearchDoc)[];

export function encodeCursor(sort: SearchSort, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: sort, v: values })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: SearchSort): estypes.SortResults {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; v?: unknown };
    if (parsed.s !== sort || !Array.isArray(parsed.v)) throw new Error('mismatch');
    return parsed.v as estypes.SortResults;
  } catch {
    throw new SearchInputError('cursor', 'is not a cursor from this search; start again without it');
  }
}

export function buildListingSearch(index: string, query: ListingSearchQuery): estypes.SearchRequest {
  const filter: estypes.QueryDslQueryContainer[] = [
    { terms: { status: query.status ?? ['active'] } },
    { term: { currency: query.currency } },
  ];
  if (query.purpose) filter.push({ term: { purpose: query.purpose } });
  if (query.type) filter.push({ terms: { type: query.type } });
  const minPrice = priceBound(query.minPrice, 'minPrice', query.currency);
  const maxPrice = priceBound(query.maxPrice, 'maxPrice', query.currency);
  if (minPrice !== undefined || maxPrice !== undefined) {
    filter.push({ range: { priceMinor: { gte: minPrice, lte: maxPrice } } });
  }
  if (query.minBeds !== undefined) filter.push({ range: { bedrooms: { gte: query.minBeds } } });
  if (query.minBaths !== undefined) filter.push({ range: { bathrooms: { gte: query.minBaths } } });
  if (query.minArea !== undefined || query.maxArea !== undefined) {
    filter.push({ range: { livingAreaSqft: { gte: query.minArea, lte: query.maxArea } } });
  }
  if (query.near && query.radiusKm !== undefined) {
    filter.push({
      geo_distance: { distance: `${query.radiusKm}km`, distance_type: 'arc', location: query.near },
    });
  }
  if (query.bbox) {
    const b = query.bbox;
    filter.push({
      geo_bounding_box: {
        location: { top_left: { lat: b.maxLat, lon: b.minLon }, bottom_right: { lat: b.minLat, lon: b.maxLon } },
      },
    });
  }
  const must: estypes.QueryDslQueryContainer[] = query.q
    ? [
        {
          multi_match: {
            query: query.q,
            type: 'cross_fields',
            operator: 'and',
            fields: ['description', 'features^2', 'neighborhood^3', 'address^2', 'city'],
          },
        },
      ]
    : [];
  const edges = bandEdges(query);
  const ranges = [
    { to: edges[0] },
    ...edges.slice(1).map((to, i) => ({ from: edges[i], to })),
    { from: edges[edges.length - 1] },
  ];
  const sort = effectiveSort(query);
  return {
    index,
    track_total_hits: true,
    size: query.limit,
    // Only what a hit shows: less to serialise, send and parse.
    _source: { includes: [...HIT_FIELDS] },
    query: { bool: { filter, must } },
    sort: sortClause(query),
    track_scores: sort === 'relevance',
    search_after: query.cursor ? decodeCursor(query.cursor, sort) : undefined,
    aggs: {
      type: { terms: { field: 'type', size: 20 } },
      bedrooms: { terms: { field: 'bedrooms', size: 100, missing: -1, order: { _key: 'asc' } } },
      priceBands: { range: { field: 'priceMinor', ranges } },
    },
  };
}

interface Bucket {
  key: string | number;
  doc_count: number;
  from?: number;
  to?: number;
}

export function toSearchResult(
  query: ListingSearchQuery,
  res: estypes.SearchResponse<ListingSearchDoc>,
): ListingSearchResult {
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  const hits = res.hits.hits;
  const aggs = (res.aggregations ?? {}) as Record<string, { buckets: Bucket[] }>;
  const money = (amountMinor: number | undefined) =>
    amountMinor === undefined ? null : { amountMinor, currency: query.currency };
  const last = hits[hits.length - 1];
  return {
    total,
    results: hits.map((h) => {
      const d = h._source!;
      return {
        id: d.id,
        propertyId: d.propertyId,
        unitId: d.unitId,
        purpose: d.purpose,
        status: d.status,
        type: d.type,
        price: { amountMinor: d.priceMinor, currency: d.currency },
        bedrooms: d.bedrooms,
        bathrooms: d.bathrooms,
        livingAreaSqft: d.livingAreaSqft,
        yearBuilt: d.yearBuilt,
        location: d.location,
        address: d.address,
        neighborhood: d.neighborhood,
        description: d.description,
        features: d.features,
        listedAt: d.listedAt,
        closedAt: d.closedAt,
        ...(query.near ? { distanceKm: Math.round(haversineMetres(query.near, d.location)) / 1000 } : {}),
        score: h._score ?? null,
      };
    }),
    facets: {
      type: (aggs.type?.buckets ?? []).map((b) => ({ value: String(b.key), count: b.doc_count })),
      bedrooms: (aggs.bedrooms?.buckets ?? []).map((b) => ({
        value: b.key === -1 ? 'unknown' : String(b.key),
        count: b.doc_count,
      })),
      priceBands: (aggs.priceBands?.buckets ?? []).map((b) => ({
        from: money(b.from),
        to: money(b.to),
        count: b.doc_count,
      })),
    },
    nextCursor: last && hits.length === query.limit && last.sort ? encodeCursor(effectiveSort(query), last.sort) : null,
    tookMs: res.took,
  };
}
