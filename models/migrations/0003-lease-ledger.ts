import { DataTypes, type QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they were when this migration was written: a migration never changes with the code after it.
const POSTING_KINDS = ['rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded'];
const LEDGER_ACCOUNTS = ['tenant_receivable', 'cash', 'deposits_held', 'rental_income', 'fee_income', 'damages_income'];

/**
 * The double-entry ledger of leases. Postgres itself refuses a transaction
 * whose lines do not balance (a deferred constraint trigger checks at
 * commit), and an idempotency key makes every posting happen once.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.createTable(
      'ledger_transactions',
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        kind: { type: DataTypes.TEXT, allowNull: false },
        amount_minor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        occurred_on: { type: DataTypes.DATEONLY, allowNull: false },
        reference: { type: DataTypes.TEXT },
        memo: { type: DataTypes.TEXT },
        idempotency_key: { type: DataTypes.TEXT, allowNull: false, unique: true },
        created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table ledger_transactions
         add constraint ledger_transactions_kind_check check (kind in (${list(POSTING_KINDS)})),
         add constraint ledger_transactions_amount_check check (amount_minor > 0)`,
      { transaction },
    );
    await qi.addIndex('ledger_transactions', ['lease_id', 'occurred_on'], { transaction });

    await qi.createTable(
      'ledger_lines',
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        transaction_id: {
          type: DataTypes.UUID,
          allowNull: false,
          references: { model: 'ledger_transactions', key: 'id' },
          onDelete: 'CASCADE',
        },
        lease_id: { type: DataTypes.UUID, allowNull: false },
        account: { type: DataTypes.TEXT, allowNull: false },
        debit_minor: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
        credit_minor: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table ledger_lines
         add constraint ledger_lines_account_check check (account in (${list(LEDGER_ACCOUNTS)})),
         add constraint ledger_lines_amounts_check check (debit_minor >= 0 and credit_minor >= 0 and (debit_minor = 0) <> (credit_minor = 0))`,
      { transaction },
    );
    await qi.addIndex('ledger_lines', ['lease_id', 'account'], { transaction });
    await qi.addIndex('ledger_lines', ['transaction_id'], { transaction });
    await qi.sequelize.query(
      `create function ledger_transaction_balanced() returns trigger language plpgsql as $$
       begin
         if exists (
           select 1 from ledger_lines where transaction_id = new.transaction_id
           group by transaction_id
           having sum(debit_minor) <> sum(credit_minor) or count(*) < 2 or count(distinct currency) <> 1
         ) then
           raise exception 'ledger transaction % does not balance', new.transaction_id using errcode = '23514';
         end if;
         return null;
       end $$`,
      { transaction },
    );
    await qi.sequelize.query(
      `create constraint trigger ledger_lines_balanced after insert or update on ledger_lines
         deferrable initially deferred for each row execute function ledger_transaction_balanced()`,
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.dropTable('ledger_lines', { transaction });
    await qi.sequelize.query('drop function if exists ledger_transaction_balanced()', { transaction });
    await qi.dropTable('ledger_transactions', { transaction });
  });
}
