/**
 * People's decisions about a lease, each carried to its workflow as an Update
 * (contracts/lease.ts) by a route declared with updateRoute: who may act, the
 * body, the Update's arguments, the answer.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Context } from 'hono';
import { envelopeWorkflowId, signEnvelopeUpdate } from '../../../contracts/envelope';
import {
  addNoteUpdate,
  cancelUpdate,
  manualPaymentUpdate,
  moveOutUpdate,
  renewalDecisionUpdate,
  screeningDecisionUpdate,
  leaseSignature,
  leaseStateQuery,
  signUpdate,
  terminateUpdate,
  type LeaseState,
} from '../../../contracts/lease';
import { clientAddress, printable } from '../../client-address';
import type { AppEnv, Principal } from '../../deps';
import { ApiProblem, fieldError, forbidden } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { runUpdate, updateRoute, type UpdateTarget } from '../../update-route';
import { QUERY_TIMEOUT_MS } from '../../workflow-query';
import { leaseTarget, managesLease, seesNotes, stateToApi, type VisibleLease } from './access';
import {
  CancellationSchema,
  LeaseStateSchema,
  ManualPaymentSchema,
  MoveOutSchema,
  NoteSchema,
  PaymentRecordedSchema,
  RenewalDecisionSchema,
  ScreeningDecisionSchema,
  SignatureRequestSchema,
  TerminationSchema,
} from './schemas';

const tags = ['Leases'];
const MANAGERS = ['admin', 'manager', 'owner'] as const;


/** The state as this caller may see it (notes only for those who manage the lease). */
const asSeenBy = (state: LeaseState, t: VisibleLease & { principal: Principal }) => stateToApi(state, seesNotes(t.principal, t));

const routes = [
  updateRoute({
    path: '/leases/{id}/screening-decision',
    tags,
    summary: 'Approve or reject an application that screening sent for review',
    description: 'Only while the lease is `awaiting_decision` (screening did not approve it by the rules); otherwise 409.',
    roles: [...MANAGERS],
    body: ScreeningDecisionSchema,
    response: LeaseStateSchema,
    responseDescription: 'The decision was taken',
    target: leaseTarget('manage'),
    update: screeningDecisionUpdate,
    args: ({ decision, reason }, t) => ({ decision, reason, by: t.principal.userId }),
    respond: (state) => stateToApi(state),
  }),
  updateRoute({
    path: '/leases/{id}/payments',
    tags,
    summary: 'Record a payment received by hand (cash, check, bank transfer)',
    description:
      'The `Idempotency-Key` header is required here: it identifies the payment, so a retry records it once. Only once the lease is `active` (or `ended`, before it closes); `receivedOn` may not be in the future.',
    roles: [...MANAGERS],
    idempotent: true,
    body: ManualPaymentSchema,
    response: PaymentRecordedSchema,
    responseDescription: 'Recorded',
    target: leaseTarget('manage'),
    update: manualPaymentUpdate,
    args: (body, t, c) => {
      const key = c.req.header('idempotency-key');
      if (!key) throw fieldError('Idempotency-Key', 'required: it identifies the payment', 400);
      return { ...body, idempotencyKey: `manual:${t.row.id}:${t.principal.userId}:${key}`, recordedBy: t.principal.userId };
    },
    respond: (result) => ({ paymentId: result.paymentId, allocatedMinor: Number(result.allocatedMinor) }),
  }),
  updateRoute({
    path: '/leases/{id}/renewal-decision',
    tags,
    summary: 'Accept or decline the renewal offer, as a tenant of the lease',
    description: 'Only while a renewal offer is open (`renewalOffer.answer` is null and `respondBy` has not passed); otherwise 409.',
    roles: 'any',
    body: RenewalDecisionSchema,
    response: LeaseStateSchema,
    responseDescription: 'The answer was recorded',
    target: leaseTarget((p, lease) => {
      if (!lease.row.tenant_ids.includes(p.userId)) throw forbidden('only a tenant of the lease answers its renewal offer');
    }),
    update: renewalDecisionUpdate,
    args: ({ accept }, t) => ({ accept, by: t.principal.userId }),
    respond: asSeenBy,
  }),
  updateRoute({
    path: '/leases/{id}/termination',
    tags,
    summary: 'End an active lease early (the lease\'s early-termination fee is charged)',
    description:
      'A tenant of the lease, or the property\'s owner or manager. Only an `active` lease, once; `moveOutOn` from today to the end of the current term (`termEnd`). Rent after the move-out day is not billed; its month is prorated.',
    roles: 'any',
    body: TerminationSchema,
    response: LeaseStateSchema,
    responseDescription: 'The termination was recorded',
    target: leaseTarget((p, lease) => {
      if (!lease.row.tenant_ids.includes(p.userId) && !managesLease(p, lease)) throw forbidden('only a tenant or the property\'s owner or manager may end the lease');
    }),
    update: terminateUpdate,
    args: ({ moveOutOn, reason }, t) => ({ by: t.principal.userId, moveOutOn, reason }),
    respond: asSeenBy,
  }),
  updateRoute({
    path: '/leases/{id}/notes',
    tags,
    summary: 'Add a manager\'s note to the lease (shown in its state, with who and when)',
    description: 'Not on a finished lease (rejected, expired, cancelled, closed); at most 200 notes per lease.',
    roles: [...MANAGERS],
    body: NoteSchema,
    response: LeaseStateSchema,
    responseDescription: 'Noted',
    target: leaseTarget('manage'),
    update: addNoteUpdate,
    args: ({ text }, t) => ({ by: t.principal.userId, text }),
    respond: (state) => stateToApi(state),
  }),
  updateRoute({
    path: '/leases/{id}/cancellation',
    tags,
    summary: 'Cancel a lease before move-in',
    description: 'From screening until signing is done, or while a declined deposit waits for a new card; otherwise 409.',
    roles: [...MANAGERS],
    body: CancellationSchema,
    response: LeaseStateSchema,
    responseDescription: 'Cancelled',
    target: leaseTarget('manage'),
    update: cancelUpdate,
    args: ({ reason }, t) => ({ by: t.principal.userId, reason }),
    respond: (state) => stateToApi(state),
  }),
  updateRoute({
    path: '/leases/{id}/move-out',
    tags,
    summary: 'Record the move-out checklist\'s deductions; the deposit is then settled and refunded',
    description: 'Once the lease has `ended`, or on the move-out day of an early termination; once.',
    roles: [...MANAGERS],
    body: MoveOutSchema,
    response: LeaseStateSchema,
    responseDescription: 'Recorded',
    target: leaseTarget('manage'),
    update: moveOutUpdate,
    args: ({ deductions }, t) => ({ deductions, by: t.principal.userId }),
    respond: (state) => stateToApi(state),
  }),
];

