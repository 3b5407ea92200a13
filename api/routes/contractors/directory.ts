/**
 * The vendor directory: managers register users who hold the contractor role
 * (their trades, service area and rate) and keep their documents on file
 * (insurance, licences, tax forms), which decide whether the work-order
 * workflow may ask them. Managers, owners and staff read it; a contractor
 * reads and files for their own entry only (another's is 404).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import { User } from '../../../models';
import { hasRole } from '../../access';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, notFound } from '../../problem';
import { IdParams, idLink, json, link, operationRef, problems, route } from '../../route';
import { contractorEntries, contractorEntry } from './entries';
import { ContractorCreateSchema, ContractorDocumentCreateSchema, ContractorListSchema, ContractorQuerySchema, ContractorSchema } from './schemas';

const tags = ['Contractors'];
const READERS = ['manager', 'admin', 'ops', 'owner'] as const;

const ENTRY_LINKS = {
  GetContractor: link('getContractor', 'The contractor\'s entry', { id: '$response.body#/id' }),
  AddDocument: idLink(operationRef('post', '/v1/contractors/{id}/documents'), 'File a document for them (insurance, licence, tax form)'),
};

/** The entry the caller may see: readers of the directory see every one, a contractor only their own. */
async function visibleEntry(c: Context<AppEnv>, id: string) {
  const p = c.get('principal');
  const entry = hasRole(p, ...READERS) || p.userId === id ? await contractorEntry(c.get('deps').db, id) : undefined;
  if (!entry) throw notFound('contractor');
  return entry;
}

export const directoryRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/contractors',
      operationId: 'registerContractor',
      tags,
      summary: 'Register a user as a contractor in the vendor directory',
      description:
        '`userId` must be a user holding the contractor role (422 otherwise); a user is registered once (409). They are asked for work only once their documents are on file and valid (see `compliance`).',
      roles: ['manager', 'admin'],
      request: { body: { content: { 'application/json': { schema: ContractorCreateSchema } }, required: true } },
      responses: { 201: { ...json(ContractorSchema, 'Registered'), links: ENTRY_LINKS }, ...problems(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const b = c.req.valid('json');
      const user = await User.findByPk(b.userId);
      if (!user || !user.roles.includes('contractor')) throw fieldError('userId', 'no such user holding the contractor role');
      const inserted = await db.query(
        `insert into contractors (user_id, company, trades, service_area, hourly_rate_minor, currency)
         values ($1, $2, $3::text[], $4::text[], $5, $6) on conflict (user_id) do nothing returning user_id`,
        { bind: [b.userId, b.company, b.trades, [...new Set(b.serviceArea)], b.hourlyRateMinor, b.currency], type: QueryTypes.SELECT },
      );
      if (inserted.length === 0) throw new ApiProblem(409, 'conflict', 'this user is already in the directory');
      c.header('location', `/v1/contractors/${b.userId}`);
      return c.json((await contractorEntry(db, b.userId))!, 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/contractors',
      operationId: 'listContractors',
      tags,
      summary: 'The vendor directory, with each contractor\'s documents and whether they may be assigned work today',
      roles: [...READERS],
      request: { query: ContractorQuerySchema },
      responses: { 200: json(ContractorListSchema, 'A page, by id'), ...problems(401, 403, 422) },
    }),
    async (c) => c.json(await contractorEntries(c.get('deps').db, c.req.valid('query')), 200),
  )
  .openapi(
    route({
      method: 'get',
      path: '/contractors/{id}',
      operationId: 'getContractor',
      tags,
      summary: 'A contractor\'s entry: trades, area, rate, documents and compliance today',
      description: 'Managers, owners and staff read every entry; a contractor only their own (another\'s is 404).',
      roles: [...READERS, 'contractor'],
      request: { params: IdParams },
      responses: { 200: json(ContractorSchema, 'The entry'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => c.json(await visibleEntry(c, c.req.valid('param').id), 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/contractors/{id}/documents',
      operationId: 'addContractorDocument',
      tags,
      summary: 'File a contractor\'s document (insurance certificate, licence, tax form); answers the entry as it now stands',
      description:
        'A manager or an admin, or the contractor for themself (another\'s entry is 404). `expiresOn` (the last valid day) is needed for every kind but `tax_form_w9`; `coverageMinor` only for an insurance certificate. A renewed certificate is a new document: the expired one stays on file.',
      roles: ['manager', 'admin', 'contractor'],
      idempotent: true,
      request: { params: IdParams, body: { content: { 'application/json': { schema: ContractorDocumentCreateSchema } }, required: true } },
      responses: { 201: { ...json(ContractorSchema, 'Filed: the entry with its compliance recomputed'), links: { GetContractor: ENTRY_LINKS.GetContractor } }, ...problems(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const files = hasRole(p, 'manager', 'admin') || p.userId === id;
      if (!files || !(await contractorEntry(db, id))) throw notFound('contractor');
      await db.query(
        `insert into contractor_documents (contractor_id, kind, expires_on, coverage_minor, reference) values ($1, $2, $3::date, $4, $5)`,
        { bind: [id, b.kind, b.expiresOn ?? null, b.coverageMinor ?? null, b.reference ?? null] },
      );
      c.header('location', `/v1/contractors/${id}`);
      return c.json((await contractorEntry(db, id))!, 201);
    },
  );
