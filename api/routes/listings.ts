import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Op, type WhereOptions } from 'sequelize';
import { ListingCreateSchema, ListingSchema, ListingStatusSchema, ListingUpdateSchema, type Listing as ListingApi } from '../../contracts/listing.schema';
import { LISTING_PURPOSES, LISTING_STATUSES, listingCurrencyProblem, PUBLIC_LISTING_STATUSES, statusChangeProblem } from '../../domain/listing';
import { todayUtc } from '../../domain/calendar';
import { Listing, Property, Unit } from '../../models';
import { canManage, canRead, isStaff } from '../access';
import type { AppEnv, Principal } from '../deps';
import { ApiProblem, fieldError, forbidden, notFound } from '../problem';
import { IdParams, idLink, json, operationRef, problems, route } from '../route';
import { dispatchIndexRequest, recordIndexRequest } from '../../clients/search';
import { readableProperty } from './properties';
import { PageQuerySchema } from './users';

const ListingDoc = ListingSchema.openapi('Listing');

export function listingToApi(l: Listing): ListingApi {
  return {
    id: l.id,
    propertyId: l.propertyId,
    unitId: l.unitId,
    purpose: l.purpose,
    status: l.status,
    price: { amountMinor: l.priceMinor, currency: l.currency },
    description: l.description,
    features: l.features,
    media: l.media,
    listedAt: l.listedAt,
    closedAt: l.closedAt,
    soldPrice: l.soldPriceMinor === null ? null : { amountMinor: l.soldPriceMinor, currency: l.currency },
    externalRef: l.externalRef,
    version: l.version,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

/** Anyone may see a public listing; drafts and withdrawn ones only their side and staff see. */
async function visibleListing(p: Principal, id: string) {
  const listing = await Listing.findByPk(id);
  if (!listing) throw notFound('listing');
  if (PUBLIC_LISTING_STATUSES.includes(listing.status) || isStaff(p)) return listing;
  const property = await Property.findByPk(listing.propertyId);
  if (!property || !canRead(p, property)) throw notFound('listing');
  return listing;
}

const today = todayUtc;

const code = (s: string) => `\`${s}\``;

/** The status changes `statusChangeProblem` allows, in words: computed from it, so the description cannot drift from the rule. */
export const LISTING_LIFECYCLE = LISTING_STATUSES.map((from) => {
  const to = LISTING_STATUSES.filter((s) => s !== from && LISTING_PURPOSES.some((purpose) => !statusChangeProblem(purpose, from, s)));
  return to.length ? `${code(from)} → ${to.map(code).join(', ')}` : `${code(from)} is final`;
}).join('; ');

const LISTING_DATES = 'Dates are from 1800-01-01 to 2200-12-31.';

export const listingsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/listings',
      operationId: 'createListing',
      tags: ['Listings'],
      summary: 'Offer a property or unit for sale or rent',
      description: [
        'The listing is saved at once and indexed for search through a Temporal workflow, which retries until Elasticsearch accepts it.',
        '`propertyId` must be a property you own or manage (any, for an admin): one you cannot see is a 422 naming it, one you may only read a 403.',
        '`unitId`, when given, must be a unit of that property.',
        LISTING_DATES,
      ].join(' '),
      roles: ['admin', 'manager', 'owner'],
      idempotent: true,
      request: { body: { content: { 'application/json': { schema: ListingCreateSchema.openapi('ListingCreate') } }, required: true } },
      responses: {
        201: {
          ...json(ListingDoc, 'Created'),
          links: {
            GetListing: idLink('getListing', 'Read the listing'),
            UpdateListing: idLink('updateListing', 'Change the listing: price, status, details'),
            MakeOffer: idLink(operationRef('post', '/v1/listings/{id}/offers'), 'Make an offer on it (a listing for sale)'),
            ListOffers: idLink(operationRef('get', '/v1/listings/{id}/offers'), 'The offers on it, side by side (its seller\'s side)'),
          },
        },
        ...problems(400, 401, 403, 422),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const p = c.get('principal');
      const property = await readableProperty(p, input.propertyId).catch((err: unknown) => {
        if (err instanceof ApiProblem && err.status === 404) throw fieldError('propertyId', 'no such property, or not one you manage');
        throw err;
      });
      if (!canManage(p, property)) throw forbidden('only the owner, the manager or an admin may list this property');
      if (input.unitId) {
        const unit = await Unit.findOne({ where: { id: input.unitId, propertyId: property.id } });
        if (!unit) throw fieldError('unitId', 'no such unit in this property');
      }
      const deps = c.get('deps');
      const listing = await deps.db.transaction(async (transaction) => {
        const created = await Listing.create(
          {
            propertyId: property.id,
            unitId: input.unitId ?? null,
            purpose: input.purpose,
            status: input.status,
            priceMinor: input.price.amountMinor,
            currency: input.price.currency,
            description: input.description,
            features: input.features,
            media: input.media,
            listedAt: input.listedAt ?? (input.status === 'active' ? today() : null),
            closedAt: null,
            soldPriceMinor: null,
            externalRef: null,
          },
          { transaction },
        );
        await recordIndexRequest(deps.db, created, transaction);
        return created;
      });
      await dispatchIndexRequest({ ...deps, logger: c.get('logger') }, listing);
      c.header('location', `/v1/listings/${listing.id}`);
      return c.json(listingToApi(listing), 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/listings',
      operationId: 'listListings',
      tags: ['Listings'],
      summary: 'List the listings of properties you own or manage (all, for admins and ops)',
      roles: ['admin', 'ops', 'manager', 'owner'],
      request: {
        query: PageQuerySchema.extend({ status: ListingStatusSchema.optional(), propertyId: z.uuid().optional() }),
      },
      responses: {
        200: json(z.object({ items: z.array(ListingDoc), nextAfter: z.uuid().nullable() }).openapi('ListingList'), 'A page, by id'),
        ...problems(401, 403, 422),
      },
    }),
    async (c) => {
      const { limit, after, status, propertyId } = c.req.valid('query');
      const p = c.get('principal');
      let scope: WhereOptions = {};
      if (!isStaff(p)) {
        const mine = await Property.findAll({
          attributes: ['id'],
          where: { [Op.or]: [{ ownerId: p.userId }, { managerId: p.userId }] },
        });
        scope = { propertyId: mine.map((m) => m.id) };
      }
      const rows = await Listing.findAll({
        where: {
          [Op.and]: [
            scope,
            after ? { id: { [Op.gt]: after } } : {},
            status ? { status } : {},
            propertyId ? { propertyId } : {},
          ],
        },
        order: [['id', 'ASC']],
        limit,
      });
      return c.json({ items: rows.map(listingToApi), nextAfter: rows.length === limit ? rows[rows.length - 1]!.id : null }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/listings/{id}',
      operationId: 'getListing',
      tags: ['Listings'],
      summary: 'Get a listing',
      description: `Anyone sees a public listing (${PUBLIC_LISTING_STATUSES.map(code).join(', ')}); a draft or withdrawn one only staff and the property's owner and manager see (others get 404).`,
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(ListingDoc, 'The listing'), ...problems(401, 404, 422) },
    }),
    async (c) => c.json(listingToApi(await visibleListing(c.get('principal'), c.req.valid('param').id)), 200),
  )
  .openapi(
    route({
      method: 'patch',
      path: '/listings/{id}',
      operationId: 'updateListing',
      tags: ['Listings'],
      summary: 'Change a listing: price, status, description, features, media, dates',
      description: [
        'Give at least one field.',
        `\`status\` follows the listing lifecycle: ${LISTING_LIFECYCLE}.`,
        'Only a listing for sale becomes `sold`, only one for rent `rented`; any other status change is 409 (keeping the status is not a change).',
        '`soldPrice.currency` must be the listing\'s currency (the new `price.currency` when given), else 422.',
        'The price and the sold price are always in one currency and amounts are never converted: once a listing has a sold price, a new `price.currency` is 422 unless the same request gives a `soldPrice` in it.',
        LISTING_DATES,
        'Only the property\'s owner, its manager or an admin may change it; others get 403 when they can see the listing, 404 otherwise.',
        'The search index follows through Temporal.',
      ].join(' '),
      roles: ['admin', 'manager', 'owner'],
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: ListingUpdateSchema.openapi('ListingUpdate') } }, required: true },
      },
      responses: { 200: json(ListingDoc, 'The changed listing'), ...problems(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const p = c.get('principal');
      const input = c.req.valid('json');
      const { db } = c.get('deps');
      const listing = await db.transaction(async (transaction) => {
        const current = await Listing.findByPk(c.req.valid('param').id, { transaction, lock: transaction.LOCK.UPDATE });
        if (!current) throw notFound('listing');
        const property = await Property.findByPk(current.propertyId, { transaction });
        const visible = PUBLIC_LISTING_STATUSES.includes(current.status) || (property !== null && canRead(p, property));
        if (!property || !visible) throw notFound('listing');
        if (!canManage(p, property)) throw forbidden('only the owner, the manager or an admin may change this listing');
        const status = input.status ?? current.status;
        const problem = statusChangeProblem(current.purpose, current.status, status);
        if (problem) throw new ApiProblem(409, 'invalid-state', problem);
        const money = listingCurrencyProblem(current, input);
        if (money) throw fieldError(money.field, money.message);
        const closing = status !== current.status && (status === 'sold' || status === 'rented');
        await current.update(
          {
            status,
            ...(input.price && { priceMinor: input.price.amountMinor, currency: input.price.currency }),
            ...(input.description !== undefined && { description: input.description }),
            ...(input.features && { features: input.features }),
            ...(input.media && { media: input.media }),
            ...(input.listedAt && { listedAt: input.listedAt }),
            ...(status === 'active' && !current.listedAt && !input.listedAt && { listedAt: today() }),
            ...(input.closedAt && { closedAt: input.closedAt }),
            ...(closing && !input.closedAt && !current.closedAt && { closedAt: today() }),
            ...(input.soldPrice && { soldPriceMinor: input.soldPrice.amountMinor }),
            version: current.version + 1,
          },
          { transaction },
        );
        await recordIndexRequest(db, current, transaction);
        return current;
      });
      await dispatchIndexRequest({ ...c.get('deps'), logger: c.get('logger') }, listing);
      return c.json(listingToApi(listing), 200);
    },
  );
