import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Listings whose search document must be refreshed. A row is written in the
 * same transaction as the listing change and removed once Temporal has taken
 * the indexing request, so a change made while Temporal is unreachable is
 * still indexed later (by the outbox sweep schedule).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('listing_index_outbox', {
    listing_id: { type: DataTypes.UUID, primaryKey: true, references: { model: 'listings', key: 'id' }, onDelete: 'CASCADE' },
    property_id: { type: DataTypes.UUID, allowNull: false },
    requested_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  });
  await qi.addIndex('listing_index_outbox', ['requested_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('listing_index_outbox');
}
