/**
 * Search indexing activities: read listings from Postgres (the source of
 * truth) and write them to Elasticsearch through the listings alias.
 * Idempotent: documents carry the listing's version as an external version.
 */
import type { Client } from '@elastic/elasticsearch';
import { heartbeat, activityInfo } from '@temporalio/activity';
import type { Sequelize } from 'sequelize';
import {
  bulkIndexListings,
  createListingsIndex,
  ensureListingsIndex,
  indicesBehindAlias,
  listingsAlias,
  loadListingDocPage,
  loadListingDocs,
  newListingsIndexName,
} from '../../lib/search/listing-index';
import type { SearchIndexActivities } from '../../contracts/search';
import { acceptLegacyInputs } from '../legacy-inputs';

export interface SearchIndexDeps {
  db: Sequelize;
  es: Client;
  indexPrefix: string;
}

const REINDEX_PAGE = 1000;

export function createSearchIndexActivities({ db, es, indexPrefix }: SearchIndexDeps): SearchIndexActivities {
  const alias = listingsAlias(indexPrefix);

  const activities: SearchIndexActivities = {
    async indexListings({ listingIds }) {
      await ensureListingsIndex(es, indexPrefix);
      const docs = await loadListingDocs(db, listingIds);
      const found = new Set(docs.map((d) => d.doc.id));
      const deleted = listingIds.filter((id) => !found.has(id));
      const result = await bulkIndexListings(es, alias, docs, deleted);
      return { ...result, deleted: deleted.length };
    },

    async createReindexTarget({ stamp }) {
      const index = newListingsIndexName(indexPrefix, stamp);
      const exists = await es.indices.exists({ index });
      if (!exists) await createListingsIndex(es, index);
      return index;
    },

    /** A page at a time; after a crash it resumes from the last page it heartbeated. */
    async copyListingsInto({ index, updatedSince }) {
      const resume = activityInfo().heartbeatDetails as { afterId: string | null; copied: number } | undefined;
      let afterId = resume?.afterId ?? null;
      let copied = resume?.copied ?? 0;
      for (;;) {
        const page = await loadListingDocPage(db, afterId, REINDEX_PAGE, updatedSince);
        if (!page.length) break;
        await bulkIndexListings(es, index, page);
        copied += page.length;
        afterId = page[page.length - 1]!.doc.id;
        heartbeat({ afterId, copied });
      }
      await es.indices.refresh({ index });
      return { copied };
    },

    async swapListingsAlias({ index }) {
      const previous = (await indicesBehindAlias(es, indexPrefix)).filter((i) => i !== index);
      await es.indices.updateAliases({
        actions: [
          ...previous.map((i) => ({ remove: { index: i, alias } })),
          { add: { index, alias, is_write_index: true } },
        ],
      });
      return { previous };
    },

    async deleteIndices({ indices }) {
      if (indices.length) await es.indices.delete({ index: indices, ignore_unavailable: true });
    },
  };
  return acceptLegacyInputs(activities, {
    indexListings: (listingIds: string[]) => ({ listingIds }),
    createReindexTarget: (stamp: string) => ({ stamp }),
    copyListingsInto: (index: string, updatedSince?: string) => ({ index, updatedSince }),
    swapListingsAlias: (index: string) => ({ index }),
    deleteIndices: (indices: string[]) => ({ indices }),
  });
}
