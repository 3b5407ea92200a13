/**
 * Escrow reconciliation: what the purchases say they hold in escrow against
 * what the ledger says is held (the `escrow_held` account of each purchase's
 * book), per purchase and in total, per currency. Pure: the activity reads
 * both sides, this compares them.
 *
 * A purchase's own record says its earnest money is held when it was
 * received and has not gone anywhere yet (disposition `held`); once applied at
 * closing, refunded or released, it holds nothing. The ledger's escrow_held
 * is a liability, so its balance is credits − debits.
 *
 * Differences are signed ledger − purchase: positive when the ledger holds
 * more than the purchase says (money received but not recorded on the
 * purchase, or a release never posted), negative when it holds less.
 */

/** What a purchase's state says about its escrow (the stored JSON: any field may be missing). */
export interface EscrowStateView {
  currency?: string | null;
  receivedMinor?: number | string | null;
  disposition?: string | null;
}

/** One purchase's escrow as one side sees it. */
export interface EscrowPosition {
  purchaseId: string;
  currency: string;
  heldMinor: number;
}

/** The purchase's side: its position and its stage (null when the ledger has a book but no purchase record exists). */
export interface PurchaseEscrowPosition extends EscrowPosition {
  stage: string | null;
}

export interface PurchaseEscrowDifference {
  purchaseId: string;
  /** The purchase's stage; null when no purchase record has this book. */
  stage: string | null;
  /** What the purchase's state says is held. */
  purchaseHeldMinor: number;
  /** What the ledger's escrow_held says is held. */
  ledgerHeldMinor: number;
  /** ledger − purchase. */
  differenceMinor: number;
}

export interface CurrencyReconciliation {
  currency: string;
  /** What the purchases compared say is held, in total. */
  purchasesHeldMinor: number;
  /** What the ledger says is held in purchase books, in total. */
  ledgerHeldMinor: number;
  /** ledger − purchases. */
  differenceMinor: number;
  /** Each purchase whose two figures differ, largest difference first. */
  differences: PurchaseEscrowDifference[];
}

export type EscrowReconciliationStatus = 'balanced' | 'differences';

export interface EscrowComparison {
  /** `differences` when any purchase's figures differ (even if they offset in total). */
  status: EscrowReconciliationStatus;
  /** Purchases compared (on either side). */
  purchasesCompared: number;
  /** One entry per currency either side has, in alphabetical order. */
  currencies: CurrencyReconciliation[];
}

function wholeMinor(value: number | string | null | undefined): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : 0;
}

/** What a purchase's state says is held: what was received while its disposition is `held`, otherwise nothing. */
export function escrowHeldByState(escrow: EscrowStateView | null | undefined): number {
  if (!escrow || escrow.disposition !== 'held') return 0;
  return wholeMinor(escrow.receivedMinor);
}

const keyOf = (p: EscrowPosition) => `${p.currency}\u0000${p.purchaseId}`;

/**
 * Compares the purchases' side with the ledger's. A purchase missing from one
 * side holds nothing there; positions repeated for one purchase and currency
 * are added up.
 */
export function compareEscrow(purchases: readonly PurchaseEscrowPosition[], ledger: readonly EscrowPosition[]): EscrowComparison {
  const rows = new Map<string, { purchaseId: string; currency: string; stage: string | null; purchase: number; ledger: number }>();
  const rowOf = (p: EscrowPosition) => {
    const key = keyOf(p);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { purchaseId: p.purchaseId, currency: p.currency, stage: null, purchase: 0, ledger: 0 }));
    return row;
  };
  const stages = new Map<string, string | null>();
  for (const p of purchases) {
    const row = rowOf(p);
    row.purchase += p.heldMinor;
    if (p.stage !== null) stages.set(p.purchaseId, p.stage);
  }
  for (const l of ledger) rowOf(l).ledger += l.heldMinor;

  const byCurrency = new Map<string, CurrencyReconciliation>();
  for (const row of rows.values()) {
    let c = byCurrency.get(row.currency);
    if (!c) byCurrency.set(row.currency, (c = { currency: row.currency, purchasesHeldMinor: 0, ledgerHeldMinor: 0, differenceMinor: 0, differences: [] }));
    c.purchasesHeldMinor += row.purchase;
    c.ledgerHeldMinor += row.ledger;
    if (row.purchase !== row.ledger) {
      c.differences.push({
        purchaseId: row.purchaseId,
        stage: stages.get(row.purchaseId) ?? null,
        purchaseHeldMinor: row.purchase,
        ledgerHeldMinor: row.ledger,
        differenceMinor: row.ledger - row.purchase,
      });
    }
  }
  const currencies = [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  for (const c of currencies) {
    c.differenceMinor = c.ledgerHeldMinor - c.purchasesHeldMinor;
    c.differences.sort(
      (a, b) => Math.abs(b.differenceMinor) - Math.abs(a.differenceMinor) || (a.purchaseId < b.purchaseId ? -1 : a.purchaseId > b.purchaseId ? 1 : 0),
    );
  }
  return {
    status: currencies.some((c) => c.differences.length > 0) ? 'differences' : 'balanced',
    purchasesCompared: new Set([...rows.values()].map((r) => r.purchaseId)).size,
    currencies,
  };
}
