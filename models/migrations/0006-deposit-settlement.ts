import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Move-out: the deposit applied to what is owed is recorded as a payment of
 * method 'deposit' (so it is allocated like any other), and the refund of the
 * rest is recorded once per lease.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query(
      `alter table payments drop constraint payments_method_check,
         add constraint payments_method_check check (method in ('card','cash','check','bank_transfer','deposit'))`,
      { transaction },
    );
    await qi.createTable(
      'deposit_refunds',
      {
        lease_id: { type: DataTypes.UUID, primaryKey: true },
        payment_intent_id: { type: DataTypes.TEXT, allowNull: false },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
        stripe_refund_id: { type: DataTypes.TEXT },
        created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.dropTable('deposit_refunds', { transaction });
    await qi.sequelize.query(
      `alter table payments drop constraint payments_method_check,
         add constraint payments_method_check check (method in ('card','cash','check','bank_transfer'))`,
      { transaction },
    );
  });
}
