/**
 * Keeps one listing's search document in step with Postgres. Started (or
 * signalled, if already running) by every write to the listing; retries
 * until Elasticsearch takes the document, however long it is down.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { indexingStateQuery, listingChangedSignal, type ListingIndexingInput, type SearchIndexActivities } from '../../contracts/search';

const { indexListings } = proxyActivities<SearchIndexActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** How long the workflow stays open for further changes before completing. */
const LINGER = '10 seconds';

export async function listingIndexingWorkflow({ listingId }: ListingIndexingInput): Promise<{ indexedTimes: number }> {
  let pending = true;
  let indexedTimes = 0;
  setHandler(listingChangedSignal, () => {
    pending = true;
  });
  setHandler(indexingStateQuery, () => ({ indexedTimes, pending }));
  // Each pass reads the listing afresh, so any number of changes collapse into one write.
  while (pending) {
    pending = false;
    await indexListings({ listingIds: [listingId] });
    indexedTimes++;
    await condition(() => pending, LINGER);
  }
  return { indexedTimes };
}
