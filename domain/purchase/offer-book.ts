/**
 * A listing's offer book: the purchase under contract (the primary), the
 * backup offers queued behind it in order, and the purchases still
 * negotiating. A pure reducer whose effects tell the caller what follows for
 * the other purchases and for the listing; kept in one place so a listing
 * never has two accepted offers, whatever order the events arrive in.
 */

export interface OfferBook {
  /** the purchase under contract (after closing: the one that bought) */
  primary: string | null;
  /** in order: the first steps up first */
  backups: string[];
  /** purchases still negotiating, in the order they were offered */
  open: string[];
  sold: boolean;
}

export function emptyOfferBook(): OfferBook {
  return { primary: null, backups: [], open: [], sold: false };
}

export type OfferBookEvent =
  | { type: 'offered'; purchaseId: string }
  | { type: 'accepted'; purchaseId: string; others: 'reject' | 'backup' }
  /** a negotiation rejected, withdrawn or expired, or a backup withdrawn */
  | { type: 'ended'; purchaseId: string }
  /** the primary contract (or a backup) terminated */
  | { type: 'fell_through'; purchaseId: string }
  /** the primary closed: the listing is sold */
  | { type: 'closed'; purchaseId: string };

export type OfferBookEffect =
  | { type: 'reject'; purchaseId: string; reason: string }
  /** 1-based */
  | { type: 'backup'; purchaseId: string; position: number }
  | { type: 'step_up'; purchaseId: string }
  | { type: 'listing'; status: 'active' | 'under_contract' | 'sold' };

/** Reasons given to the purchases the book turns away. */
export const REJECTED_FOR_ANOTHER_OFFER = 'the seller accepted another offer';
export const REJECTED_LISTING_SOLD = 'the listing sold to another buyer';

/** Where a purchase stands, for messages. */
function placeOf(book: OfferBook, id: string): string {
  if (book.primary === id) return book.sold ? `purchase ${id} bought the listing` : `purchase ${id} is under contract`;
  const backup = book.backups.indexOf(id);
  if (backup >= 0) return `purchase ${id} is backup offer #${backup + 1}`;
  if (book.open.includes(id)) return `purchase ${id} is still negotiating`;
  return `purchase ${id} is not in the offer book`;
}

const isKnown = (book: OfferBook, id: string) => book.primary === id || book.backups.includes(id) || book.open.includes(id);

/** Why the event cannot happen to this book (a sentence a user can read), or undefined. */
export function offerBookProblem(book: OfferBook, event: OfferBookEvent): string | undefined {
  const id = event.purchaseId;
  switch (event.type) {
    case 'offered':
      if (book.sold) return 'the listing is sold: it takes no more offers';
      if (isKnown(book, id)) return `${placeOf(book, id)}: it has already made its offer`;
      return undefined;
    case 'accepted':
      if (book.sold) return 'the listing is sold: no offer can be accepted';
      if (!book.open.includes(id)) return `${placeOf(book, id)}: only an offer still negotiating can be accepted`;
      return undefined;
    case 'ended':
      if (book.open.includes(id) || book.backups.includes(id)) return undefined;
      if (book.primary === id && !book.sold) return `${placeOf(book, id)}: a contract ends by falling through or closing`;
      return `${placeOf(book, id)}: only an offer still negotiating or a backup offer can end`;
    case 'fell_through':
      if (book.sold) return 'the listing is sold: its contract can no longer fall through';
      if (book.primary !== id && !book.backups.includes(id)) return `${placeOf(book, id)}: only a contract or a backup offer can fall through`;
      return undefined;
    case 'closed':
      if (book.sold) return 'the listing is already sold';
      if (book.primary !== id) return `${placeOf(book, id)}: only the purchase under contract can close`;
      return undefined;
    default:
      return `unknown event ${(event as { type: string }).type}`;
  }
}

/** Backup effects for the purchases of `backups` from index `from` on: their (new) positions. */
function positions(backups: string[], from: number): OfferBookEffect[] {
  return backups.slice(from).map((purchaseId, i) => ({ type: 'backup', purchaseId, position: from + i + 1 }));
}

function accept(book: OfferBook, id: string, others: 'reject' | 'backup'): { book: OfferBook; effects: OfferBookEffect[] } {
  const rest = book.open.filter((p) => p !== id);
  // With a contract in place, accepting means queueing: the seller took a backup offer; the others negotiate on.
  if (book.primary !== null) {
    const backups = [...book.backups, id];
    return { book: { ...book, backups, open: rest }, effects: positions(backups, backups.length - 1) };
  }
  const listing: OfferBookEffect = { type: 'listing', status: 'under_contract' };
  if (others === 'reject') {
    const effects = rest.map((purchaseId): OfferBookEffect => ({ type: 'reject', purchaseId, reason: REJECTED_FOR_ANOTHER_OFFER }));
    return { book: { ...book, primary: id, open: [] }, effects: [listing, ...effects] };
  }
  const backups = [...book.backups, ...rest];
  return { book: { ...book, primary: id, backups, open: [] }, effects: [listing, ...positions(backups, book.backups.length)] };
}

/** Removes a backup; those behind it move up one place and are told so. */
function dropBackup(book: OfferBook, id: string): { book: OfferBook; effects: OfferBookEffect[] } {
  const at = book.backups.indexOf(id);
  const backups = book.backups.filter((p) => p !== id);
  return { book: { ...book, backups }, effects: positions(backups, at) };
}

/** The primary fell through: the first backup steps up, or the listing is back on the market. */
function fallThrough(book: OfferBook): { book: OfferBook; effects: OfferBookEffect[] } {
  const [next, ...backups] = book.backups;
  if (next === undefined) return { book: { ...book, primary: null }, effects: [{ type: 'listing', status: 'active' }] };
  return { book: { ...book, primary: next, backups }, effects: [{ type: 'step_up', purchaseId: next }, ...positions(backups, 0)] };
}

function close(book: OfferBook, id: string): { book: OfferBook; effects: OfferBookEffect[] } {
  const losers = [...book.open, ...book.backups];
  const effects: OfferBookEffect[] = [
    { type: 'listing', status: 'sold' },
    ...losers.map((purchaseId): OfferBookEffect => ({ type: 'reject', purchaseId, reason: REJECTED_LISTING_SOLD })),
  ];
  return { book: { primary: id, backups: [], open: [], sold: true }, effects };
}

/**
 * Applies an allowed event; throws RangeError(problem) otherwise. Effects
 * come in order: the listing's new status first (when it changes), then one
 * per other purchase, in book order.
 */
export function applyOfferBook(book: OfferBook, event: OfferBookEvent): { book: OfferBook; effects: OfferBookEffect[] } {
  const problem = offerBookProblem(book, event);
  if (problem) throw new RangeError(problem);
  const id = event.purchaseId;
  switch (event.type) {
    case 'offered':
      return { book: { ...book, open: [...book.open, id] }, effects: [] };
    case 'accepted':
      return accept(book, id, event.others);
    case 'ended':
      if (book.open.includes(id)) return { book: { ...book, open: book.open.filter((p) => p !== id) }, effects: [] };
      return dropBackup(book, id);
    case 'fell_through':
      return book.primary === id ? fallThrough(book) : dropBackup(book, id);
    case 'closed':
      return close(book, id);
  }
}
