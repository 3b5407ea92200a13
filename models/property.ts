import type { LateFeePolicyOverride } from '../contracts/late-fee-policy.schema';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { PropertyType } from '../domain/property';

export class Property extends Model<InferAttributes<Property>, InferCreationAttributes<Property>> {
  declare id: CreationOptional<string>;
  declare ownerId: string;
  declare managerId: string | null;
  declare type: PropertyType;
  declare addressLine1: string | null;
  declare addressLine2: string | null;
  declare city: string;
  declare region: string;
  declare postalCode: string | null;
  declare country: string;
  declare lat: number;
  declare lon: number;
  declare bedrooms: number | null;
  declare bathrooms: number | null;
  declare livingAreaSqft: number | null;
  declare lotAreaSqft: number | null;
  declare yearBuilt: number | null;
  declare zoningCode: string | null;
  declare county: string | null;
  declare legalDescription: string | null;
  declare annualPropertyTaxMinor: number | null;
  declare monthlyHoaDuesMinor: number | null;
  declare neighborhood: string | null;
  /** This property's late-fee override (fields it sets replace the organization's). */
  declare lateFeePolicy: LateFeePolicyOverride | null;
  declare externalRef: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Property.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        ownerId: { type: DataTypes.UUID, allowNull: false },
        managerId: { type: DataTypes.UUID },
        type: { type: DataTypes.TEXT, allowNull: false },
        addressLine1: { type: DataTypes.TEXT },
        addressLine2: { type: DataTypes.TEXT },
        city: { type: DataTypes.TEXT, allowNull: false },
        region: { type: DataTypes.TEXT, allowNull: false },
        postalCode: { type: DataTypes.TEXT },
        country: { type: DataTypes.CHAR(2), allowNull: false },
        lat: { type: DataTypes.DOUBLE, allowNull: false },
        lon: { type: DataTypes.DOUBLE, allowNull: false },
        bedrooms: { type: DataTypes.INTEGER },
        bathrooms: {
          type: DataTypes.DECIMAL(5, 1),
          // numeric arrives as a string; half baths are exact in a double.
          get(this: Property) {
            const v = this.getDataValue('bathrooms') as unknown;
            return v === null || v === undefined ? null : Number(v);
          },
        },
        livingAreaSqft: { type: DataTypes.INTEGER },
        lotAreaSqft: { type: DataTypes.BIGINT },
        yearBuilt: { type: DataTypes.INTEGER },
        zoningCode: { type: DataTypes.TEXT },
        county: { type: DataTypes.TEXT },
        legalDescription: { type: DataTypes.TEXT },
        // bigint arrives as a string; minor units stay within the exact integer range (the schema bounds them).
        annualPropertyTaxMinor: { type: DataTypes.BIGINT, get(this: Property) { const v = this.getDataValue('annualPropertyTaxMinor') as unknown; return v === null || v === undefined ? null : Number(v); } },
        monthlyHoaDuesMinor: { type: DataTypes.BIGINT, get(this: Property) { const v = this.getDataValue('monthlyHoaDuesMinor') as unknown; return v === null || v === undefined ? null : Number(v); } },
        neighborhood: { type: DataTypes.TEXT },
        lateFeePolicy: { type: DataTypes.JSONB },
        externalRef: { type: DataTypes.TEXT },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'properties' },
    );
  }
}
