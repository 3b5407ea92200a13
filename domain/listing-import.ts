/**
 * Bulk listing import: formats, statuses and the source rule, and the pure
 * rules that turn one Ames sale record into a property and a sold listing, or
 * into the reasons it was rejected (the report's schema is in
 * contracts/listing-import.schema.ts).
 */
import type { ListingCreate } from '../contracts/listing.schema';
import type { PropertyCreate } from '../contracts/property.schema';
import type { PropertyType } from './property';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Rows are imported in chunks of this size: one transaction and one bulk index each. */
export const IMPORT_CHUNK_SIZE = 1000;

/** A row the import refused, and why. */
export interface RowRejection {
  /** 1-based data row number (the header is row 0). */
  row: number;
  /** The row id when it had one. */
  ref: string | null;
  reasons: string[];
}

/** Longest source name accepted. */
export const IMPORT_SOURCE_MAX_LENGTH = 40;
/** A slug: lower-case letters and digits, single hyphens between them, no leading or trailing hyphen. */
export const IMPORT_SOURCE_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The rule in words, for API descriptions and error messages. */
export const IMPORT_SOURCE_RULE =
  `a slug: lower-case letters, digits and single hyphens, starting and ending with a letter or digit, at most ${IMPORT_SOURCE_MAX_LENGTH} characters`;

/**
 * A source name becomes part of every imported record's external reference and
 * of the import's system owner's e-mail (`import+<source>@trilight.local`), so it
 * is a slug: nothing derived from it can be invalid.
 */
export const isImportSource = (source: string): boolean => source.length <= IMPORT_SOURCE_MAX_LENGTH && IMPORT_SOURCE_PATTERN.test(source);

/** One row, mapped: the property and its listing, each with a stable external reference. */
export interface MappedRow {
  ref: string;
  property: Omit<PropertyCreate, 'ownerId' | 'managerId'>;
  listing: Omit<ListingCreate, 'propertyId' | 'unitId' | 'status' | 'listedAt'> & {
    status: 'sold';
    closedAt: string;
    soldPriceMinor: number;
  };
}

export type RowResult = { ok: true; row: MappedRow } | { ok: false; ref: string | null; reasons: string[] };

const BUILDING_TYPES: Record<string, PropertyType> = {
  OneFam: 'house',
  TwoFmCon: 'house',
  Duplex: 'house',
  Twnhs: 'townhouse',
  TwnhsE: 'townhouse',
};

/** The assessor's zoning codes behind the data set's spelled-out names. */
const ZONING_CODES: Record<string, string> = {
  Residential_Low_Density: 'RL',
  Residential_Medium_Density: 'RM',
  Residential_High_Density: 'RH',
  Floating_Village_Residential: 'FV',
  C_all: 'C',
  I_all: 'I',
  A_agr: 'A',
};

const human = (s: string) => s.replace(/_/g, ' ').trim();

function featuresOf(r: Record<string, string>): string[] {
  const features: string[] = [];
  if (r.Central_Air === 'Y') features.push('central air');
  const garage: Record<string, string> = {
    Attchd: 'attached garage', Detchd: 'detached garage', BuiltIn: 'built-in garage',
    Basment: 'basement garage', CarPort: 'carport', More_Than_Two_Types: 'multiple garages',
  };
  if (r.Garage_Type && garage[r.Garage_Type]) features.push(garage[r.Garage_Type] as string);
  const fireplaces = Number(r.Fireplaces);
  if (fireplaces === 1) features.push('fireplace');
  if (fireplaces > 1) features.push(`${fireplaces} fireplaces`);
  if (r.Pool_QC && r.Pool_QC !== 'No_Pool') features.push('pool');
  if (r.Fence && r.Fence !== 'No_Fence') features.push('fenced yard');
  if (Number(r.Wood_Deck_SF) > 0) features.push('deck');
  const porches = ['Open_Porch_SF', 'Enclosed_Porch', 'Screen_Porch', 'Three_season_porch'];
  if (porches.some((p) => Number(r[p]) > 0)) features.push('porch');
  if (Number(r.Total_Bsmt_SF) > 0) features.push('basement');
  if (r.Misc_Feature === 'Shed') features.push('shed');
  if (r.Paved_Drive === 'Paved') features.push('paved driveway');
  return features;
}

