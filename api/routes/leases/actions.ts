/**
 * People's decisions about a lease, each carried to its workflow as an Update
 * (contracts/lease.ts) by a route declared with updateRoute: who may act, the
 * body, the Update's arguments, the answer.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import {
  addNoteUpdate,
  cancelUpdate,
  manualPaymentUpdate,
  moveOutUpdate,
  renewalDecisionUpdate,
  screeningDecisionUpdate,
  signUpdate,
  terminateUpdate,
  type LeaseState,
} from '../../../contracts/lease';
import { clientAddress } from '../../client-address';
import type { AppEnv, Principal } from '../../deps';
import { fieldError, forbidden } from '../../problem';
import { updateRoute } from '../../update-route';
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

/** Printable ASCII only, bounded: these end up on the signed PDF's audit page. */
const printable = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

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
    path: '/leases/{id}/signatures',
    tags,
    summary: 'Sign the lease agreement, as one of its parties',
    description:
      'The signature records the time, the client\'s address and user agent, and the hash of the document signed, which must be the current one (`document.sha256` of the lease; another hash is 409). Only while the lease is `awaiting_signatures`, once per party.',
    roles: 'any',
    body: SignatureRequestSchema,
    response: LeaseStateSchema,
    responseDescription: 'Signed',
    target: leaseTarget((p, lease) => {
      if (!lease.row.terms?.parties.some((party) => party.userId === p.userId)) throw forbidden('only the lease\'s parties sign it');
    }),
    update: signUpdate,
    args: ({ documentSha256 }, t, c) => ({
      userId: t.principal.userId,
      signedAt: new Date().toISOString(),
      ip: printable(clientAddress(c), 64),
      userAgent: printable(c.req.header('user-agent') ?? '', 300),
      documentSha256: documentSha256.toLowerCase(),
    }),
    respond: asSeenBy,
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

export const leaseActionsRouter = new OpenAPIHono<AppEnv>();
for (const register of routes) register(leaseActionsRouter);
