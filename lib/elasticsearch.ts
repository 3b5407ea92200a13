import { Client } from '@elastic/elasticsearch';
import type { Config } from './config';

export function createElasticsearch(config: Pick<Config, 'elasticsearch'>, options: { url?: string } = {}): Client {
  return new Client({
    node: options.url ?? config.elasticsearch.url,
    requestTimeout: 30_000,
    maxRetries: 0, // retries belong to Temporal (indexing) or the caller (search)
  });
}
