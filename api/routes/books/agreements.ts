/**
 * Management agreements (the terms the month-end run applies: fee, leasing
 * fee, reserve, bill approval threshold) and who owns a property in what
 * shares. Dated agreements: a new one takes over from its start day, and the
 * ones before it stay, so a past month is always closed on its own terms.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { AgreementCreateSchema, AgreementSchema, OwnershipSchema } from '../../../contracts/books.schema';
import { sharesProblem } from '../../../domain/books/distribution';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError } from '../../problem';
import { IdParams, json, link, problems, route } from '../../route';
import { keepsBooks, propertyNotKept, propertyPeople, sees, visibleProperties } from './access';

const tags = ['Books'];
const AGREEMENT_COLUMNS = `id, property_id as "propertyId", currency, fee_bps as "feeBps", leasing_fee_minor::float8 as "leasingFeeMinor",
  reserve_minor::float8 as "reserveMinor", approval_threshold_minor::float8 as "approvalThresholdMinor", starts_on::text as "startsOn"`;
const OwnershipAnswerSchema = OwnershipSchema.extend({ propertyId: z.uuid() }).openapi('Ownership');

export const agreementsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/management-agreements',
      operationId: 'createManagementAgreement',
      tags,
      summary: 'Set a property\'s management agreement from a day on',
      description: 'The property\'s manager or an admin. One agreement per start day (a second for the same day is 409); the latest started applies.',
      roles: ['manager', 'admin'],
      request: { body: { content: { 'application/json': { schema: AgreementCreateSchema } }, required: true } },
      responses: {
        201: { ...json(AgreementSchema, 'The agreement'), links: { ListManagementAgreements: link('listManagementAgreements', 'The property\'s agreements', { propertyId: '$response.body#/propertyId' }) } },
        ...problems(404, 409),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const body = c.req.valid('json');
      const property = await propertyPeople(db, body.propertyId);
      if (!property || !keepsBooks(c.get('principal'), property)) throw propertyNotKept();
      try {
        const [row] = await db.query<z.infer<typeof AgreementSchema>>(
          `insert into management_agreements (property_id, currency, fee_bps, leasing_fee_minor, reserve_minor, approval_threshold_minor, starts_on, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${AGREEMENT_COLUMNS}`,
          {
            bind: [body.propertyId, body.reserve.currency, body.feeBps, body.leasingFee?.amountMinor ?? 0, body.reserve.amountMinor, body.approvalThreshold.amountMinor, body.startsOn, c.get('principal').userId],
            type: QueryTypes.SELECT,
          },
        );
        return c.json(row!, 201);
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw new ApiProblem(409, 'conflict', `the property already has an agreement starting ${body.startsOn}`, [{ field: 'startsOn', message: 'an agreement starts that day already' }]);
        throw err;
      }
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/management-agreements',
      operationId: 'listManagementAgreements',
      tags,
      summary: 'A property\'s management agreements, latest first',
      roles: ['manager', 'owner', 'admin', 'ops'],
      request: { query: z.object({ propertyId: z.uuid() }) },
      responses: { 200: json(z.object({ items: z.array(AgreementSchema) }), 'Its agreements'), ...problems(404) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { propertyId } = c.req.valid('query');
      if (!sees(await visibleProperties(db, c.get('principal')), propertyId)) throw propertyNotKept();
      const items = await db.query<z.infer<typeof AgreementSchema>>(`select ${AGREEMENT_COLUMNS} from management_agreements where property_id = $1 order by starts_on desc`, {
        bind: [propertyId],
        type: QueryTypes.SELECT,
      });
      return c.json({ items }, 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/properties/{id}/owners',
      operationId: 'setPropertyOwners',
      tags,
      summary: 'Set who owns a property, in shares (basis points adding up to 10000)',
      description: 'The property\'s manager or an admin. Each owner must be a user with the owner role. Distributions from then on are split by these shares.',
      roles: ['manager', 'admin'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: OwnershipSchema } }, required: true } },
      responses: { 200: json(OwnershipAnswerSchema, 'The owners'), ...problems(404) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { id } = c.req.valid('param');
      const { owners } = c.req.valid('json');
      const property = await propertyPeople(db, id);
      if (!property || !keepsBooks(c.get('principal'), property)) throw propertyNotKept('id');
      const problem = sharesProblem(owners);
      if (problem) throw fieldError('owners', problem);
      const [known] = await db.query<{ n: number }>(`select count(*)::int as n from users where id = any($1::uuid[]) and 'owner' = any(roles)`, {
        bind: [owners.map((o) => o.ownerId)],
        type: QueryTypes.SELECT,
      });
      if (known!.n !== owners.length) throw fieldError('owners', 'each owner must be a user with the owner role');
      await db.transaction(async (transaction) => {
        await db.query('delete from property_owners where property_id = $1', { bind: [id], transaction });
        await db.query(
          `insert into property_owners (property_id, owner_id, share_bps) select $1, o.owner_id, o.share_bps from json_to_recordset($2::json) as o(owner_id uuid, share_bps int)`,
          { bind: [id, JSON.stringify(owners.map((o) => ({ owner_id: o.ownerId, share_bps: o.shareBps })))], transaction },
        );
      });
      return c.json({ propertyId: id, owners }, 200);
    },
  );
