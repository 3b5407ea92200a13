/**
 * The purchase workflow's activities (contracts/purchase.ts:
 * PurchaseActivities) on Postgres, Stripe and PDF rendering, built from
 * injected clients. Each is idempotent: rows keyed by the purchase, ledger
 * postings and Stripe calls by deterministic keys.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { closingFunds } from '../../domain/purchase/settlement';
import { purchaseBook, type PostingKind } from '../../domain/ledger';
import type { Subject } from '../../domain/subject';
import type { TitleRecord } from '../../domain/purchase/title';
import type { PurchaseActivities } from '../../contracts/purchase';
import { postToLedger, type Posting } from '../../lib/ledger';
import { recordIndexRequest, signalListingIndexing } from '../../clients/search';
import { createDocumentStore } from '../documents/store';
import { createNotifications, type NotificationDeps } from '../notifications';
import { createCardCharges, type PaymentsDeps } from '../payments/card-charges';
import { createOfferBookActivity } from './offer-book';
import { createPurchaseDocuments } from './documents';
import { createCountyRecorder, type CountyRecorder } from './county-recorder';

export type PurchaseDeps = PaymentsDeps & NotificationDeps & { searchTaskQueue?: string; recorder?: CountyRecorder };

const subjectOf = (purchaseId: string): Subject => ({ type: 'purchase', id: purchaseId });

export function createPurchaseActivities(deps: PurchaseDeps): PurchaseActivities {
  const { db, stripe } = deps;
  const documents = createDocumentStore(db);
  const cards = createCardCharges(deps);
  const notifications = createNotifications(deps);
  const recorder = deps.recorder ?? createCountyRecorder(db);
  const reindexed: string[] = [];

  async function setListingStatus(listingId: string, status: string, transaction: Transaction) {
    const [changed] = await db.query<{ id: string; property_id: string }>(
      `update listings set status = $2, version = version + 1, updated_at = now(),
              closed_at = case when $2 = 'sold' then coalesce(closed_at, current_date) else closed_at end
        where id = $1 and status <> $2 and status in ('active', 'under_contract') returning id, property_id`,
      { bind: [listingId, status], type: QueryTypes.SELECT, transaction },
    );
    if (changed) {
      await recordIndexRequest(db, { id: changed.id, propertyId: changed.property_id }, transaction);
      reindexed.push(changed.id);
    }
  }

  /** After commit: hand the index request to the search worker (the outbox sweep does it if this fails). */
  async function dispatchReindex() {
    while (reindexed.length) {
      const listingId = reindexed.pop()!;
      const [row] = await db.query<{ property_id: string }>('select property_id from listings where id = $1', { bind: [listingId], type: QueryTypes.SELECT });
      if (row && deps.searchTaskQueue) await signalListingIndexing(deps.temporal, deps.searchTaskQueue, { id: listingId, propertyId: row.property_id }).catch(() => undefined);
    }
  }
  const offerBook = createOfferBookActivity(db, setListingStatus);

  const post = (purchaseId: string, propertyId: string, kind: PostingKind, amountMinor: number, currency: Posting['currency'], occurredOn: string, key: string, t: Transaction, memo?: string) =>
    amountMinor > 0
      ? postToLedger(db, { book: purchaseBook(purchaseId), propertyId, kind, amountMinor, currency, occurredOn, idempotencyKey: key, reference: purchaseId, ...(memo ? { memo } : {}) }, t)
      : Promise.resolve();

  return {
    async recordPurchase({ state }) {
      const terms = state.contract ?? state.negotiation.rounds.at(-1)!.terms;
      const ids = (people: { userId: string }[]) => people.map((p) => p.userId);
      await db.query(
        `insert into purchases (id, listing_id, property_id, stage, buyer_ids, seller_ids, buyer_agent_ids, seller_agent_ids, price_minor, currency, state, workflow_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9, $10, $11::jsonb, $12, now(), now())
         on conflict (id) do update set stage = excluded.stage, price_minor = excluded.price_minor, state = excluded.state, updated_at = now()`,
        {
          bind: [
            state.purchaseId, state.listingId, state.propertyId, state.stage,
            ids(state.parties.buyers), ids(state.parties.sellers), ids(state.parties.buyerAgents), ids(state.parties.sellerAgents),
            terms.priceMinor, terms.currency, JSON.stringify(state), `purchase-${state.purchaseId}`,
          ],
        },
      );
    },

    async offerBookEvent(a) {
      const outcome = await offerBook(a);
      await dispatchReindex();
      return outcome;
    },

    async collectEarnestMoney({ purchaseId, propertyId, amountMinor, currency, paymentMethod, today }) {
      const outcome = await cards.chargeCard({
        // One key per purchase and card: a declined card and then another are two charges, a retry of either is one.
        idempotencyKey: `earnest:${purchaseId}:${paymentMethod.paymentMethodId}`,
        leaseId: null,
        book: purchaseBook(purchaseId),
        propertyId,
        reference: `Earnest money, purchase ${purchaseId}`,
        amountMinor,
        currency,
        customerId: paymentMethod.customerId,
        paymentMethodId: paymentMethod.paymentMethodId,
        occurredOn: today,
        postAs: 'escrow_received',
      });
      return outcome.status === 'succeeded' ? { status: 'succeeded', paymentId: outcome.paymentId } : { status: 'failed', paymentId: outcome.paymentId, message: outcome.message };
    },

    async disburseEarnestMoney({ purchaseId, propertyId, amountMinor, currency, to, today, reason }) {
      const key = `earnest-disbursed:${purchaseId}`;
      let reference = `released to the seller: ${reason}`;
      if (to === 'buyer') {
        // Back to the card it came from; Stripe's idempotency key and our metadata make a retry find the same refund.
        const [paid] = await db.query<{ stripe_payment_intent_id: string | null }>(
          `select stripe_payment_intent_id from payments where book_type = 'purchase' and book_id = $1 and status = 'succeeded' order by created_at limit 1`,
          { bind: [purchaseId], type: QueryTypes.SELECT },
        );
        if (paid?.stripe_payment_intent_id) {
          const existing = await stripe.refunds.list({ payment_intent: paid.stripe_payment_intent_id, limit: 10 });
          const refund =
            existing.data.find((r) => r.metadata?.refundKey === key) ??
            (await stripe.refunds.create({ payment_intent: paid.stripe_payment_intent_id, amount: amountMinor, metadata: { refundKey: key, purchaseId } }, { idempotencyKey: key }));
          reference = refund.id;
        }
      }
      await db.transaction((t) => post(purchaseId, propertyId, 'escrow_released', amountMinor, currency, today, key, t, to === 'buyer' ? `refunded to the buyer: ${reason}` : reference).then(() => undefined));
    },

    async titleRecords({ propertyId }) {
      const rows = await db.query<{ record: TitleRecord }>('select record from title_records where property_id = $1 order by recorded_on, instrument', {
        bind: [propertyId],
        type: QueryTypes.SELECT,
      });
      return rows.map((r) => r.record);
    },

    ...createPurchaseDocuments(documents),

    async postClosing({ purchaseId, propertyId, statement, today }) {
      const f = closingFunds(statement);
      const c = statement.currency;
      const key = (what: string) => `closing:${purchaseId}:${what}`;
      await db.transaction(async (t) => {
        await post(purchaseId, propertyId, 'escrow_received', f.fromBuyerMinor, c, today, key('from-buyer'), t, "buyer's funds");
        await post(purchaseId, propertyId, 'escrow_received', f.fromLenderMinor, c, today, key('from-lender'), t, "lender's funds");
        await post(purchaseId, propertyId, 'escrow_released', -f.fromBuyerMinor, c, today, key('buyer-excess'), t, 'refund of excess deposit to the buyer');
        await post(purchaseId, propertyId, 'proceeds_allocated', f.toSellerMinor, c, today, key('proceeds'), t);
        await post(purchaseId, propertyId, 'commission_allocated', f.commissionsMinor, c, today, key('commissions'), t);
        await post(purchaseId, propertyId, 'charges_allocated', f.thirdPartyMinor, c, today, key('charges'), t);
        for (const p of f.payoffs) await post(purchaseId, propertyId, 'payoff_allocated', p.amountMinor, c, today, key(`payoff:${p.reference}`), t, p.reference);
        await post(purchaseId, propertyId, 'proceeds_paid', f.toSellerMinor, c, today, key('proceeds-paid'), t);
        await post(purchaseId, propertyId, 'commission_paid', f.commissionsMinor, c, today, key('commissions-paid'), t);
        await post(purchaseId, propertyId, 'charges_paid', f.thirdPartyMinor, c, today, key('charges-paid'), t);
        for (const p of f.payoffs) await post(purchaseId, propertyId, 'payoff_paid', p.amountMinor, c, today, key(`payoff-paid:${p.reference}`), t, p.reference);
      });
    },

    recordDeed: (a) => recorder.record(a),

    async transferTitle({ listingId, propertyId, grantors, buyers, instrument, recordedOn, priceMinor, currency, releasedLiens }) {
      await db.transaction(async (transaction) => {
        const insert = (kind: TitleRecord['kind'], inst: string, record: TitleRecord) =>
          db.query('insert into title_records (property_id, kind, instrument, recorded_on, record) values ($1, $2, $3, $4, $5::jsonb) on conflict (property_id, instrument) do nothing', {
            bind: [propertyId, kind, inst, recordedOn, JSON.stringify(record)],
            transaction,
          });
        await insert('deed', instrument, { kind: 'deed', instrument, recordedOn, grantors, grantees: buyers.map((b) => b.name), considerationMinor: priceMinor });
        for (const lien of releasedLiens) {
          const release = `${instrument}-REL-${lien}`;
          await insert('release', release, { kind: 'release', instrument: release, recordedOn, releases: lien });
        }
        await db.query('update properties set owner_id = $2, updated_at = now() where id = $1', { bind: [propertyId, buyers[0]!.userId], transaction });
        await db.query(
          `update listings set status = 'sold', sold_price_minor = $2, closed_at = $3, version = version + 1, updated_at = now()
            where id = $1 and currency = $4 and status <> 'sold'`,
          { bind: [listingId, priceMinor, recordedOn, currency], transaction },
        );
        const [listing] = await db.query<{ property_id: string }>('select property_id from listings where id = $1', { bind: [listingId], type: QueryTypes.SELECT, transaction });
        if (listing) await recordIndexRequest(db, { id: listingId, propertyId: listing.property_id }, transaction);
      });
      reindexed.push(listingId);
      await dispatchReindex();
    },

    notifyPurchase: ({ purchaseId, template, data, to }) => notifications.notify({ subject: subjectOf(purchaseId), template, data, to }),
  };
}
