/**
 * A bulk listing import's contract: one workflow per batch, id
 * `listing-import-<batchId>`, that validates every row, upserts in chunks and
 * indexes each chunk as it is written (contracts/search.ts). Its progress is
 * a query and a search attribute.
 */
import { defineQuery } from '@temporalio/workflow';

export const LISTING_IMPORT_WORKFLOW_TYPE = 'listingImportWorkflow';

export function listingImportWorkflowId(batchId: string) {
  return `listing-import-${batchId}`;
}

export interface ListingImportInput {
  batchId: string;
}

export interface ListingImportProgress {
  status: 'staging' | 'importing' | 'completed';
  totalRows: number;
  chunks: number;
  chunksDone: number;
  created: number;
  updated: number;
  unchanged: number;
  indexed: number;
}

export const importProgressQuery = defineQuery<ListingImportProgress>('importProgress');

export type ListingImportWorkflow = (input: ListingImportInput) => Promise<ListingImportProgress>;

export interface ChunkOutcome {
  created: number;
  updated: number;
  unchanged: number;
  listingIds: string[];
}

export interface ListingImportActivities {
  /** Parses and validates the whole batch, records rejected rows and returns how many chunks to import. */
  stageImport(a: { batchId: string }): Promise<{ totalRows: number; validRows: number; chunks: number }>;
  /** Upserts one chunk; a retry after it committed returns the recorded outcome. */
  importChunk(a: { batchId: string; chunkIndex: number }): Promise<ChunkOutcome>;
  /** Records the batch's totals and final status. */
  finishImport(a: { batchId: string; status: 'completed' | 'failed'; totals: { created: number; updated: number; unchanged: number } }): Promise<void>;
}
