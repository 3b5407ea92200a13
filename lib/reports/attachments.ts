/** A statement's attachments: each expense's bill uploads (the web-sized copy of an image, a PDF whole), in statement order. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Report } from '../../contracts/reports.schema';
import type { BlobStore } from '../blob-store';
import type { ReportAttachment } from '../documents/report-pdf';
import { sniffContentType } from '../uploads';


export async function reportAttachments(db: Sequelize, blobs: BlobStore, report: Report): Promise<ReportAttachment[]> {
  if (report.kind !== 'owner-statement') return [];
  const wanted = report.properties.flatMap((p) => p.expenses.flatMap((e) => e.attachmentIds.map((id) => ({ id, title: `${e.vendor ?? 'Expense'}, ${e.date}: ${e.description}` }))));
  if (wanted.length === 0) return [];
  const rows = await db.query<{ id: string; content_type: string; original_key: string; web_key: string | null }>(
    'select id, content_type, original_key, web_key from uploads where id = any($1::uuid[])',
    { bind: [wanted.map((w) => w.id)], type: QueryTypes.SELECT },
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: ReportAttachment[] = [];
  for (const w of wanted) {
    const row = byId.get(w.id);
    if (!row) continue;
    const useWeb = row.content_type.startsWith('image/') && row.web_key;
    const bytes = await blobs.get(useWeb ? row.web_key! : row.original_key);
    if (!bytes) throw new Error(`attachment ${w.id} is missing from the document store`);
    // The web copy of an image is a JPEG, or a WebP when it has transparency (lib/uploads.ts): told by its bytes.
    out.push({ title: w.title, contentType: sniffContentType(bytes) ?? row.content_type, bytes });
  }
  return out;
}
