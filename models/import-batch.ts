import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ImportFormat, ImportStatus, RowRejection } from '../domain/listing-import';

export class ImportBatch extends Model<InferAttributes<ImportBatch>, InferCreationAttributes<ImportBatch>> {
  declare id: CreationOptional<string>;
  declare source: string;
  declare format: ImportFormat;
  declare status: ImportStatus;
  declare ownerId: string;
  declare createdBy: string | null;
  declare content: string;
  declare totalRows: number | null;
  declare createdCount: CreationOptional<number>;
  declare updatedCount: CreationOptional<number>;
  declare unchangedCount: CreationOptional<number>;
  declare rejectedCount: CreationOptional<number>;
  declare rejections: CreationOptional<RowRejection[]>;
  declare workflowId: string | null;
  declare startedAt: Date | null;
  declare finishedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ImportBatch.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        source: { type: DataTypes.TEXT, allowNull: false },
        format: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        ownerId: { type: DataTypes.UUID, allowNull: false },
        createdBy: { type: DataTypes.UUID },
        content: { type: DataTypes.TEXT, allowNull: false },
        totalRows: { type: DataTypes.INTEGER },
        createdCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        updatedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        unchangedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        rejectedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        rejections: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        workflowId: { type: DataTypes.TEXT },
        startedAt: { type: DataTypes.DATE },
        finishedAt: { type: DataTypes.DATE },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'import_batches' },
    );
  }
}
