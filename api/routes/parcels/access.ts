/**
 * Who sees parcels and how one reads. Parcels are public records (as a
 * county assessor's are): any authenticated user reads and searches them and
 * checks their zoning. Creating one is registering a property (owner,
 * manager, admin: the rules of POST /v1/properties), so the land property
 * behind it stays as private as any other property.
 */
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { ParcelDetail, Parcel as ParcelApi } from '../../../contracts/parcel.schema';
import { polygonBBox } from '../../../domain/land/geometry';
import { titleChain, type TitleRecord } from '../../../domain/purchase/title';
import { Parcel, Property, ZoningDistrict } from '../../../models';
import { notFound } from '../../problem';

export interface ParcelRecord {
  parcel: Parcel;
  property: Property;
  district: ZoningDistrict;
}

/** Parcels by id, with their properties and districts (those that exist). */
export async function loadParcels(ids: string[]): Promise<Map<string, ParcelRecord>> {
  if (!ids.length) return new Map();
  const parcels = await Parcel.findAll({ where: { propertyId: { [Op.in]: ids } } });
  if (!parcels.length) return new Map();
  const key = (jurisdiction: string, code: string) => `${jurisdiction}/${code}`;
  const pairs = new Map(parcels.map((p) => [key(p.jurisdiction, p.zoningCode), { jurisdiction: p.jurisdiction, code: p.zoningCode }]));
  const [properties, districts] = await Promise.all([
    Property.findAll({ where: { id: { [Op.in]: parcels.map((p) => p.propertyId) } } }),
    ZoningDistrict.findAll({ where: { [Op.or]: [...pairs.values()] } }),
  ]);
  const propertyOf = new Map(properties.map((p) => [p.id, p]));
  const districtOf = new Map(districts.map((d) => [key(d.jurisdiction, d.code), d]));
  const found = new Map<string, ParcelRecord>();
  for (const parcel of parcels) {
    const property = propertyOf.get(parcel.propertyId);
    const district = districtOf.get(key(parcel.jurisdiction, parcel.zoningCode));
    if (property && district) found.set(parcel.propertyId, { parcel, property, district });
  }
  return found;
}

/** A parcel by its (land property's) id; 404 when there is none. */
export async function findParcel(id: string): Promise<ParcelRecord> {
  const record = (await loadParcels([id])).get(id);
  if (!record) throw notFound('parcel');
  return record;
}

export function parcelToApi({ parcel, property, district }: ParcelRecord): ParcelApi {
  const opt = <T>(v: T | null) => (v === null ? undefined : v);
  return {
    id: parcel.propertyId,
    propertyId: parcel.propertyId,
    ownerId: property.ownerId,
    address: {
      line1: opt(property.addressLine1),
      line2: opt(property.addressLine2),
      city: property.city,
      region: property.region,
      postalCode: opt(property.postalCode),
      country: property.country,
    },
    neighborhood: opt(property.neighborhood),
    jurisdiction: parcel.jurisdiction,
    apn: parcel.apn,
    zoning: { code: district.code, name: district.name, effectiveDate: district.effectiveDate },
    boundary: parcel.boundary,
    areaSqm: parcel.areaSqm,
    areaSqft: parcel.areaSqft,
    centroid: { lat: parcel.centroidLat, lon: parcel.centroidLon },
    bbox: polygonBBox(parcel.boundary),
    utilities: parcel.utilities,
    roadAccess: parcel.roadAccess,
    legalDescription: parcel.legalDescription,
    createdAt: parcel.createdAt.toISOString(),
    updatedAt: parcel.updatedAt.toISOString(),
  };
}

interface DeedRow {
  instrument: string;
  recorded_on: string;
  record: { grantors?: string[]; grantees?: string[]; considerationMinor?: number | null };
}

/** The land's ownership chain: its recorded deeds (the title records a purchase searches and adds to), oldest first. */
export async function ownershipChain(db: Sequelize, propertyId: string): Promise<ParcelDetail['ownershipChain']> {
  const rows = await db.query<DeedRow>(
    `select instrument, to_char(recorded_on, 'YYYY-MM-DD') as recorded_on, record
       from title_records where property_id = $1 and kind = 'deed'`,
    { bind: [propertyId], type: QueryTypes.SELECT },
  );
  const deeds: TitleRecord[] = rows.map((r) => ({
    kind: 'deed',
    instrument: r.instrument,
    recordedOn: r.recorded_on,
    grantors: r.record.grantors ?? [],
    grantees: r.record.grantees ?? [],
    considerationMinor: r.record.considerationMinor ?? null,
  }));
  return titleChain(deeds);
}

export async function parcelDetail(db: Sequelize, record: ParcelRecord): Promise<ParcelDetail> {
  return { ...parcelToApi(record), ownershipChain: await ownershipChain(db, record.parcel.propertyId) };
}
