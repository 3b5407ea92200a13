/**
 * Rebuilds the listings index from Postgres with no downtime: copy everything
 * into a new index, swap the alias in one step, copy what changed meanwhile,
 * then drop the old index.
 */
import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { reindexStateQuery, type SearchIndexActivities, type SearchReindexState } from '../../contracts/search';

const search = proxyActivities<SearchIndexActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function searchReindexWorkflow(): Promise<SearchReindexState> {
  const state: SearchReindexState = { phase: 'creating', index: null, copied: 0, caughtUp: 0, dropped: [] };
  setHandler(reindexStateQuery, () => state);

  const startedAt = workflowInfo().startTime.toISOString();
  state.index = await search.createReindexTarget({ stamp: `r${workflowInfo().startTime.getTime()}` });
  state.phase = 'copying';
  state.copied = (await search.copyListingsInto({ index: state.index })).copied;
  state.phase = 'swapping';
  const { previous } = await search.swapListingsAlias({ index: state.index });
  // Writes that landed in the old index while we copied are copied again.
  state.phase = 'catching-up';
  state.caughtUp = (await search.copyListingsInto({ index: state.index, updatedSince: startedAt })).copied;
  state.phase = 'cleaning-up';
  await search.deleteIndices({ indices: previous });
  state.dropped = previous;
  state.phase = 'done';
  return state;
}