/**
 * Maps one Ames sale (De Cock 2011, columns as in the modeldata copy) to a
 * property and a sold listing dated the first of the month of sale. Every
 * problem with the row is reported, not just the first.
 */
export function mapAmesRow(r: Record<string, string | undefined>, source: string): RowResult {
  const reasons: string[] = [];
  const id = (r.rownames ?? '').trim();
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) reasons.push('rownames: missing or not an identifier');

  const num = (field: string, opts: { min: number; max: number; integer?: boolean; required?: boolean }) => {
    const raw = (r[field] ?? '').trim();
    if (raw === '' || raw === 'NA') {
      if (opts.required ?? true) reasons.push(`${field}: missing`);
      return undefined;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) reasons.push(`${field}: "${raw}" is not a number`);
    else if (opts.integer && !Number.isInteger(n)) reasons.push(`${field}: "${raw}" is not a whole number`);
    else if (n < opts.min || n > opts.max) reasons.push(`${field}: ${raw} is outside ${opts.min}..${opts.max}`);
    else return n;
    return undefined;
  };

  const lat = num('Latitude', { min: -90, max: 90 });
  const lon = num('Longitude', { min: -180, max: 180 });
  const price = num('Sale_Price', { min: 1, max: 1e12, integer: true });
  const year = num('Year_Sold', { min: 1900, max: 2100, integer: true });
  const month = num('Mo_Sold', { min: 1, max: 12, integer: true });
  const beds = num('Bedroom_AbvGr', { min: 0, max: 100, integer: true });
  const living = num('Gr_Liv_Area', { min: 1, max: 10_000_000, integer: true });
  const lot = num('Lot_Area', { min: 1, max: 1e9, integer: true, required: false });
  const built = num('Year_Built', { min: 1600, max: 2100, integer: true, required: false });
  const fullBath = num('Full_Bath', { min: 0, max: 50, integer: true, required: false }) ?? 0;
  const halfBath = num('Half_Bath', { min: 0, max: 50, integer: true, required: false }) ?? 0;
  const bsmtFull = num('Bsmt_Full_Bath', { min: 0, max: 50, integer: true, required: false }) ?? 0;
  const bsmtHalf = num('Bsmt_Half_Bath', { min: 0, max: 50, integer: true, required: false }) ?? 0;

  const type = BUILDING_TYPES[(r.Bldg_Type ?? '').trim()];
  if (!type) reasons.push(`Bldg_Type: "${r.Bldg_Type ?? ''}" is not a known building type`);
  const neighborhood = human(r.Neighborhood ?? '');
  if (!neighborhood) reasons.push('Neighborhood: missing');

  if (reasons.length || lat === undefined || lon === undefined || price === undefined || year === undefined || month === undefined || !type) {
    return { ok: false, ref: id || null, reasons };
  }

  const bathrooms = fullBath + bsmtFull + (halfBath + bsmtHalf) / 2;
  const style = human(r.House_Style ?? '').toLowerCase();
  const features = featuresOf(r as Record<string, string>);
  const description = [
    `${style ? `${style} ` : ''}${type} in ${neighborhood}, Ames${built ? `, built ${built}` : ''}.`,
    `${beds ?? '?'} bedrooms, ${bathrooms} baths, ${living ?? '?'} sq ft living area${lot ? ` on a ${lot} sq ft lot` : ''}.`,
    features.length ? `Features: ${features.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');

  return {
    ok: true,
    row: {
      ref: `${source}:${id}`,
      property: {
        address: { city: 'Ames', region: 'IA', country: 'US' },
        location: { lat, lon },
        type,
        bedrooms: beds,
        bathrooms,
        livingAreaSqft: living,
        lotAreaSqft: lot,
        yearBuilt: built,
        zoningCode: ZONING_CODES[(r.MS_Zoning ?? '').trim()] ?? (human(r.MS_Zoning ?? '') || undefined),
        neighborhood,
      },
      listing: {
        purpose: 'sale',
        status: 'sold',
        price: { amountMinor: price * 100, currency: 'USD' },
        soldPriceMinor: price * 100,
        closedAt: `${year}-${String(month).padStart(2, '0')}-01`,
        description,
        features,
        media: [],
      },
    },
  };
}
