import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Unit extends Model<InferAttributes<Unit>, InferCreationAttributes<Unit>> {
  declare id: CreationOptional<string>;
  declare propertyId: string;
  declare label: string;
  declare bedrooms: number | null;
  declare bathrooms: number | null;
  declare livingAreaSqft: number | null;
  declare floor: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Unit.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        propertyId: { type: DataTypes.UUID, allowNull: false },
        label: { type: DataTypes.TEXT, allowNull: false },
        bedrooms: { type: DataTypes.INTEGER },
        bathrooms: {
          type: DataTypes.DECIMAL(5, 1),
          // numeric arrives as a string; half baths are exact in a double.
          get(this: Unit) {
            const v = this.getDataValue('bathrooms') as unknown;
            return v === null || v === undefined ? null : Number(v);
          },
        },
        livingAreaSqft: { type: DataTypes.INTEGER },
        floor: { type: DataTypes.INTEGER },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'units' },
    );
  }
}
