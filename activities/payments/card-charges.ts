/**
 * Charging a saved payment method through Stripe, exactly once per intended
 * charge. The guard is the platform's own, not Stripe's Idempotency-Key
 * (which we send too): the PaymentIntent is created unconfirmed, with the
 * charge's key in its metadata, and its id is committed to Postgres before it
 * is confirmed. A retry after a crash finds that id and confirms (or reads)
 * the same intent; an intent created but never recorded was never confirmed,
 * so it moved no money.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type Stripe from 'stripe';
import { classifyDecline, type DeclineKind } from '../../domain/collection';
import type { Currency } from '../../domain/money';
import { leaseBook, type Book } from '../../domain/ledger';
import { postToLedger } from '../../lib/ledger';

export interface PaymentsDeps {
  db: Sequelize;
  stripe: Stripe;
  /**
   * Mark the confirmation off-session (the tenant is not present), as real
   * Stripe expects for saved cards. localstripe refuses the parameter on
   * confirm, so it is off when running on the embedded fake.
   */
  offSessionConfirm: boolean;
}

export interface CardCharge {
  /** One per intended charge and attempt, e.g. `rent:<invoiceId>:attempt:2`. */
  idempotencyKey: string;
  /** The lease it is for; or, with `book`, null for another process's charge. */
  leaseId: string | null;
  /** The book it posts to: the lease's unless given (a purchase's escrow). */
  book?: Book;
  reference: string;
  amountMinor: number;
  currency: Currency;
  customerId: string;
  paymentMethodId: string;
  occurredOn: string;
  /** What the money is: rent and fees paid, a security deposit held for the tenant, earnest money into escrow. */
  postAs?: 'payment_received' | 'deposit_received' | 'escrow_received';
  /** The property it concerns, when the book is not a lease's. */
  propertyId?: string;
}

/** Runs in the transaction that records the payment as succeeded (e.g. allocating it to what it pays). */
export type OnSettled = (paymentId: string, transaction: Transaction) => Promise<unknown>;

export type ChargeOutcome =
  | { status: 'succeeded'; paymentId: string; paymentIntentId: string }
  | { status: 'failed'; paymentId: string; paymentIntentId: string; declineKind: DeclineKind; code: string | null; message: string };

interface PaymentRow {
  id: string;
  status: string;
  stripe_payment_intent_id: string | null;
  amount_minor: number;
  book_type: string;
  book_id: string;
}

const bookOf = (charge: CardCharge): Book => charge.book ?? leaseBook(charge.leaseId!);

