import { compareEscrow, escrowHeldByState, type EscrowPosition, type PurchaseEscrowPosition } from '../../domain/escrow-reconciliation';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const P3 = '33333333-3333-4333-8333-333333333333';
const P4 = '44444444-4444-4444-8444-444444444444';

const purchase = (purchaseId: string, heldMinor: number, stage = 'under_contract', currency = 'USD'): PurchaseEscrowPosition => ({ purchaseId, currency, heldMinor, stage });
const ledger = (purchaseId: string, heldMinor: number, currency = 'USD'): EscrowPosition => ({ purchaseId, currency, heldMinor });

describe('what a purchase says it holds', () => {
  test.each([
    ['received and held', { currency: 'USD', earnestMoneyMinor: 500_000, receivedMinor: 500_000, disposition: 'held' }, 500_000],
    ['not received yet', { currency: 'USD', earnestMoneyMinor: 500_000, receivedMinor: 0, disposition: null }, 0],
    ['applied at closing', { currency: 'USD', receivedMinor: 500_000, disposition: 'applied' }, 0],
    ['refunded to the buyer', { currency: 'USD', receivedMinor: 500_000, disposition: 'refunded' }, 0],
    ['released to the seller', { currency: 'USD', receivedMinor: 500_000, disposition: 'released' }, 0],
    ['held, the amount stored as text', { disposition: 'held', receivedMinor: '750000' }, 750_000],
    ['held, the amount missing', { disposition: 'held' }, 0],
    ['held, the amount not a whole number', { disposition: 'held', receivedMinor: 12.5 }, 0],
  ] as const)('%s', (_what, escrow, held) => {
    expect(escrowHeldByState(escrow)).toBe(held);
  });

  test('no escrow recorded at all holds nothing', () => {
    expect(escrowHeldByState(null)).toBe(0);
    expect(escrowHeldByState(undefined)).toBe(0);
  });
});

describe('comparing the purchases with the ledger', () => {
  test('nothing on either side is balanced, with no currencies', () => {
    expect(compareEscrow([], [])).toEqual({ status: 'balanced', purchasesCompared: 0, currencies: [] });
  });

  test('every purchase agreeing with its book is balanced; purchases holding nothing count but add nothing', () => {
    const r = compareEscrow([purchase(P1, 500_000), purchase(P2, 1_000_000), purchase(P3, 0, 'negotiating')], [ledger(P2, 1_000_000), ledger(P1, 500_000)]);
    expect(r).toEqual({
      status: 'balanced',
      purchasesCompared: 3,
      currencies: [{ currency: 'USD', purchasesHeldMinor: 1_500_000, ledgerHeldMinor: 1_500_000, differenceMinor: 0, differences: [] }],
    });
  });

  test('the ledger holding money the purchase says it does not: the difference with both figures, per purchase and in total', () => {
    const r = compareEscrow([purchase(P1, 500_000), purchase(P2, 0, 'terminated')], [ledger(P1, 500_000), ledger(P2, 500_000)]);
    expect(r.status).toBe('differences');
    expect(r.currencies).toEqual([
      {
        currency: 'USD',
        purchasesHeldMinor: 500_000,
        ledgerHeldMinor: 1_000_000,
        differenceMinor: 500_000,
        differences: [{ purchaseId: P2, stage: 'terminated', purchaseHeldMinor: 0, ledgerHeldMinor: 500_000, differenceMinor: 500_000 }],
      },
    ]);
  });

  test('a purchase saying it holds money the ledger never received is a negative difference', () => {
    const r = compareEscrow([purchase(P1, 300_000)], []);
    expect(r.currencies[0]).toMatchObject({
      purchasesHeldMinor: 300_000,
      ledgerHeldMinor: 0,
      differenceMinor: -300_000,
      differences: [{ purchaseId: P1, stage: 'under_contract', purchaseHeldMinor: 300_000, ledgerHeldMinor: 0, differenceMinor: -300_000 }],
    });
  });

  test('a book with no purchase record is a difference with no stage', () => {
    const r = compareEscrow([], [ledger(P4, 20_000)]);
    expect(r).toMatchObject({ status: 'differences', purchasesCompared: 1 });
    expect(r.currencies[0]!.differences).toEqual([{ purchaseId: P4, stage: null, purchaseHeldMinor: 0, ledgerHeldMinor: 20_000, differenceMinor: 20_000 }]);
  });

  test('differences that offset in total are still differences', () => {
    const r = compareEscrow([purchase(P1, 100_000), purchase(P2, 200_000)], [ledger(P1, 200_000), ledger(P2, 100_000)]);
    expect(r.status).toBe('differences');
    expect(r.currencies[0]).toMatchObject({ purchasesHeldMinor: 300_000, ledgerHeldMinor: 300_000, differenceMinor: 0 });
    expect(r.currencies[0]!.differences.map((d) => [d.purchaseId, d.differenceMinor])).toEqual([
      [P1, 100_000],
      [P2, -100_000],
    ]);
  });

  test('each currency on its own, alphabetically; money in another currency than the purchase says is two differences', () => {
    const r = compareEscrow(
      [purchase(P1, 500_000, 'under_contract', 'USD'), purchase(P2, 90_000, 'clear_to_close', 'JPY'), purchase(P3, 40_000, 'backup', 'EUR')],
      [ledger(P1, 500_000, 'EUR'), ledger(P2, 90_000, 'JPY'), ledger(P3, 40_000, 'EUR')],
    );
    expect(r.currencies.map((c) => [c.currency, c.purchasesHeldMinor, c.ledgerHeldMinor, c.differenceMinor])).toEqual([
      ['EUR', 40_000, 540_000, 500_000],
      ['JPY', 90_000, 90_000, 0],
      ['USD', 500_000, 0, -500_000],
    ]);
    expect(r.currencies.find((c) => c.currency === 'EUR')!.differences).toEqual([
      { purchaseId: P1, stage: 'under_contract', purchaseHeldMinor: 0, ledgerHeldMinor: 500_000, differenceMinor: 500_000 },
    ]);
    expect(r.currencies.find((c) => c.currency === 'USD')!.differences).toEqual([
      { purchaseId: P1, stage: 'under_contract', purchaseHeldMinor: 500_000, ledgerHeldMinor: 0, differenceMinor: -500_000 },
    ]);
    expect(r.purchasesCompared).toBe(3);
  });

  test('the largest difference comes first, ties by purchase id; positions repeated for a purchase add up', () => {
    const r = compareEscrow(
      [purchase(P3, 0), purchase(P1, 0), purchase(P2, 0)],
      [ledger(P2, 10_000), ledger(P1, 10_000), ledger(P3, 1_000), ledger(P3, 49_000)],
    );
    expect(r.currencies[0]!.differences.map((d) => [d.purchaseId, d.ledgerHeldMinor])).toEqual([
      [P3, 50_000],
      [P1, 10_000],
      [P2, 10_000],
    ]);
  });

  test('a negative ledger balance (more paid out of escrow than came in) is reported as it is', () => {
    const r = compareEscrow([purchase(P1, 0, 'closed')], [ledger(P1, -25_000)]);
    expect(r.currencies[0]).toMatchObject({ ledgerHeldMinor: -25_000, differenceMinor: -25_000 });
  });
});
