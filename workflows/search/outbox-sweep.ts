/** Run by a Temporal Schedule every minute: re-drives listing indexing requests stuck in the outbox. */
import { proxyActivities } from '@temporalio/workflow';
import type { SearchOutboxActivities } from '../../contracts/search';

const { redriveIndexOutbox } = proxyActivities<SearchOutboxActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** Requests younger than this are still being dispatched by the API that wrote them. */
const MIN_AGE_SECONDS = 30;

export async function searchOutboxSweepWorkflow(minAgeSeconds = MIN_AGE_SECONDS): Promise<{ redriven: number }> {
  return redriveIndexOutbox({ minAgeSeconds });
}
