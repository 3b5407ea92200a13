/**
 * What a lease is charged and pays outside the rent run: the deposit (held as
 * a liability), the early-termination fee, late fees, payments recorded by
 * hand, and the rent of a period when the lease bills or collects it itself.
 * Each is idempotent: charges are unique per (lease, kind, period, day),
 * ledger postings and payments per key, allocations per payment.
 */
import type { Sequelize } from 'sequelize';
import type { LeaseActivities } from '../../contracts/lease';
import { leaseBook } from '../../domain/ledger';
import { postToLedger } from '../../lib/ledger';
import type { CardCharges } from '../payments/card-charges';
import { recordReceivedPayment } from '../payments/received';
import { addCharge, type RentCollection } from './rent-collection';

type ChargeActivities = Pick<
  LeaseActivities,
  'chargeDeposit' | 'chargeEarlyTerminationFee' | 'applyLateFees' | 'recordManualPayment' | 'periodOpenMinor' | 'billRentPeriod' | 'collectBalance'
>;

export function createChargeActivities(db: Sequelize, cards: CardCharges, rent: RentCollection): ChargeActivities {
  return {
    async chargeDeposit({ leaseId, deposit, paymentMethod, today, attempt = 1 }) {
      // A retry with a new card is a charge of its own (the first attempt's key keeps its failed outcome).
      const outcome = await cards.chargeCard({
        idempotencyKey: attempt === 1 ? `deposit:${leaseId}` : `deposit:${leaseId}:attempt:${attempt}`,
        leaseId,
        reference: 'Security deposit',
        amountMinor: deposit.amountMinor,
        currency: deposit.currency,
        customerId: paymentMethod.customerId,
        paymentMethodId: paymentMethod.paymentMethodId,
        occurredOn: today,
        postAs: 'deposit_received',
      });
      return outcome.status === 'succeeded'
        ? { status: 'succeeded' as const, paymentId: outcome.paymentId }
        : { status: 'failed' as const, declineKind: outcome.declineKind, message: outcome.message };
    },

    async chargeEarlyTerminationFee({ leaseId, currency, amountMinor, today }) {
      await db.transaction(async (transaction) => {
        const charge = { leaseId, kind: 'early_termination_fee', periodIndex: 0, forDay: today, amountMinor, currency };
        if (!(await addCharge(db, charge, transaction))) return;
        await postToLedger(
          db,
          { book: leaseBook(leaseId), kind: 'fee_charged', amountMinor, currency, occurredOn: today, reference: 'early termination fee', idempotencyKey: `early-termination:${leaseId}` },
          transaction,
        );
      });
    },

    async applyLateFees({ leaseId, currency, periodIndex, fees }) {
      return db.transaction(async (transaction) => {
        let addedMinor = 0;
        for (const fee of fees) {
          const charge = { leaseId, kind: 'late_fee', periodIndex, forDay: fee.forDay, amountMinor: fee.amountMinor, currency };
          if (!(await addCharge(db, charge, transaction))) continue; // never charged twice for the same day and period
          addedMinor += fee.amountMinor;
          await postToLedger(
            db,
            {
              book: leaseBook(leaseId),
              kind: 'fee_charged',
              amountMinor: fee.amountMinor,
              currency,
              occurredOn: fee.forDay,
              reference: `late fee (${fee.kind}), period ${periodIndex}`,
              idempotencyKey: `fee:${leaseId}:${periodIndex}:${fee.forDay}`,
            },
            transaction,
          );
        }
        return { addedMinor };
      });
    },

    async recordManualPayment({ leaseId, currency, payment }) {
      return db.transaction(async (transaction) => {
        const paymentId = await recordReceivedPayment(
          db,
          {
            key: payment.idempotencyKey,
            leaseId,
            reference: `Manual payment recorded by ${payment.recordedBy}`,
            method: payment.method,
            amountMinor: payment.amountMinor,
            currency,
          },
          transaction,
        );
        await postToLedger(
          db,
          {
            book: leaseBook(leaseId),
            kind: 'payment_received',
            amountMinor: payment.amountMinor,
            currency,
            occurredOn: payment.receivedOn,
            reference: `${payment.method} payment`,
            idempotencyKey: `payment:${payment.idempotencyKey}`,
          },
          transaction,
        );
        const allocatedMinor = await rent.allocate(leaseId, paymentId, payment.amountMinor, transaction);
        return { paymentId, allocatedMinor };
      });
    },

    periodOpenMinor: ({ leaseId, periodIndex }) => rent.openMinor(leaseId, periodIndex),

    billRentPeriod: ({ leaseId, currency, period }) => rent.billPeriod(leaseId, currency, period),

    collectBalance: ({ leaseId, currency, paymentMethod, periodIndex, attempt, today }) =>
      rent.collectOpen({ leaseId, currency, paymentMethod, periodIndex, attempt, today }),
  };
}
