import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The rent run and Stripe webhooks:
 * - `rent_periods`: the rent each active lease expects, written by its lease
 *   workflow when a term starts. The daily rent run claims the periods due
 *   (claimed_by / claimed_at, so overlapping runs split the work) and records
 *   each first collection's outcome; the invoice itself is the `rent` row of
 *   lease_charges, unique per (lease, period).
 * - the card a lease's rent is charged to, on the lease.
 * - `stripe_events`: each webhook event id processed once.
 * - allocations of a reversed payment are kept (for the audit) but marked.
 * - early-termination fees are charges too.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW } as const;
    await qi.createTable(
      'rent_periods',
      {
        lease_id: { type: DataTypes.UUID, primaryKey: true },
        period_index: { type: DataTypes.INTEGER, primaryKey: true },
        period_from: { type: DataTypes.DATEONLY, allowNull: false },
        period_to: { type: DataTypes.DATEONLY, allowNull: false },
        due_on: { type: DataTypes.DATEONLY, allowNull: false },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        claimed_by: { type: DataTypes.TEXT },
        claimed_at: { type: DataTypes.DATE },
        outcome: { type: DataTypes.TEXT },
        decline_kind: { type: DataTypes.TEXT },
        collected_minor: { type: DataTypes.BIGINT },
        message: { type: DataTypes.TEXT },
        decided_at: { type: DataTypes.DATE },
        created_at: now,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table rent_periods
         add constraint rent_periods_outcome_check check (outcome in ('succeeded','failed','nothing_due')),
         add constraint rent_periods_amount_check check (amount_minor > 0)`,
      { transaction },
    );
    await qi.sequelize.query('create index rent_periods_due on rent_periods (due_on, lease_id) where outcome is null', { transaction });
    await qi.addIndex('rent_periods', ['claimed_by'], { transaction });

    await qi.addColumn('leases', 'customer_id', { type: DataTypes.TEXT }, { transaction });
    await qi.addColumn('leases', 'payment_method_id', { type: DataTypes.TEXT }, { transaction });

    await qi.createTable(
      'stripe_events',
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        type: { type: DataTypes.TEXT, allowNull: false },
        payload: { type: DataTypes.JSONB, allowNull: false },
        received_at: now,
      },
      { transaction },
    );

    await qi.addColumn('payment_allocations', 'reversed_at', { type: DataTypes.DATE }, { transaction });
    await qi.sequelize.query(
      `alter table lease_charges drop constraint lease_charges_kind_check,
         add constraint lease_charges_kind_check check (kind in ('rent','late_fee','returned_payment_fee','damages','early_termination_fee'))`,
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query(
      `delete from lease_charges where kind = 'early_termination_fee';
       alter table lease_charges drop constraint lease_charges_kind_check,
         add constraint lease_charges_kind_check check (kind in ('rent','late_fee','returned_payment_fee','damages'))`,
      { transaction },
    );
    await qi.removeColumn('payment_allocations', 'reversed_at', { transaction });
    await qi.dropTable('stripe_events', { transaction });
    await qi.removeColumn('leases', 'payment_method_id', { transaction });
    await qi.removeColumn('leases', 'customer_id', { transaction });
    await qi.dropTable('rent_periods', { transaction });
  });
}
