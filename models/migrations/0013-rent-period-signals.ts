import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * When the rent run's signal of a period's outcome reached its lease. A batch
 * that records an outcome and then fails to signal it (Temporal unreachable)
 * is retried, and the retry signals again every period of its own run that
 * has an outcome and no signal yet. Periods decided before are counted as
 * signalled.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.addColumn('rent_periods', 'signalled_at', { type: DataTypes.DATE }, { transaction });
    await qi.sequelize.query('update rent_periods set signalled_at = decided_at where outcome is not null', { transaction });
    await qi.sequelize.query('create index rent_periods_unsignalled on rent_periods (claimed_by) where outcome is not null and signalled_at is null', { transaction });
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn('rent_periods', 'signalled_at');
}
