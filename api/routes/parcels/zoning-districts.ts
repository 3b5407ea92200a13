/**
 * Zoning districts: any authenticated user reads them; an admin creates or
 * replaces one (its rules validated by contracts/parcel.schema.ts). A
 * district's `effectiveDate` is the date of its data, reported by every
 * zoning check that uses it.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import type { ZoningDistrict as ZoningDistrictApi } from '../../../contracts/parcel.schema';
import { ZoningDistrict } from '../../../models';
import type { AppEnv } from '../../deps';
import { notFound } from '../../problem';
import { json, problems, route } from '../../route';
import { DistrictListQuery, DistrictParams, ZoningDistrictDoc, ZoningDistrictPutDoc } from './schemas';

function districtToApi(d: ZoningDistrict): ZoningDistrictApi {
  return { id: `${d.jurisdiction}/${d.code}`, jurisdiction: d.jurisdiction, code: d.code, name: d.name, rules: d.rules, effectiveDate: d.effectiveDate, updatedAt: d.updatedAt.toISOString() };
}

export const zoningDistrictsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/zoning-districts',
      operationId: 'listZoningDistricts',
      tags: ['Land'],
      summary: 'List zoning districts',
      description: 'Every district (of one `jurisdiction` when given), by jurisdiction and code. Ames, Iowa\'s (`ames-ia`) are seeded with illustrative rules, not the city\'s ordinance.',
      roles: 'any',
      request: { query: DistrictListQuery },
      responses: { 200: json(z.object({ items: z.array(ZoningDistrictDoc) }).openapi('ZoningDistrictList'), 'The districts'), ...problems(401, 422) },
    }),
    async (c) => {
      const { jurisdiction } = c.req.valid('query');
      const rows = await ZoningDistrict.findAll({ where: jurisdiction ? { jurisdiction } : {}, order: [['jurisdiction', 'ASC'], ['code', 'ASC']] });
      return c.json({ items: rows.map(districtToApi) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/zoning-districts/{jurisdiction}/{code}',
      operationId: 'getZoningDistrict',
      tags: ['Land'],
      summary: 'Get a zoning district',
      roles: 'any',
      request: { params: DistrictParams },
      responses: { 200: json(ZoningDistrictDoc, 'The district'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { jurisdiction, code } = c.req.valid('param');
      const district = await ZoningDistrict.findOne({ where: { jurisdiction, code } });
      if (!district) throw notFound('zoning district');
      return c.json(districtToApi(district), 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/zoning-districts/{jurisdiction}/{code}',
      operationId: 'putZoningDistrict',
      tags: ['Land'],
      summary: 'Create or replace a zoning district',
      description: [
        'Admins only. 201 with a Location when the district is new, 200 when it replaced one: its name, rules and the date of the data all change together.',
        'A use is at most once in `permittedUses` and `conditionalUses` together, else 422 naming the repeated entry.',
        'Lengths, percentages and ratios have at most two decimals.',
        'Parcels in the district are checked against the new rules from then on.',
      ].join(' '),
      roles: ['admin'],
      request: {
        params: DistrictParams,
        body: { content: { 'application/json': { schema: ZoningDistrictPutDoc } }, required: true },
      },
      responses: {
        200: json(ZoningDistrictDoc, 'Replaced'),
        201: json(ZoningDistrictDoc, 'Created'),
        ...problems(400, 401, 403, 415, 422),
      },
    }),
    async (c) => {
      const { jurisdiction, code } = c.req.valid('param');
      const input = c.req.valid('json');
      const { db } = c.get('deps');
      // One statement: two admins creating the same district at once both succeed, one of them as a replacement.
      const [row] = await db.query<{ inserted: boolean }>(
        `insert into zoning_districts (jurisdiction, code, name, rules, effective_date, created_at, updated_at)
         values ($1, $2, $3, $4::jsonb, $5, now(), now())
         on conflict (jurisdiction, code) do update
           set name = excluded.name, rules = excluded.rules, effective_date = excluded.effective_date, updated_at = now()
         returning (xmax = 0) as inserted`,
        { bind: [jurisdiction, code, input.name, JSON.stringify(input.rules), input.effectiveDate], type: QueryTypes.SELECT },
      );
      const district = (await ZoningDistrict.findOne({ where: { jurisdiction, code } }))!;
      if (row!.inserted) {
        c.header('location', `/v1/zoning-districts/${jurisdiction}/${code}`);
        return c.json(districtToApi(district), 201);
      }
      return c.json(districtToApi(district), 200);
    },
  );
