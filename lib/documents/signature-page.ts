/**
 * The page that makes a PDF a signed copy: for each signature, who signed (and
 * as what), when, from which address and user agent, and the SHA-256 of the
 * document they saw; then the audit trail. Used by every signing envelope.
 */
import { DocumentWriter, sha256, type RenderedDocument } from './pdf';

export interface SignatureEvidence {
  name: string;
  role: string;
  signedAt: string;
  ip: string;
  userAgent: string;
  documentSha256: string;
}

/** The signed PDF: the agreement as signed, then a page recording each signature and the audit trail. */
export async function appendSignaturePage(
  agreement: Uint8Array,
  signatures: SignatureEvidence[],
  audit: { at: string; event: string }[],
  title = 'Signed residential lease agreement',
): Promise<RenderedDocument> {
  const contentHash = sha256(agreement);
  const w = await DocumentWriter.append(agreement, title);
  w.heading('Signature page', 16);
  w.paragraph(`SHA-256 of the signed content: ${contentHash}`);
  for (const s of signatures) {
    w.rule();
    w.fields([
      ['Signed by', `${s.name} (${s.role})`],
      ['Signed at', s.signedAt],
      ['IP address', s.ip],
      ['User agent', s.userAgent.slice(0, 70)],
    ]);
    w.paragraph(`Document SHA-256 seen when signing: ${s.documentSha256}`, 9);
  }
  w.heading('Audit trail', 13);
  for (const entry of audit) w.paragraph(`${entry.at}  ${entry.event}`, 9);
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
