/**
 * Creating or changing a listing indexes it through Temporal. With
 * Elasticsearch unreachable the write still succeeds; the indexing workflow
 * retries and the listing becomes searchable once Elasticsearch is back.
 */
import { Client, Connection } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import { createApp } from '../../api/app';
import { listingIndexingWorkflowId } from '../../contracts/search';
import { createHarness, eventually, type Harness } from '../support/harness';
import { startTcpProxy } from '../support/tcp-proxy';

let h: Harness;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let owner: Awaited<ReturnType<Harness['user']>>;
let propertyId: string;

beforeAll(async () => {
  h = await createHarness('indexing');
  const es = new URL(h.config.elasticsearch.url);
  proxy = await startTcpProxy({ host: es.hostname, port: Number(es.port) });
  await h.startWorker({ esUrl: proxy.url });
  owner = await h.user(['owner']);
  const res = await h.request('/v1/properties', {
    method: 'POST',
    token: owner.token,
    json: {
      address: { line1: '12 Quillfeather Lane', city: 'Ames', region: 'IA', postalCode: '50010', country: 'US' },
      location: { lat: 42.03, lon: -93.62 },
      type: 'condo',
      bedrooms: 2,
      bathrooms: 1.5,
      livingAreaSqft: 1100,
    },
  });
  expect(res.status).toBe(201);
  propertyId = ((await res.json()) as { id: string }).id;
});

afterAll(async () => {
  proxy?.close();
  await h?.close();
});

async function searchIds(token: string, q: string): Promise<{ id: string; price: { amountMinor: number } }[]> {
  const res = await h.request(`/v1/search/listings?q=${encodeURIComponent(q)}`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { id: string; price: { amountMinor: number } }[] }).results;
}

async function createListing(description: string, amountMinor: number) {
  const res = await h.request('/v1/listings', {
    method: 'POST',
    token: owner.token,
    json: { propertyId, purpose: 'sale', status: 'active', price: { amountMinor, currency: 'USD' }, description },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; version: number };
}

test('a new listing becomes searchable through the indexing workflow', async () => {
  const listing = await createListing('Sunny zephyrine corner condo', 18_500_000);
  const hits = await eventually(async () => {
    const r = await searchIds(owner.token, 'zephyrine');
    return r.length ? r : undefined;
  }, 30_000, 'the listing to be searchable');
  expect(hits.map((r) => r.id)).toEqual([listing.id]);
  const description = await h.client.workflow.getHandle(listingIndexingWorkflowId(listing.id)).describe();
  expect(description.searchAttributes.ListingId).toEqual([listing.id]);
});

test('writes succeed while Elasticsearch is down and are indexed once it is back', async () => {
  const first = await createListing('Quiet marigoldia townhouse', 21_000_000);
  await eventually(async () => (await searchIds(owner.token, 'marigoldia')).length === 1, 30_000, 'first index');

  await proxy.cut();
  const patched = await h.request(`/v1/listings/${first.id}`, {
    method: 'PATCH',
    token: owner.token,
    json: { price: { amountMinor: 19_900_000, currency: 'USD' } },
  });
  expect(patched.status).toBe(200);
  const second = await createListing('Bright marigoldia loft', 25_000_000);

  // The indexing workflow for the new listing is retrying its activity, not failing.
  const handle = h.client.workflow.getHandle(listingIndexingWorkflowId(second.id));
  await eventually(async () => {
    const d = await handle.describe();
    return d.raw.pendingActivities?.some((a) => (a.attempt ?? 0) >= 2) ? true : undefined;
  }, 30_000, 'a retried indexing attempt');
  const during = await searchIds(owner.token, 'marigoldia');
  expect(during.map((r) => r.id)).toEqual([first.id]);
  expect(during[0]!.price.amountMinor).toBe(21_000_000);

  await proxy.restore();
  const after = await eventually(async () => {
    const r = await searchIds(owner.token, 'marigoldia');
    const updated = r.find((x) => x.id === first.id)?.price.amountMinor === 19_900_000;
    return r.length === 2 && updated ? r : undefined;
  }, 60_000, 'both changes to reach the index');
  expect(after.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
});

test('a listing written while Temporal is unreachable is saved, and the outbox sweep indexes it later', async () => {
  // An API whose Temporal client points at a port where nothing listens.
  const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  const offline = createApp({ ...h.deps, temporal: new Client({ connection: deadConnection, namespace: h.config.temporal.namespace }) });
  const res = await offline.request('/v1/listings', {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      propertyId,
      purpose: 'rent',
      status: 'active',
      price: { amountMinor: 160_000, currency: 'USD' },
      description: 'Cosy wintergreenish studio',
    }),
  });
  expect(res.status).toBe(201);
  const listing = (await res.json()) as { id: string };
  const [pending] = await h.db.query<{ n: number }>('select count(*)::int as n from listing_index_outbox where listing_id = $1', {
    bind: [listing.id],
    type: QueryTypes.SELECT,
  });
  expect(pending!.n).toBe(1);
  expect(await searchIds(owner.token, 'wintergreenish')).toEqual([]);

  // What the schedule runs every minute; zero minimum age so the test need not wait.
  const swept = await h.client.workflow.execute('searchOutboxSweepWorkflow', {
    workflowId: `outbox-sweep-${listing.id}`,
    taskQueue: h.taskQueue,
    args: [0],
  });
  expect((swept as { redriven: number }).redriven).toBeGreaterThanOrEqual(1);
  const hits = await eventually(async () => {
    const r = await searchIds(owner.token, 'wintergreenish');
    return r.length ? r : undefined;
  }, 30_000, 'the swept listing to be searchable');
  expect(hits.map((x) => x.id)).toEqual([listing.id]);
  await deadConnection.close().catch(() => undefined);
});
