import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ListingPurpose, ListingStatus } from '../domain/listing';
import type { Media } from '../contracts/listing.schema';
import type { Currency } from '../domain/money';

export class Listing extends Model<InferAttributes<Listing>, InferCreationAttributes<Listing>> {
  declare id: CreationOptional<string>;
  declare propertyId: string;
  declare unitId: string | null;
  declare purpose: ListingPurpose;
  declare status: ListingStatus;
  declare priceMinor: number;
  declare currency: Currency;
  declare description: string;
  declare features: string[];
  declare media: Media[];
  declare listedAt: string | null;
  declare closedAt: string | null;
  declare soldPriceMinor: number | null;
  declare externalRef: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Listing.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        propertyId: { type: DataTypes.UUID, allowNull: false },
        unitId: { type: DataTypes.UUID },
        purpose: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        priceMinor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
        features: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
        media: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        listedAt: { type: DataTypes.DATEONLY },
        closedAt: { type: DataTypes.DATEONLY },
        soldPriceMinor: { type: DataTypes.BIGINT },
        externalRef: { type: DataTypes.TEXT },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'listings' },
    );
  }
}
