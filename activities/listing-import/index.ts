/**
 * Bulk listing import: parse and validate an uploaded batch, then upsert it
 * chunk by chunk. Each chunk runs in one transaction that also records its
 * outcome, so a retried chunk neither duplicates rows nor miscounts them.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { IMPORT_CHUNK_SIZE, mapAmesRow, type ImportFormat, type MappedRow, type RowRejection } from '../../domain/listing-import';
import type { ListingImportActivities } from '../../contracts/listing-import';
import { ImportBatch } from '../../models';
import { acceptLegacyInputs } from '../legacy-inputs';

export interface ListingImportDeps {
  db: Sequelize;
}

interface ParsedBatch {
  valid: MappedRow[];
  rejections: RowRejection[];
  total: number;
}

/** A record and its 1-based row: the data row in a CSV (after the header), the line in JSON lines. */
export interface NumberedRecord {
  row: number;
  record: Record<string, string>;
}

/** Reads records from CSV (with a header row) or JSON lines; both carry the same field names. */
export function readRecords(content: string, format: ImportFormat): { records: NumberedRecord[]; errors: RowRejection[] } {
  if (format === 'csv') {
    const rows = parseCsv(content, { columns: true, skip_empty_lines: true, trim: false, relax_column_count: true }) as Record<string, string>[];
    return { records: rows.map((record, i) => ({ row: i + 1, record })), errors: [] };
  }
  const records: NumberedRecord[] = [];
  const errors: RowRejection[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const value = JSON.parse(line) as unknown;
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      const record = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
      records.push({ row: i + 1, record });
    } catch {
      errors.push({ row: i + 1, ref: null, reasons: ['line is not a JSON object'] });
    }
  });
  return { records, errors };
}

/** Validates every row; the first of two rows with the same id wins, the second is rejected. */
export function parseBatch(content: string, format: ImportFormat, source: string): ParsedBatch {
  const { records, errors } = readRecords(content, format);
  const valid: MappedRow[] = [];
  const rejections = [...errors];
  const seen = new Set<string>();
  for (const { row, record } of records) {
    const result = mapAmesRow(record, source);
    if (!result.ok) {
      rejections.push({ row, ref: result.ref, reasons: result.reasons });
    } else if (seen.has(result.row.ref)) {
      rejections.push({ row, ref: record.rownames?.trim() || null, reasons: ['rownames: duplicate of an earlier row'] });
    } else {
      seen.add(result.row.ref);
      valid.push(result.row);
    }
  }
  rejections.sort((a, b) => a.row - b.row);
  return { valid, rejections, total: records.length + errors.length };
}

