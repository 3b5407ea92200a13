/**
 * What a Stripe webhook event means for our books. Each event id is recorded
 * once (stripe_events); its effect is idempotent on its own too (a reversal
 * per payment), so a redelivered event changes nothing.
 *
 * - A dispute opened on a payment, or a payment failing after it had
 *   succeeded (a bank return), reverses it: the ledger posting is reversed,
 *   the charges it paid are open again, the lease's returned-payment fee is
 *   charged, and the payment's state becomes `returned`.
 * - A refund made outside the platform (the Stripe dashboard) of a rent
 *   payment reverses it the same way without a fee (`refunded`). Our own
 *   deposit refunds are already in the books and are only recorded.
 * - Success and failure of an intent still in flight need nothing here: the
 *   charge activity that created it keeps reading the intent until it settles.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Currency } from '../../domain/money';
import type { StripeEventActivities } from '../../contracts/stripe-events';
import { leaseBook } from '../../domain/ledger';
import { postToLedger } from '../../lib/ledger';
import { addCharge } from '../lease/rent-collection';

export function createStripeEventActivities({ db }: { db: Sequelize }): StripeEventActivities {
  return {
    async processStripeEvent(event) {
      await db.query(`insert into stripe_events (id, type, payload, received_at) values ($1, $2, $3::jsonb, now()) on conflict (id) do nothing`, {
        bind: [event.id, event.type, JSON.stringify(event.payload)],
      });
      const reason =
        event.type === 'charge.dispute.created' || event.type === 'charge.failed' || event.type === 'payment_intent.payment_failed'
          ? ('returned' as const)
          : event.type === 'charge.refunded'
            ? ('refunded' as const)
            : null;
      if (!reason || !event.paymentIntentId) return { leaseId: null, reversal: null, note: `nothing to do for ${event.type}` };

      return db.transaction(async (transaction) => {
        const [payment] = await db.query<{ id: string; lease_id: string; status: string; amount_minor: string; currency: Currency; idempotency_key: string }>(
          `select id, lease_id, status, amount_minor, currency, idempotency_key from payments where stripe_payment_intent_id = $1 for update`,
          { bind: [event.paymentIntentId], type: QueryTypes.SELECT, transaction },
        );
        if (!payment) return { leaseId: null, reversal: null, note: `no payment of ours for ${event.paymentIntentId}` };
        const isDeposit = payment.idempotency_key.startsWith(`deposit:${payment.lease_id}`);
        if (isDeposit && reason === 'refunded') {
          return { leaseId: payment.lease_id, reversal: null, note: 'refund of the deposit: already in the ledger' };
        }
        if (payment.status !== 'succeeded') {
          return { leaseId: payment.lease_id, reversal: null, note: `payment is ${payment.status}: nothing to reverse` };
        }
        const paid = Number(payment.amount_minor);
        const amountMinor = Math.min(event.amountMinor ?? paid, paid);
        if (amountMinor < paid) {
          // A partial dispute or refund changes only part of a payment: left to staff (the event is recorded) rather than guessed at.
          return { leaseId: payment.lease_id, reversal: null, note: `partial ${reason === 'refunded' ? 'refund' : 'return'} of ${amountMinor} of ${paid}: recorded for staff, books unchanged` };
        }
        if (isDeposit) {
          // The deposit taken back: we no longer hold it. Nothing the tenant owes changes, so the lease is not asked to collect.
          await db.query(`update payments set status = 'returned', updated_at = now() where id = $1`, { bind: [payment.id], transaction });
          await postToLedger(
            db,
            {
              book: leaseBook(payment.lease_id),
              kind: 'deposit_refunded',
              amountMinor,
              currency: payment.currency,
              occurredOn: event.occurredOn,
              reference: `${event.type} ${event.id}`,
              memo: 'security deposit disputed or returned by the bank',
              idempotencyKey: `reversal:${payment.id}`,
            },
            transaction,
          );
          return { leaseId: payment.lease_id, reversal: null, note: `deposit payment ${payment.id} returned` };
        }
        await db.query(`update payments set status = $2, updated_at = now() where id = $1`, { bind: [payment.id, reason], transaction });
        await postToLedger(
          db,
          {
            book: leaseBook(payment.lease_id),
            kind: 'payment_reversed',
            amountMinor,
            currency: payment.currency,
            occurredOn: event.occurredOn,
            reference: `${event.type} ${event.id}`,
            idempotencyKey: `reversal:${payment.id}`,
          },
          transaction,
        );
        // Reopen what the payment paid, newest charge first, up to the amount reversed.
        const allocations = await db.query<{ charge_id: string; amount_minor: string; period_index: number }>(
          `select a.charge_id, a.amount_minor, c.period_index from payment_allocations a join lease_charges c on c.id = a.charge_id
            where a.payment_id = $1 and a.reversed_at is null order by c.due_on desc, c.id desc`,
          { bind: [payment.id], type: QueryTypes.SELECT, transaction },
        );
        let left = amountMinor;
        let periodIndex = 0;
        for (const a of allocations) {
          if (left <= 0) break;
          const reopen = Math.min(left, Number(a.amount_minor));
          left -= reopen;
          periodIndex = Math.max(periodIndex, a.period_index);
          await db.query('update lease_charges set open_minor = open_minor + $2 where id = $1', { bind: [a.charge_id, reopen], transaction });
          await db.query('update payment_allocations set reversed_at = now() where payment_id = $1 and charge_id = $2', {
            bind: [payment.id, a.charge_id],
            transaction,
          });
        }
        // Money reversed beyond what was allocated (an overpayment) was a credit; the ledger reversal covers it.
        let feeMinor = 0;
        if (reason === 'returned') {
          const [lease] = await db.query<{ fee: string | null }>(`select terms->'lateFeePolicy'->>'returnedPaymentFeeMinor' as fee from leases where id = $1`, {
            bind: [payment.lease_id],
            type: QueryTypes.SELECT,
            transaction,
          });
          feeMinor = Number(lease?.fee ?? 0);
          const fee = { leaseId: payment.lease_id, kind: 'returned_payment_fee', periodIndex, forDay: event.occurredOn, amountMinor: feeMinor, currency: payment.currency };
          // One fee per period and day (a second return that day adds none): charged only with its invoice row.
          if (feeMinor > 0 && !(await addCharge(db, fee, transaction))) feeMinor = 0;
          if (feeMinor > 0) {
            await postToLedger(
              db,
              {
                book: leaseBook(payment.lease_id),
                kind: 'fee_charged',
                amountMinor: feeMinor,
                currency: payment.currency,
                occurredOn: event.occurredOn,
                reference: `returned-payment fee (${event.type})`,
                idempotencyKey: `returned-fee:${payment.id}`,
              },
              transaction,
            );
          }
        }
        return {
          leaseId: payment.lease_id,
          reversal: { paymentId: payment.id, periodIndex, amountMinor, feeMinor, reason },
          note: `payment ${payment.id} ${reason}`,
        };
      });
    },
  };
}
