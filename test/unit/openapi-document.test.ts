/**
 * The OpenAPI document, built without services (the route that serves it
 * touches none): it validates, each create operation links its answer to the
 * operations that take the new id (so generic tools can chain them), every
 * link resolves, and the operations whose handlers reject what their JSON
 * schema allows say so in their descriptions.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import { parseConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { operationsOf, validateOpenApi, type OpenApiDoc, type OpenApiOperation } from '../support/api-scenarios';

interface Link {
  operationId?: string;
  operationRef?: string;
  parameters?: Record<string, unknown>;
  requestBody?: unknown;
  description?: string;
}
type Operation = OpenApiOperation & {
  operationId?: string;
  description?: string;
  responses: Record<string, { links?: Record<string, Link> }>;
};
type Doc = OpenApiDoc & { paths: Record<string, Record<string, Operation>> };
type Schema = Record<string, unknown>;

/** Whatever the document route touches besides config and logger would throw here. */
const untouched = <T>(name: string) =>
  new Proxy({}, { get: (_, key) => { throw new Error(`building the OpenAPI document touched ${name}.${String(key)}`); } }) as T;

let doc: Doc;
const byKey = new Map<string, Operation>();

beforeAll(async () => {
  const config = parseConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const deps: ApiDeps = {
    config,
    db: untouched('db'),
    es: untouched('es'),
    temporal: untouched('temporal'),
    temporalConnection: untouched('temporalConnection'),
    logger: createLogger(config),
    searchTaskQueue: 'unused',
  };
  const res = await createApp(deps).request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  for (const { key, op } of operationsOf(doc)) byKey.set(key, op as Operation);
});

const op = (key: string) => {
  const found = byKey.get(key);
  if (!found) throw new Error(`no operation ${key} in the document`);
  return found;
};

/** The operation a link targets, as `METHOD /path`, or a reason it resolves to none. */
function target(link: Link): { key: string } | { error: string } {
  if (link.operationId && link.operationRef) return { error: 'names both operationId and operationRef' };
  if (link.operationId) {
    const found = operationsOf(doc).find((o) => (o.op as Operation).operationId === link.operationId);
    return found ? { key: found.key } : { error: `no operation has operationId ${link.operationId}` };
  }
  const ref = link.operationRef ?? '';
  if (!ref.startsWith('#/paths/')) return { error: `operationRef ${ref} is not a pointer into this document's paths` };
  // A URI fragment holding a JSON pointer: percent-decode, then unescape ~1 and ~0.
  const [path, method, ...rest] = decodeURIComponent(ref.slice('#/paths/'.length))
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (!path || !method || rest.length) return { error: `operationRef ${ref} does not point at an operation` };
  const key = `${method.toUpperCase()} ${path}`;
  return byKey.has(key) ? { key } : { error: `operationRef ${ref} points at nothing (${key})` };
}

/** Follows `#/components/...` references. */
function deref(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === 'string' && i < 10; i++) {
    s = (s.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], doc) as Schema | undefined;
  }
  return s;
}

/** Whether a JSON pointer names a property the schema declares. */
function pointerExists(schema: Schema | undefined, pointer: string): boolean {
  let s = deref(schema);
  for (const token of pointer.split('/').slice(1)) {
    s = deref((s?.properties as Record<string, Schema> | undefined)?.[token]);
    if (!s) return false;
  }
  return true;
}

const SUCCESS = ['200', '201', '202'];

/** Creates: POSTs answering 201 or 202, with what each must link to. */
function creates() {
  return operationsOf(doc).filter(({ method, op }) => method === 'post' && (op.responses['201'] || op.responses['202']));
}

function linksOf(key: string): [string, Link, string][] {
  const o = op(key);
  return SUCCESS.flatMap((status) => Object.entries(o.responses[status]?.links ?? {}).map(([name, l]) => [name, l, status] as [string, Link, string]));
}

