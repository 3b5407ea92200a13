/**
 * A report in the format the client asked for: `?format=` when given, else
 * the most preferred of JSON, CSV and PDF in `Accept` (JSON when it names
 * none of them). The same report data makes each, so the three always agree.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { REPORT_FORMATS, ReportSchema, type Report, type ReportFormat } from '../../../contracts/reports.schema';
import { renderReportPdf, type ReportAttachment } from '../../../lib/documents/report-pdf';
import { reportCsv } from '../../../lib/reports/csv';
import type { AppEnv } from '../../deps';

const MEDIA: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', pdf: 'application/pdf' };

export const FormatQuerySchema = z.object({
  format: z.enum(REPORT_FORMATS).optional().describe('json, csv or pdf; without it, the `Accept` header decides (JSON by default)'),
});

/** The format `Accept` prefers among ours, by q-value then order. */
export function negotiate(accept: string | undefined, format?: ReportFormat): ReportFormat {
  if (format) return format;
  const ranked = (accept ?? '')
    .split(',')
    .map((part, i) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
      return { type: type.trim(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((a) => a.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const a of ranked) {
    const found = (Object.keys(MEDIA) as ReportFormat[]).find((f) => MEDIA[f] === a.type);
    if (found) return found;
    if (a.type === '*/*' || a.type === 'application/*') return 'json';
  }
  return 'json';
}

/** The 200 response of a report route in the OpenAPI document: its JSON schema, CSV text or a PDF. */
export const reportResponse = (schema: z.ZodType = ReportSchema) => ({
  description: 'The report, as JSON, CSV or PDF',
  content: {
    'application/json': { schema },
    'text/csv': { schema: z.string() },
    'application/pdf': { schema: z.string().openapi({ type: 'string', format: 'binary' }) },
  },
});

export async function sendReport(c: Context<AppEnv>, report: Report, format: ReportFormat, filename: string, attachments?: ReportAttachment[]): Promise<Response> {
  if (format === 'json') return c.json(report, 200);
  const disposition = { 'content-disposition': `attachment; filename="${filename}.${format}"`, vary: 'Accept' };
  if (format === 'csv') return c.body(reportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', ...disposition });
  const pdf = await renderReportPdf(report, { attachments });
  return c.body(new Uint8Array(pdf.bytes), 200, { 'content-type': 'application/pdf', ...disposition });
}
