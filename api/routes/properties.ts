import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { PropertyCreateSchema, PropertySchema, PropertyUpdateSchema, UnitCreateSchema, UnitSchema, type Property as PropertyApi } from '../../contracts/property.schema';
import { Parcel, Property, Unit, User } from '../../models';
import { canManage, canRead, hasRole, isStaff } from '../access';
import type { AppEnv, Principal } from '../deps';
import { ApiProblem, fieldError, forbidden, notFound } from '../problem';
import { IdParams, idLink, json, link, operationRef, problems, route } from '../route';
import { PageQuerySchema } from './users';

const PropertyDoc = PropertySchema.openapi('Property');
const UnitDoc = UnitSchema.openapi('Unit');

export function propertyToApi(p: Property): PropertyApi {
  const opt = <T>(v: T | null) => (v === null ? undefined : v);
  return {
    id: p.id,
    ownerId: p.ownerId,
    managerId: p.managerId,
    address: {
      line1: opt(p.addressLine1),
      line2: opt(p.addressLine2),
      city: p.city,
      region: p.region,
      postalCode: opt(p.postalCode),
      country: p.country,
    },
    location: { lat: p.lat, lon: p.lon },
    type: p.type,
    bedrooms: opt(p.bedrooms),
    bathrooms: opt(p.bathrooms),
    livingAreaSqft: opt(p.livingAreaSqft),
    lotAreaSqft: opt(p.lotAreaSqft),
    yearBuilt: opt(p.yearBuilt),
    zoningCode: opt(p.zoningCode),
    neighborhood: opt(p.neighborhood),
    county: opt(p.county),
    legalDescription: opt(p.legalDescription),
    annualPropertyTaxMinor: opt(p.annualPropertyTaxMinor),
    monthlyHoaDuesMinor: opt(p.monthlyHoaDuesMinor),
    lateFeePolicy: opt(p.lateFeePolicy),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function unitToApi(u: Unit) {
  return {
    id: u.id,
    propertyId: u.propertyId,
    label: u.label,
    bedrooms: u.bedrooms ?? undefined,
    bathrooms: u.bathrooms ?? undefined,
    livingAreaSqft: u.livingAreaSqft ?? undefined,
    floor: u.floor ?? undefined,
    createdAt: u.createdAt.toISOString(),
  };
}

function columnsOf(input: z.infer<typeof PropertyUpdateSchema>) {
  return {
    ...(input.type !== undefined && { type: input.type }),
    ...(input.address && {
      addressLine1: input.address.line1 ?? null,
      addressLine2: input.address.line2 ?? null,
      city: input.address.city,
      region: input.address.region,
      postalCode: input.address.postalCode ?? null,
      country: input.address.country,
    }),
    ...(input.location && { lat: input.location.lat, lon: input.location.lon }),
    ...(input.bedrooms !== undefined && { bedrooms: input.bedrooms }),
    ...(input.bathrooms !== undefined && { bathrooms: input.bathrooms }),
    ...(input.livingAreaSqft !== undefined && { livingAreaSqft: input.livingAreaSqft }),
    ...(input.lotAreaSqft !== undefined && { lotAreaSqft: input.lotAreaSqft }),
    ...(input.yearBuilt !== undefined && { yearBuilt: input.yearBuilt }),
    ...(input.zoningCode !== undefined && { zoningCode: input.zoningCode }),
    ...(input.neighborhood !== undefined && { neighborhood: input.neighborhood }),
    ...(input.county !== undefined && { county: input.county }),
    ...(input.legalDescription !== undefined && { legalDescription: input.legalDescription }),
    ...(input.annualPropertyTaxMinor !== undefined && { annualPropertyTaxMinor: input.annualPropertyTaxMinor }),
    ...(input.monthlyHoaDuesMinor !== undefined && { monthlyHoaDuesMinor: input.monthlyHoaDuesMinor }),
    ...(input.lateFeePolicy !== undefined && { lateFeePolicy: input.lateFeePolicy }),
    ...(input.managerId !== undefined && { managerId: input.managerId }),
  };
}

/** The rule the schema cannot state on property and unit bodies. */
const HALF_BATHS = '`bathrooms` is a whole or half number (2, 2.5).';
/** Who may change a property, and what the others get. */
const MANAGERS_ONLY = 'Only the property\'s owner, its manager or an admin may do this; others who may read the property get 403, the rest 404.';
const READERS_ONLY = 'Only the property\'s owner, its manager and staff (admin, ops) see the property; others get 404.';

/** A property the caller may read; 404 when it is not theirs, so its existence stays private. */
export async function readableProperty(p: Principal, id: string): Promise<Property> {
  const property = await Property.findByPk(id);
  if (!property || !canRead(p, property)) throw notFound('property');
  return property;
}

async function manageableProperty(p: Principal, id: string): Promise<Property> {
  const property = await readableProperty(p, id);
  if (!canManage(p, property)) throw forbidden('only its owner, its manager or an admin may change this property');
  return property;
}

/**
 * The user named as a property's owner or manager must exist and hold that role (or admin), by their
 * user record: the caller is no exception, so nobody becomes a property's owner or manager by naming themself.
 */
async function requireUserWithRole(p: Principal, field: string, userId: string, role: 'owner' | 'manager') {
  const self = userId === p.userId;
  const user = await User.findByPk(userId);
  if (!user) throw fieldError(field, self ? 'your user record does not exist; ask an admin to create it' : 'no such user');
  if (!user.roles.includes(role) && !user.roles.includes('admin')) {
    throw fieldError(field, self ? `you do not hold the ${role} role` : `the user does not hold the ${role} role`);
  }
}

/**
 * Who owns and manages a property `p` registers (here and as a parcel, POST /v1/parcels): an owner their own,
 * a manager one they manage for a named owner, an admin anyone's; both named users must hold the role.
 */
export async function propertyParties(p: Principal, input: { ownerId?: string; managerId?: string }): Promise<{ ownerId: string; managerId: string | null }> {
  let ownerId = input.ownerId;
  let managerId = input.managerId ?? null;
  if (!hasRole(p, 'admin')) {
    if (hasRole(p, 'owner') && (!ownerId || ownerId === p.userId)) {
      ownerId = p.userId; // owners register their own
    } else if (hasRole(p, 'manager')) {
      if (managerId && managerId !== p.userId) throw fieldError('managerId', 'a manager registers properties they manage');
      managerId = p.userId;
    } else {
      throw forbidden('owners register their own properties');
    }
  }
  if (!ownerId) throw fieldError('ownerId', 'name the owning user');
  await requireUserWithRole(p, 'ownerId', ownerId, 'owner');
  if (managerId) await requireUserWithRole(p, 'managerId', managerId, 'manager');
  return { ownerId, managerId };
}

/** A unit of a property the caller may read; 404 when the property is not theirs or the unit is not of that property. */
async function readableUnit(p: Principal, propertyId: string, unitId: string): Promise<Unit> {
  const property = await readableProperty(p, propertyId);
  const unit = await Unit.findOne({ where: { id: unitId, propertyId: property.id } });
  if (!unit) throw notFound('unit');
  return unit;
}

/** What a parcel's property takes from the parcel (POST /v1/parcels), never from a PATCH. */
const PARCEL_FIELDS = ['type', 'location', 'lotAreaSqft', 'zoningCode'] as const;

const UnitParams = z.object({ id: z.uuid(), unitId: z.uuid() });

export const propertiesRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/properties',
      operationId: 'createProperty',
      tags: ['Properties'],
      summary: 'Register a property',
      description: [
        'An owner registers their own: `ownerId` omitted or their own id.',
        'A manager or an admin must name the owner in `ownerId`; a manager becomes the property\'s manager, so their `managerId` is omitted or their own id.',
        '`ownerId` must be an existing user holding the owner role (or admin), and `managerId` one holding the manager role (or admin), else 422 naming the field.',
        'That holds for the caller too, by their user record: a manager who is not an owner cannot name themself as the owner, nor an owner who is not a manager themself as the manager.',
        'Registering yourself as owner or manager needs your user record.',
        HALF_BATHS,
      ].join(' '),
      roles: ['admin', 'manager', 'owner'],
      idempotent: true,
      request: { body: { content: { 'application/json': { schema: PropertyCreateSchema.openapi('PropertyCreate') } }, required: true } },
      responses: {
        201: {
          ...json(PropertyDoc, 'Created'),
          links: {
            GetProperty: idLink('getProperty', 'Read the property'),
            UpdateProperty: idLink('updateProperty', 'Change the property'),
            CreateUnit: idLink('createUnit', 'Add a unit to the property'),
            ListUnits: idLink('listUnits', 'List the property\'s units'),
            GetUnit: idLink('getUnit', 'Read one of the property\'s units: `unitId` comes from CreateUnit or ListUnits'),
            CreateListing: link('createListing', 'List the property for sale (set your own purpose and price)', undefined, {
              propertyId: '$response.body#/id',
              purpose: 'sale',
              price: { amountMinor: 25_000_000, currency: 'USD' },
            }),
            ListListings: link('listListings', 'The property\'s listings', { propertyId: '$response.body#/id' }),
            GetTitleRecords: idLink(operationRef('get', '/v1/properties/{id}/title-records'), 'The property\'s recorded title documents and chain'),
            SetPropertyOwners: idLink(operationRef('put', '/v1/properties/{id}/owners'), 'Set who owns the property, in shares'),
            RecordTitle: idLink(operationRef('post', '/v1/properties/{id}/title-records'), 'Enter a record the county recorded against it'),
            GetTitleRecord: link(operationRef('get', '/v1/properties/{id}/title-records/{recordId}'), 'One of its title records: `recordId` comes from RecordTitle or GetTitleRecords', { id: '$response.body#/id' }),
          },
        },
        ...problems(400, 401, 403, 422),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { ownerId, managerId } = await propertyParties(c.get('principal'), input);
      const property = await Property.create({
        ...(columnsOf(input) as Required<ReturnType<typeof columnsOf>>),
        ownerId,
        managerId,
        externalRef: null,
      } as never);
      c.header('location', `/v1/properties/${property.id}`);
      return c.json(propertyToApi(property), 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/properties',
      operationId: 'listProperties',
      tags: ['Properties'],
      summary: 'List the properties you own or manage (all, for admins and ops)',
      roles: ['admin', 'ops', 'manager', 'owner'],
      request: { query: PageQuerySchema },
      responses: {
        200: json(z.object({ items: z.array(PropertyDoc), nextAfter: z.uuid().nullable() }).openapi('PropertyList'), 'A page, by id'),
        ...problems(401, 403, 422),
      },
    }),
    async (c) => {
      const { limit, after } = c.req.valid('query');
      const p = c.get('principal');
      const scope: WhereOptions = isStaff(p) ? {} : { [Op.or]: [{ ownerId: p.userId }, { managerId: p.userId }] };
      const rows = await Property.findAll({
        where: { ...scope, ...(after ? { id: { [Op.gt]: after } } : {}) },
        order: [['id', 'ASC']],
        limit,
      });
      return c.json({ items: rows.map(propertyToApi), nextAfter: rows.length === limit ? rows[rows.length - 1]!.id : null }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/properties/{id}',
      operationId: 'getProperty',
      tags: ['Properties'],
      summary: 'Get a property',
      description: READERS_ONLY,
      roles: ['admin', 'ops', 'manager', 'owner'],
      request: { params: IdParams },
      responses: { 200: json(PropertyDoc, 'The property'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => c.json(propertyToApi(await readableProperty(c.get('principal'), c.req.valid('param').id)), 200),
  )
  .openapi(
    route({
      method: 'patch',
      path: '/properties/{id}',
      operationId: 'updateProperty',
      tags: ['Properties'],
      summary: 'Change a property',
      description: [
        MANAGERS_ONLY,
        '`managerId` must be an existing user holding the manager role (or admin), the caller included, else 422; null removes the manager.',
        'The owner does not change here.',
        'A parcel\'s property (POST /v1/parcels) keeps the `type`, `location`, `lotAreaSqft` and `zoningCode` its parcel gives it: changing one here is 422 naming it.',
        '`address` replaces the whole address (lines left out are cleared).',
        HALF_BATHS,
      ].join(' '),
      roles: ['admin', 'manager', 'owner'],
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: PropertyUpdateSchema.openapi('PropertyUpdate') } }, required: true },
      },
      responses: { 200: json(PropertyDoc, 'The changed property'), ...problems(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const property = await manageableProperty(c.get('principal'), c.req.valid('param').id);
      const input = c.req.valid('json');
      const fromParcel = PARCEL_FIELDS.find((f) => input[f] !== undefined);
      if (fromParcel && (await Parcel.count({ where: { propertyId: property.id } }))) {
        throw fieldError(fromParcel, 'comes from the property\'s parcel (its boundary and zoning district)');
      }
      if (input.managerId) await requireUserWithRole(c.get('principal'), 'managerId', input.managerId, 'manager');
      await property.update(columnsOf(input));
      return c.json(propertyToApi(property), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/properties/{id}/units',
      operationId: 'createUnit',
      tags: ['Properties'],
      summary: 'Add a unit to a multi-unit building',
      description: [MANAGERS_ONLY, '`label` is unique within the property (as given, after trimming): a second unit with it is 409.', HALF_BATHS].join(' '),
      roles: ['admin', 'manager', 'owner'],
      idempotent: true,
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: UnitCreateSchema.openapi('UnitCreate') } }, required: true },
      },
      responses: {
        201: {
          ...json(UnitDoc, 'Created'),
          links: {
            GetUnit: link('getUnit', 'Read the unit', { id: '$response.body#/propertyId', unitId: '$response.body#/id' }),
            ListUnits: idLink('listUnits', 'The units of the unit\'s property', '$response.body#/propertyId'),
            GetProperty: idLink('getProperty', 'The unit\'s property', '$response.body#/propertyId'),
            CreateListing: link('createListing', 'List the unit for rent (set your own purpose and price)', undefined, {
              propertyId: '$response.body#/propertyId',
              unitId: '$response.body#/id',
              purpose: 'rent',
              price: { amountMinor: 180_000, currency: 'USD' },
            }),
          },
        },
        ...problems(400, 401, 403, 404, 409, 422),
      },
    }),
    async (c) => {
      const property = await manageableProperty(c.get('principal'), c.req.valid('param').id);
      const input = c.req.valid('json');
      try {
        const unit = await Unit.create({
          propertyId: property.id,
          label: input.label,
          bedrooms: input.bedrooms ?? null,
          bathrooms: input.bathrooms ?? null,
          livingAreaSqft: input.livingAreaSqft ?? null,
          floor: input.floor ?? null,
        });
        c.header('location', `/v1/properties/${property.id}/units/${unit.id}`);
        return c.json(unitToApi(unit), 201);
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw new ApiProblem(409, 'conflict', `unit ${input.label} already exists`);
        throw err;
      }
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/properties/{id}/units',
      operationId: 'listUnits',
      tags: ['Properties'],
      summary: 'List a property\'s units',
      description: READERS_ONLY,
      roles: ['admin', 'ops', 'manager', 'owner'],
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(UnitDoc) }), 'Units by label'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => {
      const property = await readableProperty(c.get('principal'), c.req.valid('param').id);
      const units = await Unit.findAll({ where: { propertyId: property.id }, order: [['label', 'ASC']] });
      return c.json({ items: units.map(unitToApi) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/properties/{id}/units/{unitId}',
      operationId: 'getUnit',
      tags: ['Properties'],
      summary: 'Get a unit of a property',
      description: [READERS_ONLY, 'A unit is found only under its own property: through another one it is 404.'].join(' '),
      roles: ['admin', 'ops', 'manager', 'owner'],
      request: { params: UnitParams },
      responses: { 200: json(UnitDoc, 'The unit'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => {
      const { id, unitId } = c.req.valid('param');
      return c.json(unitToApi(await readableUnit(c.get('principal'), id, unitId)), 200);
    },
  );
