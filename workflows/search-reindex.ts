/**
 * Rebuilds the listings index from Postgres with no downtime: copy everything
 * into a new index, swap the alias in one step, copy what changed meanwhile,
 * then drop the old index.
 */
import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { SearchIndexActivities } from '../activities/search-index';

/** One reindex at a time per index alias (so per environment). */
export function searchReindexWorkflowId(alias: string) {
  return `search-reindex-${alias}`;
}

export interface SearchReindexState {
  phase: 'creating' | 'copying' | 'swapping' | 'catching-up' | 'cleaning-up' | 'done';
  index: string | null;
  copied: number;
  caughtUp: number;
  dropped: string[];
}

export const reindexStateQuery = defineQuery<SearchReindexState>('reindexState');

const search = proxyActivities<SearchIndexActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function searchReindexWorkflow(): Promise<SearchReindexState> {
  const state: SearchReindexState = { phase: 'creating', index: null, copied: 0, caughtUp: 0, dropped: [] };
  setHandler(reindexStateQuery, () => state);

  const startedAt = workflowInfo().startTime.toISOString();
  state.index = await search.createReindexTarget(`r${workflowInfo().startTime.getTime()}`);
  state.phase = 'copying';
  state.copied = (await search.copyListingsInto(state.index)).copied;
  state.phase = 'swapping';
  const { previous } = await search.swapListingsAlias(state.index);
  // Writes that landed in the old index while we copied are copied again.
  state.phase = 'catching-up';
  state.caughtUp = (await search.copyListingsInto(state.index, startedAt)).copied;
  state.phase = 'cleaning-up';
  await search.deleteIndices(previous);
  state.dropped = previous;
  state.phase = 'done';
  return state;
}
