/**
 * Pure mappings between the project workflow's state and Postgres: the
 * projects row a state is recorded as, the ledger postings of a draw and of
 * released retainage (their idempotency keys), and what a finished project
 * writes on the property's record. Kept apart from the queries so they are
 * unit-tested.
 */
import type { Book, PostingKind } from '../../domain/ledger';
import { projectWorkflowId, type DrawPosting, type ProjectState, type PropertyImprovements } from '../../contracts/project';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const projectBook = (projectId: string): Book => ({ type: 'project', id: projectId });

/** The projects columns the workflow keeps current, in the order the upsert binds them. */
export function projectRow(state: ProjectState) {
  return {
    id: state.projectId,
    propertyId: state.site.propertyId,
    parcelId: state.site.parcelId,
    kind: state.kind,
    name: state.name,
    status: state.status,
    // Contractors are users (their ids are uuids); anything else could not be a column value, and is left out rather than fail the write forever.
    contractorIds: [...new Set(state.commitments.map((c) => c.contractor.contractorId))].filter((id) => UUID.test(id)),
    currency: state.currency,
    // The history grows with every event; the workflow (its query) is where it is read.
    state: { ...state, history: [] },
    workflowId: projectWorkflowId(state.projectId),
  };
}

export interface LedgerPostingOf {
  kind: PostingKind;
  amountMinor: number;
  idempotencyKey: string;
  reference: string;
  memo: string;
}

/** A paid draw's postings, each once per application and kind (a step-down's release inside a draw is one of them). */
export function drawPostingsOf(a: { projectId: string; commitmentId: string; applicationNo: number; contractorId: string; postings: readonly DrawPosting[] }): LedgerPostingOf[] {
  return a.postings
    .filter((p) => p.amountMinor > 0)
    .map((p) => ({
      kind: p.kind,
      amountMinor: p.amountMinor,
      idempotencyKey: `project:${a.projectId}:draw:${a.commitmentId}:${a.applicationNo}:${p.kind}`,
      reference: `${a.commitmentId}#${a.applicationNo}`,
      memo: `draw ${a.applicationNo} on contract ${a.commitmentId} (contractor ${a.contractorId})`,
    }));
}

/** Retainage paid out at completion: once per contract. */
export function retainageReleaseOf(a: { projectId: string; commitmentId: string; contractorId: string; amountMinor: number }): LedgerPostingOf | undefined {
  if (a.amountMinor <= 0) return undefined;
  return {
    kind: 'retainage_released',
    amountMinor: a.amountMinor,
    idempotencyKey: `project:${a.projectId}:retainage:${a.commitmentId}`,
    reference: a.commitmentId,
    memo: `retainage released on contract ${a.commitmentId} (contractor ${a.contractorId})`,
  };
}

/** The new features, trimmed, each once and in the order given. */
export function featuresOf(improvements: PropertyImprovements): string[] {
  return [...new Set(improvements.newFeatures.map((f) => f.trim()).filter(Boolean))];
}
