/**
 * One signing envelope, id `envelope-<envelopeId>` (contracts/envelope.ts):
 * asks its signers to sign (all at once, or one after another), reminds
 * whoever must still sign, and ends completed (the signed copies stored),
 * declined, expired or voided. A parent workflow (a lease) starts it as a
 * child and hears of each signature; its result is the final state.
 */
import { condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { addDays, todayUtc } from '../../domain/calendar';
import {
  DEFAULT_ENVELOPE_DAYS,
  DEFAULT_REMINDER_DAYS,
  declineEnvelopeUpdate,
  envelopeSignedSignal,
  envelopeStateQuery,
  signEnvelopeUpdate,
  voidEnvelopeSignal,
  type EnvelopeActivities,
  type EnvelopeInput,
  type EnvelopeResult,
  type EnvelopeSignature,
  type EnvelopeState,
  type EnvelopeStatus,
} from '../../contracts/envelope';
import { signersDue, validateEnvelopeDecline, validateEnvelopeSignature } from './validators';

const act = proxyActivities<EnvelopeActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const DAY_MS = 86_400_000;
const nowIso = () => new Date(Date.now()).toISOString();

export async function envelopeWorkflow(input: EnvelopeInput): Promise<EnvelopeResult> {
  const expiresInDays = input.expiresInDays ?? DEFAULT_ENVELOPE_DAYS;
  const reminderDays = input.reminderDays ?? DEFAULT_REMINDER_DAYS;
  const state: EnvelopeState = {
    envelopeId: input.envelopeId,
    subject: input.subject,
    title: input.title,
    status: 'sent',
    ordered: input.ordered,
    sender: input.sender,
    documents: input.documents.map(({ documentId, sha256, name }) => ({ documentId, sha256, name })),
    signers: input.signers.map((s) => ({ userId: s.userId, name: s.name, role: s.role, status: 'waiting' as const })),
    signatures: [],
    expiresOn: addDays(todayUtc(), expiresInDays),
    decline: null,
    voided: null,
    completed: [],
    audit: [],
  };
  const log = (event: string) => state.audit.push({ at: nowIso(), event });
  const emailOf = (userId: string) => input.signers.find((s) => s.userId === userId)!.email;
  const parent = workflowInfo().parent;

  setHandler(envelopeStateQuery, () => state);
  setHandler(
    signEnvelopeUpdate,
    async (request) => {
      const signer = state.signers.find((s) => s.userId === request.userId)!;
      const signature: EnvelopeSignature = {
        userId: signer.userId,
        name: signer.name,
        role: signer.role,
        signedAt: request.signedAt,
        ip: request.ip,
        userAgent: request.userAgent,
        documents: request.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256.toLowerCase() })),
      };
      signer.status = 'signed';
      state.signatures.push(signature);
      log(`${signer.name} signed from ${request.ip}`);
      if (parent) {
        try {
          await getExternalWorkflowHandle(parent.workflowId).signal(envelopeSignedSignal, { envelopeId: state.envelopeId, signature });
        } catch {
          // The sending process has ended; the signature stands, and the envelope's result carries it.
        }
      }
      return state;
    },
    { validator: (request) => validateEnvelopeSignature(state, request) },
  );
  setHandler(
    declineEnvelopeUpdate,
    (request) => {
      const signer = state.signers.find((s) => s.userId === request.userId)!;
      signer.status = 'declined';
      state.decline = { userId: signer.userId, name: signer.name, reason: request.reason.trim(), at: request.at, ip: request.ip, userAgent: request.userAgent };
      log(`${signer.name} declined to sign: ${state.decline.reason}`);
      return state;
    },
    { validator: (request) => validateEnvelopeDecline(state, request) },
  );
  setHandler(voidEnvelopeSignal, ({ by, reason }) => {
    if (state.status !== 'sent' || state.voided) return;
    state.voided = { by, reason, at: nowIso() };
    log(`voided by ${by}: ${reason}`);
  });

  await act.recordEnvelope(record('sent'));
  log(`sent to ${input.signers.map((s) => s.name).join(', ')}; to be signed by ${state.expiresOn}`);

  const expiresAt = Date.now() + expiresInDays * DAY_MS;
  const signed = () => state.signers.every((s) => s.status === 'signed');
  const ended = () => signed() || state.decline !== null || state.voided !== null;
  const asked = new Set<string>();
  let nextReminder = reminderDays > 0 ? Date.now() + reminderDays * DAY_MS : Infinity;
  for (;;) {
    await askThoseDue();
    const wakeAt = Math.min(expiresAt, nextReminder);
    const before = state.signatures.length;
    const done = await condition(() => ended() || state.signatures.length !== before, Math.max(0, wakeAt - Date.now()));
    if (ended()) break;
    if (done) continue; // a signature: the next signer in order is asked
    if (Date.now() >= expiresAt) break;
    const due = signersDue(state).filter((s) => s.status === 'to_sign');
    if (due.length) {
      await act.notifyEnvelope({ subject: input.subject, template: 'signature_reminder', data: { title: input.title, deadline: state.expiresOn }, to: due.map((s) => emailOf(s.userId)) });
      log(`reminded ${due.map((s) => s.name).join(', ')}`);
    }
    nextReminder += reminderDays * DAY_MS;
  }

  if (signed()) {
    state.completed = await act.completeEnvelope({
      envelopeId: input.envelopeId,
      subject: input.subject,
      title: input.title,
      documents: input.documents,
      signatures: state.signatures,
      audit: [...state.audit, { at: nowIso(), event: 'completed: every signer signed' }],
    });
    log('completed: every signer signed');
    return finish('completed');
  }
  if (state.voided) return finish('voided');
  if (state.decline) return finish('declined');
  log(`expired on ${state.expiresOn} without every signature`);
  return finish('expired');

  /** Asks each signer whose turn it is, once. */
  async function askThoseDue() {
    const due = signersDue(state).filter((s) => !asked.has(s.userId));
    if (!due.length) return;
    for (const s of due) {
      asked.add(s.userId);
      s.status = 'to_sign';
    }
    await act.notifyEnvelope({ subject: input.subject, template: 'signature_requested', data: { title: input.title, deadline: state.expiresOn }, to: due.map((s) => emailOf(s.userId)) });
  }

  async function finish(status: EnvelopeStatus): Promise<EnvelopeResult> {
    state.status = status;
    await act.recordEnvelope(record(status));
    return state;
  }

  function record(status: EnvelopeStatus) {
    return {
      envelopeId: input.envelopeId,
      subject: input.subject,
      title: input.title,
      status,
      senderId: input.sender.userId,
      signerIds: input.signers.map((s) => s.userId),
    };
  }
}
