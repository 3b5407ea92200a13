import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import type { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Sequelize } from 'sequelize';
import type { BlobStore } from '../lib/blob-store';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { Role } from '../domain/roles';

/** What the API needs from the world, injected so tests can build an app on real services with their own settings. */
export interface ApiDeps {
  config: Config;
  db: Sequelize;
  es: ElasticsearchClient;
  temporal: TemporalClient;
  temporalConnection: Connection;
  logger: Logger;
  /** Task queue the API starts search workflows on (tests use their own). */
  searchTaskQueue: string;
  /** Task queue the API starts lease workflows on (default: the configured leases queue; tests use their own). */
  leaseTaskQueue?: string;
  /** Task queue the API starts purchase workflows on (default: the configured purchases queue). */
  purchaseTaskQueue?: string;
  /** Task queue the API starts inspections, work orders and projects on (default: the configured operations queue). */
  operationsTaskQueue?: string;
  /** Task queue the API starts report runs on (default: the configured reports queue). */
  reportsTaskQueue?: string;
  /** The document store uploads go to (default: the one the configuration names, lib/blob-store.ts). */
  blobs?: BlobStore;
}

export interface Principal {
  userId: string;
  roles: Role[];
}

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
    deps: ApiDeps;
  };
}
