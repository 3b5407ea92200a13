/**
 * Signing envelopes, a platform piece every process uses: one or more
 * documents, their signers (in order if asked), the SHA-256 of each document
 * each signer saw, the evidence of each signature (the signed-in user, time,
 * IP address, user agent), reminders, an expiry, a decline with a reason, and
 * the completed PDFs with the signature page and audit trail.
 *
 * One workflow per envelope, id `envelope-<envelopeId>`, started by the
 * process that needs the signatures as a child workflow (a lease starts one
 * for its agreement) and answering it with the outcome. Signers act on it
 * through Updates; the process may void it with a signal. Workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ENVELOPE_STATUSES } from '../domain/envelope';
import type { Subject } from '../domain/subject';
import type { EnvelopeSignatureSchema, EnvelopeStateSchema } from './envelope.schema';

export { ENVELOPE_STATUSES } from '../domain/envelope';

export const ENVELOPE_WORKFLOW_TYPE = 'envelopeWorkflow';

export function envelopeWorkflowId(envelopeId: string) {
  return `envelope-${envelopeId}`;
}

/** Days signers have unless the sender says otherwise; a reminder goes to whoever must still sign every REMINDER_DAYS. */
export const DEFAULT_ENVELOPE_DAYS = 7;
export const DEFAULT_REMINDER_DAYS = 2;

export type EnvelopeStatus = (typeof ENVELOPE_STATUSES)[number];

/** The record an envelope belongs to (its documents and notifications are filed under it). */
export type EnvelopeSubject = Subject;

export interface EnvelopeDocument {
  documentId: string;
  sha256: string;
  name: string;
  /** The kind the completed copy is stored as (e.g. `lease_signed`), and its title (`Signed: <title>` if not given). */
  signedKind: string;
  signedTitle?: string;
}

export interface EnvelopeSigner {
  userId: string;
  name: string;
  email: string;
  /** Their part in the deal, printed on the signature page (tenant, landlord, buyer…). */
  role: string;
}

export interface EnvelopeInput {
  envelopeId: string;
  subject: EnvelopeSubject;
  /** What the signers are asked to sign, in their words ("Lease of 12 Quillfeather Lane"). */
  title: string;
  documents: EnvelopeDocument[];
  signers: EnvelopeSigner[];
  /** Signers sign one after another, in the order given; otherwise in any order. */
  ordered: boolean;
  /** Who sent it: sees it and hears its outcome. */
  sender: { userId: string | null; name: string };
  expiresInDays?: number;
  /** Days between reminders to whoever must still sign (0: none). */
  reminderDays?: number;
}

/** The evidence of one signature (declared with the state in ./envelope.schema.ts). */
export type EnvelopeSignature = z.infer<typeof EnvelopeSignatureSchema>;
/** What the envelope's query returns, and its result. */
export type EnvelopeState = z.infer<typeof EnvelopeStateSchema>;

export type EnvelopeResult = EnvelopeState;
export type EnvelopeWorkflow = (input: EnvelopeInput) => Promise<EnvelopeResult>;

// ---------------------------------------------------------------- messages

export const envelopeStateQuery = defineQuery<EnvelopeState>('envelopeState');

/** A signature as the signer gives it (the API adds the evidence it sees). */
export interface EnvelopeSignatureRequest {
  userId: string;
  signedAt: string;
  ip: string;
  userAgent: string;
  documents: { documentId: string; sha256: string }[];
}
export interface EnvelopeDeclineRequest {
  userId: string;
  reason: string;
  at: string;
  ip: string;
  userAgent: string;
}

export const signEnvelopeUpdate = defineUpdate<EnvelopeState, [EnvelopeSignatureRequest]>('signEnvelope');
export const declineEnvelopeUpdate = defineUpdate<EnvelopeState, [EnvelopeDeclineRequest]>('declineEnvelope');
/** The sending process withdraws it (a lease cancelled while it was out for signature). */
export const voidEnvelopeSignal = defineSignal<[{ by: string; reason: string }]>('voidEnvelope');
/** To the sending process (the parent workflow): someone signed. */
export const envelopeSignedSignal = defineSignal<[{ envelopeId: string; signature: EnvelopeSignature }]>('envelopeSigned');

// ---------------------------------------------------------------- activities

export interface EnvelopeActivities {
  /** Records the envelope (who may see it, its status) where the API reads it. */
  recordEnvelope(a: { envelopeId: string; subject: EnvelopeSubject; title: string; status: EnvelopeStatus; senderId: string | null; signerIds: string[] }): Promise<void>;
  /** Stores each document's completed copy: the document, then the signature page and the audit trail. */
  completeEnvelope(a: {
    envelopeId: string;
    subject: EnvelopeSubject;
    title: string;
    documents: EnvelopeDocument[];
    signatures: EnvelopeSignature[];
    audit: { at: string; event: string }[];
  }): Promise<{ documentId: string; sha256: string; of: string }[]>;
  /** Records an e-mail about the envelope; delivery happens on its own. */
  notifyEnvelope(a: { subject: EnvelopeSubject; template: string; data: Record<string, string | number>; to: string[] }): Promise<void>;
}
