/**
 * The listing import's client: starting an import and reporting on it, shared
 * by the API, the CLI, the run command and the benchmark.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { LISTING_IMPORT_WORKFLOW_TYPE, listingImportWorkflowId, type ListingImportWorkflow } from '../contracts/listing-import';
import type { ImportFormat } from '../domain/listing-import';
import type { ImportReport } from '../contracts/listing-import.schema';
import { ImportBatchIdKey, ProcessStatusKey } from '../domain/search-attributes';
import { ImportBatch, User } from '../models';
import { importOwner } from '../models/import-owner';

export { AMES_CSV_PATH } from '../lib/config';

export interface ImportRequest {
  source: string;
  format: ImportFormat;
  content: string;
  createdBy?: string;
}

/** Records the batch and starts its workflow; returns at once. */
export async function startListingImport(
  temporal: { client: Client; taskQueue: string },
  input: ImportRequest,
): Promise<{ batch: ImportBatch; handle: WorkflowHandle<ListingImportWorkflow> }> {
  const owner = await importOwner(User, input.source);
  const batch = await ImportBatch.create({
    source: input.source,
    format: input.format,
    status: 'pending',
    ownerId: owner.id,
    createdBy: input.createdBy ?? null,
    content: input.content,
    totalRows: null,
    workflowId: null,
    startedAt: null,
    finishedAt: null,
  });
  const workflowId = listingImportWorkflowId(batch.id);
  await batch.update({ workflowId });
  const handle = await temporal.client.workflow.start<ListingImportWorkflow>(LISTING_IMPORT_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: temporal.taskQueue,
    args: [{ batchId: batch.id }],
    typedSearchAttributes: [
      { key: ImportBatchIdKey, value: batch.id },
      { key: ProcessStatusKey, value: 'staging' },
    ],
    memo: { summary: `Import ${input.format} from ${input.source}` },
  });
  return { batch, handle };
}

/** Starts an import and waits for it to finish. */
export async function runListingImport(temporal: { client: Client; taskQueue: string }, input: ImportRequest): Promise<ImportReport> {
  const { batch, handle } = await startListingImport(temporal, input);
  await handle.result();
  await batch.reload();
  return importReport(batch);
}

export function importReport(b: ImportBatch): ImportReport {
  return {
    id: b.id,
    source: b.source,
    format: b.format,
    status: b.status,
    workflowId: b.workflowId,
    totalRows: b.totalRows,
    created: b.createdCount,
    updated: b.updatedCount,
    unchanged: b.unchangedCount,
    rejected: b.rejectedCount,
    rejections: b.rejections,
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}
