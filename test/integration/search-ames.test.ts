/**
 * Search correctness on the real Ames sales: geo radius and bounding box,
 * price and bedroom bounds, text, facets, sorting and cursor pagination,
 * each checked against what the CSV itself says.
 */
import { QueryTypes } from 'sequelize';
import { haversineMetres } from '../../domain/geo';
import type { ListingSearchResult } from '../../contracts/listing-search.schema';
import { runListingImport } from '../../clients/listing-import';
import { amesSales, readAmesCsv, type AmesSale } from '../support/ames';
import { createHarness, type Harness } from '../support/harness';

let h: Harness;
let token: string;
let sales: AmesSale[];
/** Listing id -> Ames row id. */
const rowOf = new Map<string, string>();
let source: string;

beforeAll(async () => {
  h = await createHarness('search');
  // The reindex workflow id is global; this file's worker must be the one to run it.
  await h.startWorker();
  token = (await h.user(['buyer'])).token;
  sales = amesSales();
  source = `ames-search-${h.indexPrefix.slice(-8)}`;
  const report = await runListingImport({ client: h.client, taskQueue: h.taskQueue }, { source, format: 'csv', content: readAmesCsv() });
  expect(report.created).toBe(sales.length);
  await h.es.indices.refresh({ index: h.alias });
  const rows = await h.db.query<{ id: string; external_ref: string }>(
    'select id, external_ref from listings where external_ref like $1',
    { bind: [`${source}:%`], type: QueryTypes.SELECT },
  );
  for (const r of rows) rowOf.set(r.id, r.external_ref.slice(source.length + 1));
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function search(params: Record<string, string | number>): Promise<ListingSearchResult> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await h.request(`/v1/search/listings?${qs}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ListingSearchResult;
}

/** Every result of a query, following cursors; checks no page repeats a listing. */
async function searchAll(params: Record<string, string | number>) {
  const all: ListingSearchResult['results'] = [];
  let cursor: string | null = null;
  let first: ListingSearchResult | undefined;
  do {
    const page: ListingSearchResult = await search({ ...params, limit: 100, ...(cursor ? { cursor } : {}) });
    first ??= page;
    all.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
  return { total: first!.total, results: all };
}

const sold = { status: 'sold' };

test('all 2,930 sales are indexed as sold listings; the default search shows only active ones', async () => {
  expect((await search(sold)).total).toBe(sales.length);
  expect((await search({})).total).toBe(0);
});

test('a radius query returns exactly the houses whose great-circle distance is within the radius', async () => {
  const centre = { lat: 42.0308, lon: -93.6319 };
  const distances = sales.map((s) => ({ id: s.id, m: haversineMetres(centre, s) }));
  // Pick a radius with no house within a metre of the boundary, so float rounding cannot decide membership.
  let radiusKm = 1.5;
  while (distances.some((d) => Math.abs(d.m - radiusKm * 1000) < 1)) radiusKm += 0.01;
  const expected = distances.filter((d) => d.m <= radiusKm * 1000).map((d) => d.id).sort();
  expect(expected.length).toBeGreaterThan(100);

  const { total, results } = await searchAll({ ...sold, near: `${centre.lat},${centre.lon}`, radiusKm, sort: 'distance' });
  expect(total).toBe(expected.length);
  expect(results.map((r) => rowOf.get(r.id)).sort()).toEqual(expected);
  for (const r of results) {
    expect(r.distanceKm).toBeLessThanOrEqual(radiusKm);
    expect(Math.abs(r.distanceKm! * 1000 - haversineMetres(centre, r.location))).toBeLessThan(1);
  }
  const ds = results.map((r) => r.distanceKm!);
  expect(ds).toEqual([...ds].sort((a, b) => a - b));
});

test('a bounding box returns exactly the houses inside it', async () => {
  const box = { minLon: -93.66, minLat: 42.01, maxLon: -93.62, maxLat: 42.04 };
  const expected = sales
    .filter((s) => s.lon >= box.minLon && s.lon <= box.maxLon && s.lat >= box.minLat && s.lat <= box.maxLat)
    .map((s) => s.id)
    .sort();
  const { total, results } = await searchAll({ ...sold, bbox: `${box.minLon},${box.minLat},${box.maxLon},${box.maxLat}` });
  expect(total).toBe(expected.length);
  expect(results.map((r) => rowOf.get(r.id)).sort()).toEqual(expected);
});

test('price and bedroom bounds hold and match the data; prices are in major units', async () => {
  const expected = sales.filter((s) => s.price >= 150_000 && s.price <= 250_000 && s.beds >= 3);
  const { total, results } = await searchAll({ ...sold, minPrice: 150000, maxPrice: 250000, minBeds: 3, sort: 'price_asc' });
  expect(total).toBe(expected.length);
  for (const r of results) {
    expect(r.price.amountMinor).toBeGreaterThanOrEqual(15_000_000);
    expect(r.price.amountMinor).toBeLessThanOrEqual(25_000_000);
    expect(r.bedrooms).toBeGreaterThanOrEqual(3);
  }
  const prices = results.map((r) => r.price.amountMinor);
  expect(prices).toEqual([...prices].sort((a, b) => a - b));
});

test('facets add up to the total and match the data', async () => {
  const res = await search({ ...sold, maxPrice: 300000 });
  const inRange = sales.filter((s) => s.price <= 300_000);
  expect(res.total).toBe(inRange.length);
  const sum = (b: { count: number }[]) => b.reduce((n, x) => n + x.count, 0);
  expect(sum(res.facets.type)).toBe(res.total);
  expect(sum(res.facets.bedrooms)).toBe(res.total);
  expect(sum(res.facets.priceBands)).toBe(res.total);
  const threeBeds = inRange.filter((s) => s.beds === 3).length;
  expect(res.facets.bedrooms.find((b) => b.value === '3')?.count).toBe(threeBeds);
  const under100k = inRange.filter((s) => s.price < 100_000).length;
  expect(res.facets.priceBands[0]).toEqual({ from: null, to: { amountMinor: 10_000_000, currency: 'USD' }, count: under100k });
});

test('full text finds the houses with exactly one fireplace', async () => {
  const expected = sales.filter((s) => s.fireplaces === 1).length;
  const res = await search({ ...sold, q: 'fireplace' });
  expect(res.total).toBe(expected);
  expect(res.results.every((r) => r.features.includes('fireplace'))).toBe(true);
});

test('text, filters and geo combine; newest sorts by sale date', async () => {
  const res = await search({ ...sold, q: 'central air', type: 'house', near: '42.03,-93.63', radiusKm: 3, sort: 'newest', limit: 50 });
  expect(res.total).toBeGreaterThan(0);
  const dates = res.results.map((r) => r.closedAt!);
  expect(dates).toEqual([...dates].sort().reverse());
  expect(res.results.every((r) => r.type === 'house' && r.features.includes('central air') && r.distanceKm! <= 3)).toBe(true);
});

test('a full reindex builds a new index from Postgres and swaps the alias with search answering throughout', async () => {
  const admin = await h.user(['admin']);
  const before = Object.keys(await h.es.indices.getAlias({ name: h.alias }));
  const res = await h.request('/v1/admin/search/reindex', { method: 'POST', token: admin.token });
  expect(res.status).toBe(202);
  const { workflowId } = (await res.json()) as { workflowId: string };
  const handle = h.client.workflow.getHandle(workflowId);
  // Searches keep answering, with every listing, while the rebuild runs.
  let done = false;
  const finished = handle.result().finally(() => (done = true));
  let searchesDuring = 0;
  while (!done) {
    expect((await search(sold)).total).toBe(sales.length);
    searchesDuring++;
  }
  const state = (await finished) as { phase: string; index: string; copied: number; dropped: string[] };
  expect(searchesDuring).toBeGreaterThan(0);
  expect(state.phase).toBe('done');
  expect(state.copied).toBeGreaterThanOrEqual(sales.length);
  const after = Object.keys(await h.es.indices.getAlias({ name: h.alias }));
  expect(after).toEqual([state.index]);
  expect(state.dropped).toEqual(before);
  expect(await h.es.indices.exists({ index: before[0]! })).toBe(false);
  expect((await search(sold)).total).toBe(sales.length);
});
