/** A listing import's report and source name, as the API validates and documents them. */
import { IMPORT_FORMATS, IMPORT_SOURCE_MAX_LENGTH, IMPORT_SOURCE_PATTERN, IMPORT_STATUSES } from '../domain/listing-import';
import { z } from './zod';

export const RowRejectionSchema = z.object({
  row: z.number().int().describe('1-based data row number (the header is row 0)'),
  ref: z.string().nullable().describe('The row id when it had one'),
  reasons: z.array(z.string()),
});

export const ImportReportSchema = z.object({
  id: z.uuid(),
  source: z.string(),
  format: z.enum(IMPORT_FORMATS),
  status: z.enum(IMPORT_STATUSES),
  workflowId: z.string().nullable(),
  totalRows: z.number().int().nullable(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  rejections: z.array(RowRejectionSchema),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** The source name: a slug (domain/listing-import.ts says why). */
export const ImportSourceSchema = z
  .string()
  .max(IMPORT_SOURCE_MAX_LENGTH, `must be at most ${IMPORT_SOURCE_MAX_LENGTH} characters`)
  .regex(IMPORT_SOURCE_PATTERN, 'must be a slug: lower-case letters and digits, with single hyphens between them (e.g. "ames-2024")');
