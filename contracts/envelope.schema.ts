/**
 * A signing envelope's state, declared once: the workflow's query returns it
 * (contracts/envelope.ts takes its type) and the API documents it.
 */
import { ENVELOPE_SIGNER_STATUSES, ENVELOPE_STATUSES } from '../domain/envelope';
import { SUBJECT_TYPES } from '../domain/subject';
import { z } from './zod';

const DocumentHash = z.object({ documentId: z.string(), sha256: z.string().describe('SHA-256 of the document, in hex') });

export const EnvelopeSignatureSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.string(),
  signedAt: z.string(),
  ip: z.string().describe('The address the signature came from'),
  userAgent: z.string(),
  documents: z.array(DocumentHash).describe('The SHA-256 of each document as the signer saw it'),
});

export const EnvelopeStateSchema = z.object({
  envelopeId: z.string(),
  subject: z.object({ type: z.enum(SUBJECT_TYPES), id: z.string() }).describe('The record the envelope belongs to'),
  title: z.string(),
  status: z.enum(ENVELOPE_STATUSES),
  ordered: z.boolean().describe('Signers sign one after another, in the order listed'),
  sender: z.object({ userId: z.string().nullable(), name: z.string() }),
  documents: z.array(DocumentHash.extend({ name: z.string() })),
  signers: z.array(z.object({ userId: z.string(), name: z.string(), role: z.string(), status: z.enum(ENVELOPE_SIGNER_STATUSES) })),
  signatures: z.array(EnvelopeSignatureSchema),
  expiresOn: z.string().describe('The last day to sign'),
  decline: z
    .object({ userId: z.string(), name: z.string(), reason: z.string(), at: z.string(), ip: z.string(), userAgent: z.string() })
    .nullable(),
  voided: z.object({ by: z.string(), reason: z.string(), at: z.string() }).nullable(),
  completed: z.array(z.object({ documentId: z.string(), sha256: z.string(), of: z.string().describe('The document it is the signed copy of') })),
  audit: z.array(z.object({ at: z.string(), event: z.string() })),
});