export function createCardCharges({ db, stripe, offSessionConfirm }: PaymentsDeps) {
  async function paymentRow(charge: CardCharge): Promise<PaymentRow> {
    const book = bookOf(charge);
    // One round trip: the new row, or (the no-op update) the one recorded before.
    const [row] = await db.query<PaymentRow>(
      `insert into payments (id, idempotency_key, lease_id, book_type, book_id, reference, method, amount_minor, currency, status, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $6, $7, $3, 'card', $4, $5, 'pending', now(), now())
       on conflict (idempotency_key) do update set idempotency_key = payments.idempotency_key
       returning id, status, stripe_payment_intent_id, amount_minor, book_type, book_id`,
      { bind: [charge.idempotencyKey, charge.leaseId, charge.reference, charge.amountMinor, charge.currency, book.type, book.id], type: QueryTypes.SELECT },
    );
    if (!row || Number(row.amount_minor) !== charge.amountMinor || row.book_type !== book.type || row.book_id !== book.id) {
      throw ApplicationFailure.nonRetryable(`payment key ${charge.idempotencyKey} was used for a different charge`, 'PaymentKeyReused');
    }
    return row;
  }

  /**
   * Creates the intent unconfirmed and records it; a concurrent attempt that
   * recorded first wins. `created` is the intent when this call made the one
   * recorded (so its state is known without asking Stripe again).
   */
  async function recordedIntent(charge: CardCharge, row: PaymentRow): Promise<{ id: string; created?: Stripe.PaymentIntent }> {
    if (row.stripe_payment_intent_id) return { id: row.stripe_payment_intent_id };
    const intent = await stripe.paymentIntents.create(
      {
        amount: charge.amountMinor,
        currency: charge.currency.toLowerCase(),
        customer: charge.customerId,
        payment_method: charge.paymentMethodId,
        metadata: { paymentKey: charge.idempotencyKey, ...(charge.leaseId ? { leaseId: charge.leaseId } : { [`${bookOf(charge).type}Id`]: bookOf(charge).id }), reference: charge.reference },
      },
      { idempotencyKey: `pi-create:${charge.idempotencyKey}` },
    );
    const [updated] = await db.query<{ stripe_payment_intent_id: string }>(
      `update payments set stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $2), updated_at = now()
        where id = $1 returning stripe_payment_intent_id`,
      { bind: [row.id, intent.id], type: QueryTypes.SELECT },
    );
    const id = updated!.stripe_payment_intent_id;
    return id === intent.id ? { id, created: intent } : { id };
  }

  async function settle(charge: CardCharge, row: PaymentRow, intentId: string, onSettled?: OnSettled): Promise<ChargeOutcome> {
    await db.transaction(async (transaction) => {
      const changed = await db.query<{ id: string }>(
        `update payments set status = 'succeeded', failure_code = null, failure_message = null, updated_at = now()
          where id = $1 and status <> 'succeeded' returning id`,
        { bind: [row.id], type: QueryTypes.SELECT, transaction },
      );
      if (!changed.length) {
        await onSettled?.(row.id, transaction); // idempotent: completes a settlement recorded before it had this step
        return;
      }
      await postToLedger(
        db,
        {
          book: bookOf(charge),
          ...(charge.propertyId ? { propertyId: charge.propertyId } : {}),
          kind: charge.postAs ?? 'payment_received',
          amountMinor: charge.amountMinor,
          currency: charge.currency,
          occurredOn: charge.occurredOn,
          reference: intentId,
          idempotencyKey: `payment:${charge.idempotencyKey}`,
        },
        transaction,
      );
      await onSettled?.(row.id, transaction);
    });
    return { status: 'succeeded', paymentId: row.id, paymentIntentId: intentId };
  }

  async function fail(row: PaymentRow, intentId: string, code: string | null, message: string, kind?: DeclineKind): Promise<ChargeOutcome> {
    const declineKind = kind ?? classifyDecline(code);
    await db.query(
      `update payments set status = 'failed', failure_code = $2, failure_message = $3, decline_kind = $4, updated_at = now() where id = $1`,
      { bind: [row.id, code, message, declineKind] },
    );
    return { status: 'failed', paymentId: row.id, paymentIntentId: intentId, declineKind, code, message };
  }

  return {
    /**
     * Charges once per key. A card decline is an outcome, not an error (the
     * workflow decides on dunning); network and Stripe 5xx errors throw, so
     * Temporal retries the activity, which then resumes from what is recorded.
     */
    async chargeCard(charge: CardCharge, onSettled?: OnSettled): Promise<ChargeOutcome> {
      const row = await paymentRow(charge);
      let recorded: Awaited<ReturnType<typeof recordedIntent>>;
      try {
        recorded = await recordedIntent(charge, row);
      } catch (err) {
        // Stripe refusing the request itself (the card or customer is gone, detached, unusable) will not
        // change on a retry: the tenant must give a new card, as after a hard decline.
        const e = err as { type?: string; code?: string; message: string };
        if (e.type !== 'StripeInvalidRequestError' && e.type !== 'StripeCardError') throw err;
        return fail(row, '', e.code ?? null, e.message, 'hard');
      }
      const intentId = recorded.id;
      // Two Stripe requests on the happy path (create, confirm): a retry reads the intent's state first.
      let intent = recorded.created ?? (await stripe.paymentIntents.retrieve(intentId));
      if (intent.status === 'requires_confirmation') {
        try {
          intent = await stripe.paymentIntents.confirm(intentId, offSessionConfirm ? { off_session: true } : {}, {
            idempotencyKey: `pi-confirm:${charge.idempotencyKey}`,
          });
        } catch (err) {
          const e = err as { type?: string; code?: string; decline_code?: string; message: string };
          if (e.type !== 'StripeCardError') throw err;
          return fail(row, intentId, e.decline_code || e.code || null, e.message);
        }
      }
      if (intent.status === 'succeeded') return settle(charge, row, intentId, onSettled);
      const lastError = intent.last_payment_error;
      if (intent.status === 'requires_payment_method' && lastError) {
        return fail(row, intentId, lastError.decline_code || lastError.code || null, lastError.message || 'declined');
      }
      throw new Error(`payment intent ${intentId} is ${intent.status}; will look again`);
    },
  };
}

export type CardCharges = ReturnType<typeof createCardCharges>;