export function createListingImportActivities({ db }: ListingImportDeps): ListingImportActivities {
  // A batch's chunks run on this worker one after another, and several batches
  // run at once: keep the last few batches parsed, so each is parsed once.
  const cache = new Map<string, Promise<ParsedBatch>>();
  const CACHED_BATCHES = 16;

  function parsed(batchId: string): Promise<ParsedBatch> {
    let entry = cache.get(batchId);
    if (!entry) {
      entry = ImportBatch.findByPk(batchId, { rejectOnEmpty: true }).then((b) => parseBatch(b.content, b.format, b.source));
      entry.catch(() => cache.delete(batchId));
      cache.set(batchId, entry);
      if (cache.size > CACHED_BATCHES) cache.delete(cache.keys().next().value!);
    }
    return entry;
  }

  async function upsertChunk(rows: MappedRow[], ownerId: string, transaction: Transaction) {
    const properties = rows.map((r) => ({
      external_ref: r.ref,
      owner_id: ownerId,
      type: r.property.type,
      address_line1: r.property.address.line1 ?? null,
      city: r.property.address.city,
      region: r.property.address.region,
      postal_code: r.property.address.postalCode ?? null,
      country: r.property.address.country,
      lat: r.property.location.lat,
      lon: r.property.location.lon,
      bedrooms: r.property.bedrooms ?? null,
      bathrooms: r.property.bathrooms ?? null,
      living_area_sqft: r.property.livingAreaSqft ?? null,
      lot_area_sqft: r.property.lotAreaSqft ?? null,
      year_built: r.property.yearBuilt ?? null,
      zoning_code: r.property.zoningCode ?? null,
      neighborhood: r.property.neighborhood ?? null,
    }));
    const changedProperties = await db.query<{ external_ref: string }>(
      `insert into properties as p (id, external_ref, owner_id, type, address_line1, city, region, postal_code, country,
              lat, lon, bedrooms, bathrooms, living_area_sqft, lot_area_sqft, year_built, zoning_code, neighborhood,
              created_at, updated_at)
       select gen_random_uuid(), r.external_ref, r.owner_id, r.type, r.address_line1, r.city, r.region, r.postal_code,
              r.country, r.lat, r.lon, r.bedrooms, r.bathrooms, r.living_area_sqft, r.lot_area_sqft, r.year_built,
              r.zoning_code, r.neighborhood, now(), now()
         from json_to_recordset($1::json) as r(external_ref text, owner_id uuid, type text, address_line1 text,
              city text, region text, postal_code text, country text, lat double precision, lon double precision,
              bedrooms int, bathrooms numeric, living_area_sqft int, lot_area_sqft bigint, year_built int,
              zoning_code text, neighborhood text)
       on conflict (external_ref) do update set
              type = excluded.type, city = excluded.city, region = excluded.region, lat = excluded.lat, lon = excluded.lon,
              bedrooms = excluded.bedrooms, bathrooms = excluded.bathrooms, living_area_sqft = excluded.living_area_sqft,
              lot_area_sqft = excluded.lot_area_sqft, year_built = excluded.year_built,
              zoning_code = excluded.zoning_code, neighborhood = excluded.neighborhood, updated_at = now()
        where (p.type, p.city, p.region, p.lat, p.lon, p.bedrooms, p.bathrooms, p.living_area_sqft, p.lot_area_sqft,
               p.year_built, p.zoning_code, p.neighborhood)
              is distinct from
              (excluded.type, excluded.city, excluded.region, excluded.lat, excluded.lon, excluded.bedrooms,
               excluded.bathrooms, excluded.living_area_sqft, excluded.lot_area_sqft, excluded.year_built,
               excluded.zoning_code, excluded.neighborhood)
       returning p.external_ref`,
      { bind: [JSON.stringify(properties)], type: QueryTypes.SELECT, transaction },
    );
    const listings = rows.map((r) => ({
      external_ref: r.ref,
      purpose: r.listing.purpose,
      status: r.listing.status,
      price_minor: r.listing.price.amountMinor,
      currency: r.listing.price.currency,
      description: r.listing.description,
      features: r.listing.features,
      closed_at: r.listing.closedAt,
      sold_price_minor: r.listing.soldPriceMinor,
    }));
    const changedListings = await db.query<{ id: string; external_ref: string; inserted: boolean }>(
      `insert into listings as l (id, external_ref, property_id, purpose, status, price_minor, currency, description,
              features, media, closed_at, sold_price_minor, version, created_at, updated_at)
       select gen_random_uuid(), r.external_ref, p.id, r.purpose, r.status, r.price_minor, r.currency, r.description,
              array(select json_array_elements_text(r.features)), '[]'::jsonb, r.closed_at, r.sold_price_minor, 1, now(), now()
         from json_to_recordset($1::json) as r(external_ref text, purpose text, status text, price_minor bigint,
              currency text, description text, features json, closed_at date, sold_price_minor bigint)
         join properties p on p.external_ref = r.external_ref
       on conflict (external_ref) do update set
              status = excluded.status, price_minor = excluded.price_minor, currency = excluded.currency,
              description = excluded.description, features = excluded.features, closed_at = excluded.closed_at,
              sold_price_minor = excluded.sold_price_minor, version = l.version + 1, updated_at = now()
        where (l.status, l.price_minor, l.currency, l.description, l.features, l.closed_at, l.sold_price_minor)
              is distinct from
              (excluded.status, excluded.price_minor, excluded.currency, excluded.description, excluded.features,
               excluded.closed_at, excluded.sold_price_minor)
       returning l.id, l.external_ref, (xmax = 0) as inserted`,
      { bind: [JSON.stringify(listings)], type: QueryTypes.SELECT, transaction },
    );
    // A listing whose property alone changed still needs its search document rewritten.
    const touchedRefs = new Set(changedProperties.map((p) => p.external_ref));
    const listingRefs = new Set(changedListings.map((l) => l.external_ref));
    const extra = [...touchedRefs].filter((ref) => !listingRefs.has(ref));
    const extraIds = extra.length
      ? await db.query<{ id: string }>('select id from listings where external_ref = any($1::text[])', {
          bind: [extra],
          type: QueryTypes.SELECT,
          transaction,
        })
      : [];
    const created = changedListings.filter((l) => l.inserted).length;
    const updated = changedListings.length - created + extraIds.length;
    return {
      created,
      updated,
      unchanged: rows.length - created - updated,
      listingIds: [...changedListings.map((l) => l.id), ...extraIds.map((r) => r.id)],
    };
  }

  const activities: ListingImportActivities = {
    async stageImport({ batchId }) {
      const p = await parsed(batchId);
      await ImportBatch.update(
        {
          status: 'running',
          totalRows: p.total,
          rejectedCount: p.rejections.length,
          rejections: p.rejections,
          startedAt: new Date(),
        },
        { where: { id: batchId } },
      );
      return { totalRows: p.total, validRows: p.valid.length, chunks: Math.ceil(p.valid.length / IMPORT_CHUNK_SIZE) };
    },

    async importChunk({ batchId, chunkIndex }) {
      const p = await parsed(batchId);
      const batch = await ImportBatch.findByPk(batchId, { attributes: ['ownerId'], rejectOnEmpty: true });
      const rows = p.valid.slice(chunkIndex * IMPORT_CHUNK_SIZE, (chunkIndex + 1) * IMPORT_CHUNK_SIZE);
      return db.transaction(async (transaction) => {
        // Serialise attempts at the same chunk (a retry racing a slow first attempt).
        await db.query('select pg_advisory_xact_lock(hashtext($1))', {
          bind: [`${batchId}:${chunkIndex}`],
          transaction,
        });
        const [done] = await db.query<{ created_count: number; updated_count: number; unchanged_count: number; listing_ids: string[] }>(
          'select * from import_chunks where batch_id = $1 and chunk_index = $2',
          { bind: [batchId, chunkIndex], type: QueryTypes.SELECT, transaction },
        );
        if (done) {
          return { created: done.created_count, updated: done.updated_count, unchanged: done.unchanged_count, listingIds: done.listing_ids };
        }
        const outcome = await upsertChunk(rows, batch.ownerId, transaction);
        await db.query(
          `insert into import_chunks (batch_id, chunk_index, created_count, updated_count, unchanged_count, listing_ids, created_at)
           values ($1, $2, $3, $4, $5, $6::uuid[], now())`,
          {
            bind: [batchId, chunkIndex, outcome.created, outcome.updated, outcome.unchanged, outcome.listingIds],
            transaction,
          },
        );
        return outcome;
      });
    },

    async finishImport({ batchId, status, totals }) {
      await ImportBatch.update(
        {
          status,
          createdCount: totals.created,
          updatedCount: totals.updated,
          unchangedCount: totals.unchanged,
          finishedAt: new Date(),
        },
        { where: { id: batchId } },
      );
      cache.delete(batchId);
    },
  };
  return acceptLegacyInputs(activities, {
    stageImport: (batchId: string) => ({ batchId }),
    importChunk: (batchId: string, chunkIndex: number) => ({ batchId, chunkIndex }),
    finishImport: (batchId: string, status: 'completed' | 'failed', totals: { created: number; updated: number; unchanged: number }) => ({ batchId, status, totals }),
  });
}
