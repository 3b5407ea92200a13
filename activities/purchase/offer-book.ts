/**
 * The listing's offer book in Postgres: one row per listing, changed only
 * under a row lock on it, by the pure rules of domain/purchase/offer-book.ts.
 * The listing's status moves in the same transaction, so the search index
 * and the book never disagree about whether it is under contract. Applying
 * the same event twice (a retried activity) changes nothing the second time.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { applyOfferBook, offerBookProblem, type OfferBook, type OfferBookEvent } from '../../domain/purchase/offer-book';
import type { OfferBookOutcome } from '../../contracts/purchase';

interface BookRow {
  primary_purchase_id: string | null;
  backup_ids: string[];
  open_ids: string[];
  sold: boolean;
}

/** Whether the event already happened (a retry): the book shows its result. */
function alreadyApplied(book: OfferBook, event: OfferBookEvent): boolean {
  const id = event.purchaseId;
  const known = book.primary === id || book.backups.includes(id) || book.open.includes(id);
  switch (event.type) {
    case 'offered':
      return known;
    case 'accepted':
      return book.primary === id || book.backups.includes(id);
    case 'ended':
    case 'fell_through':
      return !known;
    case 'closed':
      return book.sold;
  }
}

/**
 * The book after an event and what the workflow must carry out: the pure
 * part of the activity (the time-skipping tests run the same function in
 * memory). `next` is null when nothing changes (a retry, or refused).
 */
export function bookDecision(book: OfferBook, event: OfferBookEvent): { next: OfferBook | null; listingStatuses: string[]; outcome: OfferBookOutcome } {
  const selfIn = (b: OfferBook) =>
    b.primary === event.purchaseId
      ? { effect: 'primary' as const }
      : b.backups.includes(event.purchaseId)
        ? { effect: 'backup' as const, position: b.backups.indexOf(event.purchaseId) + 1 }
        : { effect: 'none' as const };
  // Refused by the rules: nothing changes (the workflow's own validators normally catch this first).
  if (alreadyApplied(book, event) || offerBookProblem(book, event)) return { next: null, listingStatuses: [], outcome: { others: [], self: selfIn(book) } };
  const { book: next, effects } = applyOfferBook(book, event);
  const others: OfferBookOutcome['others'] = [];
  const listingStatuses: string[] = [];
  for (const e of effects) {
    if (e.type === 'listing') listingStatuses.push(e.status);
    else if (e.purchaseId !== event.purchaseId) others.push({ purchaseId: e.purchaseId, effect: e.type, ...(e.type === 'backup' ? { position: e.position } : {}), ...(e.type === 'reject' ? { reason: e.reason } : {}) });
  }
  return { next, listingStatuses, outcome: { others, self: selfIn(next) } };
}

export function createOfferBookActivity(db: Sequelize, onListingStatus: (listingId: string, status: string, t: Transaction) => Promise<void>) {
  return async function offerBookEvent({ listingId, event }: { listingId: string; event: OfferBookEvent }): Promise<OfferBookOutcome> {
    return db.transaction(async (transaction) => {
      await db.query('insert into listing_offer_books (listing_id) values ($1) on conflict do nothing', { bind: [listingId], transaction });
      const [row] = await db.query<BookRow>('select primary_purchase_id, backup_ids, open_ids, sold from listing_offer_books where listing_id = $1 for update', {
        bind: [listingId],
        type: QueryTypes.SELECT,
        transaction,
      });
      const { next, listingStatuses, outcome } = bookDecision({ primary: row!.primary_purchase_id, backups: row!.backup_ids, open: row!.open_ids, sold: row!.sold }, event);
      if (next) {
        await db.query('update listing_offer_books set primary_purchase_id = $2, backup_ids = $3::uuid[], open_ids = $4::uuid[], sold = $5, updated_at = now() where listing_id = $1', {
          bind: [listingId, next.primary, next.backups, next.open, next.sold],
          transaction,
        });
      }
      for (const status of listingStatuses) await onListingStatus(listingId, status, transaction);
      return outcome;
    });
  };
}
