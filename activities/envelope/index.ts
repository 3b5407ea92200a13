/**
 * A signing envelope's activities (contracts/envelope.ts): its row where the
 * API reads it, its e-mails, and its completed copies (each document, then
 * the signature page with every signature's evidence and the audit trail).
 */
import { activityInfo } from '@temporalio/activity';
import { envelopeWorkflowId, type EnvelopeActivities } from '../../contracts/envelope';
import { appendSignaturePage } from '../../lib/documents/signature-page';
import { createDocumentStore } from '../documents/store';
import { createNotifications, type NotificationDeps } from '../notifications';

export function createEnvelopeActivities(deps: NotificationDeps): EnvelopeActivities {
  const { db } = deps;
  const documents = createDocumentStore(db);
  const notifications = createNotifications(deps);
  return {
    async recordEnvelope({ envelopeId, subject, title, status, senderId, signerIds }) {
      await db.query(
        `insert into envelopes (id, subject_type, subject_id, title, status, sender_id, signer_ids, workflow_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7::uuid[], $8, now(), now())
         on conflict (id) do update set status = excluded.status, updated_at = now()`,
        { bind: [envelopeId, subject.type, subject.id, title, status, senderId, signerIds, activityInfo().workflowExecution?.workflowId ?? envelopeWorkflowId(envelopeId)] },
      );
    },

    async completeEnvelope({ envelopeId, subject, title, documents: docs, signatures, audit }) {
      const completed = [];
      for (const doc of docs) {
        // Stored once per envelope and document: a retried activity finds the copy it made.
        const prior = await documents.signedCopy(envelopeId, doc.documentId);
        if (prior) {
          completed.push({ ...prior, of: doc.documentId });
          continue;
        }
        const evidence = signatures.map((s) => ({
          name: s.name,
          role: s.role,
          signedAt: s.signedAt,
          ip: s.ip,
          userAgent: s.userAgent,
          documentSha256: s.documents.find((d) => d.documentId === doc.documentId)?.sha256 ?? '',
        }));
        const signed = await appendSignaturePage(await documents.content(doc.documentId), evidence, audit, doc.signedTitle ?? `Signed: ${title}`);
        const documentId = await documents.store(subject, doc.signedKind, signed, null, { envelopeId, of: doc.documentId });
        completed.push({ documentId, sha256: signed.sha256, of: doc.documentId });
      }
      return completed;
    },

    notifyEnvelope: ({ subject, template, data, to }) => notifications.notify({ subject, template, data, to }),
  };
}
