import { DataTypes, type QueryInterface } from 'sequelize';

/** A document may be the receipt of one payment (one receipt per payment); a rent period remembers the payment of its first charge. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.addColumn('documents', 'payment_id', { type: DataTypes.UUID, references: { model: 'payments', key: 'id' } }, { transaction });
    await qi.sequelize.query('create unique index documents_one_receipt_per_payment on documents (payment_id) where payment_id is not null', { transaction });
    await qi.addColumn('rent_periods', 'payment_id', { type: DataTypes.UUID }, { transaction });
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.removeColumn('rent_periods', 'payment_id', { transaction });
    await qi.removeColumn('documents', 'payment_id', { transaction });
  });
}
