/** Search's activities (contracts/search.ts): indexing and reindexing listings, and the outbox sweep. */
import { createSearchIndexActivities, type SearchIndexDeps } from './index-listing';
import { createSearchOutboxActivities, type SearchOutboxDeps } from './outbox';

export type SearchDeps = SearchIndexDeps & SearchOutboxDeps;

export function createSearchActivities(deps: SearchDeps) {
  return { ...createSearchIndexActivities(deps), ...createSearchOutboxActivities(deps) };
}
