/**
 * Keeping reports: a report built for a kind, scope and period is kept once,
 * with its data and its PDF (in the document store), so a schedule that runs
 * again for the same period (a retry, a rerun, a backfill) finds it instead
 * of building it again. A report withheld (it did not reconcile) is
 * recorded with why, and built afresh on the next try.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Report } from '../../contracts/reports.schema';
import type { RenderedDocument } from '../../lib/documents/pdf';
import { findStoredReport, type ReportKey, type StoredReport } from '../../lib/reports/store';
import { createDocumentStore } from '../documents/store';

export type StoreOutcome = { outcome: 'built' | 'existing'; report: StoredReport } | { outcome: 'withheld'; reason: string };

/**
 * Builds and keeps a report unless it is kept already. `build` answers the
 * report and its PDF, or why it is withheld. A race with another run for the
 * same key keeps the first and answers it.
 */
export async function storeReportOnce(
  db: Sequelize,
  k: ReportKey,
  runId: string,
  build: () => Promise<{ report: Report; pdf: RenderedDocument } | { withheld: string }>,
): Promise<StoreOutcome> {
  const kept = await findStoredReport(db, k);
  if (kept?.status === 'built') return { outcome: 'existing', report: kept };
  const built = await build();
  if ('withheld' in built) {
    await db.query(
      `insert into report_documents (kind, scope, period, currency, status, withheld_reason, run_id) values ($1, $2, $3, $4, 'withheld', $5, $6)
       on conflict (kind, scope, period, currency) do update set withheld_reason = excluded.withheld_reason, run_id = excluded.run_id, created_at = now()
       where report_documents.status = 'withheld'`,
      { bind: [k.kind, k.scope, k.period, k.currency, built.withheld, runId] },
    );
    return { outcome: 'withheld', reason: built.withheld };
  }
  const documents = createDocumentStore(db);
  return db.transaction(async (transaction) => {
    // One builder per key at a time: the loser of a race answers the winner's report.
    await db.query('select pg_advisory_xact_lock(hashtext($1))', { bind: [`report:${k.kind}:${k.scope}:${k.period}:${k.currency}`], transaction });
    const [raced] = await db.query<{ id: string }>(`select id from report_documents where kind = $1 and scope = $2 and period = $3 and currency = $4 and status = 'built'`, {
      bind: [k.kind, k.scope, k.period, k.currency],
      type: QueryTypes.SELECT,
      transaction,
    });
    if (raced) return { outcome: 'existing' as const, report: (await findStoredReport(db, k))! };
    // The document first: a built report always has its PDF (the table checks it).
    const reportId = randomUUID();
    const documentId = await documents.store({ type: 'report', id: reportId }, k.kind, built.pdf, null, undefined, transaction);
    await db.query(
      `insert into report_documents (id, kind, scope, period, currency, status, data, document_id, sha256, run_id) values ($7, $1, $2, $3, $4, 'built', $5::jsonb, $8, $9, $6)
       on conflict (kind, scope, period, currency) do update
         set id = excluded.id, status = 'built', withheld_reason = null, data = excluded.data, document_id = excluded.document_id, sha256 = excluded.sha256, run_id = excluded.run_id, created_at = now()`,
      { bind: [k.kind, k.scope, k.period, k.currency, JSON.stringify(built.report), runId, reportId, documentId, built.pdf.sha256], transaction },
    );
    return { outcome: 'built' as const, report: { id: reportId, status: 'built' as const, documentId, sha256: built.pdf.sha256, withheldReason: null, runId, createdAt: new Date().toISOString() } };
  });
}
