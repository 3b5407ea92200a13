/**
 * A property's public title records: the recorded deeds, liens,
 * encumbrances and releases a title search reads. Anyone signed in reads
 * them (they are public records); staff enter what the county recorded, and
 * each open purchase of the property is told, so its title commitment is
 * searched again (a lien recorded after the commitment reopens it).
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { titleChain, type TitleRecord } from '../../../domain/purchase/title';
import { FINAL_STAGES, purchaseWorkflowId, titleRecordedSignal } from '../../../contracts/purchase';
import { Property } from '../../../models';
import type { AppEnv } from '../../deps';
import { hasRole } from '../../access';
import { ApiProblem, forbidden, notFound } from '../../problem';
import { IdParams, idLink, json, link, operationRef, problems, route } from '../../route';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Instrument = z.string().trim().min(1).max(80).describe('The county\'s instrument number');
const Names = z.array(z.string().trim().min(1).max(200)).min(1).max(10);

export const TitleRecordSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('deed'), instrument: Instrument, recordedOn: IsoDate, grantors: Names, grantees: Names, considerationMinor: z.number().int().min(0).nullable() }),
    z.object({
      kind: z.literal('lien'),
      instrument: Instrument,
      recordedOn: IsoDate,
      lienType: z.enum(['mortgage', 'tax', 'mechanics', 'judgment', 'hoa']),
      holder: z.string().trim().min(1).max(200),
      amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    }),
    z.object({
      kind: z.literal('encumbrance'),
      instrument: Instrument,
      recordedOn: IsoDate,
      type: z.enum(['easement', 'covenant', 'restriction', 'lis_pendens']),
      description: z.string().trim().min(1).max(1000),
      blocksTransfer: z.boolean(),
    }),
    z.object({ kind: z.literal('release'), instrument: Instrument, recordedOn: IsoDate, releases: Instrument.describe('The instrument it releases') }),
  ])
  .openapi('TitleRecord');

const TitleRecordEntrySchema = z.object({ id: z.string(), propertyId: z.string(), record: TitleRecordSchema }).openapi('TitleRecordEntry');

const TitleRecordCreatedSchema = z
  .object({ id: z.string().describe('The new record\'s id'), propertyId: z.string(), record: TitleRecordSchema, chain: z.array(z.object({ instrument: z.string(), recordedOn: z.string(), from: z.array(z.string()), to: z.array(z.string()), considerationMinor: z.number().int().nullable() })) })
  .openapi('TitleRecordCreated');

const TitleRecordsSchema = z
  .object({
    propertyId: z.string(),
    records: z.array(TitleRecordSchema),
    chain: z.array(z.object({ instrument: z.string(), recordedOn: z.string(), from: z.array(z.string()), to: z.array(z.string()), considerationMinor: z.number().int().nullable() })),
  })
  .openapi('TitleRecords');

async function records(db: AppEnv['Variables']['deps']['db'], propertyId: string) {
  const rows = await db.query<{ record: TitleRecord }>('select record from title_records where property_id = $1 order by recorded_on, instrument', { bind: [propertyId], type: QueryTypes.SELECT });
  return rows.map((r) => r.record);
}

export const titleRecordsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/properties/{id}/title-records',
      tags: ['Purchases'],
      summary: 'A property\'s recorded title documents and its chain of ownership',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(TitleRecordsSchema, 'The records, oldest first, and the chain'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const property = await Property.findByPk(c.req.valid('param').id);
      if (!property) throw notFound('property');
      const list = await records(db, property.id);
      return c.json({ propertyId: property.id, records: list, chain: titleChain(list) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/properties/{id}/title-records/{recordId}',
      tags: ['Purchases'],
      summary: 'One recorded title document of a property',
      roles: 'any',
      request: { params: z.object({ id: z.uuid(), recordId: z.uuid() }) },
      responses: { 200: json(TitleRecordEntrySchema, 'The record'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { id, recordId } = c.req.valid('param');
      const [row] = await c.get('deps').db.query<{ id: string; property_id: string; record: TitleRecord }>(
        'select id, property_id, record from title_records where id = $1 and property_id = $2',
        { bind: [recordId, id], type: QueryTypes.SELECT },
      );
      if (!row) throw notFound('title record');
      return c.json({ id: row.id, propertyId: row.property_id, record: row.record }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/properties/{id}/title-records',
      tags: ['Purchases'],
      summary: 'Enter a record the county recorded against the property (an admin, or the property\'s manager); open purchases search title again',
      description: 'An instrument is recorded once per property (409 otherwise). A release must name an instrument recorded against the property.',
      roles: ['admin', 'manager'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: TitleRecordSchema } }, required: true } },
      responses: {
        201: { ...json(TitleRecordCreatedSchema, 'Recorded; `Location` is the new record'), links: {
          GetTitleRecords: idLink(operationRef('get', '/v1/properties/{id}/title-records'), 'The records and chain', '$response.body#/propertyId'),
          GetTitleRecord: link(operationRef('get', '/v1/properties/{id}/title-records/{recordId}'), 'The new record', { id: '$response.body#/propertyId', recordId: '$response.body#/id' }),
        } },
        ...problems(400, 401, 403, 404, 409, 415, 422),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const property = await Property.findByPk(c.req.valid('param').id);
      if (!property) throw notFound('property');
      const p = c.get('principal');
      if (!hasRole(p, 'admin') && property.managerId !== p.userId) throw forbidden('only an admin or the property\'s manager enters its title records');
      const record = c.req.valid('json') as TitleRecord;
      const existing = await records(deps.db, property.id);
      if (record.kind === 'release' && !existing.some((r) => r.instrument === record.releases)) {
        throw new ApiProblem(422, 'validation-error', 'releases: no such instrument recorded against this property', [{ field: 'releases', message: 'no such instrument recorded against this property' }]);
      }
      const inserted = await deps.db.query<{ id: string }>(
        'insert into title_records (property_id, kind, instrument, recorded_on, record) values ($1, $2, $3, $4, $5::jsonb) on conflict (property_id, instrument) do nothing returning id',
        { bind: [property.id, record.kind, record.instrument, record.recordedOn, JSON.stringify(record)], type: QueryTypes.SELECT },
      );
      if (!inserted.length) throw new ApiProblem(409, 'conflict', `instrument ${record.instrument} is already recorded against this property`);
      const open = await deps.db.query<{ id: string }>('select id from purchases where property_id = $1 and not (stage = any($2::text[]))', {
        bind: [property.id, FINAL_STAGES],
        type: QueryTypes.SELECT,
      });
      for (const p of open) {
        // Best effort: a purchase that cannot be told now reads the records again when it next checks its title.
        await deps.temporal.workflow
          .getHandle(purchaseWorkflowId(p.id))
          .signal(titleRecordedSignal)
          .catch((err: unknown) => c.get('logger').warn({ err, purchaseId: p.id }, 'could not tell the purchase of a new title record'));
      }
      c.header('location', `/v1/properties/${property.id}/title-records/${inserted[0]!.id}`);
      return c.json({ id: inserted[0]!.id, propertyId: property.id, record, chain: titleChain([...existing, record]) }, 201);
    },
  );
