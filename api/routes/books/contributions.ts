/** An owner's money paid into a property (to cover bills, or a reserve): posted to the property's book. */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { ContributionCreateSchema, ContributionSchema } from '../../../contracts/books.schema';
import { postToLedger } from '../../../lib/ledger';
import type { AppEnv } from '../../deps';
import { fieldError } from '../../problem';
import { IdParams, idLink, json, operationRef, problems, route } from '../../route';
import { keepsBooks, propertyNotKept, propertyPeople } from './access';

export const contributionsRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/owners/{id}/contributions',
    operationId: 'recordOwnerContribution',
    tags: ['Books'],
    summary: 'Record money an owner paid into one of their properties',
    description: 'The property\'s manager or an admin, once the money is received. Send an `Idempotency-Key`: a repeated request records it once.',
    roles: ['manager', 'admin'],
    idempotent: true,
    request: { params: IdParams, body: { content: { 'application/json': { schema: ContributionCreateSchema } }, required: true } },
    responses: {
      201: {
        ...json(ContributionSchema, 'The contribution, posted'),
        links: { ListOwnerStatements: idLink(operationRef('get', '/v1/owners/{id}/statements'), 'The owner\'s statements (the contribution is in its month\'s)', '$response.body#/ownerId') },
      },
      ...problems(404),
    },
  }),
  async (c) => {
    const { db } = c.get('deps');
    const ownerId = c.req.valid('param').id;
    const body = c.req.valid('json');
    const property = await propertyPeople(db, body.propertyId);
    if (!property || !keepsBooks(c.get('principal'), property)) throw propertyNotKept();
    if (!property.owner_ids.includes(ownerId)) throw fieldError('propertyId', 'the owner owns no share of this property', 404);
    const posted = await postToLedger(db, {
      book: { type: 'property', id: body.propertyId },
      kind: 'owner_contribution',
      amountMinor: body.amount.amountMinor,
      currency: body.amount.currency,
      occurredOn: body.receivedOn,
      reference: body.reference ?? 'owner contribution',
      memo: 'Owner contribution',
      // The idempotency middleware answers a repeated request; this key makes each recorded contribution its own.
      idempotencyKey: `contribution:${randomUUID()}`,
      partyId: ownerId,
    });
    return c.json({ transactionId: posted.transactionId, ownerId, propertyId: body.propertyId, amountMinor: body.amount.amountMinor, currency: body.amount.currency, receivedOn: body.receivedOn }, 201);
  },
);
