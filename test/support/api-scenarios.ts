/**
 * Shared by the API contract and authorisation tests: request bodies that the
 * API accepts, tokens it must refuse, the OpenAPI document's shape, response
 * validation against the documented JSON schemas, and waits for the
 * workflows (imports, reindex) a test starts.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { sign } from 'hono/jwt';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { Role } from '../../domain/roles';
import { createSearchWorker } from '../../workers/search-worker';
import { createStripe } from '../../lib/stripe';
import { QueryTypes } from 'sequelize';
import { DEFAULT_RENEWAL } from '../../contracts/lease';
import { FINAL_STAGES, type PurchaseState } from '../../contracts/purchase';
import { searchReindexWorkflowId } from '../../contracts/search';
import { addDays, daysBetween, todayUtc } from '../../domain/calendar';
import { leaseEndDate, rentSchedule } from '../../domain/rent-schedule';
import { applicant } from './leases';
import { savedCard } from './stripe';
import { startLeaseWorkers, startPurchaseWorkers } from './workers';
import { eventually, requestVia, workflowBundle, type Harness } from './harness';

import { AMES_CSV_PATH as AMES_CSV } from './ames';
import { AMES_EFFECTIVE_DATE, AMES_ZONING_DISTRICTS } from '../../models/migrations/0015-parcels';

export { AMES_CSV };

// ---------------------------------------------------------------- OpenAPI

export interface OpenApiMedia {
  schema?: Record<string, unknown>;
}
export interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, OpenApiMedia> };
  responses: Record<string, { description: string; content?: Record<string, OpenApiMedia> }>;
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, Record<string, unknown>> };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation of the document as `METHOD /path` with its object. */
export function operationsOf(doc: OpenApiDoc): { key: string; method: string; path: string; op: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
}

const VALIDATE_OPENAPI = `
import { Validator } from '@seriousme/openapi-schema-validator';
let text = '';
for await (const chunk of process.stdin) text += chunk;
const v = new Validator();
const r = await v.validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ valid: r.valid, errors: r.valid ? undefined : v.errors ?? r.errors }));
`;

/**
 * Validates a document with @seriousme/openapi-schema-validator. The package
 * is ESM only, which Jest's CommonJS runtime cannot load on Node 20, so it
 * runs in a plain Node process.
 */
