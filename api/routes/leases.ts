/**
 * Leases: an owner or manager (or an admin) offers a lease on a property to
 * one or more tenants; a Temporal workflow per lease then screens, drafts the
 * agreement, collects every party's signature, takes the deposit and bills
 * rent. The routes read its state (query), carry people's decisions to it
 * (updates) and read the ledger and documents it leaves in Postgres.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import { addDays, isValidDate, todayUtc } from '../../domain/calendar';
import { effectivePolicy, LateFeePolicyOverrideSchema, LateFeePolicySchema } from '../../domain/late-fees';
import { organizationLateFeePolicy } from '../../lib/late-fee-policy';
import { initialLeaseState } from '../../domain/lease-state';
import { LEASE_STATUSES, LeaseApplicationSchema, LeaseTermsSchema, type LeaseInput, type LeaseParty, type LeaseState, type LeaseStatus } from '../../domain/lease';
import { MoneySchema } from '../../domain/money';
import { ledgerBalances } from '../../lib/ledger';
import { Property, Unit, User } from '../../models';
import {
  leaseStateQuery,
  leaseWorkflowId,
  addNoteUpdate,
  cancelUpdate,
  manualPaymentUpdate,
  moveOutUpdate,
  renewalDecisionUpdate,
  screeningDecisionUpdate,
  terminateUpdate,
  signUpdate,
  type leaseWorkflow,
} from '../../workflows/lease';
import { canManage, canRead, isStaff } from '../access';
import { AccountSchema, DocumentSchema, InvoiceSchema, leaseAccount, listDocuments, listInvoices, listPayments, PaymentSchema } from '../lease-reads';
import type { ApiDeps, AppEnv, Principal } from '../deps';
import { ApiProblem, fieldError, forbidden, issuesToProblem, notFound } from '../problem';
import { json, problems, route } from '../route';

const IdParams = z.object({ id: z.uuid() });
const today = todayUtc;

/** Lease offers start at most this long ago (back rent is not billed through the API) and at most this far ahead. */
const MAX_START_DAYS_AGO = 31;
const MAX_START_DAYS_AHEAD = 730;
/** How long a request waits for the lease worker to answer an update or a query. */
const UPDATE_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = 3_000;

const CalendarDate = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD');

export const LeaseCreateSchema = z
  .object({
    propertyId: z.uuid().describe('A property you own or manage'),
    unitId: z.uuid().optional().describe('The unit, in a multi-unit building'),
    tenants: z
      .array(z.object({ userId: z.uuid() }))
      .min(1)
      .max(10)
      .describe('Users holding the tenant role; each signs'),
    startDate: CalendarDate.describe(`From ${MAX_START_DAYS_AGO} days ago to ${MAX_START_DAYS_AHEAD} days ahead`),
    termMonths: z.number().int().min(1).max(60),
    monthlyRent: MoneySchema.refine((m) => m.amountMinor > 0, { path: ['amountMinor'], message: 'must be positive' }),
    deposit: MoneySchema,
    dueDay: z.number().int().min(1).max(28).optional().describe('Day of the month rent is due (default 1)'),
    lateFeePolicy: LateFeePolicyOverrideSchema.optional().describe(
      'This lease\'s override of the property\'s and the organization\'s late-fee policy (set fields only); see GET /v1/admin/late-fee-policy',
    ),
    earlyTerminationFee: MoneySchema.optional().describe('Charged if the lease is ended early; one month of rent if not set'),
    clauses: z.array(z.string().trim().min(1).max(4000)).max(50).optional(),
    application: LeaseApplicationSchema,
    paymentMethod: z.object({
      customerId: z.string().trim().min(1).max(255).describe('Stripe customer of the paying tenant'),
      paymentMethodId: z.string().trim().min(1).max(255).describe('Their saved card'),
    }),
  })
  .superRefine((b, ctx) => {
    if (b.deposit.currency !== b.monthlyRent.currency) {
      ctx.addIssue({ code: 'custom', path: ['deposit', 'currency'], message: 'must be the rent currency' });
    }
    const ids = b.tenants.map((t) => t.userId);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['tenants', i, 'userId'], message: 'names the same tenant twice' });
    });
    if (isValidDate(b.startDate) && (b.startDate < addDays(today(), -MAX_START_DAYS_AGO) || b.startDate > addDays(today(), MAX_START_DAYS_AHEAD))) {
      ctx.addIssue({ code: 'custom', path: ['startDate'], message: `must be within ${MAX_START_DAYS_AGO} days ago and ${MAX_START_DAYS_AHEAD} days ahead` });
    }
  })
  .openapi('LeaseCreate');

