/** Hands indexing requests left in the outbox (Temporal was unreachable at write time) to Temporal. */
import type { Client } from '@temporalio/client';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SearchOutboxActivities } from '../../contracts/search';
import { signalListingIndexing } from '../../clients/search';
import { acceptLegacyInputs } from '../legacy-inputs';

export interface SearchOutboxDeps {
  db: Sequelize;
  temporal: Client;
  searchTaskQueue: string;
}

export function createSearchOutboxActivities({ db, temporal, searchTaskQueue }: SearchOutboxDeps): SearchOutboxActivities {
  const activities: SearchOutboxActivities = {
    async redriveIndexOutbox({ minAgeSeconds, batchSize = 500 }) {
      const rows = await db.query<{ listing_id: string; property_id: string; requested_at: Date }>(
        `select listing_id, property_id, requested_at from listing_index_outbox
          where requested_at < now() - make_interval(secs => $1) order by requested_at limit $2`,
        { bind: [minAgeSeconds, batchSize], type: QueryTypes.SELECT },
      );
      for (const row of rows) {
        await signalListingIndexing(temporal, searchTaskQueue, { id: row.listing_id, propertyId: row.property_id });
        await db.query('delete from listing_index_outbox where listing_id = $1 and requested_at = $2', {
          bind: [row.listing_id, row.requested_at],
        });
      }
      return { redriven: rows.length };
    },
  };
  return acceptLegacyInputs(activities, { redriveIndexOutbox: (minAgeSeconds: number, batchSize?: number) => ({ minAgeSeconds, batchSize }) });
}
