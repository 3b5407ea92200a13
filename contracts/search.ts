/**
 * Search's contract: the workflows that keep Elasticsearch in step with
 * Postgres. One short-lived indexing workflow per listing (signal-with-start
 * on every write), a zero-downtime reindex behind the listings alias, and a
 * scheduled sweep that re-drives indexing requests left in the outbox.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const LISTING_INDEXING_WORKFLOW_TYPE = 'listingIndexingWorkflow';
export const SEARCH_REINDEX_WORKFLOW_TYPE = 'searchReindexWorkflow';
export const SEARCH_OUTBOX_SWEEP_WORKFLOW_TYPE = 'searchOutboxSweepWorkflow';

export function listingIndexingWorkflowId(listingId: string) {
  return `listing-index-${listingId}`;
}

/** One reindex at a time per index alias (so per environment). */
export function searchReindexWorkflowId(alias: string) {
  return `search-reindex-${alias}`;
}

export function searchOutboxScheduleId(taskQueue: string) {
  return `${taskQueue}-outbox-sweep`;
}

export interface ListingIndexingInput {
  listingId: string;
}

export const listingChangedSignal = defineSignal('listingChanged');
export const indexingStateQuery = defineQuery<{ indexedTimes: number; pending: boolean }>('indexingState');

export interface SearchReindexState {
  phase: 'creating' | 'copying' | 'swapping' | 'catching-up' | 'cleaning-up' | 'done';
  index: string | null;
  copied: number;
  caughtUp: number;
  dropped: string[];
}

export const reindexStateQuery = defineQuery<SearchReindexState>('reindexState');

export type ListingIndexingWorkflow = (input: ListingIndexingInput) => Promise<{ indexedTimes: number }>;
export type SearchReindexWorkflow = () => Promise<SearchReindexState>;

export interface SearchIndexActivities {
  /** Indexes the current state of these listings; ids no longer in Postgres are removed from the index. */
  indexListings(a: { listingIds: string[] }): Promise<{ indexed: number; stale: number; deleted: number }>;
  /** Creates a fresh, empty index for a full reindex and returns its name. */
  createReindexTarget(a: { stamp: string }): Promise<string>;
  /** Copies every listing (or those changed since `updatedSince`) into `index`, resuming after a crash. */
  copyListingsInto(a: { index: string; updatedSince?: string }): Promise<{ copied: number }>;
  /** Points the alias at `index` in one atomic step and returns the indices it left. */
  swapListingsAlias(a: { index: string }): Promise<{ previous: string[] }>;
  deleteIndices(a: { indices: string[] }): Promise<void>;
}

export interface SearchOutboxActivities {
  /** Re-drives requests older than `minAgeSeconds` (younger ones are still being dispatched by the API). */
  redriveIndexOutbox(a: { minAgeSeconds: number; batchSize?: number }): Promise<{ redriven: number }>;
}