const LeaseStartedSchema = z
  .object({ leaseId: z.uuid(), workflowId: z.string(), status: z.enum(LEASE_STATUSES), location: z.string() })
  .openapi('LeaseStarted');

const SignatureSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(['tenant', 'landlord', 'manager']),
  signedAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  documentSha256: z.string(),
});

const LeaseStateSchema = z
  .object({
    leaseId: z.uuid(),
    status: z.enum(LEASE_STATUSES),
    source: z.enum(['workflow', 'database']).describe('`database` when the workflow could not be asked: only `status` is known then'),
    screening: z.object({ decision: z.enum(['approve', 'review', 'reject']), reasons: z.array(z.string()) }).nullable(),
    decisions: z.array(z.object({ at: z.string(), by: z.string(), decision: z.string(), reason: z.string() })),
    document: z.object({ documentId: z.string(), sha256: z.string() }).nullable().describe('The current agreement; sign its sha256'),
    signatures: z.array(SignatureSchema),
    signingDeadline: z.string().nullable(),
    periodsBilled: z.number().int(),
    term: z.number().int().describe('1 for the original term, then one more per renewal'),
    termEnd: z.string().nullable(),
    renewalOffer: z
      .object({
        monthlyRentMinor: z.number().int(),
        termMonths: z.number().int(),
        offeredOn: z.string(),
        respondBy: z.string(),
        answer: z.enum(['accepted', 'declined']).nullable(),
      })
      .nullable(),
    nextDue: z.object({ dueOn: z.string(), amountMinor: z.number().int() }).nullable(),
    paidMinor: z.number().int(),
    feesMinor: z.number().int(),
    parties: z.array(z.object({ userId: z.string(), name: z.string(), role: z.enum(['tenant', 'landlord', 'manager']) })).optional(),
    termStart: z.string().nullable().optional(),
    notes: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })).optional(),
    termination: z
      .object({ requestedBy: z.string(), requestedOn: z.string(), moveOutOn: z.string(), reason: z.string(), feeMinor: z.number().int() })
      .nullable()
      .optional(),
    reversals: z
      .array(z.object({ paymentId: z.string(), amountMinor: z.number().int(), feeMinor: z.number().int(), reason: z.enum(['returned', 'refunded']) }))
      .optional(),
    history: z.array(z.object({ at: z.string(), event: z.string() })),
  })
  .openapi('LeaseState');

const LeaseTermsSummarySchema = z
  .object({
    startDate: z.string(),
    termMonths: z.number().int(),
    monthlyRent: MoneySchema,
    deposit: MoneySchema,
    dueDay: z.number().int(),
    lateFeePolicy: LateFeePolicySchema.describe('The effective policy: organization, then property, then lease'),
    earlyTerminationFee: MoneySchema.nullable(),
  })
  .openapi('LeaseTermsSummary');

const LeaseViewSchema = LeaseStateSchema.extend({ terms: LeaseTermsSummarySchema.nullable(), account: AccountSchema }).openapi('LeaseView');

/** The terms as offered (a renewal's new rent and term are in the state). */
function termsSummary(row: LeaseRow): z.infer<typeof LeaseTermsSummarySchema> | null {
  const t = row.terms;
  if (!t) return null;
  return {
    startDate: t.startDate,
    termMonths: t.termMonths,
    monthlyRent: t.monthlyRent,
    deposit: t.deposit,
    dueDay: t.dueDay,
    lateFeePolicy: t.lateFeePolicy,
    earlyTerminationFee: t.earlyTerminationFee ?? null,
  };
}

const ScreeningDecisionSchema = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(1000) })
  .openapi('ScreeningDecision');

