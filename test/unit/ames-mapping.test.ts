import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { mapAmesRow, type MappedRow, type RowResult } from '../../domain/listing-import';

const AMES_CSV = path.resolve(__dirname, '../../../shared/data/ames.csv');
const records = parse(fs.readFileSync(AMES_CSV, 'utf8'), { columns: true }) as Record<string, string>[];
/** The first data row of the real file (rownames 1: a one-family house in North Ames sold in May 2010). */
const first = records[0]!;

function mapped(result: RowResult): MappedRow {
  if (!result.ok) throw new Error(`expected the row to map, got: ${result.reasons.join('; ')}`);
  return result.row;
}

function reasonsOf(result: RowResult): string[] {
  if (result.ok) throw new Error('expected the row to be rejected');
  return result.reasons;
}

describe('mapAmesRow on the first row of ames.csv', () => {
  it('reads the row we expect from the file', () => {
    expect(first).toMatchObject({ rownames: '1', Bldg_Type: 'OneFam', MS_Zoning: 'Residential_Low_Density' });
  });

  const row = mapped(mapAmesRow(first, 'ames'));

  it('builds the external reference from source and rownames', () => {
    expect(row.ref).toBe(`ames:${first.rownames}`);
    expect(mapped(mapAmesRow(first, 'county-2024')).ref).toBe('county-2024:1');
  });

  it('maps the property fields', () => {
    expect(row.property).toEqual({
      address: { city: 'Ames', region: 'IA', country: 'US' },
      location: { lat: Number(first.Latitude), lon: Number(first.Longitude) },
      type: 'house',
      bedrooms: Number(first.Bedroom_AbvGr),
      bathrooms: 2,
      livingAreaSqft: Number(first.Gr_Liv_Area),
      lotAreaSqft: Number(first.Lot_Area),
      yearBuilt: Number(first.Year_Built),
      zoningCode: 'RL',
      neighborhood: 'North Ames',
    });
  });

  it('counts bathrooms as full + basement full + half of (half + basement half)', () => {
    const expected =
      Number(first.Full_Bath) + Number(first.Bsmt_Full_Bath) + (Number(first.Half_Bath) + Number(first.Bsmt_Half_Bath)) / 2;
    expect(row.property.bathrooms).toBe(expected);
    const withHalves = mapped(
      mapAmesRow({ ...first, Full_Bath: '2', Bsmt_Full_Bath: '1', Half_Bath: '1', Bsmt_Half_Bath: '0' }, 'ames'),
    );
    expect(withHalves.property.bathrooms).toBe(3.5);
    const twoHalves = mapped(
      mapAmesRow({ ...first, Full_Bath: '1', Bsmt_Full_Bath: '0', Half_Bath: '1', Bsmt_Half_Bath: '1' }, 'ames'),
    );
    expect(twoHalves.property.bathrooms).toBe(2);
  });

  it('prices the sale in cents and dates it to the first of the sale month', () => {
    expect(first.Sale_Price).toBe('215000');
    expect(row.listing.price).toEqual({ amountMinor: 21_500_000, currency: 'USD' });
    expect(row.listing.soldPriceMinor).toBe(21_500_000);
    expect(row.listing).toMatchObject({ purpose: 'sale', status: 'sold', media: [] });
    expect(row.listing.closedAt).toBe('2010-05-01');
    const december = mapped(mapAmesRow({ ...first, Mo_Sold: '12', Year_Sold: '2007' }, 'ames'));
    expect(december.listing.closedAt).toBe('2007-12-01');
  });

  it('derives the features from the row', () => {
    // Central air, attached garage, 2 fireplaces, a 210 sq ft deck, a 62 sq ft open porch, 1080 sq ft of basement;
    // partial pavement, no pool, no fence and no shed add nothing.
    expect(row.listing.features).toEqual(['central air', 'attached garage', '2 fireplaces', 'deck', 'porch', 'basement']);
    expect(row.listing.description).toContain('Features: central air, attached garage');
    expect(row.listing.description).toContain('North Ames');
  });

  it('maps the optional features when present', () => {
    const r = mapped(
      mapAmesRow(
        {
          ...first,
          Central_Air: 'N',
          Garage_Type: 'Detchd',
          Fireplaces: '1',
          Pool_QC: 'Good',
          Fence: 'Good_Privacy',
          Wood_Deck_SF: '0',
          Open_Porch_SF: '0',
          Total_Bsmt_SF: '0',
          Misc_Feature: 'Shed',
          Paved_Drive: 'Paved',
        },
        'ames',
      ),
    );
    expect(r.listing.features).toEqual(['detached garage', 'fireplace', 'pool', 'fenced yard', 'shed', 'paved driveway']);
  });
});

