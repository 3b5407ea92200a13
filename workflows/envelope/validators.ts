/** The envelope's Update validators: pure functions of its state and the request (no clock read here). */
import type { EnvelopeDeclineRequest, EnvelopeSignatureRequest, EnvelopeState } from '../../contracts/envelope';

/** The signers who may act now: every one still to sign, or only the first of them when the envelope is ordered. */
export function signersDue(state: EnvelopeState) {
  const open = state.signers.filter((s) => s.status === 'to_sign' || s.status === 'waiting');
  return state.ordered ? open.slice(0, 1) : open;
}

function signerWhoMayAct(state: EnvelopeState, userId: string) {
  const signer = state.signers.find((s) => s.userId === userId);
  if (!signer) throw new Error('you are not a signer of this envelope');
  if (signer.status === 'signed') throw new Error('you have already signed');
  if (state.status !== 'sent') throw new Error(`the envelope is ${state.status}`);
  // Declined or voided a moment ago: it is ending, and takes nothing more.
  if (state.decline) throw new Error(`the envelope was declined by ${state.decline.name}`);
  if (state.voided) throw new Error('the envelope was voided');
  if (!signersDue(state).some((s) => s.userId === userId)) throw new Error('it is not your turn to sign yet: the envelope is signed in order');
  return signer;
}

export function validateEnvelopeSignature(state: EnvelopeState, request: EnvelopeSignatureRequest) {
  signerWhoMayAct(state, request.userId);
  for (const doc of state.documents) {
    const seen = request.documents?.find((d) => d.documentId === doc.documentId);
    if (!seen) throw new Error(`sign every document of the envelope: ${doc.name} (${doc.documentId}) is missing`);
    if (seen.sha256?.toLowerCase() !== doc.sha256) throw new Error(`the copy of ${doc.name} you signed is not the current one`);
  }
  const extra = (request.documents ?? []).find((d) => !state.documents.some((doc) => doc.documentId === d.documentId));
  if (extra) throw new Error(`document ${extra.documentId} is not in this envelope`);
}

export function validateEnvelopeDecline(state: EnvelopeState, request: EnvelopeDeclineRequest) {
  signerWhoMayAct(state, request.userId);
  if (!request.reason?.trim()) throw new Error('give a reason for declining');
}