const RenewalDecisionSchema = z.object({ accept: z.boolean().describe('true accepts the renewal offer, false declines it') }).openapi('RenewalDecision');

const TerminationSchema = z
  .object({
    moveOutOn: CalendarDate.describe('The last day of the tenancy; rent is prorated to it'),
    reason: z.string().trim().min(1).max(1000),
  })
  .openapi('Termination');

const NoteSchema = z.object({ text: z.string().trim().min(1).max(4000) }).openapi('LeaseNote');

const CancellationSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).openapi('Cancellation');

const MoveOutSchema = z
  .object({
    deductions: z
      .array(z.object({ description: z.string().trim().min(1).max(300), amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }))
      .max(100)
      .refine((ds) => ds.reduce((n, d) => n + d.amountMinor, 0) <= 1_000_000_000_000, 'the deductions add up to more than can be charged')
      .describe('Itemized deductions from the deposit, in the lease currency'),
  })
  .openapi('MoveOut');

const SignatureRequestSchema = z
  .object({
    documentSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex (64 characters)')
      .describe('The sha256 of the agreement you read (`document.sha256` of the lease)'),
  })
  .openapi('SignatureRequest');

const ManualPaymentSchema = z
  .object({
    amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    method: z.enum(['cash', 'check', 'bank_transfer']),
    receivedOn: CalendarDate.refine((d) => !isValidDate(d) || (d <= today() && d >= '2000-01-01'), 'must not be in the future'),
  })
  .openapi('ManualPayment');

const PaymentRecordedSchema = z
  .object({ paymentId: z.uuid(), allocatedMinor: z.number().int().describe('How much of it settled open charges') })
  .openapi('PaymentRecorded');