describe('mapAmesRow type and zoning mapping', () => {
  it.each([
    ['OneFam', 'house'],
    ['TwoFmCon', 'house'],
    ['Duplex', 'house'],
    ['Twnhs', 'townhouse'],
    ['TwnhsE', 'townhouse'],
  ])('maps Bldg_Type %s to %s', (bldg, type) => {
    expect(mapped(mapAmesRow({ ...first, Bldg_Type: bldg }, 'ames')).property.type).toBe(type);
  });

  it('maps a real TwnhsE row of the file to a townhouse', () => {
    const twnhs = records.find((r) => r.Bldg_Type === 'TwnhsE');
    expect(twnhs).toBeDefined();
    const r = mapped(mapAmesRow(twnhs!, 'ames'));
    expect(r.property.type).toBe('townhouse');
    expect(r.ref).toBe(`ames:${twnhs!.rownames}`);
  });

  it.each([
    ['Residential_Low_Density', 'RL'],
    ['Residential_Medium_Density', 'RM'],
    ['Residential_High_Density', 'RH'],
    ['Floating_Village_Residential', 'FV'],
    ['C_all', 'C'],
    ['I_all', 'I'],
    ['A_agr', 'A'],
  ])('maps MS_Zoning %s to the code %s', (zoning, code) => {
    expect(mapped(mapAmesRow({ ...first, MS_Zoning: zoning }, 'ames')).property.zoningCode).toBe(code);
  });

  it('keeps an unknown zoning name in readable form, and leaves an empty one out', () => {
    expect(mapped(mapAmesRow({ ...first, MS_Zoning: 'Mixed_Use' }, 'ames')).property.zoningCode).toBe('Mixed Use');
    expect(mapped(mapAmesRow({ ...first, MS_Zoning: '' }, 'ames')).property.zoningCode).toBeUndefined();
  });
});

describe('mapAmesRow rejections', () => {
  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['missing Sale_Price', { Sale_Price: undefined }, /^Sale_Price: missing$/],
    ['empty Sale_Price', { Sale_Price: '' }, /^Sale_Price: missing$/],
    ['NA Sale_Price', { Sale_Price: 'NA' }, /^Sale_Price: missing$/],
    ['fractional Sale_Price', { Sale_Price: '215000.5' }, /^Sale_Price: .*whole number/],
    ['Latitude 200', { Latitude: '200' }, /^Latitude: 200 is outside -90\.\.90$/],
    ['Mo_Sold 13', { Mo_Sold: '13' }, /^Mo_Sold: 13 is outside 1\.\.12$/],
    ['Mo_Sold 0', { Mo_Sold: '0' }, /^Mo_Sold: 0 is outside 1\.\.12$/],
    ['unknown Bldg_Type', { Bldg_Type: 'Castle' }, /^Bldg_Type: "Castle" is not a known building type$/],
    ['non-numeric Gr_Liv_Area', { Gr_Liv_Area: 'large' }, /^Gr_Liv_Area: "large" is not a number$/],
    ['missing Neighborhood', { Neighborhood: '' }, /^Neighborhood: missing$/],
    ['bad rownames', { rownames: 'a b' }, /^rownames: /],
  ])('rejects %s with a reason naming the field', (_label, change, reason) => {
    const result = mapAmesRow({ ...first, ...change }, 'ames');
    const reasons = reasonsOf(result);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(reason);
  });

  it('keeps the row id on a rejected row', () => {
    const result = mapAmesRow({ ...first, Sale_Price: '' }, 'ames');
    expect(result).toMatchObject({ ok: false, ref: '1' });
    expect(mapAmesRow({ ...first, rownames: '', Sale_Price: '' }, 'ames')).toMatchObject({ ok: false, ref: null });
  });

  it('reports every problem of a row at once', () => {
    const result = mapAmesRow(
      { ...first, Sale_Price: '', Latitude: '200', Mo_Sold: '13', Bldg_Type: 'Castle', Gr_Liv_Area: 'large' },
      'ames',
    );
    const reasons = reasonsOf(result);
    expect(reasons).toHaveLength(5);
    const fields = reasons.map((r) => r.split(':')[0]);
    expect(fields.sort()).toEqual(['Bldg_Type', 'Gr_Liv_Area', 'Latitude', 'Mo_Sold', 'Sale_Price']);
  });

  it('does not require the optional numeric fields, but validates them when given', () => {
    const noLot = mapped(mapAmesRow({ ...first, Lot_Area: '', Year_Built: 'NA', Half_Bath: '' }, 'ames'));
    expect(noLot.property.lotAreaSqft).toBeUndefined();
    expect(noLot.property.yearBuilt).toBeUndefined();
    expect(reasonsOf(mapAmesRow({ ...first, Year_Built: '1200' }, 'ames'))).toEqual(['Year_Built: 1200 is outside 1600..2100']);
  });
});
