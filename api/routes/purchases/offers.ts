/**
 * Offers on a listing: a buyer (or their agent, a manager) makes one, which
 * records the purchase and starts its workflow (contracts/purchase.ts); the
 * seller's side sees every offer on its listing side by side. A competing
 * buyer never sees another's offer.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { whoseTurn } from '../../../domain/purchase/negotiation';
import { FINAL_STAGES, PURCHASE_WORKFLOW_TYPE, purchaseWorkflowId, type PurchaseInput, type PurchasePerson, type PurchaseState, type PurchaseWorkflow } from '../../../contracts/purchase';
import { Listing, Property, User } from '../../../models';
import { canRead, hasRole } from '../../access';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, forbidden, notFound } from '../../problem';
import { formatAddress } from '../../property-address';
import { IdParams, idLink, json, operationRef, problems, route } from '../../route';
import { OfferCreateSchema, OfferListSchema, OfferStartedSchema } from './schemas';

const person = (u: User): PurchasePerson => ({ userId: u.id, name: u.name, email: u.email });

export const purchaseOffersRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/listings/{id}/offers',
      tags: ['Purchases'],
      summary: 'Make an offer on a listing for sale, and start its purchase workflow',
      description:
        'A buyer makes their own offer; an agent or a manager makes one for `buyerIds`. The listing must be for sale and `active`, or `under_contract` (the offer can become a backup). Rules the schema cannot state: the terms are in the listing\'s currency; a buyer is not the property\'s owner or manager; a buyer has one open purchase per listing (409 otherwise). Follow `Location` for the purchase.',
      roles: ['buyer', 'manager', 'admin'],
      idempotent: true,
      request: { params: IdParams, body: { content: { 'application/json': { schema: OfferCreateSchema } }, required: true } },
      responses: {
        202: {
          ...json(OfferStartedSchema, 'Accepted: the purchase workflow runs'),
          links: { GetPurchase: idLink(operationRef('get', '/v1/purchases/{id}'), 'The purchase\'s state', '$response.body#/purchaseId') },
        },
        ...problems(400, 401, 403, 404, 409, 422, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { terms, buyerIds } = c.req.valid('json');
      const listing = await Listing.findByPk(c.req.valid('param').id);
      if (!listing || listing.purpose !== 'sale' || !['active', 'under_contract'].includes(listing.status)) {
        if (listing && listing.purpose === 'sale' && ['sold', 'withdrawn', 'draft'].includes(listing.status)) throw new ApiProblem(409, 'invalid-state', `the listing is ${listing.status}: it takes no offers`);
        throw notFound('listing for sale');
      }
      const property = (await Property.findByPk(listing.propertyId))!;
      if (terms.currency !== listing.currency) throw fieldError('terms.currency', `must be the listing's currency, ${listing.currency}`);
      // A buyer offers for themselves; an agent (a manager, or an admin) for the buyers named.
      const forSelf = !buyerIds;
      if (forSelf && !hasRole(p, 'buyer')) throw fieldError('buyerIds', 'name the buyers you make the offer for');
      if (!forSelf && !hasRole(p, 'manager', 'admin')) throw forbidden('only an agent (a manager) or an admin makes an offer for other buyers');
      const ids = buyerIds ?? [p.userId];
      const buyers: User[] = [];
      for (const [i, id] of ids.entries()) {
        const user = await User.findByPk(id);
        if (!user || !user.roles.includes('buyer')) throw fieldError(forSelf ? 'buyerIds' : `buyerIds.${i}`, 'no such user holding the buyer role');
        if (id === property.ownerId || id === property.managerId) throw fieldError(forSelf ? 'buyerIds' : `buyerIds.${i}`, 'the property\'s owner or manager cannot buy it');
        buyers.push(user);
      }
      const [open] = await deps.db.query<{ id: string }>(
        `select id from purchases where listing_id = $1 and buyer_ids && $2::uuid[] and not (stage = any($3::text[])) limit 1`,
        { bind: [listing.id, ids, FINAL_STAGES], type: QueryTypes.SELECT },
      );
      if (open) throw new ApiProblem(409, 'conflict', `a buyer already has an open purchase of this listing (${open.id}): counter or withdraw it there`);
      const owner = (await User.findByPk(property.ownerId))!;
      const manager = property.managerId && property.managerId !== owner.id ? await User.findByPk(property.managerId) : null;
      const agent = forSelf ? null : await User.findByPk(p.userId);
      const [parcel] = await deps.db.query<{ legal_description: string; jurisdiction: string }>('select legal_description, jurisdiction from parcels where property_id = $1', {
        bind: [property.id],
        type: QueryTypes.SELECT,
      });
      const address = formatAddress(property);
      const purchaseId = randomUUID();
      const input: PurchaseInput = {
        purchaseId,
        subject: {
          listingId: listing.id,
          propertyId: property.id,
          address,
          legalDescription: property.legalDescription ?? parcel?.legal_description ?? `The property known as ${address}`,
          county: property.county ?? parcel?.jurisdiction ?? property.city,
          state: property.region,
          facts: {
            state: property.region,
            financed: terms.financing.type !== 'cash',
            yearBuilt: property.yearBuilt,
            inHoa: (property.monthlyHoaDuesMinor ?? 0) > 0 || listing.features.some((f) => /\bhoa\b/i.test(f)),
            land: property.type === 'land',
          },
          annualPropertyTaxMinor: property.annualPropertyTaxMinor ?? 0,
          monthlyHoaDuesMinor: property.monthlyHoaDuesMinor ?? 0,
        },
        parties: { buyers: buyers.map(person), sellers: [person(owner)], buyerAgents: agent ? [person(agent)] : [], sellerAgents: manager ? [person(manager)] : [] },
        offer: terms,
        offeredAt: new Date().toISOString(),
        offeredBy: p.userId,
      };
      const workflowId = purchaseWorkflowId(purchaseId);
      const state: Pick<PurchaseState, 'stage'> & Record<string, unknown> = { purchaseId, stage: 'negotiating' };
      await deps.db.query(
        `insert into purchases (id, listing_id, property_id, stage, buyer_ids, seller_ids, buyer_agent_ids, seller_agent_ids, price_minor, currency, state, workflow_id)
         values ($1, $2, $3, 'negotiating', $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8, $9, $10::jsonb, $11)`,
        {
          bind: [
            purchaseId, listing.id, property.id,
            ids, [owner.id], input.parties.buyerAgents.map((a) => a.userId), input.parties.sellerAgents.map((a) => a.userId),
            terms.priceMinor, terms.currency, JSON.stringify(state), workflowId,
          ],
        },
      );
      try {
        await deps.temporal.workflow.start<PurchaseWorkflow>(PURCHASE_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: deps.purchaseTaskQueue ?? deps.config.temporal.taskQueues.purchases,
          args: [input],
          memo: { summary: `Purchase of ${address}` },
        });
      } catch (err) {
        await deps.db.query('delete from purchases where id = $1', { bind: [purchaseId] }).catch(() => undefined);
        throw err;
      }
      const location = `/v1/purchases/${purchaseId}`;
      c.header('location', location);
      return c.json({ purchaseId, workflowId, stage: 'negotiating' as const, location }, 202);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/listings/{id}/offers',
      tags: ['Purchases'],
      summary: 'The offers on a listing, side by side (the seller\'s view)',
      description: 'For the property\'s owner and manager, and staff; anyone else gets 404. Each offer\'s latest round, whose turn it is, and its place among the backups. Newest first.',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(OfferListSchema, 'The offers'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const listing = await Listing.findByPk(c.req.valid('param').id);
      const property = listing && (await Property.findByPk(listing.propertyId));
      if (!listing || !property || !canRead(c.get('principal'), property)) throw notFound('listing');
      const rows = await deps.db.query<{ id: string; stage: PurchaseState['stage']; state: Partial<PurchaseState>; updated_at: Date; names: string[] }>(
        `select p.id, p.stage, p.state, p.updated_at, array(select u.name from users u where u.id = any(p.buyer_ids) order by u.name) as names
           from purchases p where p.listing_id = $1 order by p.created_at desc`,
        { bind: [listing.id], type: QueryTypes.SELECT },
      );
      // A purchase whose workflow has not recorded its first state yet has no rounds to show.
      const offers = rows.flatMap((r) => {
        const latest = r.state.negotiation?.rounds.at(-1);
        if (!latest || !r.state.negotiation) return [];
        return [{
          purchaseId: r.id,
          stage: r.stage,
          buyers: r.names,
          round: latest.n,
          latestBy: latest.by,
          terms: r.state.contract ?? latest.terms,
          whoseTurn: whoseTurn(r.state.negotiation),
          backupPosition: r.state.backupPosition ?? null,
          updatedAt: r.updated_at.toISOString(),
        }];
      });
      return c.json({ listingId: listing.id, offers }, 200);
    },
  );
