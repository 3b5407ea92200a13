/**
 * Pure mappings between the inspection workflow's state and Postgres rows:
 * the inspections row a state is recorded as, the move-in report a row
 * holds, and which thumbnail of an upload a report embeds. Kept apart from
 * the queries so they are unit-tested.
 */
import type { InspectedItem } from '../../domain/inspection/comparison';
import { inspectionWorkflowId, type InspectionState } from '../../contracts/inspection';

/** The inspections columns of a state, in the order the upsert binds them. */
export function inspectionRow(state: InspectionState) {
  return {
    id: state.inspectionId,
    propertyId: state.propertyId,
    unitId: state.unitId,
    leaseId: state.leaseId,
    kind: state.kind,
    status: state.status,
    inspectorId: state.inspector.userId,
    slotAt: state.slotAt,
    // The history grows with every event; the workflow (its query) is where it is read.
    state: { ...state, history: [] },
    workflowId: inspectionWorkflowId(state.inspectionId),
  };
}

/** A report's items as the comparison reads them (the photos stay with the move-in's own report). */
export function baselineItems(state: Pick<InspectionState, 'report'>): InspectedItem[] {
  return (state.report?.items ?? []).map(({ photoIds: _photos, ...item }) => item);
}

/** What the PDF embeds of an upload: its thumbnail when it has one (JPEG as is; anything else converted to PNG first). */
export function thumbnailFormat(key: string | null): 'jpg' | 'png' | 'convert' | null {
  if (!key) return null;
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  if (extension === 'jpg' || extension === 'jpeg') return 'jpg';
  if (extension === 'png') return 'png';
  return 'convert';
}
