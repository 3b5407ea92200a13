/** Stored reports, read (activities/reports/store.ts keeps them): one per kind, scope, period and currency. */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Report } from '../../contracts/reports.schema';

export interface ReportKey {
  kind: Report['kind'];
  /** Whose: `portfolio`, `owner:<id>`… */
  scope: string;
  period: string;
  currency: string;
}

export interface StoredReport {
  id: string;
  status: 'built' | 'withheld';
  documentId: string | null;
  sha256: string | null;
  withheldReason: string | null;
  createdAt: string;
  runId: string | null;
}

const COLUMNS = `id, status, document_id as "documentId", sha256, withheld_reason as "withheldReason", run_id as "runId",
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"`;

export async function findStoredReport(db: Sequelize, k: ReportKey): Promise<StoredReport | undefined> {
  const [row] = await db.query<StoredReport>(`select ${COLUMNS} from report_documents where kind = $1 and scope = $2 and period = $3 and currency = $4`, {
    bind: [k.kind, k.scope, k.period, k.currency],
    type: QueryTypes.SELECT,
  });
  return row;
}
