/**
 * The listings search index: its mapping, the alias readers and writers go
 * through, and how a listing row becomes a search document. The alias lets a
 * full reindex build a new index and swap it in with no downtime.
 */
import type { Client } from '@elastic/elasticsearch';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ListingSearchDoc } from '../../domain/listing';

export function listingsAlias(prefix: string) {
  return `${prefix}-listings`;
}

export function newListingsIndexName(prefix: string, stamp: string) {
  return `${prefix}-listings-${stamp}`;
}

export const LISTINGS_MAPPING = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    propertyId: { type: 'keyword' },
    unitId: { type: 'keyword' },
    purpose: { type: 'keyword' },
    status: { type: 'keyword' },
    type: { type: 'keyword' },
    priceMinor: { type: 'long' },
    currency: { type: 'keyword' },
    bedrooms: { type: 'integer' },
    bathrooms: { type: 'float' },
    livingAreaSqft: { type: 'integer' },
    lotAreaSqft: { type: 'long' },
    yearBuilt: { type: 'integer' },
    location: { type: 'geo_point' },
    address: { type: 'text' },
    city: { type: 'text', fields: { raw: { type: 'keyword' } } },
    region: { type: 'keyword' },
    postalCode: { type: 'keyword' },
    neighborhood: { type: 'text', fields: { raw: { type: 'keyword' } } },
    description: { type: 'text' },
    features: { type: 'text', fields: { raw: { type: 'keyword' } } },
    listedAt: { type: 'date', format: 'strict_date' },
    closedAt: { type: 'date', format: 'strict_date' },
    soldPriceMinor: { type: 'long' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' },
  },
} as const;

export const LISTINGS_SETTINGS = {
  number_of_shards: 1,
  number_of_replicas: 0, // a single node; production sets replicas per cluster
  refresh_interval: '1s',
};

/** Creates an index with the listings mapping. */
export async function createListingsIndex(es: Client, index: string) {
  await es.indices.create({ index, settings: LISTINGS_SETTINGS, mappings: LISTINGS_MAPPING as never });
}

/** Makes sure the alias exists and points at an index; creates the first one if not. */
export async function ensureListingsIndex(es: Client, prefix: string) {
  const alias = listingsAlias(prefix);
  if (await es.indices.existsAlias({ name: alias })) return;
  const index = newListingsIndexName(prefix, 'v1');
  try {
    await createListingsIndex(es, index);
  } catch (err) {
    if (!isResourceExists(err)) throw err;
  }
  await es.indices.updateAliases({ actions: [{ add: { index, alias, is_write_index: true } }] });
}

/** The concrete indices behind the alias. */
export async function indicesBehindAlias(es: Client, prefix: string): Promise<string[]> {
  const alias = listingsAlias(prefix);
  if (!(await es.indices.existsAlias({ name: alias }))) return [];
  return Object.keys(await es.indices.getAlias({ name: alias }));
}

