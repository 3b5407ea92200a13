/** The workflow bundle's entry: every workflow the workers run. */
export { listingIndexingWorkflow } from './listing-indexing';
export { listingImportWorkflow } from './listing-import';
export { searchReindexWorkflow } from './search-reindex';
export { searchOutboxSweepWorkflow } from './search-outbox-sweep';
export { leaseWorkflow } from './lease';
export { rentRunWorkflow } from './rent-run';
export { stripeEventWorkflow } from './stripe-event';
export { notificationOutboxSweepWorkflow } from './notification-outbox-sweep';
