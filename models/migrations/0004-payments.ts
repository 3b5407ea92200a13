import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * One row per intended charge (its idempotency key). The Stripe
 * PaymentIntent is recorded here before it is confirmed, so a retried
 * activity finds and reuses it instead of charging twice: localstripe, like
 * a careless proxy, may ignore Stripe's own Idempotency-Key.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.createTable(
      'payments',
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        idempotency_key: { type: DataTypes.TEXT, allowNull: false, unique: true },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        reference: { type: DataTypes.TEXT, allowNull: false },
        method: { type: DataTypes.TEXT, allowNull: false },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        stripe_payment_intent_id: { type: DataTypes.TEXT, unique: true },
        failure_code: { type: DataTypes.TEXT },
        failure_message: { type: DataTypes.TEXT },
        decline_kind: { type: DataTypes.TEXT },
        created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table payments
         add constraint payments_status_check check (status in ('pending','succeeded','failed','refunded','returned')),
         add constraint payments_method_check check (method in ('card','cash','check','bank_transfer')),
         add constraint payments_amount_check check (amount_minor > 0)`,
      { transaction },
    );
    await qi.addIndex('payments', ['lease_id', 'created_at'], { transaction });
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('payments');
}