export function validateOpenApi(doc: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '--eval', VALIDATE_OPENAPI],
      { cwd: path.resolve(__dirname, '../..'), maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`openapi-schema-validator failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as { valid: boolean; errors?: unknown });
      },
    );
    child.stdin!.end(JSON.stringify(doc));
  });
}

/**
 * Validates response bodies against the JSON schemas the document declares
 * for them (OpenAPI 3.1 schemas are JSON Schema 2020-12; `#/components/...`
 * references resolve against the document's own components).
 */
export function responseValidator(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const cache = new Map<string, ValidateFunction>();
  return (key: string, status: number, contentType: string, body: unknown): string[] => {
    const [method, path] = key.split(' ') as [string, string];
    const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response) return [`${key} does not document ${status}`];
    const schema = response.content?.[contentType]?.schema;
    if (!schema) return [`${key} ${status} documents no ${contentType} body`];
    const id = `${key} ${status} ${contentType}`;
    let validate = cache.get(id);
    if (!validate) {
      validate = ajv.compile({ ...schema, components: doc.components });
      cache.set(id, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

// ---------------------------------------------------------------- problems

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

export const problemKind = (p: ProblemBody) => p.type.replace('https://trilight.homes/problems/', '');

/** Asserts an RFC 9457 answer: the media type, the members and the status in the body. */
export async function expectProblem(res: Response, status: number, kind?: string): Promise<ProblemBody> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemBody;
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.status).toBe(status);
  if (kind) expect(problemKind(body)).toBe(kind);
  return body;
}

export const errorFields = (p: ProblemBody) => (p.errors ?? []).map((e) => e.field);

// ---------------------------------------------------------------- tokens

/** HS256 tokens the API must refuse: another secret (claiming admin), or the right one but expired. */
export async function refusedToken(kind: 'wrong-secret' | 'expired', secret: string, userId: string, roles: Role[]) {
  const now = Math.floor(Date.now() / 1000);
  if (kind === 'wrong-secret') {
    return sign({ sub: userId, roles: ['admin', ...roles], iat: now, exp: now + 3600 }, `not-the-api-secret-${randomUUID()}`, 'HS256');
  }
  return sign({ sub: userId, roles, iat: now - 7200, exp: now - 3600 }, secret, 'HS256');
}

// ---------------------------------------------------------------- bodies

export const newUserBody = (roles: Role[] = ['buyer']) => ({
  email: `contract-${randomUUID()}@test.trilight.local`,
  name: 'Contract Person',
  roles,
});

export const propertyBody = (extra: Record<string, unknown> = {}) => ({
  address: { line1: '7 Larkspur Row', city: 'Ames', region: 'IA', postalCode: '50010', country: 'US' },
  location: { lat: 42.0308, lon: -93.6319 },
  type: 'house',
  bedrooms: 3,
  bathrooms: 2,
  livingAreaSqft: 1500,
  ...extra,
});

export const listingBody = (propertyId: string, extra: Record<string, unknown> = {}) => ({
  propertyId,
  purpose: 'sale',
  price: { amountMinor: 23_500_000, currency: 'USD' },
  description: 'Contract-test listing',
  ...extra,
});

export async function created<T extends { id: string }>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (res.status !== 201) throw new Error(`creating ${what}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** A property owned by `token`'s user (an owner), optionally naming its manager. */
export async function createProperty(h: Harness, token: string, extra: Record<string, unknown> = {}) {
  return created<{ id: string; ownerId: string; managerId: string | null }>(
    await h.request('/v1/properties', { method: 'POST', token, json: propertyBody(extra) }),
    'property',
  );
}

export async function createListing(h: Harness, token: string, propertyId: string, extra: Record<string, unknown> = {}) {
  return created<{ id: string; status: string }>(
    await h.request('/v1/listings', { method: 'POST', token, json: listingBody(propertyId, extra) }),
    'listing',
  );
}

// ---------------------------------------------------------------- land

/** A parcel boundary in Ames: 0.0005° of longitude by 0.0003° of latitude (about 41 m by 33 m) from its south-west corner. */
export const amesLot = (lon = -93.63, lat = 42.03) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + 0.0005, lat], [lon + 0.0005, lat + 0.0003], [lon, lat + 0.0003], [lon, lat]]],
});

/** A parcel the API accepts: a lot in Ames, zoned RL, with an APN of its own. */
export const parcelBody = (extra: Record<string, unknown> = {}) => ({
  address: { city: 'Ames', region: 'IA', postalCode: '50010', country: 'US' },
  jurisdiction: 'ames-ia',
  apn: `T-${randomUUID().slice(0, 13)}`,
  zoningCode: 'RL',
  boundary: amesLot(),
  utilities: { water: 'municipal', sewer: 'municipal', electric: true, gas: true, internet: true },
  roadAccess: 'paved',
  legalDescription: 'Lot 4, Block 2, Contract Addition, Ames, Story County, Iowa',
  ...extra,
});

export async function createParcel(h: Harness, token: string, extra: Record<string, unknown> = {}) {
  return created<{ id: string; propertyId: string; ownerId: string; areaSqft: number }>(
    await h.request('/v1/parcels', { method: 'POST', token, json: parcelBody(extra) }),
    'parcel',
  );
}

/** A two-storey house the seeded ames-ia RL district allows by right on an Ames lot. */
export const zoningCheckBody = (building: Record<string, unknown> = {}, use = 'single_family_dwelling') => ({
  use,
  building: { footprintSqft: 1_800, heightFt: 28, floors: 2, setbacksFt: { front: 30, side: 8, rear: 25 }, ...building },
});

/** The seeded ames-ia RL district as PUT takes it: putting it back changes nothing. */
export const seededRlDistrictBody = () => {
  const rl = AMES_ZONING_DISTRICTS.find((d) => d.code === 'RL')!;
  return { name: rl.name, rules: rl.rules, effectiveDate: AMES_EFFECTIVE_DATE };
};

// ---------------------------------------------------------------- imports

/** The Ames header and data lines, read from the shared data set at run time. */
export function amesLines(): { header: string; columns: string[]; rows: string[] } {
  const [header, ...rows] = fs.readFileSync(AMES_CSV, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  if (!header || rows.length < 3) throw new Error(`${AMES_CSV} has too few lines`);
  if (rows.slice(0, 3).some((l) => l.includes('"'))) throw new Error('expected unquoted CSV lines');
  return { header, columns: header.split(','), rows };
}

/** Header, two good rows and one whose Sale_Price is "abc". */
export function craftedCsv(): { csv: string; brokenRef: string } {
  const { header, columns, rows } = amesLines();
  const priceAt = columns.indexOf('Sale_Price');
  const broken = rows[2]!.split(',');
  if (priceAt < 0 || broken.length !== columns.length) throw new Error('unexpected Ames layout');
  broken[priceAt] = 'abc';
  return { csv: [header, rows[0], rows[1], broken.join(',')].join('\n') + '\n', brokenRef: broken[0]! };
}

export interface ImportReportBody {
  id: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  totalRows: number | null;
  rejections: { row: number; ref: string | null; reasons: string[] }[];
}

/** Polls an import's report until it has finished. */
export async function finishedImport(h: Harness, token: string, location: string, timeoutMs = 90_000): Promise<ImportReportBody> {
  return eventually(
    async () => {
      const res = await h.request(location, { token });
      if (res.status !== 200) throw new Error(`GET ${location}: ${res.status}`);
      const report = (await res.json()) as ImportReportBody;
      return report.status === 'completed' || report.status === 'failed' ? report : undefined;
    },
    timeoutMs,
    `import ${location} to finish`,
  );
}

// ---------------------------------------------------------------- reindex

/**
 * The reindex routes on an app of their own: the same code, deps and index
 * alias (so the same reindex workflow id), with a worker on a task queue that
 * a test can stop, to check what the routes answer with no worker polling.
 */
export async function reindexSandbox(h: Harness) {
  const taskQueue = `${h.taskQueue}-reindex`;
  const client = h.client;
  const app = createApp({ ...h.deps, searchTaskQueue: taskQueue });
  const worker = await createSearchWorker({
    connection: h.nativeConnection,
    namespace: h.config.temporal.namespace,
    taskQueue,
    deps: { db: h.db, es: h.es, indexPrefix: h.indexPrefix, temporal: client, searchTaskQueue: taskQueue },
    workflowBundle: await workflowBundle(),
    shutdownGraceSeconds: 5,
  });
  const running = worker.run();
  const workflowId = searchReindexWorkflowId(h.alias);
  const handle = client.workflow.getHandle(workflowId);
  return {
    app,
    client,
    taskQueue,
    workflowId,
    request: (path: string, init: Parameters<Harness['request']>[1] = {}) => requestVia(app, path, init),
    /** Waits until no reindex is running here. */
    async settle(timeoutMs = 120_000) {
      await eventually(
        async () => {
          try {
            return (await handle.describe()).status.name !== 'RUNNING';
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return true;
            throw err;
          }
        },
        timeoutMs,
        'the reindex to finish',
      );
    },
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}


/** A stack-trace fragment ("at fn (/x/y.ts:12:3)") in a response body. */
export const STACK_TRACE = /\bat\s+\S.*\.(ts|js|mjs|cjs):\d+|"stack"\s*:/;

// ---------------------------------------------------------------- leases

/** The lease workers on the harness's lease task queue (localstripe for cards). */
export const startLeaseWorker = (h: Harness) => startLeaseWorkers(h);

/** A localstripe customer with a card that pays. */
export const stripeCard = (h: Harness) => savedCard(createStripe(h.config));

export const MONTHLY_RENT = 150_000;

/**
 * The latest start date, within the last 30 days, for which a lease of
 * `termMonths` (rent due on the 1st, the default 60 days' notice) has made
 * its renewal offer by `today`: the offer comes with the first period due on
 * or after the notice date. Computed from the calendar with the rules the
 * workflow runs, so the answer holds whatever the day of the month.
 */
export function startDateWithRenewalOfferBy(today: string, termMonths: number): string {
  for (let back = 0; back <= 30; back++) {
    const start = addDays(today, -back);
    const end = leaseEndDate(start, termMonths);
    const offerOn = addDays(end, -DEFAULT_RENEWAL.noticeDays);
    const offeredWith = rentSchedule(start, end, MONTHLY_RENT).find((p) => daysBetween(offerOn, p.dueOn) >= 0);
    if (offeredWith && offeredWith.dueOn <= today) return start;
  }
  throw new Error(`no start within 30 days of ${today} has a ${termMonths}-month lease's renewal offer made by then`);
}

/**
 * A lease offer on `propertyId` to these tenants, starting today. `incomeTimesRent` sets the
 * applicant's income: 4× is approved at once; 2× goes to a person for a decision.
 */
export const leaseBody = (
  propertyId: string,
  tenantIds: string[],
  options: { incomeTimesRent?: number; paymentMethod?: { customerId: string; paymentMethodId: string } } & Record<string, unknown> = {},
) => {
  const { incomeTimesRent = 4, paymentMethod = { customerId: 'cus_none', paymentMethodId: 'pm_none' }, ...extra } = options;
  return {
    propertyId,
    tenants: tenantIds.map((userId) => ({ userId })),
    startDate: todayUtc(),
    termMonths: 12,
    monthlyRent: { amountMinor: MONTHLY_RENT, currency: 'USD' },
    deposit: { amountMinor: 200_000, currency: 'USD' },
    application: applicant(MONTHLY_RENT * incomeTimesRent),
    paymentMethod,
    ...extra,
  };
};

export interface LeaseStateBody {
  leaseId: string;
  status: string;
  source: string;
  document: { documentId: string; sha256: string } | null;
  signatures: { userId: string }[];
  paidMinor: number;
  renewalOffer: { answer: string | null } | null;
}

/** Starts a lease through the API (202) and returns its id. */
export async function startLease(h: Harness, token: string, body: unknown): Promise<string> {
  const res = await h.request('/v1/leases', { method: 'POST', token, json: body });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`starting a lease: ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { leaseId: string }).leaseId;
}

/** Polls GET /v1/leases/{id} until `ready` holds for its state. */
export function leaseWhen(h: Harness, token: string, leaseId: string, ready: (s: LeaseStateBody) => boolean, what: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const res = await h.request(`/v1/leases/${leaseId}`, { token });
      if (res.status !== 200) throw new Error(`GET lease: ${res.status}`);
      const s = (await res.json()) as LeaseStateBody;
      return s.source === 'workflow' && ready(s) ? s : undefined;
    },
    timeoutMs,
    what,
  );
}

/** Terminates every lease workflow this file's database knows of. */
export async function terminateLeases(h: Harness) {
  const rows = await h.db.query<{ workflow_id: string | null }>('select workflow_id from leases', { type: QueryTypes.SELECT });
  await Promise.allSettled(
    rows.filter((r) => r.workflow_id).map((r) => h.client.workflow.getHandle(r.workflow_id!).terminate('test finished')),
  );
}

/**
 * Ends a scenario file: lets its imports and reindex finish, stops their
 * workers, terminates its leases and closes the harness (each step best-effort,
 * so one failed step still closes the rest).
 */
export async function closeScenario(
  h: Harness | undefined,
  opts: { token: () => string; importLocations: string[]; reindex?: Awaited<ReturnType<typeof reindexSandbox>>; leaseWorker?: { stop(): Promise<void> } },
) {
  if (!h) return;
  for (const location of opts.importLocations) await finishedImport(h, opts.token(), location).catch(() => undefined);
  if (opts.reindex) {
    await opts.reindex.settle().catch(() => undefined);
    await opts.reindex.stopWorker();
  }
  await terminateLeases(h).catch(() => undefined);
  await opts.leaseWorker?.stop();
  await h.close();
}

// ---------------------------------------------------------------- purchases

/** An offer's terms in USD: cash, 5,000.00 earnest money, an inspection contingency, closing today, open for two days. */
export const offerTerms = (priceMinor: number, extra: Record<string, unknown> = {}) => ({
  priceMinor,
  currency: 'USD',
  earnestMoneyMinor: 500_000,
  earnestMoneyDueBusinessDays: 3,
  financing: { type: 'cash', downPaymentMinor: priceMinor },
  contingencies: [{ kind: 'inspection', days: 10, count: 'calendar' }],
  onMissedDeadline: 'waived',
  closingDate: todayUtc(),
  sellerCreditMinor: 0,
  expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  ...extra,
});

/** Financed terms: a conventional loan for 80% of the price, with inspection and appraisal contingencies. */
export const financedTerms = (priceMinor: number) =>
  offerTerms(priceMinor, {
    financing: { type: 'conventional', downPaymentMinor: priceMinor / 5 },
    contingencies: [
      { kind: 'inspection', days: 10, count: 'calendar' },
      { kind: 'appraisal', days: 17, count: 'calendar' },
    ],
  });

export type PurchaseStateBody = PurchaseState & { source: string };

/** Makes an offer through the API (202) and waits until its workflow has recorded it (the seller's side-by-side view reads the record). */
export async function makeOffer(h: Harness, token: string, listingId: string, body: unknown): Promise<string> {
  const res = await h.request(`/v1/listings/${listingId}/offers`, { method: 'POST', token, json: body });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`making an offer: ${res.status} ${text.slice(0, 500)}`);
  const { purchaseId } = JSON.parse(text) as { purchaseId: string };
  await eventually(
    async () => {
      const rows = await h.db.query(`select 1 from purchases where id = $1 and state->'negotiation' is not null`, { bind: [purchaseId], type: QueryTypes.SELECT });
      return rows.length > 0;
    },
    60_000,
    'the offer recorded',
  );
  return purchaseId;
}

/** Polls GET /v1/purchases/{id} until the workflow answers and `ready` holds for its state. */
export function purchaseWhen(h: Harness, token: string, purchaseId: string, ready: (s: PurchaseStateBody) => boolean, what: string, timeoutMs = 90_000) {
  return eventually(
    async () => {
      const res = await h.request(`/v1/purchases/${purchaseId}`, { token });
      if (res.status !== 200) throw new Error(`GET purchase: ${res.status}`);
      const s = (await res.json()) as PurchaseStateBody;
      return s.source === 'workflow' && ready(s) ? s : undefined;
    },
    timeoutMs,
    what,
  );
}

/** The buyer's offer on the listing, accepted by the seller's side, with its contract drawn up (checklist, title, the agreement's PDF). */
export async function purchaseUnderContract(h: Harness, buyerToken: string, sellerToken: string, listingId: string, terms: unknown): Promise<PurchaseStateBody> {
  const purchaseId = await makeOffer(h, buyerToken, listingId, { terms });
  const res = await h.request(`/v1/purchases/${purchaseId}/acceptance`, { method: 'POST', token: sellerToken, json: { others: 'reject' } });
  if (res.status !== 200) throw new Error(`accepting the offer: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return purchaseWhen(h, buyerToken, purchaseId, (s) => s.stage === 'under_contract' && s.closing.documents.length > 0, 'the contract drawn up');
}

/** Terminates the purchase workflows of this file's database that have not finished. */
export async function terminatePurchases(h: Harness) {
  const rows = await h.db.query<{ workflow_id: string }>(`select workflow_id from purchases where not (stage = any($1::text[]))`, { bind: [FINAL_STAGES], type: QueryTypes.SELECT });
  await Promise.allSettled(rows.map((r) => h.client.workflow.getHandle(r.workflow_id).terminate('test finished')));
}

/**
 * The purchase workers beside startLeaseWorker's: a process may run only one worker per task queue, and the
 * lease workers already serve the harness's notifications queue, so the purchases' e-mails get a queue of their own.
 */
export const startPurchaseWorker = (h: Harness) => startPurchaseWorkers({ ...h, notificationTaskQueue: `${h.notificationTaskQueue}-purchases` });
