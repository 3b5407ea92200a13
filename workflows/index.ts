/** The workflow bundle's entry: every workflow the workers run, one folder per process. */
export { listingIndexingWorkflow, searchReindexWorkflow, searchOutboxSweepWorkflow } from './search';
export { listingImportWorkflow } from './listing-import';
export { leaseWorkflow } from './lease';
export { rentRunWorkflow } from './rent-run';
export { stripeEventWorkflow } from './stripe-events';
export { notificationDeliveryWorkflow, notificationOutboxSweepWorkflow } from './notifications';
export { envelopeWorkflow } from './envelope';
export { purchaseWorkflow } from './purchase';
export { escrowReconciliationWorkflow } from './escrow-reconciliation';
export { workOrderWorkflow } from './work-order';
export { inspectionWorkflow } from './inspection';
export { projectWorkflow } from './project';
export { contractorDocumentRemindersWorkflow } from './contractor-reminders';
export { reportRunWorkflow } from './report-run';
