/**
 * Offering a lease: an owner or manager (or an admin) offers a lease on a
 * property to one or more tenants. The terms are built from the request and
 * the records (the property's owner as landlord and its manager as parties,
 * the effective late-fee policy fixed in), the lease is recorded, and its
 * workflow started (contracts/lease.ts), which takes it from screening on.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { effectivePolicy } from '../../../contracts/late-fee-policy.schema';
import { LEASE_WORKFLOW_TYPE, leaseWorkflowId, type LeaseInput, type LeaseParty, type LeaseWorkflow } from '../../../contracts/lease';
import { LeaseTermsSchema } from '../../../contracts/lease.schema';
import { organizationLateFeePolicy } from '../../../lib/late-fee-policy';
import { Property, Unit, User } from '../../../models';
import { canManage } from '../../access';
import { formatAddress } from '../../property-address';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, issuesToProblem } from '../../problem';
import { idLink, json, operationRef, problems, route, type Link } from '../../route';
import { LeaseCreateSchema, LeaseStartedSchema } from './schemas';

export const leaseLocation = (id: string) => `/v1/leases/${id}`;


/** What a client does next with the new lease: every operation on `/v1/leases/{id}` (declared in reads.ts and actions.ts). */
const LEASE_LINKS: Record<string, Link> = Object.fromEntries(
  (
    [
      ['GetLease', 'get', '', 'The lease\'s state and account'],
      ['ListInvoices', 'get', '/invoices', 'What the lease has been charged'],
      ['ListPayments', 'get', '/payments', 'The lease\'s payments'],
      ['GetLedger', 'get', '/ledger', 'The lease\'s ledger'],
      ['ListDocuments', 'get', '/documents', 'The lease\'s documents (the agreement to sign)'],
      ['DecideScreening', 'post', '/screening-decision', 'Approve or reject the application after review'],
      ['Sign', 'post', '/signatures', 'Sign the agreement, as a party'],
      ['RecordPayment', 'post', '/payments', 'Record a payment received by hand'],
      ['DecideRenewal', 'post', '/renewal-decision', 'Answer the renewal offer, as a tenant'],
      ['Terminate', 'post', '/termination', 'End the lease early'],
      ['AddNote', 'post', '/notes', 'Add a manager\'s note'],
      ['Cancel', 'post', '/cancellation', 'Cancel the lease before move-in'],
      ['RecordMoveOut', 'post', '/move-out', 'Record the move-out deductions'],
    ] as const
  ).map(([name, method, suffix, description]) => [name, idLink(operationRef(method, `/v1/leases/{id}${suffix}`), description, '$response.body#/leaseId')]),
);

export const leaseOfferRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/leases',
    tags: ['Leases'],
    summary: 'Offer a lease on a property to tenants, and start its workflow',
    description:
      'Builds the lease terms (the tenants, the property\'s owner as landlord and its manager as parties), records the lease and starts its workflow: screening, agreement, signatures, deposit, rent. Follow `Location` for its state. Rules the schema cannot state: `deposit` and `earlyTerminationFee` are in the rent\'s currency; each tenant is a different user holding the tenant role and is not the property\'s owner or manager; `startDate` is from 31 days ago to 730 days ahead; `propertyId` is a property you own or manage and `unitId` one of its units.',
    roles: ['admin', 'manager', 'owner'],
    idempotent: true,
    request: { body: { content: { 'application/json': { schema: LeaseCreateSchema } }, required: true } },
    responses: { 202: { ...json(LeaseStartedSchema, 'Accepted: the lease workflow runs'), links: LEASE_LINKS }, ...problems(400, 401, 403, 422, 503) },
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
      // With Temporal away the client retries for about 20 s, then the start fails as UNAVAILABLE (it never reached the
      // server, so the row goes) and the caller gets 503. No shorter deadline: an expired one would leave it unknown.
      await deps.temporal.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, {
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
);