function allLinks() {
  return operationsOf(doc).flatMap(({ key }) => linksOf(key).map(([name, link, status]) => ({ from: key, status, name, link })));
}

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validateOpenApi(doc);
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result.valid).toBe(true);
  });

  test('operationIds are unique', () => {
    const ids = operationsOf(doc).map((o) => (o.op as Operation).operationId).filter(Boolean);
    expect(ids.length).toBeGreaterThanOrEqual(20);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

describe('links from create operations', () => {
  test('every create operation\'s success response has links', () => {
    const keys = creates().map((c) => c.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /v1/users',
        'POST /v1/properties',
        'POST /v1/properties/{id}/units',
        'POST /v1/listings',
        'POST /v1/leases',
        'POST /v1/admin/import/listings',
        'POST /v1/admin/search/reindex',
        'POST /v1/parcels',
      ]),
    );
    expect(keys.filter((k) => linksOf(k).length === 0)).toEqual([]);
  });

  test.each([
    ['POST /v1/users', '/v1/users/{id}'],
    ['POST /v1/properties', '/v1/properties/{id}'],
    ['POST /v1/listings', '/v1/listings/{id}'],
    ['POST /v1/leases', '/v1/leases/{id}'],
    ['POST /v1/admin/import/listings', '/v1/admin/imports/{id}'],
    ['POST /v1/parcels', '/v1/parcels/{id}'],
  ])('%s links to every operation on %s and below', (create, prefix) => {
    const linked = new Set(linksOf(create).map(([, l]) => ('key' in target(l) ? (target(l) as { key: string }).key : '')));
    const using = operationsOf(doc).filter((o) => o.path === prefix || o.path.startsWith(`${prefix}/`)).map((o) => o.key);
    expect(using.length).toBeGreaterThan(0);
    expect(using.filter((k) => !linked.has(k))).toEqual([]);
  });

  test('the new property is linked into creating a listing, and the new unit too', () => {
    const bodies = (key: string) => linksOf(key).filter(([, l]) => (target(l) as { key?: string }).key === 'POST /v1/listings').map(([, l]) => l.requestBody);
    expect(bodies('POST /v1/properties')).toEqual([expect.objectContaining({ propertyId: '$response.body#/id' })]);
    expect(bodies('POST /v1/properties/{id}/units')).toEqual([
      expect.objectContaining({ propertyId: '$response.body#/propertyId', unitId: '$response.body#/id' }),
    ]);
  });

  test('every link names an operation of the document, by operationId or a resolving operationRef', () => {
    const links = allLinks();
    expect(links.length).toBeGreaterThanOrEqual(25);
    expect(links.some(({ link }) => link.operationRef)).toBe(true);
    const broken = links.flatMap(({ from, name, link }) => {
      const t = target(link);
      return 'error' in t ? [`${from} ${name}: ${t.error}`] : [];
    });
    expect(broken).toEqual([]);
  });

  test('every link parameter is a parameter of its target, fed from a field the response has', () => {
    const wrong = allLinks().flatMap(({ from, status, name, link }) => {
      const t = target(link);
      if ('error' in t) return [`${from} ${name}: ${t.error}`];
      const params = op(t.key).parameters ?? [];
      const source = op(from).responses[status] as { content?: Record<string, { schema?: Schema }> };
      return Object.entries(link.parameters ?? {}).flatMap(([qualified, expression]) => {
        const [where, paramName] = qualified.includes('.') ? (qualified.split('.', 2) as [string, string]) : [undefined, qualified];
        const problems: string[] = [];
        if (!params.some((p) => p.name === paramName && (!where || p.in === where))) problems.push(`${t.key} has no parameter ${qualified}`);
        const m = /^\$response\.body#(\/.*)$/.exec(String(expression));
        if (!m) problems.push(`${qualified}: ${String(expression)} is not a $response.body expression`);
        else if (!pointerExists(source.content?.['application/json']?.schema, m[1]!)) problems.push(`${qualified}: the response has no ${m[1]}`);
        return problems.map((p) => `${from} ${name}: ${p}`);
      });
    });
    expect(wrong).toEqual([]);
  });

  test('every link request body is a body its target accepts, fed from fields the response has', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const withBody = allLinks().filter(({ link }) => link.requestBody !== undefined);
    expect(withBody.length).toBeGreaterThanOrEqual(2);
    const wrong = withBody.flatMap(({ from, status, name, link }) => {
      const t = target(link);
      if ('error' in t) return [`${from} ${name}: ${t.error}`];
      const bodySchema = op(t.key).requestBody?.content['application/json']?.schema;
      if (!bodySchema) return [`${from} ${name}: ${t.key} takes no JSON body`];
      const source = (op(from).responses[status] as { content?: Record<string, { schema?: Schema }> }).content?.['application/json']?.schema;
      const problems: string[] = [];
      // Runtime expressions stand for the response's uuids.
      const sample = JSON.parse(
        JSON.stringify(link.requestBody, (_, v: unknown) => {
          if (typeof v !== 'string' || !v.startsWith('$')) return v;
          const m = /^\$response\.body#(\/.*)$/.exec(v);
          if (!m || !pointerExists(source, m[1]!)) problems.push(`${v} names nothing in the response`);
          return '3f0c8a4e-6b1d-4c2a-9e5f-7a8b9c0d1e2f';
        }),
      ) as unknown;
      const validate = ajv.compile({ ...bodySchema, components: doc.components });
      if (!validate(sample)) problems.push(...(validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`));
      return problems.map((p) => `${from} ${name}: ${p}`);
    });
    expect(wrong).toEqual([]);
  });
});

describe('descriptions state the rules the JSON schema cannot', () => {
  // A few key words per rule, so a later edit cannot silently drop one.
  test.each<[string, string[]]>([
    ['POST /v1/users', ['`email`', 'case', '409', 'twice']],
    ['POST /v1/properties', ['`ownerId`', '`managerId`', 'owner role', 'manager role', 'user record', 'half']],
    ['PATCH /v1/properties/{id}', ['`managerId`', 'manager role', 'null removes', '`address` replaces', 'half', '403', '404']],
    ['POST /v1/properties/{id}/units', ['`label` is unique', '409', 'half', '403', '404']],
    ['GET /v1/properties/{id}', ['owner', 'manager', '404']],
    ['GET /v1/properties/{id}/units', ['owner', 'manager', '404']],
    ['POST /v1/listings', ['`propertyId`', 'own or manage', '`unitId`', 'unit of that property', '1800-01-01', '2200-12-31']],
    ['GET /v1/listings/{id}', ['draft', 'withdrawn', '404']],
    [
      'PATCH /v1/listings/{id}',
      [
        'at least one field',
        '`draft` → `active`, `withdrawn`',
        '`withdrawn` → `draft`, `active`',
        '`sold` is final',
        '`rented` is final',
        'for sale becomes `sold`',
        'for rent `rented`',
        '409',
        '`soldPrice.currency`',
        '`price.currency`',
        '1800-01-01',
      ],
    ],
    [
      'GET /v1/search/listings',
      [
        '`radiusKm`',
        '`sort=distance` only with `near`',
        '`minPrice` ≤ `maxPrice`',
        '`minArea` ≤ `maxArea`',
        'decimals',
        '±90',
        '±180',
        'minLat ≤ maxLat',
        'comma-separated',
        '`cursor` is opaque',
        'same `sort`',
        '422',
      ],
    ],
    ['POST /v1/admin/import/listings', ['`source`', 'slug', 'empty', '`body`', '413']],
    ['POST /v1/leases', ['currency', 'tenant role', '31 days ago', '730 days ahead', '`unitId`']],
    ['POST /v1/parcels', ['`zoningCode`', '`jurisdiction`', '`apn`', '409', 'computed from `boundary`', 'centroid', '1,000,000,000 sqft', 'owner or manager role']],
    ['POST /v1/parcels/{id}/zoning-check', ['`by_right`', '`conditional`', '`prohibited`', 'floor-area ratio', '× `floors`', 'larger than the lot', '404']],
    ['GET /v1/parcels', ['`near` and `radiusM` go together', 'id order', '5,000 candidates']],
    ['POST /v1/parcels/search', ['`intersects`', 'touching counts', 'intersects.coordinates.0.3']],
    ['PUT /v1/zoning-districts/{jurisdiction}/{code}', ['201', '200', 'at most once', 'two decimals']],
    ['PATCH /v1/properties/{id}', ['parcel', '`lotAreaSqft`', '`zoningCode`']],
  ])('%s', (key, words) => {
    const description = op(key).description ?? '';
    expect(words.filter((w) => !description.includes(w))).toEqual([]);
  });
});
