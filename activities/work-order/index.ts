/**
 * The work-order workflow's activities (contracts/work-order.ts:
 * WorkOrderActivities) on Postgres: the work order's row, the vendor
 * directory as the contractor-choice rules read it, the repair's ledger
 * postings and its e-mails. Each is idempotent: the row is keyed by the work
 * order, postings by `workorder:<id>:…`, e-mails by the activity invocation.
 */
import { QueryTypes } from 'sequelize';
import { leaseBook } from '../../domain/ledger';
import type { Subject } from '../../domain/subject';
import { candidates } from '../../domain/work-order/contractor-choice';
import type { WorkOrderActivities } from '../../contracts/work-order';
import { recordPaidBill } from '../../lib/books/bills';
import { postToLedger } from '../../lib/ledger';
import { createNotifications, type NotificationDeps } from '../notifications';
import { addCharge } from '../lease/rent-collection';
import { candidateOf, directoryContractor, repairChargePeriodIndex, workOrderRow, type DirectoryRow } from './rows';

export type WorkOrderDeps = NotificationDeps;

const subjectOf = (workOrderId: string): Subject => ({ type: 'work_order', id: workOrderId });

/**
 * Contractors with their documents and figures, aggregated from their work
 * orders (completed ones: rating, first-time fixes; every accepted one: the
 * median minutes to accept). `$1`: a trade to filter by, `$2`: one contractor.
 */
const DIRECTORY_SQL = `
  select c.user_id, c.company, u.email, c.trades, c.service_area, c.hourly_rate_minor,
         (select json_agg(json_build_object('kind', d.kind, 'expiresOn', to_char(d.expires_on, 'YYYY-MM-DD'), 'coverageMinor', d.coverage_minor) order by d.created_at)
            from contractor_documents d where d.contractor_id = c.user_id) as documents,
         f.completed, f.rating, f.first_time_fixes, f.median_response_minutes
    from contractors c
    join users u on u.id = c.user_id
    cross join lateral (
      select count(*) filter (where w.completed_at is not null) as completed,
             avg(w.rating) filter (where w.completed_at is not null) as rating,
             count(*) filter (where w.completed_at is not null and not w.reopened_in_warranty) as first_time_fixes,
             percentile_cont(0.5) within group (order by w.accepted_minutes) as median_response_minutes
        from work_orders w where w.contractor_id = c.user_id) f
   where ($1::text is null or c.trades @> array[$1::text])
     and ($2::uuid is null or c.user_id = $2::uuid)
   order by c.user_id`;