export const leaseActionsRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/leases/{id}/signatures',
    tags,
    summary: 'Sign the lease agreement, as one of its parties',
    description:
      'The signature records the time, the client\'s address and user agent, and the hash of the document signed, which must be the current one (`document.sha256` of the lease; another hash is 409). Only while the lease is `awaiting_signatures`, once per party. A lease whose agreement is out for signature in an envelope (`envelopeId`) is signed through it: the same as POST /v1/envelopes/{envelopeId}/signatures.',
    roles: 'any',
    request: { params: IdParams, body: { content: { 'application/json': { schema: SignatureRequestSchema } }, required: true } },
    responses: { 200: json(LeaseStateSchema, 'Signed'), ...problems(400, 401, 403, 404, 409, 422, 503) },
  }),
  async (c) => {
    const target = await leaseTarget((p, lease) => {
      if (!lease.row.terms?.parties.some((party) => party.userId === p.userId)) throw forbidden('only the lease\'s parties sign it');
    })(c, c.req.valid('param').id);
    const documentSha256 = c.req.valid('json').documentSha256.toLowerCase();
    const evidence = { userId: target.principal.userId, signedAt: new Date().toISOString(), ip: printable(clientAddress(c), 64), userAgent: printable(c.req.header('user-agent') ?? '', 300) };
    const lease = await queryLease(c, target);
    if (lease.envelopeId && lease.document) {
      // Signed through the agreement's envelope; the lease hears of it from there.
      const envelope = await runUpdate(c, envelopeTarget(c, lease.envelopeId), signEnvelopeUpdate, {
        ...evidence,
        documents: [{ documentId: lease.document.documentId, sha256: documentSha256 }],
      });
      return c.json(asSeenBy({ ...lease, signatures: envelope.signatures.map(leaseSignature) }, target), 200);
    }
    const state = await runUpdate(c, target, signUpdate, { ...evidence, documentSha256 });
    return c.json(asSeenBy(state, target), 200);
  },
);
for (const register of routes) register(leaseActionsRouter);

/** The lease's state from its workflow; 503 when no worker answers in time. */
async function queryLease(c: Context<AppEnv>, target: UpdateTarget): Promise<LeaseState> {
  try {
    return await c.get('deps').temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => target.handle.query(leaseStateQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ApiProblem(409, 'invalid-state', target.finished);
    throw new ApiProblem(503, 'service-unavailable', 'the lease workflow did not answer in time; try again');
  }
}

const envelopeTarget = (c: Context<AppEnv>, envelopeId: string): UpdateTarget => ({
  handle: c.get('deps').temporal.workflow.getHandle(envelopeWorkflowId(envelopeId)),
  finished: 'the agreement\'s envelope has ended; it takes no more signatures',
});
