/**
 * From application to move-in: screening (with a manager's decision when the
 * rules say review or reject), the agreement and every party's signature
 * before a deadline, then the deposit. Each step answers whether the lease
 * goes on; when it does not, the step has already recorded why (rejected,
 * expired, cancelled).
 */
import { ApplicationFailure, condition, patched, startChild, uuid4 } from '@temporalio/workflow';
import { addDays } from '../../domain/calendar';
import { DEFAULT_SIGNING_DAYS } from '../../domain/lease';
import { DEFAULT_SCREENING_THRESHOLDS, screenApplication } from '../../domain/screening';
import { ENVELOPE_WORKFLOW_TYPE, envelopeWorkflowId, voidEnvelopeSignal, type EnvelopeWorkflow } from '../../contracts/envelope';
import { LeaseFailure, leaseSignature } from '../../contracts/lease';
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
  if (patched(LeasePatch.signingEnvelopes)) return signThroughEnvelope(lease, agreement, signingDays);
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

/**
 * 3-4 through a signing envelope (a child workflow): it asks and reminds the
 * parties, records each signature's evidence, and stores the signed copy;
 * the lease hears of each signature (envelopeSigned) and of the outcome.
 */
async function signThroughEnvelope(lease: LeaseRun, agreement: { documentId: string; sha256: string }, signingDays: number): Promise<boolean> {
  const { state, terms } = lease;
  const envelopeId = uuid4();
  state.envelopeId = envelopeId;
  const landlord = terms.parties.find((p) => p.role !== 'tenant')!;
  const envelope = await startChild<EnvelopeWorkflow>(ENVELOPE_WORKFLOW_TYPE, {
    workflowId: envelopeWorkflowId(envelopeId),
    args: [
      {
        envelopeId,
        subject: { type: 'lease', id: lease.leaseId },
        title: `the lease of ${terms.propertyAddress}`,
        documents: [{ documentId: agreement.documentId, sha256: agreement.sha256, name: 'Residential lease agreement', signedKind: 'lease_signed', signedTitle: 'Signed residential lease agreement' }],
        signers: terms.parties.map((p) => ({ userId: p.userId, name: p.name, email: p.email, role: p.role })),
        ordered: false,
        sender: { userId: landlord.userId, name: landlord.name },
        expiresInDays: signingDays,
      },
    ],
    memo: { summary: `Signatures on the lease of ${terms.propertyAddress}` },
  });
  // Awaiting signatures once the envelope exists, so whoever sees the status can sign at once.
  await lease.setStatus('awaiting_signatures');
  const outcome = await Promise.race([envelope.result(), condition(() => lease.cancellation !== undefined).then(() => null)]);
  if (outcome === null) {
    await envelope.signal(voidEnvelopeSignal, { by: lease.cancellation!.by, reason: `the lease was cancelled: ${lease.cancellation!.reason}` });
    await envelope.result();
    return cancelled(lease);
  }
  state.signatures = outcome.signatures.map(leaseSignature);
  if (outcome.status === 'completed') {
    const signed = outcome.completed[0]!;
    state.document = { documentId: signed.documentId, sha256: signed.sha256 };
    if (lease.cancellation) return cancelled(lease); // cancelled as the last signature came in
    return true;
  }
  if (outcome.status === 'declined') {
    const decline = outcome.decline!;
    state.decisions.push({ at: decline.at, by: decline.userId, decision: 'declined to sign', reason: decline.reason });
    await lease.setStatus('declined');
    await lease.notify('lease_declined', { by: decline.name, reason: decline.reason }, lease.partyEmails);
    return false;
  }
  await lease.setStatus('expired');
  await lease.notify('offer_expired', {}, lease.partyEmails);
  return false;
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
