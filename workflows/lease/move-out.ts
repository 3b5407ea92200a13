/** 8. Move-out: wait for the checklist's deductions (or the deadline), settle the deposit, close. */
import { condition } from '@temporalio/workflow';
import { MOVE_OUT_DAYS } from '../../domain/lease';
import type { LeaseState } from '../../contracts/lease';
import { act } from './proxies';
import { today, type LeaseRun } from './lease-run';

export async function closeOut(lease: LeaseRun): Promise<LeaseState> {
  const recorded = await condition(() => lease.moveOut !== undefined, `${MOVE_OUT_DAYS} days`);
  if (!recorded) lease.log(`no move-out deductions within ${MOVE_OUT_DAYS} days: the deposit is settled without any`);
  const settled = await act.settleDeposit({ terms: lease.terms, deductions: lease.moveOut?.deductions ?? [], today: today() });
  lease.log(`deposit settled: ${settled.appliedMinor} applied to amounts owed, ${settled.refundedMinor} refunded`);
  await lease.notify('deposit_statement', { documentId: settled.documentId, refundedMinor: settled.refundedMinor });
  await lease.setStatus('closed');
  return lease.state;
}
