import type { estypes } from '@elastic/elasticsearch';
import { haversineMetres } from '../../domain/geo';
import type { ListingSearchDoc } from '../../domain/listing';
import { ListingSearchQuerySchema } from '../../contracts/listing-search.schema';
import {
  SearchInputError,
  buildListingSearch,
  decodeCursor,
  encodeCursor,
  toSearchResult,
} from '../../lib/search/listing-query';

type Query = estypes.QueryDslQueryContainer;

const q = (input: Record<string, string>) => ListingSearchQuerySchema.parse(input);
const build = (input: Record<string, string>) => buildListingSearch('listings', q(input));

function filtersOf(req: estypes.SearchRequest): Query[] {
  const filter = req.query?.bool?.filter;
  expect(Array.isArray(filter)).toBe(true);
  return filter as Query[];
}

function bandsOf(req: estypes.SearchRequest) {
  return req.aggs!.priceBands!.range!.ranges!;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('buildListingSearch filters', () => {
  it('defaults to active listings in USD, 20 per page, on the given index', () => {
    const req = build({});
    expect(req.index).toBe('listings');
    expect(req.size).toBe(20);
    expect(req.track_total_hits).toBe(true);
    expect(filtersOf(req)).toEqual([{ terms: { status: ['active'] } }, { term: { currency: 'USD' } }]);
    expect(req.query!.bool!.must).toEqual([]);
    expect(req.search_after).toBeUndefined();
  });

  it('takes status, type, purpose and currency from the query', () => {
    const f = filtersOf(build({ status: 'active,sold', type: 'house, condo', purpose: 'sale', currency: 'EUR' }));
    expect(f).toContainEqual({ terms: { status: ['active', 'sold'] } });
    expect(f).toContainEqual({ terms: { type: ['house', 'condo'] } });
    expect(f).toContainEqual({ term: { purpose: 'sale' } });
    expect(f).toContainEqual({ term: { currency: 'EUR' } });
  });

  it('converts price bounds from major to minor units of the currency', () => {
    expect(filtersOf(build({ maxPrice: '250000' }))).toContainEqual({
      range: { priceMinor: { gte: undefined, lte: 25_000_000 } },
    });
    expect(filtersOf(build({ maxPrice: '250000', currency: 'JPY' }))).toContainEqual({
      range: { priceMinor: { gte: undefined, lte: 250_000 } },
    });
    expect(filtersOf(build({ minPrice: '1999.99', maxPrice: '2500' }))).toContainEqual({
      range: { priceMinor: { gte: 199_999, lte: 250_000 } },
    });
  });

  it('has no price filter without bounds', () => {
    expect(filtersOf(build({})).some((f) => f.range?.priceMinor)).toBe(false);
  });

  it('rejects a minPrice with more decimals than USD allows, naming the field', () => {
    const err = thrown(() => build({ minPrice: '100.123' }));
    expect(err).toBeInstanceOf(SearchInputError);
    expect((err as SearchInputError).field).toBe('minPrice');
    expect((err as SearchInputError).name).toBe('SearchInputError');
  });

  it('rejects a decimal maxPrice in JPY, naming the field', () => {
    const err = thrown(() => build({ maxPrice: '100.5', currency: 'JPY' }));
    expect(err).toBeInstanceOf(SearchInputError);
    expect((err as SearchInputError).field).toBe('maxPrice');
  });

  it('adds beds, baths and area ranges', () => {
    const f = filtersOf(build({ minBeds: '3', minBaths: '1.5', minArea: '1000', maxArea: '2500' }));
    expect(f).toContainEqual({ range: { bedrooms: { gte: 3 } } });
    expect(f).toContainEqual({ range: { bathrooms: { gte: 1.5 } } });
    expect(f).toContainEqual({ range: { livingAreaSqft: { gte: 1000, lte: 2500 } } });
  });

  it('filters by arc distance around near when radiusKm is given', () => {
    const f = filtersOf(build({ near: '42.03,-93.62', radiusKm: '2.5' }));
    expect(f).toContainEqual({
      geo_distance: { distance: '2.5km', distance_type: 'arc', location: { lat: 42.03, lon: -93.62 } },
    });
  });

  it('does not filter by distance with near alone', () => {
    expect(filtersOf(build({ near: '42.03,-93.62' })).some((f) => f.geo_distance)).toBe(false);
  });

  it('maps bbox minLon,minLat,maxLon,maxLat to top_left / bottom_right', () => {
    const f = filtersOf(build({ bbox: '-93.7,41.9,-93.5,42.1' }));
    expect(f).toContainEqual({
      geo_bounding_box: {
        location: { top_left: { lat: 42.1, lon: -93.7 }, bottom_right: { lat: 41.9, lon: -93.5 } },
      },
    });
  });

  it('adds a full-text clause for q', () => {
    const must = build({ q: 'fireplace deck' }).query!.bool!.must as Query[];
    expect(must).toHaveLength(1);
    expect(must[0]!.multi_match).toMatchObject({ query: 'fireplace deck', operator: 'and' });
  });
});

describe('buildListingSearch sort', () => {
  it('sorts by relevance with q and tracks scores', () => {
    const req = build({ q: 'pool' });
    expect(req.sort).toEqual([{ _score: { order: 'desc' } }, { id: { order: 'asc' } }]);
    expect(req.track_scores).toBe(true);
  });

  it('sorts newest first without q', () => {
    const req = build({});
    const sort = req.sort as estypes.SortCombinations[];
    expect(sort.map((s) => Object.keys(s as object)[0])).toEqual(['listedAt', 'closedAt', 'createdAt', 'id']);
    expect(sort[0]).toMatchObject({ listedAt: { order: 'desc' } });
    expect(sort[2]).toMatchObject({ createdAt: { order: 'desc' } });
    expect(sort[sort.length - 1]).toEqual({ id: { order: 'asc' } });
    expect(req.track_scores).toBe(false);
  });

  it('honours an explicit sort even with q', () => {
    expect(build({ q: 'pool', sort: 'price_asc' }).sort).toEqual([{ priceMinor: { order: 'asc' } }, { id: { order: 'asc' } }]);
    expect(build({ sort: 'price_desc' }).sort).toEqual([{ priceMinor: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('sorts by arc distance from near in km', () => {
    expect(build({ near: '42.03,-93.62', sort: 'distance' }).sort).toEqual([
      { _geo_distance: { location: { lat: 42.03, lon: -93.62 }, order: 'asc', unit: 'km', distance_type: 'arc' } },
      { id: { order: 'asc' } },
    ]);
  });
});

describe('buildListingSearch price bands', () => {
  it.each<[string, Record<string, string>]>([
    ['sale USD', {}],
    ['rent USD', { purpose: 'rent' }],
    ['sale JPY', { currency: 'JPY' }],
  ])('are contiguous and open at both ends (%s)', (_label, input) => {
    const bands = bandsOf(build(input));
    expect(bands.length).toBeGreaterThan(2);
    expect(bands[0]!.from).toBeUndefined();
    expect(bands[0]!.to).toBeDefined();
    expect(bands[bands.length - 1]!.to).toBeUndefined();
    expect(bands[bands.length - 1]!.from).toBeDefined();
    for (let i = 1; i < bands.length; i++) {
      expect(bands[i]!.from).toBe(bands[i - 1]!.to);
      if (bands[i]!.to !== undefined) expect(Number(bands[i]!.to)).toBeGreaterThan(Number(bands[i]!.from));
    }
  });

  it('uses sale edges in minor units of the currency', () => {
    const usd = bandsOf(build({}));
    expect(usd[0]).toEqual({ to: 10_000_000 });
    expect(usd[usd.length - 1]).toEqual({ from: 100_000_000 });
    const jpy = bandsOf(build({ currency: 'JPY' }));
    expect(jpy[0]).toEqual({ to: 100_000 });
  });

  it('uses different, monthly-rent edges for rentals', () => {
    const sale = bandsOf(build({ purpose: 'sale' }));
    const rent = bandsOf(build({ purpose: 'rent' }));
    expect(rent).not.toEqual(sale);
    expect(rent[0]).toEqual({ to: 100_000 }); // 1,000 USD a month
    expect(Number(rent[rent.length - 1]!.from)).toBeLessThan(Number(sale[1]!.from));
  });
});

describe('cursors', () => {
  it('round-trips sort values', () => {
    const values = ['2024-05-01', null, 1714521600000, 'a3f0c2e4-0000-4000-8000-000000000000'];
    expect(decodeCursor(encodeCursor('newest', values), 'newest')).toEqual(values);
    expect(decodeCursor(encodeCursor('price_asc', [21_500_000, 'x']), 'price_asc')).toEqual([21_500_000, 'x']);
  });

  it('makes URL-safe cursors', () => {
    const cursor = encodeCursor('relevance', [1.2345, 'x/y+z?']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects a cursor from another sort', () => {
    const err = thrown(() => decodeCursor(encodeCursor('newest', [1, 'a']), 'price_asc'));
    expect(err).toBeInstanceOf(SearchInputError);
    expect((err as SearchInputError).field).toBe('cursor');
  });

  it.each(['garbage', '!!!', '', Buffer.from('{"s":"newest","v":"nope"}').toString('base64url'), Buffer.from('[]').toString('base64url')])(
    'rejects the malformed cursor %j',
    (cursor) => {
      const err = thrown(() => decodeCursor(cursor, 'newest'));
      expect(err).toBeInstanceOf(SearchInputError);
      expect((err as SearchInputError).field).toBe('cursor');
    },
  );

  it('passes a matching cursor on as search_after', () => {
    const cursor = encodeCursor('price_desc', [100, 'id-1']);
    expect(build({ sort: 'price_desc', cursor }).search_after).toEqual([100, 'id-1']);
  });

  it('refuses a cursor from another sort in the query, naming cursor', () => {
    const cursor = encodeCursor('newest', [1, 'id-1']);
    // With q the effective sort is relevance, so a cursor from a newest-sorted page does not fit.
    const err = thrown(() => build({ q: 'pool', cursor }));
    expect(err).toBeInstanceOf(SearchInputError);
    expect((err as SearchInputError).field).toBe('cursor');
  });
});

describe('toSearchResult', () => {
  const doc = (id: string, over: Partial<ListingSearchDoc> = {}): ListingSearchDoc => ({
    id,
    propertyId: '5b0e9a8c-1d2f-4a3b-8c4d-5e6f7a8b9c0d',
    unitId: null,
    purpose: 'sale',
    status: 'active',
    type: 'house',
    priceMinor: 21_500_000,
    currency: 'USD',
    bedrooms: 3,
    bathrooms: 2,
    livingAreaSqft: 1656,
    lotAreaSqft: 31770,
    yearBuilt: 1960,
    location: { lat: 42.054035, lon: -93.619754 },
    address: '1 Main St, Ames, IA',
    city: 'Ames',
    region: 'IA',
    postalCode: null,
    neighborhood: 'North Ames',
    description: 'one story house',
    features: ['deck'],
    listedAt: '2024-05-01',
    closedAt: null,
    soldPriceMinor: null,
    createdAt: '2024-05-01T00:00:00.000Z',
    updatedAt: '2024-05-01T00:00:00.000Z',
    ...over,
  });

  const response = (docs: ListingSearchDoc[], total = 57): estypes.SearchResponse<ListingSearchDoc> => ({
    took: 7,
    timed_out: false,
    _shards: { total: 1, successful: 1, failed: 0 },
    hits: {
      total: { value: total, relation: 'eq' },
      max_score: null,
      hits: docs.map((d, i) => ({ _index: 'listings', _id: d.id, _score: null, _source: d, sort: [21_500_000 + i, d.id] })),
    },
    aggregations: {
      type: { buckets: [{ key: 'house', doc_count: 40 }, { key: 'condo', doc_count: 17 }] },
      bedrooms: { buckets: [{ key: -1, doc_count: 2 }, { key: 2, doc_count: 20 }, { key: 3, doc_count: 35 }] },
      priceBands: {
        buckets: [
          { key: '*-10000000.0', to: 10_000_000, doc_count: 5 },
          { key: '10000000.0-20000000.0', from: 10_000_000, to: 20_000_000, doc_count: 50 },
          { key: '20000000.0-*', from: 20_000_000, doc_count: 2 },
        ],
      },
    } as unknown as estypes.SearchResponse['aggregations'],
  });

  const idA = '0b6d2f7e-5c3a-4e1b-9f8d-7a6c5b4e3d2a';
  const idB = '1c7e3a8f-6d4b-4f2c-8a9e-8b7d6c5f4e3b';

  it('maps hits to results with their price as Money and the totals and took', () => {
    const query = q({ sort: 'price_asc', limit: '5' });
    const out = toSearchResult(query, response([doc(idA), doc(idB, { priceMinor: 250_000, currency: 'USD', bedrooms: null })]));
    expect(out.total).toBe(57);
    expect(out.tookMs).toBe(7);
    expect(out.results).toHaveLength(2);
    expect(out.results[0]).toMatchObject({
      id: idA,
      price: { amountMinor: 21_500_000, currency: 'USD' },
      bedrooms: 3,
      neighborhood: 'North Ames',
      score: null,
    });
    expect(out.results[1]!.price).toEqual({ amountMinor: 250_000, currency: 'USD' });
    expect(out.results[1]!.bedrooms).toBeNull();
    // Fields the API does not expose stay out.
    expect(out.results[0]).not.toHaveProperty('soldPriceMinor');
    expect(out.results[0]).not.toHaveProperty('distanceKm');
  });

  it('adds distanceKm from near, rounded to the metre', () => {
    const query = q({ near: '42.03,-93.62', sort: 'distance', limit: '5' });
    const out = toSearchResult(query, response([doc(idA)]));
    const metres = haversineMetres({ lat: 42.03, lon: -93.62 }, { lat: 42.054035, lon: -93.619754 });
    expect(out.results[0]!.distanceKm).toBe(Math.round(metres) / 1000);
    expect(out.results[0]!.distanceKm).toBeCloseTo(2.673, 2);
  });

  it('builds facets: bedrooms key -1 becomes "unknown", price bands become Money in the query currency', () => {
    const out = toSearchResult(q({}), response([doc(idA)]));
    expect(out.facets.type).toEqual([{ value: 'house', count: 40 }, { value: 'condo', count: 17 }]);
    expect(out.facets.bedrooms).toEqual([
      { value: 'unknown', count: 2 },
      { value: '2', count: 20 },
      { value: '3', count: 35 },
    ]);
    expect(out.facets.priceBands).toEqual([
      { from: null, to: { amountMinor: 10_000_000, currency: 'USD' }, count: 5 },
      {
        from: { amountMinor: 10_000_000, currency: 'USD' },
        to: { amountMinor: 20_000_000, currency: 'USD' },
        count: 50,
      },
      { from: { amountMinor: 20_000_000, currency: 'USD' }, to: null, count: 2 },
    ]);
  });

  it('gives a nextCursor only when the page is full, built from the last hit\'s sort values', () => {
    const query = q({ sort: 'price_asc', limit: '2' });
    const full = toSearchResult(query, response([doc(idA), doc(idB)]));
    expect(full.nextCursor).not.toBeNull();
    expect(decodeCursor(full.nextCursor!, 'price_asc')).toEqual([21_500_001, idB]);
    // The cursor feeds the next request.
    expect(buildListingSearch('listings', q({ sort: 'price_asc', limit: '2', cursor: full.nextCursor! })).search_after).toEqual([
      21_500_001,
      idB,
    ]);

    const partial = toSearchResult(query, response([doc(idA)]));
    expect(partial.nextCursor).toBeNull();
    const empty = toSearchResult(query, response([], 0));
    expect(empty.nextCursor).toBeNull();
    expect(empty.results).toEqual([]);
    expect(empty.total).toBe(0);
  });

  it('accepts a numeric hits.total and a response without aggregations', () => {
    const res = response([doc(idA)]);
    const out = toSearchResult(q({}), { ...res, hits: { ...res.hits, total: 3 }, aggregations: undefined });
    expect(out.total).toBe(3);
    expect(out.facets).toEqual({ type: [], bedrooms: [], priceBands: [] });
  });
});

describe('ListingSearchQuerySchema', () => {
  const issuesOf = (input: Record<string, string>) => {
    const r = ListingSearchQuerySchema.safeParse(input);
    expect(r.success).toBe(false);
    // The top-level field each problem is about (a csv list reports "status.0" and so on).
    return r.error!.issues.map((i) => String(i.path[0]));
  };

  it('applies defaults and parses near and bbox', () => {
    const parsed = q({ near: '42.03,-93.62', bbox: '-93.7,41.9,-93.5,42.1' });
    expect(parsed.currency).toBe('USD');
    expect(parsed.limit).toBe(20);
    expect(parsed.near).toEqual({ lat: 42.03, lon: -93.62 });
    expect(parsed.bbox).toEqual({ minLon: -93.7, minLat: 41.9, maxLon: -93.5, maxLat: 42.1 });
  });

  it('rejects radiusKm without near', () => {
    expect(issuesOf({ radiusKm: '5' })).toContain('radiusKm');
  });

  it('rejects sort=distance without near', () => {
    expect(issuesOf({ sort: 'distance' })).toContain('sort');
  });

  it('rejects minArea above maxArea', () => {
    expect(issuesOf({ minArea: '3000', maxArea: '1000' })).toContain('maxArea');
    expect(ListingSearchQuerySchema.safeParse({ minArea: '1000', maxArea: '1000' }).success).toBe(true);
  });

  it('rejects minPrice above maxPrice', () => {
    expect(issuesOf({ minPrice: '500000', maxPrice: '100000' })).toContain('maxPrice');
  });

  it('rejects non-public statuses such as draft', () => {
    expect(issuesOf({ status: 'draft' })).toContain('status');
    expect(issuesOf({ status: 'active,withdrawn' })).toContain('status');
  });

  it.each(['abc', '42.03', '42.03,', '91,0', '0,181', '42.03;-93.62'])('rejects near=%j', (near) => {
    expect(issuesOf({ near })).toContain('near');
  });

  it('rejects malformed bbox, negative prices, unknown currency and limits out of range', () => {
    expect(issuesOf({ bbox: '1,2,3' })).toContain('bbox');
    expect(issuesOf({ bbox: '-93.7,42.1,-93.5,41.9' })).toContain('bbox');
    expect(issuesOf({ minPrice: '-5' })).toContain('minPrice');
    expect(issuesOf({ currency: 'BTC' })).toContain('currency');
    expect(issuesOf({ limit: '0' })).toContain('limit');
    expect(issuesOf({ limit: '101' })).toContain('limit');
  });
});