export function createWorkOrderActivities(deps: WorkOrderDeps): WorkOrderActivities {
  const { db } = deps;
  const notifications = createNotifications(deps);

  const directory = (filter: { trade?: string; contractorId?: string }) =>
    db.query<DirectoryRow>(DIRECTORY_SQL, { bind: [filter.trade ?? null, filter.contractorId ?? null], type: QueryTypes.SELECT });

  return {
    async recordWorkOrder({ state, currency }) {
      const r = workOrderRow(state, currency);
      // The workflow writes in order, so the latest write wins; completed_at keeps the first completion (a reopened repair's).
      await db.query(
        `insert into work_orders (id, property_id, unit_id, lease_id, requested_by, status, priority, category, contractor_id, sla_breached,
                                  raised_at, accepted_minutes, completed_at, reopened_in_warranty, rating, amount_paid_minor, currency, state, workflow_id,
                                  created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, now(), now())
         on conflict (id) do update set
           unit_id = excluded.unit_id, lease_id = coalesce(excluded.lease_id, work_orders.lease_id), status = excluded.status,
           priority = excluded.priority, category = excluded.category, contractor_id = excluded.contractor_id,
           sla_breached = excluded.sla_breached, accepted_minutes = excluded.accepted_minutes,
           completed_at = coalesce(work_orders.completed_at, excluded.completed_at), reopened_in_warranty = excluded.reopened_in_warranty,
           rating = excluded.rating, amount_paid_minor = excluded.amount_paid_minor, state = excluded.state, updated_at = now()`,
        {
          bind: [
            r.id, r.propertyId, r.unitId, r.leaseId, r.requestedBy, r.status, r.priority, r.category, r.contractorId, r.slaBreached,
            r.raisedAt, r.acceptedMinutes, r.completedAt, r.reopenedInWarranty, r.rating, r.amountPaidMinor, r.currency, JSON.stringify(r.state), r.workflowId,
          ],
        },
      );
    },

    async eligibleContractors({ trade, postalCode, on, passedOver, rules }) {
      // The trade filter is for speed (a GIN index); the rules still decide, and say why for the others.
      const rows = await directory({ trade });
      const byId = new Map(rows.map((r) => [r.user_id, r]));
      const { eligible, refused } = candidates(rows.map(directoryContractor), { trade, postalCode, on, passedOver }, rules);
      return { eligible: eligible.map((c) => candidateOf(byId.get(c.contractorId)!)), refused: refused.map((r) => ({ ...r, name: candidateOf(byId.get(r.contractorId)!).name })) };
    },

    async contractorProblems({ contractorId, trade, postalCode, on, rules }) {
      const [row] = await directory({ contractorId });
      if (!row) return { candidate: null, reasons: ['not in the vendor directory'] };
      // A manager's choice: asked even if they passed on this work before, so no passedOver here.
      const { refused } = candidates([directoryContractor(row)], { trade, postalCode, on, passedOver: [] }, rules);
      return { candidate: candidateOf(row), reasons: refused[0]?.reasons ?? [] };
    },

    async postWorkOrderPayment({ workOrderId, propertyId, leaseId, amountMinor, currency, reference, paidOn }) {
      if (amountMinor <= 0) return;
      const memo = `work order ${workOrderId}`;
      await db.transaction(async (transaction) => {
        const [vendor] = await db.query<{ contractor_id: string | null; unit_id: string | null; company: string | null }>(
          'select w.contractor_id, w.unit_id, c.company from work_orders w left join contractors c on c.user_id = w.contractor_id where w.id = $1',
          { bind: [workOrderId], type: QueryTypes.SELECT, transaction },
        );
        const paid = await postToLedger(
          db,
          {
            book: { type: 'property', id: propertyId },
            propertyId,
            kind: 'repair_paid',
            amountMinor,
            currency,
            occurredOn: paidOn,
            reference,
            memo,
            idempotencyKey: `workorder:${workOrderId}:paid`,
            partyId: vendor?.contractor_id ?? null,
          },
          transaction,
        );
        // The contractor's invoice is a bill of the property, paid (the AP record statements and tax summaries read).
        await recordPaidBill(
          db,
          {
            sourceKey: `workorder:${workOrderId}`,
            source: 'work_order',
            propertyId,
            unitId: vendor?.unit_id ?? null,
            vendorId: vendor?.contractor_id ?? null,
            vendorName: vendor?.company ?? 'contractor',
            amountMinor,
            currency,
            description: memo,
            paidOn,
            reference: reference ?? null,
            ledgerTransactionId: paid.transactionId,
            workOrderId,
          },
          transaction,
        );
        if (!leaseId) return;
        const charged = await postToLedger(
          db,
          { book: leaseBook(leaseId), propertyId, kind: 'repair_charged', amountMinor, currency, occurredOn: paidOn, reference, memo, idempotencyKey: `workorder:${workOrderId}:charged` },
          transaction,
        );
        // What the tenant owes is also a lease charge (collected with the rent; the ledger's receivable check counts charges).
        const added = await addCharge(db, { leaseId, kind: 'damages', periodIndex: repairChargePeriodIndex(workOrderId), forDay: paidOn, amountMinor, currency }, transaction);
        if (added !== charged.created) throw new Error(`work order ${workOrderId}: the lease charge and its ledger posting disagree (posted: ${charged.created}, charged: ${added})`);
      });
    },

    notifyWorkOrder: ({ workOrderId, template, data, to }) => notifications.notify({ subject: subjectOf(workOrderId), template, data, to }),
  };
}
