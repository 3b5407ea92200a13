/**
 * The lease workflow's activities on Postgres, Stripe and PDF rendering.
 * Each is idempotent: charges are unique per (lease, kind, period, day),
 * ledger postings and payments per key, allocations per payment, and
 * notifications per activity invocation.
 */
import { activityInfo } from '@temporalio/activity';
import { QueryTypes, type Transaction } from 'sequelize';
import type { LeaseInput, LeaseStatus, Signature } from '../domain/lease';
import type { Currency } from '../domain/money';
import type { RentPeriod } from '../domain/rent-schedule';
import { renderDepositStatement } from '../lib/documents/deposit-statement';
import { renderReceipt } from '../lib/documents/receipt';
import { appendSignaturePage, renderLeaseAgreement } from '../lib/documents/lease-agreement';
import { postToLedger } from '../lib/ledger';
import type { Mailer } from '../lib/mail';
import type { Deduction, LeaseActivities, ManualPayment } from '../workflows/lease';
import { createPaymentActivities, type PaymentsDeps } from './payments';
import { createRentCollection } from './rent-collection';
import { createRentPeriods } from './rent';
import { deliverNotification } from './notification-outbox';

export type LeaseDeps = PaymentsDeps & {
  /** Without one, notifications are recorded in the outbox but not sent. */
  mailer?: Mailer;
};