function isResourceExists(err: unknown) {
  return (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type === 'resource_already_exists_exception';
}

interface ListingRow {
  id: string;
  property_id: string;
  unit_id: string | null;
  purpose: ListingSearchDoc['purpose'];
  status: ListingSearchDoc['status'];
  price_minor: number;
  currency: ListingSearchDoc['currency'];
  description: string;
  features: string[];
  listed_at: string | null;
  closed_at: string | null;
  sold_price_minor: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  type: ListingSearchDoc['type'];
  bedrooms: number | null;
  bathrooms: number | string | null;
  living_area_sqft: number | null;
  lot_area_sqft: number | null;
  year_built: number | null;
  lat: number;
  lon: number;
  address_line1: string | null;
  city: string;
  region: string;
  postal_code: string | null;
  neighborhood: string | null;
  unit_label: string | null;
  unit_bedrooms: number | null;
  unit_bathrooms: number | string | null;
  unit_living_area_sqft: number | null;
}

const LISTING_DOC_SQL = `
  select l.id, l.property_id, l.unit_id, l.purpose, l.status, l.price_minor, l.currency, l.description,
         l.features, to_char(l.listed_at, 'YYYY-MM-DD') as listed_at, to_char(l.closed_at, 'YYYY-MM-DD') as closed_at,
         l.sold_price_minor, l.version, l.created_at, l.updated_at,
         p.type, p.bedrooms, p.bathrooms, p.living_area_sqft, p.lot_area_sqft, p.year_built, p.lat, p.lon,
         p.address_line1, p.city, p.region, p.postal_code, p.neighborhood,
         u.label as unit_label, u.bedrooms as unit_bedrooms, u.bathrooms as unit_bathrooms,
         u.living_area_sqft as unit_living_area_sqft
    from listings l
    join properties p on p.id = l.property_id
    left join units u on u.id = l.unit_id`;

/** numeric columns may arrive as strings. */
const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

function toDoc(r: ListingRow): { doc: ListingSearchDoc; version: number } {
  const street = [r.address_line1, r.unit_label ? `Unit ${r.unit_label}` : null].filter(Boolean).join(', ');
  return {
    version: r.version,
    doc: {
      id: r.id,
      propertyId: r.property_id,
      unitId: r.unit_id,
      purpose: r.purpose,
      status: r.status,
      type: r.type,
      priceMinor: r.price_minor,
      currency: r.currency,
      // A unit's own size wins over the building's.
      bedrooms: r.unit_bedrooms ?? r.bedrooms,
      bathrooms: numberOrNull(r.unit_bathrooms ?? r.bathrooms),
      livingAreaSqft: r.unit_living_area_sqft ?? r.living_area_sqft,
      lotAreaSqft: r.lot_area_sqft,
      yearBuilt: r.year_built,
      location: { lat: r.lat, lon: r.lon },
      address: [street, r.city, r.region].filter(Boolean).join(', '),
      city: r.city,
      region: r.region,
      postalCode: r.postal_code,
      neighborhood: r.neighborhood,
      description: r.description,
      features: r.features,
      listedAt: r.listed_at,
      closedAt: r.closed_at,
      soldPriceMinor: r.sold_price_minor,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    },
  };
}

export async function loadListingDocs(db: Sequelize, ids: string[]) {
  if (!ids.length) return [];
  const rows = await db.query<ListingRow>(`${LISTING_DOC_SQL} where l.id = any($1::uuid[])`, {
    bind: [ids],
    type: QueryTypes.SELECT,
  });
  return rows.map(toDoc);
}

/** A page of listings in id order, for a full reindex; `updatedSince` narrows it to recent changes. */
export async function loadListingDocPage(db: Sequelize, afterId: string | null, limit: number, updatedSince?: string) {
  const rows = await db.query<ListingRow>(
    `${LISTING_DOC_SQL}
      where ($1::uuid is null or l.id > $1::uuid) and ($3::timestamptz is null or l.updated_at >= $3::timestamptz)
      order by l.id limit $2`,
    { bind: [afterId, limit, updatedSince ?? null], type: QueryTypes.SELECT },
  );
  return rows.map(toDoc);
}

/**
 * Writes documents with the listing's version as an external version, so a
 * slow retry can never overwrite a newer document. Listings that no longer
 * exist are deleted from the index.
 */
export async function bulkIndexListings(
  es: Client,
  index: string,
  docs: { doc: ListingSearchDoc; version: number }[],
  deletedIds: string[] = [],
  options: { refresh?: boolean } = {},
) {
  if (!docs.length && !deletedIds.length) return { indexed: 0, stale: 0 };
  const operations: object[] = [];
  for (const { doc, version } of docs) {
    operations.push({ index: { _index: index, _id: doc.id, version, version_type: 'external_gte' } }, doc);
  }
  for (const id of deletedIds) operations.push({ delete: { _index: index, _id: id } });
  const res = await es.bulk({ operations, refresh: options.refresh ? 'wait_for' : false });
  let stale = 0;
  const failures: string[] = [];
  for (const item of res.items) {
    const op = item.index ?? item.delete;
    if (!op?.error) continue;
    if (op.status === 409) stale++; // a newer version is already there
    else if (item.delete && op.status === 404) continue;
    else failures.push(`${op._id}: ${op.error.type}: ${op.error.reason ?? ''}`);
  }
  if (failures.length) {
    throw new Error(`Elasticsearch rejected ${failures.length} document(s): ${failures.slice(0, 5).join('; ')}`);
  }
  return { indexed: docs.length - stale, stale };
}
