/**
 * Move-out: the deductions become a charge, the deposit is applied to
 * everything owed (oldest first), the rest goes back to the card that paid
 * the deposit, once, and an itemized statement is stored. A re-run computes
 * the same settlement from what was held, so it never pays out twice.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type Stripe from 'stripe';
import type { LeaseActivities } from '../../contracts/lease';
import { renderDepositStatement } from '../../lib/documents/deposit-statement';
import { leaseBook } from '../../domain/ledger';
import { postToLedger } from '../../lib/ledger';
import type { DocumentStore } from '../documents/store';
import { recordReceivedPayment } from '../payments/received';
import { addCharge, type RentCollection } from './rent-collection';

export function createDepositSettlement(db: Sequelize, stripe: Stripe, rent: RentCollection, documents: DocumentStore): Pick<LeaseActivities, 'settleDeposit'> {
  return {
    async settleDeposit({ terms, deductions, today }) {
      const leaseId = terms.leaseId;
      const currency = terms.deposit.currency;
      const totalDeductions = deductions.reduce((n, d) => n + d.amountMinor, 0);
      // 1. Deductions become a charge, and the deposit is applied to everything owed, oldest first.
      const { heldMinor, appliedMinor } = await db.transaction(async (transaction) => {
        if (totalDeductions > 0) {
          await addCharge(db, { leaseId, kind: 'damages', periodIndex: 0, forDay: today, amountMinor: totalDeductions, currency }, transaction);
          await postToLedger(
            db,
            { book: leaseBook(leaseId), kind: 'damages_charged', amountMinor: totalDeductions, currency, occurredOn: today, memo: JSON.stringify(deductions), idempotencyKey: `damages:${leaseId}` },
            transaction,
          );
        }
        // What was held in all (not what is left), so a re-run computes the same settlement; less a deposit
        // the tenant's bank took back (a dispute), which we no longer hold.
        const [held] = await db.query<{ total: number | null }>(
          `select (select coalesce(sum(l.credit_minor), 0) from ledger_lines l join ledger_transactions t on t.id = l.transaction_id
                    where t.book_type = 'lease' and t.book_id = $1 and t.kind = 'deposit_received' and l.account = 'deposits_held')
                - (select coalesce(sum(amount_minor), 0) from ledger_transactions
                    where book_type = 'lease' and book_id = $1 and kind = 'deposit_refunded' and idempotency_key like 'reversal:%') as total`,
          { bind: [leaseId], type: QueryTypes.SELECT, transaction },
        );
        const heldMinor = held?.total ?? 0;
        const key = `deposit-applied:${leaseId}`;
        const [applied] = await db.query<{ amount_minor: number }>('select amount_minor from payments where idempotency_key = $1', {
          bind: [key],
          type: QueryTypes.SELECT,
          transaction,
        });
        if (applied) return { heldMinor, appliedMinor: applied.amount_minor };
        const apply = Math.min(heldMinor, await rent.openMinor(leaseId, undefined, transaction));
        if (apply > 0) {
          const paymentId = await recordReceivedPayment(
            db,
            { key, leaseId, reference: 'Security deposit applied at move-out', method: 'deposit', amountMinor: apply, currency },
            transaction,
          );
          await postToLedger(db, { book: leaseBook(leaseId), kind: 'deposit_applied', amountMinor: apply, currency, occurredOn: today, idempotencyKey: key }, transaction);
          await rent.allocate(leaseId, paymentId, apply, transaction);
        }
        return { heldMinor, appliedMinor: apply };
      });

      // 2. The rest goes back to the card that paid the deposit, once.
      const refundMinor = heldMinor - appliedMinor;
      if (refundMinor > 0) {
        const [deposit] = await db.query<{ stripe_payment_intent_id: string }>(
          `select stripe_payment_intent_id from payments
            where lease_id = $1 and idempotency_key like 'deposit:' || $1 || '%' and status = 'succeeded' order by created_at desc limit 1`,
          { bind: [leaseId], type: QueryTypes.SELECT },
        );
        if (!deposit?.stripe_payment_intent_id) throw new Error(`no card payment of the deposit of lease ${leaseId} to refund to`);
        const refundKey = `deposit-refund:${leaseId}`;
        await db.query(
          `insert into deposit_refunds (lease_id, payment_intent_id, amount_minor, created_at) values ($1, $2, $3, now())
           on conflict (lease_id) do nothing`,
          { bind: [leaseId, deposit.stripe_payment_intent_id, refundMinor] },
        );
        const existing = await stripe.refunds.list({ payment_intent: deposit.stripe_payment_intent_id, limit: 100 });
        const refund =
          existing.data.find((r) => r.metadata?.refundKey === refundKey) ??
          (await stripe.refunds.create(
            { payment_intent: deposit.stripe_payment_intent_id, amount: refundMinor, metadata: { refundKey, leaseId } },
            { idempotencyKey: refundKey },
          ));
        await db.transaction(async (transaction) => {
          await db.query('update deposit_refunds set stripe_refund_id = $2 where lease_id = $1', { bind: [leaseId, refund.id], transaction });
          await postToLedger(
            db,
            { book: leaseBook(leaseId), kind: 'deposit_refunded', amountMinor: refundMinor, currency, occurredOn: today, reference: refund.id, idempotencyKey: refundKey },
            transaction,
          );
        });
      }

      // 3. The statement.
      const statement = await renderDepositStatement({
        leaseId,
        propertyAddress: terms.propertyAddress,
        tenants: terms.parties.filter((p) => p.role === 'tenant').map((p) => p.name),
        currency,
        heldMinor,
        deductions,
        appliedToUnpaidMinor: appliedMinor,
        refundedMinor: refundMinor,
        date: today,
      });
      const documentId = (await documents.findOne(leaseId, 'deposit_statement')) ?? (await documents.store(leaseId, 'deposit_statement', statement));
      return { appliedMinor, refundedMinor: refundMinor, documentId };
    },
  };
}
