import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Polygon } from '../domain/land/geometry';
import type { Utilities } from '../contracts/parcel.schema';

export type RoadAccess = 'paved' | 'gravel' | 'easement' | 'none';

/** A parcel: the land property it is (same id) and what only land has. Its area is computed from the boundary. */
export class Parcel extends Model<InferAttributes<Parcel>, InferCreationAttributes<Parcel>> {
  declare propertyId: string;
  declare jurisdiction: string;
  declare apn: string;
  declare zoningCode: string;
  declare boundary: Polygon;
  declare areaSqm: number;
  declare areaSqft: number;
  declare centroidLat: number;
  declare centroidLon: number;
  declare utilities: Utilities;
  declare roadAccess: RoadAccess;
  declare legalDescription: string;
  /** Bumped on every change; the search document carries it as its external version. */
  declare version: CreationOptional<number>;
  /** The version the search index holds (0: none yet). */
  declare indexedVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Parcel.init(
      {
        propertyId: { type: DataTypes.UUID, primaryKey: true },
        jurisdiction: { type: DataTypes.TEXT, allowNull: false },
        apn: { type: DataTypes.TEXT, allowNull: false },
        zoningCode: { type: DataTypes.TEXT, allowNull: false },
        boundary: { type: DataTypes.JSONB, allowNull: false },
        areaSqm: {
          type: DataTypes.DECIMAL(16, 2),
          allowNull: false,
          get(this: Parcel) {
            return Number(this.getDataValue('areaSqm') as unknown);
          },
        },
        areaSqft: { type: DataTypes.BIGINT, allowNull: false },
        centroidLat: { type: DataTypes.DOUBLE, allowNull: false },
        centroidLon: { type: DataTypes.DOUBLE, allowNull: false },
        utilities: { type: DataTypes.JSONB, allowNull: false },
        roadAccess: { type: DataTypes.TEXT, allowNull: false },
        legalDescription: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        indexedVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'parcels' },
    );
  }
}
