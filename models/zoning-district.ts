import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ZoningRules } from '../domain/land/zoning';

/** A jurisdiction's zoning district: its rules (validated by contracts/parcel.schema.ts on write) and the date of that data. */
export class ZoningDistrict extends Model<InferAttributes<ZoningDistrict>, InferCreationAttributes<ZoningDistrict>> {
  declare jurisdiction: string;
  declare code: string;
  declare name: string;
  declare rules: ZoningRules;
  /** YYYY-MM-DD */
  declare effectiveDate: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ZoningDistrict.init(
      {
        jurisdiction: { type: DataTypes.TEXT, primaryKey: true },
        code: { type: DataTypes.TEXT, primaryKey: true },
        name: { type: DataTypes.TEXT, allowNull: false },
        rules: { type: DataTypes.JSONB, allowNull: false },
        effectiveDate: { type: DataTypes.DATEONLY, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'zoning_districts' },
    );
  }
}
