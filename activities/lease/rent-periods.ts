/**
 * The rent periods a lease expects (written by its workflow when a term
 * starts, with the card to charge) and the collection of one period's first
 * charge: billed once, charged once per key, its outcome recorded once. The
 * lease's activities and the daily rent run (activities/rent-run/) both
 * collect through here, with the same keys, so whoever comes first does it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { IsoDate } from '../../domain/calendar';
import type { Currency } from '../../domain/money';
import type { RentPeriod } from '../../domain/rent-schedule';
import type { CollectionOutcome, PaymentMethodRef } from '../../contracts/lease';
import type { RentCollection } from './rent-collection';

interface PeriodRow {
  lease_id: string;
  period_index: number;
  period_from: string;
  period_to: string;
  due_on: string;
  amount_minor: string;
  currency: Currency;
  outcome: CollectionOutcome['status'] | null;
  decline_kind: 'soft' | 'hard' | null;
  collected_minor: string | null;
  message: string | null;
  payment_id: string | null;
  customer_id: string | null;
  payment_method_id: string | null;
}

const PERIOD_COLUMNS = `rp.lease_id, rp.period_index, to_char(rp.period_from, 'YYYY-MM-DD') as period_from,
  to_char(rp.period_to, 'YYYY-MM-DD') as period_to, to_char(rp.due_on, 'YYYY-MM-DD') as due_on, rp.amount_minor, rp.currency,
  rp.outcome, rp.decline_kind, rp.collected_minor, rp.message, rp.payment_id, l.customer_id, l.payment_method_id`;

function storedOutcome(row: PeriodRow): CollectionOutcome {
  if (row.outcome === 'succeeded') return { status: 'succeeded', amountMinor: Number(row.collected_minor), ...(row.payment_id ? { paymentId: row.payment_id } : {}) };
  if (row.outcome === 'failed') return { status: 'failed', declineKind: row.decline_kind ?? 'soft', message: row.message ?? 'declined' };
  return { status: 'nothing_due' };
}

/** The periods a lease expects, and the collection of one period; used by lease activities and the rent run alike. */
export function createRentPeriods(db: Sequelize, rent: RentCollection) {

  async function savePaymentMethod(leaseId: string, pm: PaymentMethodRef) {
    await db.query('update leases set customer_id = $2, payment_method_id = $3, updated_at = now() where id = $1', {
      bind: [leaseId, pm.customerId, pm.paymentMethodId],
    });
  }

  return {
    savePaymentMethod,

    /** Idempotent; with `replace`, drops this lease's uncollected periods that are no longer in the list (an early termination). */
    async schedule(leaseId: string, currency: string, pm: PaymentMethodRef, periods: RentPeriod[], replace = false) {
      if (!periods.length && !replace) return;
      await db.transaction(async (transaction) => {
        await db.query(
          `insert into leases (id, status, tenant_ids, workflow_id, customer_id, payment_method_id, created_at, updated_at)
           values ($1, 'active', '{}', $4, $2, $3, now(), now())
           on conflict (id) do update set customer_id = excluded.customer_id, payment_method_id = excluded.payment_method_id, updated_at = now()`,
          { bind: [leaseId, pm.customerId, pm.paymentMethodId, `lease-${leaseId}`], transaction },
        );
        if (replace) {
          await db.query(
            `delete from rent_periods where lease_id = $1 and outcome is null and claimed_by is null
               and period_index >= $2 and not (period_index = any($3::int[]))`,
            { bind: [leaseId, periods[0]?.index ?? 0, periods.map((p) => p.index)], transaction },
          );
        }
        for (const p of periods) {
          // A period not yet collected takes the new amount (a prorated last month after a termination).
          await db.query(
            `insert into rent_periods (lease_id, period_index, period_from, period_to, due_on, amount_minor, currency, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, now())
             on conflict (lease_id, period_index) do update
               set period_from = excluded.period_from, period_to = excluded.period_to, due_on = excluded.due_on, amount_minor = excluded.amount_minor
               where rent_periods.outcome is null and rent_periods.claimed_by is null`,
            { bind: [leaseId, p.index, p.from, p.to, p.dueOn, p.amountMinor, currency], transaction },
          );
        }
      });
    },

    /** Bills the period and makes its first charge, once; a second call returns the recorded outcome. */
    async collect(leaseId: string, periodIndex: number, today: IsoDate): Promise<CollectionOutcome> {
      const [row] = await db.query<PeriodRow>(
        `select ${PERIOD_COLUMNS} from rent_periods rp join leases l on l.id = rp.lease_id where rp.lease_id = $1 and rp.period_index = $2`,
        { bind: [leaseId, periodIndex], type: QueryTypes.SELECT },
      );
      if (!row) throw ApplicationFailure.nonRetryable(`lease ${leaseId} has no rent period ${periodIndex}`, 'NoSuchRentPeriod');
      if (row.outcome) return storedOutcome(row);
      const period: RentPeriod = {
        index: row.period_index,
        from: row.period_from,
        to: row.period_to,
        dueOn: row.due_on,
        amountMinor: Number(row.amount_minor),
        prorated: false,
      };
      await rent.billPeriod(leaseId, row.currency, period);
      const outcome: CollectionOutcome =
        row.customer_id && row.payment_method_id
          ? await rent.collectOpen({
              leaseId,
              currency: row.currency,
              paymentMethod: { customerId: row.customer_id, paymentMethodId: row.payment_method_id },
              periodIndex,
              attempt: 1,
              today,
            })
          : { status: 'failed', declineKind: 'hard', message: 'no saved payment method' };
      const [recorded] = await db.query<PeriodRow>(
        `update rent_periods rp set outcome = $3, decline_kind = $4, collected_minor = $5, message = $6, payment_id = $7, decided_at = now()
           from leases l where l.id = rp.lease_id and rp.lease_id = $1 and rp.period_index = $2 and rp.outcome is null
         returning ${PERIOD_COLUMNS}`,
        {
          bind: [
            leaseId,
            periodIndex,
            outcome.status,
            outcome.status === 'failed' ? outcome.declineKind : null,
            outcome.status === 'succeeded' ? outcome.amountMinor : null,
            outcome.status === 'failed' ? outcome.message : null,
            outcome.status === 'succeeded' ? (outcome.paymentId ?? null) : null,
          ],
          type: QueryTypes.SELECT,
        },
      );
      if (recorded) return outcome;
      // Someone recorded first (the lease and the run raced): theirs stands, and it is the same charge.
      const [first] = await db.query<PeriodRow>(
        `select ${PERIOD_COLUMNS} from rent_periods rp join leases l on l.id = rp.lease_id where rp.lease_id = $1 and rp.period_index = $2`,
        { bind: [leaseId, periodIndex], type: QueryTypes.SELECT },
      );
      return storedOutcome(first!);
    },
  };
}

export type RentPeriods = ReturnType<typeof createRentPeriods>;
