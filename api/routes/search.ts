import { OpenAPIHono } from '@hono/zod-openapi';
import type { estypes } from '@elastic/elasticsearch';
import type { ListingSearchDoc } from '../../domain/listing';
import { ListingSearchQuerySchema, ListingSearchResultSchema } from '../../contracts/listing-search.schema';
import { listingsAlias } from '../../lib/search/listing-index';
import { buildListingSearch, SearchInputError, toSearchResult } from '../../lib/search/listing-query';
import type { AppEnv } from '../deps';
import { ApiProblem, fieldError } from '../problem';
import { json, problems, route } from '../route';

export const searchRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/search/listings',
    tags: ['Search'],
    summary: 'Search listings',
    description:
      'Full text, filters, geo (radius or bounding box), sorting, facets and cursor pagination. ' +
      'Without `status` only active listings are returned. Prices are in major units of `currency` (default USD).',
    roles: 'any',
    request: { query: ListingSearchQuerySchema.openapi('ListingSearchQuery') },
    responses: { 200: json(ListingSearchResultSchema.openapi('ListingSearchResult'), 'Matches, facets and the next cursor'), ...problems(401, 422, 503) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const { es, config } = c.get('deps');
    let request: estypes.SearchRequest;
    try {
      request = buildListingSearch(listingsAlias(config.elasticsearch.indexPrefix), query);
    } catch (err) {
      if (err instanceof SearchInputError) throw fieldError(err.field, err.message);
      throw err;
    }
    let res: estypes.SearchResponse<ListingSearchDoc>;
    try {
      res = await es.search<ListingSearchDoc>(request);
    } catch (err) {
      const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
      if (status === 404) {
        // No index yet: nothing has been listed.
        return c.json(toSearchResult(query, { took: 0, timed_out: false, _shards: { total: 0, successful: 0, failed: 0 }, hits: { hits: [], total: { value: 0, relation: 'eq' } } }), 200);
      }
      if (status === 400 && query.cursor) throw fieldError('cursor', 'is not a cursor from this search; start again without it');
      c.get('logger').error({ err }, 'search failed');
      throw new ApiProblem(503, 'service-unavailable', 'search is unavailable right now; try again shortly');
    }
    return c.json(toSearchResult(query, res), 200);
  },
);