export function createLeaseActivities(deps: LeaseDeps): LeaseActivities {
  const { db } = deps;
  const payments = createPaymentActivities(deps);
  const rent = createRentCollection(deps);
  const { openMinor, allocate } = rent;
  const rentPeriods = createRentPeriods(deps);

  async function storeDocument(leaseId: string, kind: string, bytes: Uint8Array, sha256: string, pages: number, paymentId: string | null = null) {
    const [row] = await db.query<{ id: string }>(
      `insert into documents (id, lease_id, kind, content_type, sha256, pages, content, payment_id, created_at)
       values (gen_random_uuid(), $1, $2, 'application/pdf', $3, $4, $5, $6, now()) returning id`,
      { bind: [leaseId, kind, sha256, pages, Buffer.from(bytes), paymentId], type: QueryTypes.SELECT },
    );
    return row!.id;
  }

  /** Records money received outside Stripe (by hand, or the deposit applied) once per key; returns the payment's id. */
  async function recordReceivedPayment(
    p: { key: string; leaseId: string; reference: string; method: 'cash' | 'check' | 'bank_transfer' | 'deposit'; amountMinor: number; currency: string },
    transaction: Transaction,
  ): Promise<string> {
    await db.query(
      `insert into payments (id, idempotency_key, lease_id, reference, method, amount_minor, currency, status, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'succeeded', now(), now())
       on conflict (idempotency_key) do nothing`,
      { bind: [p.key, p.leaseId, p.reference, p.method, p.amountMinor, p.currency], transaction },
    );
    const [row] = await db.query<{ id: string }>('select id from payments where idempotency_key = $1', {
      bind: [p.key],
      type: QueryTypes.SELECT,
      transaction,
    });
    return row!.id;
  }

  return {
    async recordLeaseStatus(leaseId: string, status: LeaseStatus) {
      await db.query(
        `insert into leases (id, status, tenant_ids, workflow_id, created_at, updated_at) values ($1, $2, '{}', $3, now(), now())
         on conflict (id) do update set status = excluded.status, updated_at = now()`,
        { bind: [leaseId, status, activityInfo().workflowExecution?.workflowId ?? null] },
      );
    },

    async createAgreement(input: LeaseInput) {
      const doc = await renderLeaseAgreement(input.terms);
      const documentId = await storeDocument(input.terms.leaseId, 'lease_agreement', doc.bytes, doc.sha256, doc.pages);
      return { documentId, sha256: doc.sha256, pages: doc.pages };
    },

    async storeSignedAgreement(leaseId: string, documentId: string, signatures: Signature[], audit: { at: string; event: string }[]) {
      const [row] = await db.query<{ content: Buffer }>('select content from documents where id = $1', {
        bind: [documentId],
        type: QueryTypes.SELECT,
      });
      if (!row) throw new Error(`document ${documentId} is missing`);
      const signed = await appendSignaturePage(new Uint8Array(row.content), signatures, audit);
      const signedId = await storeDocument(leaseId, 'lease_signed', signed.bytes, signed.sha256, signed.pages);
      return { documentId: signedId, sha256: signed.sha256 };
    },

    async chargeDeposit(input: LeaseInput, today: string, attempt = 1) {
      // A retry with a new card is a charge of its own (the first attempt's key keeps its failed outcome).
      const outcome = await payments.chargeCard({
        idempotencyKey: attempt === 1 ? `deposit:${input.terms.leaseId}` : `deposit:${input.terms.leaseId}:attempt:${attempt}`,
        leaseId: input.terms.leaseId,
        reference: 'Security deposit',
        amountMinor: input.terms.deposit.amountMinor,
        currency: input.terms.deposit.currency,
        customerId: input.paymentMethod.customerId,
        paymentMethodId: input.paymentMethod.paymentMethodId,
        occurredOn: today,
        postAs: 'deposit_received',
      });
      return outcome.status === 'succeeded'
        ? { status: 'succeeded' as const, paymentId: outcome.paymentId }
        : { status: 'failed' as const, declineKind: outcome.declineKind, message: outcome.message };
    },

    billRentPeriod: (leaseId: string, currency: string, period: RentPeriod) => rent.billPeriod(leaseId, currency as Currency, period),

    collectBalance: (input: LeaseInput, periodIndex: number, attempt: number, today: string) =>
      rent.collectOpen({
        leaseId: input.terms.leaseId,
        currency: input.terms.monthlyRent.currency,
        paymentMethod: input.paymentMethod,
        periodIndex,
        attempt,
        today,
      }),

    scheduleRentPeriods: (leaseId, currency, paymentMethod, periods, replace) => rentPeriods.schedule(leaseId, currency, paymentMethod, periods, replace),
    savePaymentMethod: (leaseId, paymentMethod) => rentPeriods.savePaymentMethod(leaseId, paymentMethod),
    collectRentPeriod: (leaseId, periodIndex, today) => rentPeriods.collect(leaseId, periodIndex, today),

    async chargeEarlyTerminationFee(leaseId: string, currency: string, amountMinor: number, today: string) {
      await db.transaction(async (transaction) => {
        const inserted = await db.query<{ id: string }>(
          `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
           values (gen_random_uuid(), $1, 'early_termination_fee', 0, $2, $2, $3, $3, $4, now())
           on conflict on constraint lease_charges_once do nothing returning id`,
          { bind: [leaseId, today, amountMinor, currency], type: QueryTypes.SELECT, transaction },
        );
        if (!inserted.length) return;
        await postToLedger(
          db,
          {
            leaseId,
            kind: 'fee_charged',
            amountMinor,
            currency: currency as Currency,
            occurredOn: today,
            reference: 'early termination fee',
            idempotencyKey: `early-termination:${leaseId}`,
          },
          transaction,
        );
      });
    },

    async issueReceipt(leaseId: string, paymentId: string, header: { propertyAddress: string; payers: string[] }) {
      const [prior] = await db.query<{ id: string }>('select id from documents where payment_id = $1', { bind: [paymentId], type: QueryTypes.SELECT });
      if (prior) return { documentId: prior.id };
      const [payment] = await db.query<{
        amount_minor: string;
        currency: string;
        method: string;
        reference: string | null;
        stripe_payment_intent_id: string | null;
        received_on: string;
        idempotency_key: string;
      }>(
        `select amount_minor, currency, method, reference, stripe_payment_intent_id, to_char(updated_at, 'YYYY-MM-DD') as received_on, idempotency_key
           from payments where id = $1 and lease_id = $2`,
        { bind: [paymentId, leaseId], type: QueryTypes.SELECT },
      );
      if (!payment) throw new Error(`payment ${paymentId} of lease ${leaseId} is missing`);
      const applied = await db.query<{ kind: string; period_index: number; due_on: string; amount_minor: string }>(
        `select c.kind, c.period_index, to_char(c.due_on, 'YYYY-MM-DD') as due_on, a.amount_minor from payment_allocations a
           join lease_charges c on c.id = a.charge_id where a.payment_id = $1 order by c.due_on, c.id`,
        { bind: [paymentId], type: QueryTypes.SELECT },
      );
      const what: Record<string, string> = { rent: 'Rent', late_fee: 'Late fee', returned_payment_fee: 'Returned-payment fee', damages: 'Damages', early_termination_fee: 'Early termination' };
      const doc = await renderReceipt({
        paymentId,
        leaseId,
        propertyAddress: header.propertyAddress,
        payers: header.payers,
        receivedOn: payment.received_on,
        method: payment.method,
        reference: payment.stripe_payment_intent_id ?? payment.reference,
        currency: payment.currency,
        amountMinor: Number(payment.amount_minor),
        isDeposit: payment.idempotency_key.startsWith(`deposit:${leaseId}`),
        appliedTo: applied.map((a) => ({ description: `${what[a.kind] ?? a.kind}${a.period_index ? ` ${a.due_on}` : ''}`, amountMinor: Number(a.amount_minor) })),
      });
      try {
        return { documentId: await storeDocument(leaseId, 'receipt', doc.bytes, doc.sha256, doc.pages, paymentId) };
      } catch (err) {
        // A concurrent retry stored it first (one receipt per payment).
        const [again] = await db.query<{ id: string }>('select id from documents where payment_id = $1', { bind: [paymentId], type: QueryTypes.SELECT });
        if (again) return { documentId: again.id };
        throw err;
      }
    },

    async applyLateFees(leaseId: string, currency: string, periodIndex: number, fees: { forDay: string; kind: string; amountMinor: number }[]) {
      return db.transaction(async (transaction) => {
        let addedMinor = 0;
        for (const fee of fees) {
          const inserted = await db.query<{ id: string }>(
            `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
             values (gen_random_uuid(), $1, 'late_fee', $2, $3, $3, $4, $4, $5, now())
             on conflict on constraint lease_charges_once do nothing returning id`,
            { bind: [leaseId, periodIndex, fee.forDay, fee.amountMinor, currency], type: QueryTypes.SELECT, transaction },
          );
          if (!inserted.length) continue; // never charged twice for the same day and period
          addedMinor += fee.amountMinor;
          await postToLedger(
            db,
            {
              leaseId,
              kind: 'fee_charged',
              amountMinor: fee.amountMinor,
              currency: currency as Currency,
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

    async recordManualPayment(leaseId: string, currency: string, payment: ManualPayment) {
      return db.transaction(async (transaction) => {
        const paymentId = await recordReceivedPayment(
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
            leaseId,
            kind: 'payment_received',
            amountMinor: payment.amountMinor,
            currency: currency as Currency,
            occurredOn: payment.receivedOn,
            reference: `${payment.method} payment`,
            idempotencyKey: `payment:${payment.idempotencyKey}`,
          },
          transaction,
        );
        const allocatedMinor = await allocate(leaseId, paymentId, payment.amountMinor, transaction);
        return { paymentId, allocatedMinor };
      });
    },

    periodOpenMinor: (leaseId: string, periodIndex: number) => openMinor(leaseId, periodIndex),

    async settleDeposit(input: LeaseInput, deductions: Deduction[], today: string) {
      const leaseId = input.terms.leaseId;
      const currency = input.terms.deposit.currency;
      const totalDeductions = deductions.reduce((n, d) => n + d.amountMinor, 0);
      // 1. Deductions become a charge, and the deposit is applied to everything owed, oldest first.
      const { heldMinor, appliedMinor } = await db.transaction(async (transaction) => {
        if (totalDeductions > 0) {
          await db.query(
            `insert into lease_charges (id, lease_id, kind, period_index, for_day, due_on, amount_minor, open_minor, currency, created_at)
             values (gen_random_uuid(), $1, 'damages', 0, $2, $2, $3, $3, $4, now())
             on conflict on constraint lease_charges_once do nothing`,
            { bind: [leaseId, today, totalDeductions, currency], transaction },
          );
          await postToLedger(
            db,
            {
              leaseId,
              kind: 'damages_charged',
              amountMinor: totalDeductions,
              currency,
              occurredOn: today,
              memo: JSON.stringify(deductions),
              idempotencyKey: `damages:${leaseId}`,
            },
            transaction,
          );
        }
        // What was held in all (not what is left), so a re-run computes the same settlement; less a deposit
        // the tenant's bank took back (a dispute), which we no longer hold.
        const [held] = await db.query<{ total: number | null }>(
          `select (select coalesce(sum(l.credit_minor), 0) from ledger_lines l join ledger_transactions t on t.id = l.transaction_id
                    where t.lease_id = $1 and t.kind = 'deposit_received' and l.account = 'deposits_held')
                - (select coalesce(sum(amount_minor), 0) from ledger_transactions
                    where lease_id = $1 and kind = 'deposit_refunded' and idempotency_key like 'reversal:%') as total`,
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
        const apply = Math.min(heldMinor, await openMinor(leaseId, undefined, transaction));
        if (apply > 0) {
          const paymentId = await recordReceivedPayment(
            { key, leaseId, reference: 'Security deposit applied at move-out', method: 'deposit', amountMinor: apply, currency },
            transaction,
          );
          await postToLedger(db, { leaseId, kind: 'deposit_applied', amountMinor: apply, currency, occurredOn: today, idempotencyKey: key }, transaction);
          await allocate(leaseId, paymentId, apply, transaction);
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
        const existing = await deps.stripe.refunds.list({ payment_intent: deposit.stripe_payment_intent_id, limit: 100 });
        const refund =
          existing.data.find((r) => r.metadata?.refundKey === refundKey) ??
          (await deps.stripe.refunds.create(
            { payment_intent: deposit.stripe_payment_intent_id, amount: refundMinor, metadata: { refundKey, leaseId } },
            { idempotencyKey: refundKey },
          ));
        await db.transaction(async (transaction) => {
          await db.query('update deposit_refunds set stripe_refund_id = $2 where lease_id = $1', { bind: [leaseId, refund.id], transaction });
          await postToLedger(
            db,
            { leaseId, kind: 'deposit_refunded', amountMinor: refundMinor, currency, occurredOn: today, reference: refund.id, idempotencyKey: refundKey },
            transaction,
          );
        });
      }

      // 3. The statement.
      const statement = await renderDepositStatement({
        leaseId,
        propertyAddress: input.terms.propertyAddress,
        tenants: input.terms.parties.filter((p) => p.role === 'tenant').map((p) => p.name),
        currency,
        heldMinor,
        deductions,
        appliedToUnpaidMinor: appliedMinor,
        refundedMinor: refundMinor,
        date: today,
      });
      const [prior] = await db.query<{ id: string }>(`select id from documents where lease_id = $1 and kind = 'deposit_statement'`, {
        bind: [leaseId],
        type: QueryTypes.SELECT,
      });
      const documentId = prior?.id ?? (await storeDocument(leaseId, 'deposit_statement', statement.bytes, statement.sha256, statement.pages));
      return { appliedMinor, refundedMinor: refundMinor, documentId };
    },

    async notify(leaseId: string, template: string, data: Record<string, string | number>, to: string[]) {
      // Recorded once per activity invocation, then sent; a failed send fails the
      // activity, whose retry sends again: at least once, never lost.
      const info = activityInfo();
      const dedupeKey = `${info.workflowExecution?.runId ?? 'standalone'}:${info.activityId}`;
      await db.query(
        `insert into notification_outbox (id, lease_id, template, data, recipients, dedupe_key, created_at)
         values (gen_random_uuid(), $1, $2, $3::jsonb, $4::text[], $5, now()) on conflict (dedupe_key) do nothing`,
        { bind: [leaseId, template, JSON.stringify(data), to, dedupeKey] },
      );
      const [row] = await db.query<{ id: string }>('select id from notification_outbox where dedupe_key = $1', {
        bind: [dedupeKey],
        type: QueryTypes.SELECT,
      });
      if (row) await deliverNotification(db, deps.mailer, row.id);
    },
  };
}
