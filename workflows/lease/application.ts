/**
 * From application to move-in: screening (with a manager's decision when the
 * rules say review or reject), the agreement and every party's signature
 * before a deadline, then the deposit. Each step answers whether the lease
 * goes on; when it does not, the step has already recorded why (rejected,
 * expired, cancelled).
 */
import { ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { addDays } from '../../domain/calendar';
import { DEFAULT_SIGNING_DAYS } from '../../domain/lease';
import { DEFAULT_SCREENING_THRESHOLDS, screenApplication } from '../../domain/screening';
import { LeaseFailure } from '../../contracts/lease';
import { act } from './proxies';
import { today, type LeaseRun } from './lease-run';
import { LeasePatch } from './patches';

/** 1-2. Screening by the rules; a manager decides when they do not approve. */
export async function screen(lease: LeaseRun): Promise<boolean> {
  const { state, input, terms } = lease;
  await lease.setStatus('screening');
  state.screening = screenApplication(
    { ...input.application, monthlyRentMinor: terms.monthlyRent.amountMinor, references: input.application.references },
    DEFAULT_SCREENING_THRESHOLDS,
  );
  lease.log(`screening: ${state.screening.decision} (${state.screening.reasons.join('; ')})`);
  if (state.screening.decision === 'approve') return true;
  await lease.setStatus('awaiting_decision');
  await condition(() => lease.screeningOverride !== undefined || lease.cancellation !== undefined);
  if (lease.cancellation) return cancelled(lease);
  if (lease.screeningOverride === 'reject') {
    await lease.setStatus('rejected');
    await lease.notify('application_rejected');
    return false;
  }
  return true;
}

/** 3-4. The agreement, signed by every party before the deadline. */
export async function signAgreement(lease: LeaseRun): Promise<boolean> {
  const { state, input, terms } = lease;
  const agreement = await act.createAgreement({ terms });
  state.document = { documentId: agreement.documentId, sha256: agreement.sha256 };
  const signingDays = input.signingDays ?? DEFAULT_SIGNING_DAYS;
  state.signingDeadline = addDays(today(), signingDays);
  await lease.setStatus('awaiting_signatures');
  await lease.notify('signature_requested', { deadline: state.signingDeadline }, lease.partyEmails);
  const allSigned = await condition(() => state.signatures.length === terms.parties.length || lease.cancellation !== undefined, `${signingDays} days`);
  if (lease.cancellation) return cancelled(lease);
  if (!allSigned) {
    await lease.setStatus('expired');
    await lease.notify('offer_expired', {}, lease.partyEmails);
    return false;
  }
  state.document = await act.storeSignedAgreement({ leaseId: lease.leaseId, documentId: agreement.documentId, signatures: state.signatures, audit: state.history });
  if (lease.cancellation) return cancelled(lease); // cancelled while the signed copy was being made
  return true;
}

/** 5. Move-in: the deposit, held as a liability; a declined one waits for a new card (or a payment by hand). */
export async function moveIn(lease: LeaseRun): Promise<boolean> {
  const { terms } = lease;
  await lease.setStatus('awaiting_move_in');
  const deposit = await act.chargeDeposit({ leaseId: lease.leaseId, deposit: terms.deposit, paymentMethod: lease.input.paymentMethod, today: today() });
  if (deposit.status === 'succeeded' && deposit.paymentId && patched(LeasePatch.paymentReceipts)) await lease.receipt(deposit.paymentId, terms.deposit.amountMinor);
  if (deposit.status !== 'succeeded') {
    lease.log(`deposit charge failed: ${deposit.message ?? ''}`);
    await lease.notify('payment_failed', { what: 'deposit' });
    lease.waitingForDepositCard = true;
    await condition(() => lease.paymentMethodChanged || lease.paymentRecorded || lease.cancellation !== undefined);
    lease.waitingForDepositCard = false;
    if (lease.cancellation) return cancelled(lease);
    if (lease.paymentMethodChanged) {
      const retry = await act.chargeDeposit({ leaseId: lease.leaseId, deposit: terms.deposit, paymentMethod: lease.paymentMethod, today: today(), attempt: 2 });
      if (retry.status !== 'succeeded') throw ApplicationFailure.nonRetryable('the deposit could not be collected', LeaseFailure.DepositFailed);
    }
  }
  return true;
}

/** Cancellation before move-in: nothing was charged but a deposit attempt, which failed. */
async function cancelled(lease: LeaseRun): Promise<false> {
  await lease.setStatus('cancelled');
  await lease.notify('lease_cancelled', { reason: lease.cancellation!.reason }, lease.partyEmails);
  return false;
}
