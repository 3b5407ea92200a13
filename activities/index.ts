/** Every activity the workers register, built from injected clients. */
import { createListingImportActivities, type ListingImportDeps } from './listing-import';
import { createSearchIndexActivities, type SearchIndexDeps } from './search-index';

export type ActivityDeps = SearchIndexDeps & ListingImportDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSearchIndexActivities(deps),
    ...createListingImportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
