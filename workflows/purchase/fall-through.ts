/**
 * A contract that ends before closing, as a saga: each completed step is
 * compensated per the contract — earnest money refunded to the buyer (a
 * contingency failed in time, the money never arrived, a mutual release) or
 * released to the seller (the buyer defaulted after the contingencies were
 * removed) — then the listing's book moves on: the next backup steps up, or
 * the listing is active again. Each compensation is logged in the state.
 */
import { act } from './proxies';
import { today, type PurchaseRun } from './purchase-run';

export async function fallThrough(run: PurchaseRun) {
  const { state } = run;
  const ending = run.ending!;
  const compensations: string[] = [];
  const held = state.escrow.disposition === 'held' ? state.escrow.receivedMinor : 0;
  if (held > 0) {
    await act.disburseEarnestMoney({
      purchaseId: run.id,
      propertyId: state.propertyId,
      amountMinor: held,
      currency: state.escrow.currency,
      to: ending.earnestMoneyTo,
      today: today(),
      reason: ending.reason,
    });
    state.escrow.disposition = ending.earnestMoneyTo === 'buyer' ? 'refunded' : 'released';
    compensations.push(`earnest money ${held} ${state.escrow.currency} ${ending.earnestMoneyTo === 'buyer' ? 'refunded to the buyer' : 'released to the seller'}`);
  }
  const outcome = await act.offerBookEvent({ listingId: state.listingId, event: { type: 'fell_through', purchaseId: run.id } });
  const next = outcome.others.find((o) => o.effect === 'step_up');
  compensations.push(next ? `backup offer ${next.purchaseId} steps up` : 'listing back to active');
  state.outcome = { reason: ending.reason, by: ending.by, compensations };
  for (const c of compensations) run.log(`compensation: ${c}`);
  await run.setStage('terminated');
  await run.carryOut(outcome);
  await run.notify('purchase_terminated', { reason: ending.reason });
}
