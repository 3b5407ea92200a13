/**
 * What a purchase's parties and staff read: its state (the workflow's query,
 * or what its activities last recorded when it cannot answer), the purchases
 * the caller is party to, and the purchase's PDFs.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { PURCHASE_STAGES, purchaseStateQuery, type PurchaseState } from '../../../contracts/purchase';
import { isStaff } from '../../access';
import type { AppEnv } from '../../deps';
import { PDF_RESPONSE, subjectDocument } from '../../subject-document';
import { notFound } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { queryOrUndefined } from '../../workflow-query';
import { purchaseHandle, visiblePurchase } from './access';
import { PurchaseListSchema, PurchaseStateSchema } from './schemas';

export const purchaseReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/purchases/{id}',
      tags: ['Purchases'],
      summary: 'A purchase\'s whole state: stage, parties, price history, contingencies, documents, escrow, title, closing, and what blocks it',
      description: 'For its buyers, sellers, their agents, and staff; anyone else gets 404. When the workflow cannot answer, the state its activities last recorded (`source: database`, without the history).',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(PurchaseStateSchema, 'The purchase'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const row = await visiblePurchase(deps.db, c.get('principal'), c.req.valid('param').id);
      const live = await queryOrUndefined(c, purchaseHandle(deps, row), purchaseStateQuery);
      // Right after the offer the row holds only its stage: the workflow has not recorded a state yet.
      const recorded = row.state.negotiation ? row.state : undefined;
      const state = live ?? recorded;
      if (!state) throw notFound('purchase');
      return c.json({ ...(state as PurchaseState), source: live ? ('workflow' as const) : ('database' as const) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/purchases',
      tags: ['Purchases'],
      summary: 'The purchases the caller is party to (staff: all), newest first',
      roles: 'any',
      request: { query: z.object({ stage: z.enum(PURCHASE_STAGES).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(PurchaseListSchema, 'The purchases'), ...problems(401, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const p = c.get('principal');
      const { stage, limit } = c.req.valid('query');
      const rows = await db.query<{ id: string; listing_id: string; property_id: string; stage: PurchaseState['stage']; price_minor: string; currency: string; updated_at: Date }>(
        `select id, listing_id, property_id, stage, price_minor, currency, updated_at from purchases
          where ($1 or $2 = any(buyer_ids) or $2 = any(seller_ids) or $2 = any(buyer_agent_ids) or $2 = any(seller_agent_ids))
            and ($3::text is null or stage = $3)
          order by created_at desc limit $4`,
        { bind: [isStaff(p), p.userId, stage ?? null, limit], type: QueryTypes.SELECT },
      );
      return c.json(
        {
          purchases: rows.map((r) => ({
            purchaseId: r.id,
            listingId: r.listing_id,
            propertyId: r.property_id,
            stage: r.stage,
            priceMinor: Number(r.price_minor),
            currency: r.currency,
            updatedAt: r.updated_at.toISOString(),
          })),
        },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/purchases/{id}/documents/{documentId}',
      tags: ['Purchases'],
      summary: 'One of the purchase\'s PDFs (agreement, settlement statement, deed, and their signed copies)',
      roles: 'any',
      request: { params: z.object({ id: z.uuid(), documentId: z.uuid() }) },
      responses: {
        200: PDF_RESPONSE,
        ...problems(401, 404, 422),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { id, documentId } = c.req.valid('param');
      await visiblePurchase(db, c.get('principal'), id);
      return subjectDocument(c, { type: 'purchase', id }, documentId);
    },
  );
