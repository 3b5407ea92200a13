/**
 * The search process's client: keeps the search index in step with listing writes. The request to index is
 * recorded in Postgres in the writer's transaction (the outbox), then handed
 * to Temporal after commit; if Temporal is unreachable the write still
 * succeeds and the outbox sweep hands it over later.
 */
import type { Client } from '@temporalio/client';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { LISTING_INDEXING_WORKFLOW_TYPE, listingChangedSignal, listingIndexingWorkflowId, type ListingIndexingWorkflow } from '../contracts/search';
import { ListingIdKey, PropertyIdKey } from '../domain/search-attributes';
import type { Logger } from '../lib/logger';

export interface ListingRef {
  id: string;
  propertyId: string;
}

/** Call inside the transaction that changes the listing. */
export async function recordIndexRequest(db: Sequelize, listing: ListingRef, transaction: Transaction) {
  await db.query(
    `insert into listing_index_outbox (listing_id, property_id, requested_at) values ($1, $2, now())
     on conflict (listing_id) do update set requested_at = now()`,
    { bind: [listing.id, listing.propertyId], transaction },
  );
}

/** Starts (or signals) the listing's indexing workflow. */
export async function signalListingIndexing(temporal: Client, taskQueue: string, listing: ListingRef) {
  await temporal.workflow.signalWithStart<ListingIndexingWorkflow, []>(LISTING_INDEXING_WORKFLOW_TYPE, {
    workflowId: listingIndexingWorkflowId(listing.id),
    taskQueue,
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

/**
 * After commit: hand the request to Temporal and clear it from the outbox.
 * A failure is logged, not raised: the change is saved and the sweep retries.
 */
export async function dispatchIndexRequest(
  deps: { db: Sequelize; temporal: Client; searchTaskQueue: string; logger: Logger },
  listing: ListingRef,
) {
  const [row] = await deps.db.query<{ requested_at: Date }>(
    'select requested_at from listing_index_outbox where listing_id = $1',
    { bind: [listing.id], type: QueryTypes.SELECT },
  );
  try {
    await signalListingIndexing(deps.temporal, deps.searchTaskQueue, listing);
  } catch (err) {
    deps.logger.warn({ err, listingId: listing.id }, 'indexing request left in the outbox; the sweep will retry it');
    return;
  }
  if (row) {
    // Only the request we handed over: a newer one (requested_at moved) stays for the sweep.
    await deps.db.query('delete from listing_index_outbox where listing_id = $1 and requested_at = $2', {
      bind: [listing.id, row.requested_at],
    });
  }
}
