/** The lease agreement: rendered from the terms, then the signed copy with its signature page and audit trail. */
import type { LeaseActivities } from '../../contracts/lease';
import { appendSignaturePage, renderLeaseAgreement } from '../../lib/documents/lease-agreement';
import type { DocumentStore } from '../documents/store';

export function createAgreementActivities(documents: DocumentStore): Pick<LeaseActivities, 'createAgreement' | 'storeSignedAgreement'> {
  return {
    async createAgreement({ terms }) {
      const doc = await renderLeaseAgreement(terms);
      const documentId = await documents.store(terms.leaseId, 'lease_agreement', doc);
      return { documentId, sha256: doc.sha256, pages: doc.pages };
    },

    async storeSignedAgreement({ leaseId, documentId, signatures, audit }) {
      const signed = await appendSignaturePage(await documents.content(documentId), signatures, audit);
      const signedId = await documents.store(leaseId, 'lease_signed', signed);
      return { documentId: signedId, sha256: signed.sha256 };
    },
  };
}
