/** Every activity the workers register, built from injected clients. */
import { createListingImportActivities, type ListingImportDeps } from './listing-import';
import { createSearchIndexActivities, type SearchIndexDeps } from './search-index';
import { createSearchOutboxActivities, type SearchOutboxDeps } from './search-outbox';

export type ActivityDeps = SearchIndexDeps & ListingImportDeps & SearchOutboxDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSearchIndexActivities(deps),
    ...createListingImportActivities(deps),
    ...createSearchOutboxActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
