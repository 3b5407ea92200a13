export { listingIndexingWorkflow } from './listing-indexing';
export { searchReindexWorkflow } from './reindex';
export { searchOutboxSweepWorkflow } from './outbox-sweep';
