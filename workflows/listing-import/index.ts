/**
 * Imports a batch of listings: validate every row, upsert in chunks, index
 * each chunk as soon as it is written. Progress is a query and a search
 * attribute, so operations staff can follow a large import in the Web UI.
 */
import { proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { importProgressQuery, type ListingImportActivities, type ListingImportInput, type ListingImportProgress } from '../../contracts/listing-import';
import type { SearchIndexActivities } from '../../contracts/search';
import { ProcessStatusKey } from '../../domain/search-attributes';

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

  const staged = await db.stageImport({ batchId });
  progress.totalRows = staged.totalRows;
  progress.chunks = staged.chunks;
  progress.status = 'importing';
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'importing' }]);

  const indexing: Promise<void>[] = [];
  for (let chunk = 0; chunk < staged.chunks; chunk++) {
    const outcome = await db.importChunk({ batchId, chunkIndex: chunk });
    progress.created += outcome.created;
    progress.updated += outcome.updated;
    progress.unchanged += outcome.unchanged;
    progress.chunksDone++;
    indexing.push(
      search.indexListings({ listingIds: outcome.listingIds }).then((r) => {
        progress.indexed += r.indexed + r.stale;
      }),
    );
    if (indexing.length >= PIPELINE_DEPTH) await indexing.shift();
  }
  await Promise.all(indexing);

  await db.finishImport({ batchId, status: 'completed', totals: progress });
  progress.status = 'completed';
  upsertSearchAttributes([{ key: ProcessStatusKey, value: 'completed' }]);
  return progress;
}