const LedgerSchema = z
  .object({
    leaseId: z.uuid(),
    balances: z.record(z.string(), z.number().int()).describe('Per account, in its normal direction'),
    transactions: z.array(
      z.object({
        id: z.uuid(),
        kind: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        occurredOn: z.string(),
        reference: z.string().nullable(),
        memo: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('LeaseLedger');

// ------------------------------------------------------------------------------------------------

interface LeaseRow {
  id: string;
  property_id: string | null;
  status: LeaseStatus;
  terms: LeaseInput['terms'] | null;
  tenant_ids: string[];
  workflow_id: string | null;
}

interface VisibleLease {
  row: LeaseRow;
  property: Property | null;
}

/** A lease the caller may see: staff, the property's owner or manager, the lease's tenants. Others get 404. */
async function visibleLease(db: ApiDeps['db'], p: Principal, id: string): Promise<VisibleLease> {
  const [row] = await db.query<LeaseRow>('select id, property_id, status, terms, tenant_ids, workflow_id from leases where id = $1', {
    bind: [id],
    type: QueryTypes.SELECT,
  });
  if (!row) throw notFound('lease');
  const property = row.property_id ? await Property.findByPk(row.property_id) : null;
  const visible = isStaff(p) || (property !== null && canRead(p, property)) || row.tenant_ids.includes(p.userId);
  if (!visible) throw notFound('lease');
  return { row, property };
}

async function manageableLease(db: ApiDeps['db'], p: Principal, id: string): Promise<VisibleLease> {
  const lease = await visibleLease(db, p, id);
  if (!lease.property || !canManage(p, lease.property)) throw forbidden('only the property\'s owner, its manager or an admin may do this');
  return lease;
}

const leaseHandle = (deps: ApiDeps, lease: LeaseRow) =>
  deps.temporal.workflow.getHandle<typeof leaseWorkflow>(lease.workflow_id ?? leaseWorkflowId(lease.id));

/** Runs a workflow update; a rejection by the workflow (or a finished workflow) is 409 with the reason. */
async function runUpdate<T>(deps: ApiDeps, lease: LeaseRow, run: () => Promise<T>): Promise<T> {
  try {
    // A deadline on the call itself, so nothing keeps retrying after the answer.
    return await deps.temporalConnection.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, run);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause instanceof Error ? err.cause.message : err.message;
      throw new ApiProblem(409, 'invalid-state', reason);
    }
    if (err instanceof WorkflowNotFoundError) {
      throw new ApiProblem(409, 'invalid-state', `the lease is ${lease.status}; it takes no more changes`);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(err)) {
      throw new ApiProblem(503, 'service-unavailable', 'the lease workflow did not answer in time; check the lease before retrying');
    }
    throw err;
  }
}

const isDeadlineExceeded = (err: unknown) =>
  err instanceof Error && (/deadline/i.test(err.message) || (err.cause instanceof Error && /deadline/i.test(err.cause.message)));

/** Managers' notes are internal: tenants and other parties do not see them. */
const seesNotes = (p: Principal, lease: VisibleLease) => isStaff(p) || (lease.property !== null && canManage(p, lease.property));

function stateToApi(state: LeaseState, showNotes = true) {
  if (!showNotes) {
    const { notes: _internal, ...visible } = state;
    return { ...visible, source: 'workflow' as const };
  }
  return { ...state, source: 'workflow' as const };
}

function fallbackState(row: LeaseRow) {
  return { ...initialLeaseState(row.id, row.status), source: 'database' as const };
}

/** Printable ASCII only, bounded: these end up on the signed PDF's audit page. */
const printable = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

function clientIp(c: Context<AppEnv>): string {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return printable(forwarded, 64);
  try {
    return printable(getConnInfo(c).remote.address ?? '0.0.0.0', 64);
  } catch {
    return '0.0.0.0'; // no connection (an in-process request)
  }
}

function formatAddress(p: Property): string {
  const parts = [p.addressLine1, p.addressLine2, p.city, [p.region, p.postalCode].filter(Boolean).join(' '), p.country];
  return parts.filter((x): x is string => Boolean(x && x.trim())).join(', ').slice(0, 300);
}

const leaseLocation = (id: string) => `/v1/leases/${id}`;

// ------------------------------------------------------------------------------------------------

export const leasesRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/leases',
      tags: ['Leases'],
      summary: 'Offer a lease on a property to tenants, and start its workflow',
      description:
        'Builds the lease terms (the tenants, the property\'s owner as landlord and its manager as parties), records the lease and starts its workflow: screening, agreement, signatures, deposit, rent. Follow `Location` for its state.',
      roles: ['admin', 'manager', 'owner'],
      idempotent: true,
      request: { body: { content: { 'application/json': { schema: LeaseCreateSchema } }, required: true } },
      responses: { 202: json(LeaseStartedSchema, 'Accepted: the lease workflow runs'), ...problems(400, 401, 403, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const p = c.get('principal');
      const deps = c.get('deps');
      const property = await Property.findByPk(input.propertyId);
      if (!property || !canManage(p, property)) throw fieldError('propertyId', 'no such property, or not one you manage');
      let unitLabel: string | undefined;
      if (input.unitId) {
        const unit = await Unit.findOne({ where: { id: input.unitId, propertyId: property.id } });
        if (!unit) throw fieldError('unitId', 'no such unit in this property');
        unitLabel = unit.label;
      }
      const sideIds = new Set([property.ownerId, ...(property.managerId ? [property.managerId] : [])]);
      const tenants: LeaseParty[] = [];
      const tenantErrors: { field: string; message: string }[] = [];
      for (const [i, t] of input.tenants.entries()) {
        const field = `tenants.${i}.userId`;
        const user = await User.findByPk(t.userId);
        if (!user) tenantErrors.push({ field, message: 'no such user' });
        else if (!user.roles.includes('tenant')) tenantErrors.push({ field, message: 'the user does not hold the tenant role' });
        else if (sideIds.has(user.id)) tenantErrors.push({ field, message: 'the property\'s owner or manager cannot be its tenant' });
        else tenants.push({ userId: user.id, name: user.name, email: user.email, role: 'tenant' });
      }
      if (tenantErrors.length) {
        throw new ApiProblem(422, 'validation-error', tenantErrors.map((e) => `${e.field}: ${e.message}`).join('; '), tenantErrors);
      }
      const owner = await User.findByPk(property.ownerId);
      if (!owner) throw fieldError('propertyId', 'the property\'s owner has no user record');
      const parties: LeaseParty[] = [...tenants, { userId: owner.id, name: owner.name, email: owner.email, role: 'landlord' }];
      if (property.managerId && property.managerId !== owner.id) {
        const manager = await User.findByPk(property.managerId);
        if (manager) parties.push({ userId: manager.id, name: manager.name, email: manager.email, role: 'manager' });
      }

      const leaseId = randomUUID();
      const terms = LeaseTermsSchema.safeParse({
        leaseId,
        propertyId: property.id,
        propertyAddress: formatAddress(property),
        ...(unitLabel !== undefined && { unitLabel }),
        parties,
        startDate: input.startDate,
        termMonths: input.termMonths,
        monthlyRent: input.monthlyRent,
        dueDay: input.dueDay ?? 1,
        deposit: input.deposit,
        // The organization's policy, refined by the property's override, then the lease's.
        lateFeePolicy: effectivePolicy((await organizationLateFeePolicy(deps.db)).policy, property.lateFeePolicy, input.lateFeePolicy),
        ...(input.earlyTerminationFee && { earlyTerminationFee: input.earlyTerminationFee }),
        clauses: input.clauses ?? [],
      });
      // What the request gave was valid; what we add from the records may not be (a name, an email).
      if (!terms.success) throw issuesToProblem(terms.error.issues, 'body');
      const leaseInput: LeaseInput = { terms: terms.data, application: input.application, paymentMethod: input.paymentMethod };
      const workflowId = leaseWorkflowId(leaseId);

      await deps.db.query(
        `insert into leases (id, property_id, status, terms, tenant_ids, workflow_id, created_at, updated_at)
         values ($1, $2, 'screening', $3::jsonb, $4::uuid[], $5, now(), now())`,
        { bind: [leaseId, property.id, JSON.stringify(terms.data), tenants.map((t) => t.userId), workflowId] },
      );
      try {
        await deps.temporal.workflow.start<typeof leaseWorkflow>('leaseWorkflow', {
          workflowId,
          taskQueue: deps.leaseTaskQueue ?? deps.config.temporal.taskQueues.leases,
          args: [leaseInput],
          memo: { summary: `Lease of ${terms.data.propertyAddress}` },
        });
      } catch (err) {
        await deps.db.query('delete from leases where id = $1', { bind: [leaseId] }).catch(() => undefined);
        throw err;
      }
      const location = leaseLocation(leaseId);
      c.header('location', location);
      return c.json({ leaseId, workflowId, status: 'screening' as const, location }, 202);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}',
      tags: ['Leases'],
      summary: 'A lease\'s state, from its workflow, with its account from the books',
      description: 'Visible to staff, the property\'s owner and manager, and the lease\'s tenants. When the workflow cannot answer, the recorded status is returned (`source: database`).',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(LeaseViewSchema, 'The lease state and account'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const lease = await visibleLease(deps.db, c.get('principal'), c.req.valid('param').id);
      const { row } = lease;
      const account = await leaseAccount(deps.db, row.id);
      try {
        const state = await deps.temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => leaseHandle(deps, row).query(leaseStateQuery));
        return c.json({ ...stateToApi(state, seesNotes(c.get('principal'), lease)), terms: termsSummary(row), account }, 200);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        c.get('logger').warn({ leaseId: row.id, reason }, 'lease state query failed; answering from the database');
        return c.json({ ...fallbackState(row), terms: termsSummary(row), account }, 200);
      }
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/screening-decision',
      tags: ['Leases'],
      summary: 'Approve or reject an application that screening sent for review',
      roles: ['admin', 'manager', 'owner'],
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: ScreeningDecisionSchema } }, required: true },
      },
      responses: { 200: json(LeaseStateSchema, 'The decision was taken'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { row } = await manageableLease(deps.db, p, c.req.valid('param').id);
      const { decision, reason } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(screeningDecisionUpdate, { args: [{ decision, reason, by: p.userId }] }));
      return c.json(stateToApi(state), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/signatures',
      tags: ['Leases'],
      summary: 'Sign the lease agreement, as one of its parties',
      description: 'The signature records the time, the client\'s address and user agent, and the hash of the document signed, which must be the current one.',
      roles: 'any',
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: SignatureRequestSchema } }, required: true },
      },
      responses: { 200: json(LeaseStateSchema, 'Signed'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const lease = await visibleLease(deps.db, p, c.req.valid('param').id);
      const { row } = lease;
      if (!row.terms?.parties.some((party) => party.userId === p.userId)) throw forbidden('only the lease\'s parties sign it');
      const signature = {
        userId: p.userId,
        signedAt: new Date().toISOString(),
        ip: clientIp(c),
        userAgent: printable(c.req.header('user-agent') ?? '', 300),
        documentSha256: c.req.valid('json').documentSha256.toLowerCase(),
      };
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(signUpdate, { args: [signature] }));
      return c.json(stateToApi(state, seesNotes(p, lease)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/payments',
      tags: ['Leases'],
      summary: 'Record a payment received by hand (cash, check, bank transfer)',
      description: 'The `Idempotency-Key` header is required here: it identifies the payment, so a retry records it once.',
      roles: ['admin', 'manager', 'owner'],
      idempotent: true,
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: ManualPaymentSchema } }, required: true },
      },
      responses: { 200: json(PaymentRecordedSchema, 'Recorded'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { row } = await manageableLease(deps.db, p, c.req.valid('param').id);
      const key = c.req.header('idempotency-key');
      if (!key) throw fieldError('Idempotency-Key', 'required: it identifies the payment', 400);
      const body = c.req.valid('json');
      const payment = { ...body, idempotencyKey: `manual:${row.id}:${p.userId}:${key}`, recordedBy: p.userId };
      const result = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(manualPaymentUpdate, { args: [payment] }));
      return c.json({ paymentId: result.paymentId, allocatedMinor: Number(result.allocatedMinor) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/invoices',
      tags: ['Leases'],
      summary: 'What the lease has been charged: rent per period and fees, with what is still open',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(InvoiceSchema) }).openapi('InvoiceList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      const items = await listInvoices(db, row.id);
      return c.json({ items }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/renewal-decision',
      tags: ['Leases'],
      summary: 'Accept or decline the renewal offer, as a tenant of the lease',
      roles: 'any',
      request: { params: IdParams, body: { content: { 'application/json': { schema: RenewalDecisionSchema } }, required: true } },
      responses: { 200: json(LeaseStateSchema, 'The answer was recorded'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const lease = await visibleLease(deps.db, p, c.req.valid('param').id);
      const { row } = lease;
      if (!row.tenant_ids.includes(p.userId)) throw forbidden('only a tenant of the lease answers its renewal offer');
      const { accept } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(renewalDecisionUpdate, { args: [{ accept, by: p.userId }] }));
      return c.json(stateToApi(state, seesNotes(p, lease)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/termination',
      tags: ['Leases'],
      summary: 'End an active lease early (the lease\'s early-termination fee is charged)',
      description: 'A tenant of the lease, or the property\'s owner or manager. Rent after the move-out day is not billed; its month is prorated.',
      roles: 'any',
      request: { params: IdParams, body: { content: { 'application/json': { schema: TerminationSchema } }, required: true } },
      responses: { 200: json(LeaseStateSchema, 'The termination was recorded'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const lease = await visibleLease(deps.db, p, c.req.valid('param').id);
      const { row, property } = lease;
      if (!row.tenant_ids.includes(p.userId) && !(property && canManage(p, property))) throw forbidden('only a tenant or the property\'s owner or manager may end the lease');
      const { moveOutOn, reason } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(terminateUpdate, { args: [{ by: p.userId, moveOutOn, reason }] }));
      return c.json(stateToApi(state, seesNotes(p, lease)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/notes',
      tags: ['Leases'],
      summary: 'Add a manager\'s note to the lease (shown in its state, with who and when)',
      roles: ['admin', 'manager', 'owner'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: NoteSchema } }, required: true } },
      responses: { 200: json(LeaseStateSchema, 'Noted'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { row } = await manageableLease(deps.db, p, c.req.valid('param').id);
      const { text } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(addNoteUpdate, { args: [{ by: p.userId, text }] }));
      return c.json(stateToApi(state), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/cancellation',
      tags: ['Leases'],
      summary: 'Cancel a lease before move-in',
      roles: ['admin', 'manager', 'owner'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: CancellationSchema } }, required: true } },
      responses: { 200: json(LeaseStateSchema, 'Cancelled'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { row } = await manageableLease(deps.db, p, c.req.valid('param').id);
      const { reason } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(cancelUpdate, { args: [{ by: p.userId, reason }] }));
      return c.json(stateToApi(state), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/leases/{id}/move-out',
      tags: ['Leases'],
      summary: 'Record the move-out checklist\'s deductions; the deposit is then settled and refunded',
      roles: ['admin', 'manager', 'owner'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: MoveOutSchema } }, required: true } },
      responses: { 200: json(LeaseStateSchema, 'Recorded'), ...problems(400, 401, 403, 404, 409, 422, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const p = c.get('principal');
      const { row } = await manageableLease(deps.db, p, c.req.valid('param').id);
      const { deductions } = c.req.valid('json');
      const state = await runUpdate(deps, row, () => leaseHandle(deps, row).executeUpdate(moveOutUpdate, { args: [{ deductions, by: p.userId }] }));
      return c.json(stateToApi(state), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/payments',
      tags: ['Leases'],
      summary: 'The lease\'s payments and their states: pending, succeeded, failed, refunded, returned',
      description: 'Each with its receipt once it has one. A payment reversed after it succeeded (a dispute or bank return) shows `returned`.',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(PaymentSchema) }).openapi('PaymentList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      return c.json({ items: await listPayments(db, row.id) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/ledger',
      tags: ['Leases'],
      summary: 'The lease\'s ledger: balances per account and every transaction',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(LedgerSchema, 'The ledger'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      const balances = await ledgerBalances(db, row.id);
      const transactions = await db.query<{
        id: string;
        kind: string;
        amount_minor: number;
        currency: string;
        occurred_on: string;
        reference: string | null;
        memo: string | null;
        created_at: Date;
      }>(
        `select id, kind, amount_minor, currency, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on, reference, memo, created_at
           from ledger_transactions where lease_id = $1 order by created_at, id`,
        { bind: [row.id], type: QueryTypes.SELECT },
      );
      return c.json(
        {
          leaseId: row.id,
          balances: Object.fromEntries(Object.entries(balances).map(([k, v]) => [k, Number(v)])),
          transactions: transactions.map((t) => ({
            id: t.id,
            kind: t.kind,
            amountMinor: Number(t.amount_minor),
            currency: t.currency,
            occurredOn: t.occurred_on,
            reference: t.reference,
            memo: t.memo,
            createdAt: new Date(t.created_at).toISOString(),
          })),
        },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/leases/{id}/documents',
      tags: ['Leases'],
      summary: 'The lease\'s documents: the agreement, then the signed agreement',
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(z.object({ items: z.array(DocumentSchema) }).openapi('LeaseDocumentList'), 'Oldest first'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { row } = await visibleLease(db, c.get('principal'), c.req.valid('param').id);
      return c.json({ items: await listDocuments(db, row.id) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/documents/{id}',
      tags: ['Leases'],
      summary: 'Download a lease document (PDF)',
      description: 'Visible to whoever may see its lease.',
      roles: 'any',
      request: { params: IdParams },
      responses: {
        200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } },
        ...problems(401, 404, 422),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const id = c.req.valid('param').id;
      const [doc] = await db.query<{ lease_id: string; kind: string; content_type: string; content: Buffer }>(
        'select lease_id, kind, content_type, content from documents where id = $1',
        { bind: [id], type: QueryTypes.SELECT },
      );
      if (!doc) throw notFound('document');
      await visibleLease(db, c.get('principal'), doc.lease_id).catch((err: unknown) => {
        if (err instanceof ApiProblem && err.status === 404) throw notFound('document');
        throw err;
      });
      return c.body(new Uint8Array(doc.content), 200, {
        'content-type': doc.content_type || 'application/pdf',
        'content-disposition': `attachment; filename="${doc.kind}-${id}.pdf"`,
      });
    },
  );
