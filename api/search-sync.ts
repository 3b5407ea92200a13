/** Asks Temporal to bring a listing's search document up to date after a write. */
import { ListingIdKey, PropertyIdKey } from '../domain/search-attributes';
import { listingChangedSignal, listingIndexingWorkflowId } from '../workflows/listing-indexing';
import type { ApiDeps } from './deps';

export async function requestListingIndexing(deps: ApiDeps, listing: { id: string; propertyId: string }) {
  await deps.temporal.workflow.signalWithStart('listingIndexingWorkflow', {
    workflowId: listingIndexingWorkflowId(listing.id),
    taskQueue: deps.searchTaskQueue,
    args: [{ listingId: listing.id }],
    signal: listingChangedSignal,
    signalArgs: [],
    typedSearchAttributes: [
      { key: ListingIdKey, value: listing.id },
      { key: PropertyIdKey, value: listing.propertyId },
    ],
    memo: { summary: `Keeps listing ${listing.id} searchable` },
  });
}
