/**
 * The daily escrow reconciliation's activity (contracts/escrow-reconciliation.ts).
 *
 * Both sides are read in one REPEATABLE READ snapshot: the ledger's
 * escrow_held per purchase book and currency (books holding anything), and
 * the escrow each purchase's stored state says it holds, for every purchase
 * not in a final stage plus any purchase whose book still holds something.
 * domain/escrow-reconciliation.ts compares them. The report is stored, one
 * per day (a rerun replaces it, unless a newer snapshot of that day is
 * there already), and a difference is logged as a warning with the whole
 * report: there is no operations mailbox configured, so the stored report
 * (GET /v1/admin/escrow-reconciliations) is where staff read it.
 */
import { log } from '@temporalio/activity';
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { compareEscrow, escrowHeldByState, type EscrowPosition, type EscrowStateView, type PurchaseEscrowPosition } from '../../domain/escrow-reconciliation';
import { isDebitNormal } from '../../domain/ledger';
import { FINAL_STAGES } from '../../contracts/purchase';
import type { EscrowReconciliationActivities, EscrowReconciliationReport } from '../../contracts/escrow-reconciliation';

export interface EscrowReconciliationDeps {
  db: Sequelize;
}

/** escrow_held per purchase book and currency, where it is not zero, as net debits (the sign is turned below). */
const LEDGER_ESCROW = `
  select book_id::text as purchase_id, trim(currency) as currency, sum(debit_minor - credit_minor)::bigint as net_debit
    from ledger_lines
   where book_type = 'purchase' and account = 'escrow_held'
   group by book_id, currency
  having sum(debit_minor - credit_minor) <> 0`;

const PURCHASE_ESCROW = `
  select id::text as id, stage, trim(currency) as currency, state -> 'escrow' as escrow
    from purchases
   where not (stage = any($1::text[])) or id = any($2::uuid[])`;

export function createEscrowReconciliationActivities({ db }: EscrowReconciliationDeps): EscrowReconciliationActivities {
  async function readBothSides() {
    return db.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, async (transaction) => {
      const [{ now }] = (await db.query<{ now: Date }>('select now() as now', { type: QueryTypes.SELECT, transaction })) as [{ now: Date }];
      const ledgerRows = await db.query<{ purchase_id: string; currency: string; net_debit: string }>(LEDGER_ESCROW, { type: QueryTypes.SELECT, transaction });
      const sign = isDebitNormal('escrow_held') ? 1 : -1;
      const ledger: EscrowPosition[] = ledgerRows.map((r) => ({ purchaseId: r.purchase_id, currency: r.currency, heldMinor: sign * Number(r.net_debit) }));
      const purchaseRows = await db.query<{ id: string; stage: string; currency: string; escrow: EscrowStateView | null }>(PURCHASE_ESCROW, {
        bind: [FINAL_STAGES, [...new Set(ledger.map((l) => l.purchaseId))]],
        type: QueryTypes.SELECT,
        transaction,
      });
      const purchases: PurchaseEscrowPosition[] = purchaseRows.map((r) => ({
        purchaseId: r.id,
        stage: r.stage,
        currency: r.escrow?.currency?.trim() || r.currency,
        heldMinor: escrowHeldByState(r.escrow),
      }));
      return { ranAt: new Date(now), purchases, ledger };
    });
  }

  return {
    async reconcileEscrow({ asOf, workflowId }) {
      const { ranAt, purchases, ledger } = await readBothSides();
      const report: Omit<EscrowReconciliationReport, 'id'> = { asOf, ranAt: ranAt.toISOString(), workflowId, ...compareEscrow(purchases, ledger) };
      // A rerun of the day replaces its report; a late retry of an older snapshot leaves a newer one alone.
      const [stored] = await db.query<{ id: string; kept: boolean }>(
        `with upserted as (
           insert into escrow_reconciliations (id, as_of, ran_at, status, report, workflow_id, created_at, updated_at)
           values (gen_random_uuid(), $1::date, $2, $3, $4::jsonb, $5, now(), now())
           on conflict (as_of) do update
              set ran_at = excluded.ran_at, status = excluded.status, report = excluded.report, workflow_id = excluded.workflow_id, updated_at = now()
            where escrow_reconciliations.ran_at <= excluded.ran_at
           returning id, true as kept)
         select id::text as id, kept from upserted
         union all
         select id::text, false from escrow_reconciliations where as_of = $1::date and not exists (select 1 from upserted)`,
        { bind: [asOf, ranAt.toISOString(), report.status, JSON.stringify(report), workflowId], type: QueryTypes.SELECT },
      );
      const result: EscrowReconciliationReport = { id: stored!.id, ...report };
      if (!stored!.kept) log.info('a newer escrow reconciliation of this day is stored; this one was not kept', { asOf, workflowId });
      if (result.status === 'differences') {
        const differing = result.currencies.flatMap((c) => c.differences.map((d) => ({ currency: c.currency, ...d })));
        log.warn(`escrow does not reconcile on ${asOf}: ${differing.length} purchase(s) differ between their records and the ledger`, {
          report: result,
          differences: differing,
        });
      }
      return result;
    },
  };
}
