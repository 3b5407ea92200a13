/**
 * Imports a batch of listings: validate every row, upsert in chunks, index
 * each chunk as soon as it is written. Progress is a query and a search
 * attribute, so operations staff can follow a large import in the Web UI.
 */
import { defineQuery, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ListingImportActivities } from '../activities/listing-import';
import type { SearchIndexActivities } from '../activities/search-index';
import { ProcessStatusKey } from '../domain/search-attributes';

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

export function listingImportWorkflowId(batchId: string) {
  return `listing-import-${batchId}`;
}

const db = proxyActivities<ListingImportActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

const search = proxyActivities<SearchIndexActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Chunks written ahead of indexing: Postgres and Elasticsearch work side by side. */
const PIPELINE_DEPTH = 2;

export async function listingImportWorkflow({ batchId }: ListingImportInput): Promise<ListingImportProgress> {
  const progress: ListingImportProgress = {
    status: 'staging',
    totalRows: 0,
    chunks: 0,
    chunksDone: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    indexed: 0,
  };
  setHandler(importProgressQuery, () => progress);

  const staged = await db.stageImport(batchId);
  progress.totalRows = staged.totalRows;
  progress.chunks = staged.chunks;
  progress.status = 'importing';
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'importing' }]);

  const indexing: Promise<void>[] = [];
  for (let chunk = 0; chunk < staged.chunks; chunk++) {
    const outcome = await db.importChunk(batchId, chunk);
    progress.created += outcome.created;
    progress.updated += outcome.updated;
    progress.unchanged += outcome.unchanged;
    progress.chunksDone++;
    indexing.push(
      search.indexListings(outcome.listingIds).then((r) => {
        progress.indexed += r.indexed + r.stale;
      }),
    );
    if (indexing.length >= PIPELINE_DEPTH) await indexing.shift();
  }
  await Promise.all(indexing);

  await db.finishImport(batchId, 'completed', progress);
  progress.status = 'completed';
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'completed' }]);
  return progress;
}
