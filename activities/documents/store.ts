/**
 * The document store: PDFs the processes produce (agreements, signed copies,
 * receipts, statements), kept in Postgres with their SHA-256, and read back
 * by id. A platform piece: every process stores its documents here.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { asSubject, leaseIdOf, type NotificationSubject, type Subject } from '../../domain/subject';

export interface StoredPdf {
  bytes: Uint8Array;
  sha256: string;
  pages: number;
}

export function createDocumentStore(db: Sequelize) {
  return {
    /**
     * Stores a PDF about a subject (a lease id alone means that lease): the receipt of one payment, or an envelope's
     * signed copy of another document; returns its id.
     */
    async store(
      about: NotificationSubject | string,
      kind: string,
      pdf: StoredPdf,
      paymentId: string | null = null,
      signedCopy?: { envelopeId: string; of: string },
      transaction?: Transaction,
    ): Promise<string> {
      const subject = typeof about === 'string' ? asSubject(about) : about;
      const [row] = await db.query<{ id: string }>(
        `insert into documents (id, lease_id, subject_type, subject_id, kind, content_type, sha256, pages, content, payment_id, envelope_id, signed_from, created_at)
         values (gen_random_uuid(), $1, $9, $10, $2, 'application/pdf', $3, $4, $5, $6, $7, $8, now()) returning id`,
        {
          bind: [leaseIdOf(subject), kind, pdf.sha256, pdf.pages, Buffer.from(pdf.bytes), paymentId, signedCopy?.envelopeId ?? null, signedCopy?.of ?? null, subject.type, subject.id],
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      return row!.id;
    },

    /** An envelope's signed copy of a document, if it was made. */
    async signedCopy(envelopeId: string, of: string): Promise<{ documentId: string; sha256: string } | undefined> {
      const [row] = await db.query<{ id: string; sha256: string }>('select id, sha256 from documents where envelope_id = $1 and signed_from = $2', {
        bind: [envelopeId, of],
        type: QueryTypes.SELECT,
      });
      return row && { documentId: row.id, sha256: row.sha256 };
    },

    async content(documentId: string): Promise<Uint8Array> {
      const [row] = await db.query<{ content: Buffer }>('select content from documents where id = $1', { bind: [documentId], type: QueryTypes.SELECT });
      if (!row) throw new Error(`document ${documentId} is missing`);
      return new Uint8Array(row.content);
    },

    /** The one document of this kind about a subject, if stored (statements are one per lease, a deed one per purchase). */
    async findOne(about: Subject | string, kind: string): Promise<string | undefined> {
      const subject = asSubject(about);
      const [row] = await db.query<{ id: string }>('select id from documents where subject_type = $1 and subject_id = $2 and kind = $3 order by created_at limit 1', {
        bind: [subject.type, subject.id, kind],
        type: QueryTypes.SELECT,
      });
      return row?.id;
    },

    async receiptOf(paymentId: string): Promise<string | undefined> {
      const [row] = await db.query<{ id: string }>('select id from documents where payment_id = $1', { bind: [paymentId], type: QueryTypes.SELECT });
      return row?.id;
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
