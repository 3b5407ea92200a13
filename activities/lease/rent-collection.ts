/**
 * Billing a rent period and collecting what a lease owes: shared by the lease
 * workflow's activities (dunning retries, a lease collecting by itself) and by
 * the daily rent run (the first charge of every period due, in batches).
 *
 * The invoice of a period is its `rent` row in lease_charges, unique per
 * (lease, period); a charge attempt is a payment unique per key
 * `rent:<lease>:<period>:attempt:<n>`, charged exactly once (see ../payments/card-charges.ts).
 * Whoever gets there first, the rent run or the lease, uses the same keys.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { allocateOldestFirst } from '../../domain/collection';
import type { Currency } from '../../domain/money';
import type { RentPeriod } from '../../domain/rent-schedule';
import type { CollectionOutcome, PaymentMethodRef } from '../../contracts/lease';
import { leaseBook } from '../../domain/ledger';
import { postToLedger } from '../../lib/ledger';
import type { CardCharges } from '../payments/card-charges';

/** A charge on a lease (a fee, damages), once per (lease, kind, period, day); true when this call made it. */
export async function addCharge(
  db: Sequelize,
  c: { leaseId: string; kind: string; periodIndex: number; forDay: string; amountMinor: number; currency: string },
  transaction: Transaction,
): Promise<boolean> {
  const inserted = await db.query<{ id: string }>(
    `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $4, $5, $5, $6, now())
     on conflict on constraint lease_charges_once do nothing returning id`,
    { bind: [c.leaseId, c.kind, c.periodIndex, c.forDay, c.amountMinor, c.currency], type: QueryTypes.SELECT, transaction },
  );
  return inserted.length > 0;
}

export interface CollectRequest {
  leaseId: string;
  currency: Currency;
  paymentMethod: PaymentMethodRef;
  periodIndex: number;
  attempt: number;
  today: string;
}

export const rentAttemptKey = (leaseId: string, periodIndex: number, attempt: number) =>
  `rent:${leaseId}:${periodIndex}:attempt:${attempt}`;

export function createRentCollection(db: Sequelize, cards: CardCharges) {

  /** What is still owed on the lease, or on one of its periods. */
  async function openMinor(leaseId: string, periodIndex?: number, transaction?: Transaction): Promise<number> {
    const [row] = await db.query<{ total: number | null }>(
      'select sum(open_minor)::bigint as total from lease_charges where lease_id = $1 and ($2::int is null or period_index = $2)',
      { bind: [leaseId, periodIndex ?? null], type: QueryTypes.SELECT, transaction },
    );
    return Number(row?.total ?? 0);
  }

  /** Applies a payment to the lease's open charges, oldest first, once per payment. */
  async function allocate(leaseId: string, paymentId: string, amountMinor: number, transaction: Transaction): Promise<number> {
    const [done] = await db.query<{ total: number | null }>(
      'select sum(amount_minor)::bigint as total from payment_allocations where payment_id = $1',
      { bind: [paymentId], type: QueryTypes.SELECT, transaction },
    );
    if (done?.total) return Number(done.total);
    const open = await db.query<{ id: string; due_on: string; open_minor: number }>(
      `select id, to_char(due_on, 'YYYY-MM-DD') as due_on, open_minor from lease_charges
        where lease_id = $1 and open_minor > 0 order by due_on, id for update`,
      { bind: [leaseId], type: QueryTypes.SELECT, transaction },
    );
    const charges = open.map((c) => ({ id: c.id, dueOn: c.due_on, openMinor: Number(c.open_minor) }));
    const { allocations } = allocateOldestFirst(charges, amountMinor);
    for (const a of allocations) {
      await db.query('update lease_charges set open_minor = open_minor - $2 where id = $1', { bind: [a.chargeId, a.amountMinor], transaction });
      await db.query('insert into payment_allocations (payment_id, charge_id, amount_minor) values ($1, $2, $3)', {
        bind: [paymentId, a.chargeId, a.amountMinor],
        transaction,
      });
    }
    return allocations.reduce((n, a) => n + a.amountMinor, 0);
  }

  /** The invoice of a period: its rent charge and the ledger posting, once. */
  async function billPeriod(leaseId: string, currency: Currency, period: RentPeriod) {
    return db.transaction(async (transaction) => {
      const [inserted] = await db.query<{ id: string }>(
        `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
         values (gen_random_uuid(), $1, 'rent', $2, $3, $3, $4, $4, $5, now())
         on conflict on constraint lease_charges_once do nothing returning id`,
        { bind: [leaseId, period.index, period.dueOn, period.amountMinor, currency], type: QueryTypes.SELECT, transaction },
      );
      const [charge] = inserted
        ? [inserted]
        : await db.query<{ id: string }>(`select id from lease_charges where lease_id = $1 and kind = 'rent' and period_index = $2`, {
            bind: [leaseId, period.index],
            type: QueryTypes.SELECT,
            transaction,
          });
      await postToLedger(
        db,
        {
          book: leaseBook(leaseId),
          kind: 'rent_charged',
          amountMinor: period.amountMinor,
          currency,
          occurredOn: period.dueOn,
          reference: `rent ${period.from}..${period.to}`,
          idempotencyKey: `rent:${leaseId}:${period.index}`,
        },
        transaction,
      );
      return { chargeId: charge!.id };
    });
  }

  /** Charges everything open on the lease (oldest charges first) to the saved card, once per key. */
  async function collectOpen(r: CollectRequest): Promise<CollectionOutcome> {
    const key = rentAttemptKey(r.leaseId, r.periodIndex, r.attempt);
    // A retried activity charges the amount it first decided on (the payment row keeps it). Otherwise what is
    // open, less card payments of this lease still in flight (the rent run and the lease collecting at once).
    const [row] = await db.query<{ decided: string | null; open: string | null; in_flight: string | null }>(
      `select (select amount_minor from payments where idempotency_key = $1) as decided,
              (select sum(open_minor) from lease_charges where lease_id = $2) as open,
              (select sum(amount_minor) from payments where lease_id = $2 and status = 'pending' and method = 'card' and idempotency_key <> $1) as in_flight`,
      { bind: [key, r.leaseId], type: QueryTypes.SELECT },
    );
    const amountMinor = row?.decided != null ? Number(row.decided) : Number(row?.open ?? 0) - Number(row?.in_flight ?? 0);
    if (amountMinor <= 0) return { status: 'nothing_due' };
    const outcome = await cards.chargeCard(
      {
        idempotencyKey: key,
        leaseId: r.leaseId,
        reference: `Rent, period ${r.periodIndex}`,
        amountMinor,
        currency: r.currency,
        customerId: r.paymentMethod.customerId,
        paymentMethodId: r.paymentMethod.paymentMethodId,
        occurredOn: r.today,
      },
      // Paid and allocated in one transaction: the books never show a payment that pays nothing.
      (paymentId, t) => allocate(r.leaseId, paymentId, amountMinor, t),
    );
    if (outcome.status === 'failed') return { status: 'failed', declineKind: outcome.declineKind, message: outcome.message };
    return { status: 'succeeded', amountMinor, paymentId: outcome.paymentId };
  }

  return { openMinor, allocate, billPeriod, collectOpen };
}

export type RentCollection = ReturnType<typeof createRentCollection>;
