import { OpenAPIHono } from '@hono/zod-openapi';
import type { estypes } from '@elastic/elasticsearch';
import { PUBLIC_LISTING_STATUSES, type ListingSearchDoc } from '../../domain/listing';
import { PROPERTY_TYPES } from '../../domain/property';
import { ListingSearchQuerySchema, ListingSearchResultSchema } from '../../contracts/listing-search.schema';
import { listingsAlias } from '../../lib/search/listing-index';
import { buildListingSearch, SearchInputError, toSearchResult } from '../../lib/search/listing-query';
import type { AppEnv } from '../deps';
import { ApiProblem, fieldError } from '../problem';
import { json, problems, route } from '../route';

const code = (s: string) => `\`${s}\``;

/** What the query schema's refinements and the query builder check, which its JSON schema cannot say. */
const SEARCH_RULES = [
  '`radiusKm` and `sort=distance` only with `near`',
  '`minPrice` ≤ `maxPrice` and `minArea` ≤ `maxArea`',
  `\`minPrice\` and \`maxPrice\` have no more decimals than \`currency\` has (2 for USD, none for JPY) and at most ${Number.MAX_SAFE_INTEGER} minor units`,
  '`near` has latitude within ±90 and longitude within ±180',
  '`bbox` has minLat ≤ maxLat, latitudes within ±90 and longitudes within ±180',
  `\`type\` is a comma-separated list of ${PROPERTY_TYPES.map(code).join(', ')}, and \`status\` one of ${PUBLIC_LISTING_STATUSES.map(code).join(', ')}`,
  '`q` is not blank',
  '`cursor` is opaque: the `nextCursor` of a previous page, with the same `sort`',
];

export const searchRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/search/listings',
    operationId: 'searchListings',
    tags: ['Search'],
    summary: 'Search listings',
    description:
      'Full text, filters, geo (radius or bounding box), sorting, facets and cursor pagination. ' +
      'Without `status` only active listings are returned. Prices are in major units of `currency` (default USD). ' +
      `Rules the schema cannot state (422 otherwise): ${SEARCH_RULES.join('; ')}.`,
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
