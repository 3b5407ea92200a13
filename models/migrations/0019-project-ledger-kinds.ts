import type { QueryInterface } from 'sequelize';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

// As they are when this migration is written (domain/ledger.ts).
const LEASE_KINDS = ['rent_charged', 'fee_charged', 'credit_issued', 'payment_received', 'payment_reversed', 'deposit_received', 'deposit_applied', 'damages_charged', 'deposit_refunded'];
const PURCHASE_KINDS = ['escrow_received', 'escrow_released', 'proceeds_allocated', 'commission_allocated', 'charges_allocated', 'payoff_allocated', 'proceeds_paid', 'commission_paid', 'charges_paid', 'payoff_paid'];
const REPAIRS = ['repair_paid', 'repair_charged'];
const BEFORE = [...LEASE_KINDS, ...PURCHASE_KINDS, ...REPAIRS];
const PROJECTS = ['draw_paid', 'retainage_withheld', 'retainage_released'];

/**
 * Construction projects: the ledger gains a project's movements, posted to
 * the project's book. A paid draw is the work billed less retainage out of
 * cash (`draw_paid`) and the retainage withheld, owed to the contractor
 * (`retainage_withheld`); released retainage is paid out (`retainage_released`).
 * The accounts (repairs_expense, retainage_payable, cash) and the `project`
 * book type are already in the chart (0011).
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.query(`alter table ledger_transactions
                              drop constraint ledger_transactions_kind_check,
                              add constraint ledger_transactions_kind_check check (kind in (${list([...BEFORE, ...PROJECTS])}))`);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`do $$ begin
               if exists (select 1 from ledger_transactions where kind in (${list(PROJECTS)})) then
                 raise exception 'the ledger holds project postings: remove them before going back';
               end if;
             end $$`);
    await q(`alter table ledger_transactions
               drop constraint ledger_transactions_kind_check,
               add constraint ledger_transactions_kind_check check (kind in (${list(BEFORE)}))`);
  });
}
