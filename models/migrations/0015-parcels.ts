import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Land: zoning districts (a jurisdiction's code, its rules and the date of
 * that data) and parcels. A parcel is a property of type `land` plus this
 * row, keyed by the property's id: its boundary (a GeoJSON Polygon), the
 * area computed from it, its district, utilities, road access, legal
 * description and assessor's parcel number (unique in its jurisdiction).
 * `version` / `indexed_version` say whether the search index has the
 * parcel's latest document.
 *
 * Seeds Ames, Iowa's districts under the assessor codes the Ames import maps
 * (RL, RM, RH, FV, C, I, A). Their rules are ILLUSTRATIVE — plausible figures
 * for a small Iowa city, not the City of Ames's ordinance (Municipal Code
 * chapter 29); an admin replaces them with PUT /v1/zoning-districts/ames-ia/{code}.
 */

const SUP = 'Special Use Permit (Zoning Board of Adjustment)';
const setbacks = (front: number, side: number, rear: number) => ({ front, side, rear });

export const AMES_EFFECTIVE_DATE = '2024-07-01';

export const AMES_ZONING_DISTRICTS = [
  {
    code: 'RL',
    name: 'Residential Low Density',
    rules: {
      permittedUses: ['single_family_dwelling', 'accessory_dwelling_unit', 'home_occupation', 'park'],
      conditionalUses: [
        { use: 'two_family_dwelling', permit: SUP },
        { use: 'child_care_center', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
        { use: 'school', permit: SUP },
      ],
      minLotAreaSqft: 6_000,
      maxHeightFt: 40,
      maxFloors: 3,
      maxLotCoveragePercent: 40,
      maxFloorAreaRatio: 0.6,
      minSetbacksFt: setbacks(25, 6, 20),
    },
  },
  {
    code: 'RM',
    name: 'Residential Medium Density',
    rules: {
      permittedUses: ['single_family_dwelling', 'two_family_dwelling', 'townhouse', 'multi_family_dwelling', 'home_occupation', 'park'],
      conditionalUses: [
        { use: 'child_care_center', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
        { use: 'school', permit: SUP },
      ],
      minLotAreaSqft: 6_000,
      maxHeightFt: 40,
      maxFloors: 3,
      maxLotCoveragePercent: 45,
      maxFloorAreaRatio: 1,
      minSetbacksFt: setbacks(25, 6, 20),
    },
  },
  {
    code: 'RH',
    name: 'Residential High Density',
    rules: {
      permittedUses: ['two_family_dwelling', 'townhouse', 'multi_family_dwelling', 'home_occupation', 'park'],
      conditionalUses: [
        { use: 'child_care_center', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
        { use: 'school', permit: SUP },
        { use: 'office', permit: SUP },
      ],
      minLotAreaSqft: 6_000,
      maxHeightFt: 50,
      maxFloors: 4,
      maxLotCoveragePercent: 60,
      maxFloorAreaRatio: 2,
      minSetbacksFt: setbacks(20, 8, 25),
    },
  },
  {
    code: 'FV',
    name: 'Floating Village Residential',
    rules: {
      permittedUses: ['single_family_dwelling', 'two_family_dwelling', 'townhouse', 'multi_family_dwelling', 'accessory_dwelling_unit', 'home_occupation', 'park'],
      conditionalUses: [
        { use: 'retail', permit: SUP },
        { use: 'office', permit: SUP },
        { use: 'restaurant', permit: SUP },
        { use: 'mixed_use', permit: SUP },
        { use: 'child_care_center', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
      ],
      minLotAreaSqft: 3_500,
      maxHeightFt: 40,
      maxFloors: 3,
      maxLotCoveragePercent: 60,
      maxFloorAreaRatio: 1.2,
      minSetbacksFt: setbacks(10, 5, 10),
    },
  },
  {
    code: 'C',
    name: 'Commercial',
    rules: {
      permittedUses: ['retail', 'office', 'restaurant', 'hotel', 'mixed_use', 'park'],
      conditionalUses: [
        { use: 'multi_family_dwelling', permit: SUP },
        { use: 'gas_station', permit: SUP },
        { use: 'child_care_center', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
      ],
      minLotAreaSqft: 5_000,
      maxHeightFt: 75,
      maxFloors: 6,
      maxLotCoveragePercent: 80,
      maxFloorAreaRatio: 3,
      minSetbacksFt: setbacks(10, 0, 10),
    },
  },
  {
    code: 'I',
    name: 'Industrial',
    rules: {
      permittedUses: ['light_industrial', 'warehouse', 'office'],
      conditionalUses: [
        { use: 'heavy_industrial', permit: SUP },
        { use: 'gas_station', permit: SUP },
        { use: 'telecommunications_tower', permit: SUP },
      ],
      minLotAreaSqft: 20_000,
      maxHeightFt: 60,
      maxFloors: 4,
      maxLotCoveragePercent: 75,
      maxFloorAreaRatio: 1.5,
      minSetbacksFt: setbacks(30, 15, 20),
    },
  },
  {
    code: 'A',
    name: 'Agricultural',
    rules: {
      permittedUses: ['agriculture', 'single_family_dwelling', 'home_occupation', 'park'],
      conditionalUses: [
        { use: 'telecommunications_tower', permit: SUP },
        { use: 'place_of_worship', permit: SUP },
        { use: 'school', permit: SUP },
      ],
      minLotAreaSqft: 217_800, // 5 acres
      maxHeightFt: 40,
      maxFloors: 3,
      maxLotCoveragePercent: 15,
      maxFloorAreaRatio: 0.2,
      minSetbacksFt: setbacks(50, 25, 50),
    },
  },
] as const;

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW } as const;
    await qi.createTable(
      'zoning_districts',
      {
        jurisdiction: { type: DataTypes.TEXT, primaryKey: true },
        code: { type: DataTypes.TEXT, primaryKey: true },
        name: { type: DataTypes.TEXT, allowNull: false },
        rules: { type: DataTypes.JSONB, allowNull: false },
        effective_date: { type: DataTypes.DATEONLY, allowNull: false },
        created_at: now,
        updated_at: now,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table zoning_districts
         add constraint zoning_districts_jurisdiction_check check (jurisdiction ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
         add constraint zoning_districts_code_check check (code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$')`,
      { transaction },
    );

    await qi.createTable(
      'parcels',
      {
        property_id: {
          type: DataTypes.UUID,
          primaryKey: true,
          references: { model: 'properties', key: 'id' },
          onDelete: 'CASCADE',
        },
        jurisdiction: { type: DataTypes.TEXT, allowNull: false },
        apn: { type: DataTypes.TEXT, allowNull: false },
        zoning_code: { type: DataTypes.TEXT, allowNull: false },
        boundary: { type: DataTypes.JSONB, allowNull: false },
        area_sqm: { type: DataTypes.DECIMAL(16, 2), allowNull: false },
        area_sqft: { type: DataTypes.BIGINT, allowNull: false },
        centroid_lat: { type: DataTypes.DOUBLE, allowNull: false },
        centroid_lon: { type: DataTypes.DOUBLE, allowNull: false },
        utilities: { type: DataTypes.JSONB, allowNull: false },
        road_access: { type: DataTypes.TEXT, allowNull: false },
        legal_description: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        indexed_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        created_at: now,
        updated_at: now,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table parcels
         add constraint parcels_apn_unique unique (jurisdiction, apn),
         add constraint parcels_zoning_fk foreign key (jurisdiction, zoning_code) references zoning_districts (jurisdiction, code),
         add constraint parcels_area_check check (area_sqm > 0 and area_sqft > 0),
         add constraint parcels_road_access_check check (road_access in ('paved','gravel','easement','none')),
         add constraint parcels_centroid_check check (centroid_lat between -90 and 90 and centroid_lon between -180 and 180)`,
      { transaction },
    );
    await qi.sequelize.query('create index parcels_zoning on parcels (jurisdiction, zoning_code)', { transaction });
    // Parcels whose search document is behind: few, looked up before every search.
    await qi.sequelize.query('create index parcels_unindexed on parcels (property_id) where indexed_version < version', { transaction });

    for (const d of AMES_ZONING_DISTRICTS) {
      await qi.sequelize.query(
        `insert into zoning_districts (jurisdiction, code, name, rules, effective_date, created_at, updated_at)
         values ('ames-ia', $1, $2, $3::jsonb, $4, now(), now())`,
        { bind: [d.code, d.name, JSON.stringify(d.rules), AMES_EFFECTIVE_DATE], transaction },
      );
    }
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.dropTable('parcels', { transaction });
    await qi.dropTable('zoning_districts', { transaction });
  });
}
