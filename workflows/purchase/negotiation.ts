/**
 * 1-2. Offers and negotiation: rounds alternate between buyer and seller
 * (the Updates in purchase-run.ts), each with its own expiry timer here,
 * until the deal is accepted (under contract, or a backup), or ends
 * rejected, withdrawn or expired. A backup waits for its turn.
 */
import { condition } from '@temporalio/workflow';
import { openRound } from '../../domain/purchase/negotiation';
import type { PurchaseRun } from './purchase-run';

/** Whether the purchase came under contract (the next step), rather than ending. */
export async function negotiate(run: PurchaseRun): Promise<boolean> {
  const { state } = run;
  while (state.stage === 'negotiating') {
    if (run.rejectedByBook) {
      await run.setStage('rejected');
      return false;
    }
    if (run.leftAsBackup) {
      await run.leaveBook('ended', 'rejected');
      return false;
    }
    if (run.movedToBackup) {
      run.movedToBackup = false;
      await run.setStage('backup');
      break;
    }
    const round = openRound(state.negotiation);
    if (!round) {
      // Agreed or ended by an Update that is still recording it (the offer book, the stage): wait for that.
      await condition(() => state.stage !== 'negotiating' || run.rejectedByBook !== null || run.leftAsBackup || run.movedToBackup);
      continue;
    }
    const seen = run.changes;
    const msLeft = Date.parse(round.terms.expiresAt) - Date.now();
    const changed = msLeft > 0 && (await condition(() => run.changes !== seen, msLeft));
    if (!changed && state.stage === 'negotiating' && openRound(state.negotiation)?.n === round.n) await run.expire(round.n);
  }
  return waitAsBackup(run);
}

/** A backup offer waits until the contract ahead of it falls through (step up), or it is withdrawn or released. */
async function waitAsBackup(run: PurchaseRun): Promise<boolean> {
  const { state } = run;
  if (state.stage !== 'backup') return state.stage === 'under_contract';
  await condition(() => run.steppedUp || run.rejectedByBook !== null || state.stage !== 'backup');
  if (state.stage !== 'backup') return state.stage === 'under_contract';
  if (run.rejectedByBook) {
    await run.setStage('rejected');
    return false;
  }
  run.log('the contract ahead fell through: this backup offer steps up');
  await run.becomePrimary();
  return true;
}
