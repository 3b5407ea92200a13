/**
 * Leases as the integration tests start them: a lease input on the given
 * parties and card (terms the workflow accepts, overridable), and signing it
 * through its envelope as every party would.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { QueryTypes, type Sequelize } from 'sequelize';
import { envelopeStateQuery, envelopeWorkflowId, signEnvelopeUpdate } from '../../contracts/envelope';
import {
  DEFAULT_RENEWAL,
  initialLeaseState,
  LEASE_WORKFLOW_TYPE,
  leaseStateQuery,
  leaseWorkflowId,
  type LeaseInput,
  type LeaseState,
  type LeaseWorkflow,
  type PaymentMethodRef,
} from '../../contracts/lease';
import { LeaseTermsSchema } from '../../contracts/lease.schema';
import { todayUtc } from '../../domain/calendar';
import { eventually } from './harness';

export interface Party {
  userId: string;
  name: string;
  email: string;
  role: 'tenant' | 'landlord' | 'manager';
}

/** An employed applicant with a reference, living alone in a one-bedroom unit, earning this much a month. */
export const applicant = (monthlyIncomeMinor: number) => ({
  monthlyIncomeMinor,
  employment: { status: 'employed' as const },
  references: [{ name: 'Previous landlord', contact: 'landlord@example.com' }],
  householdSize: 1,
  bedrooms: 1,
});

/** A twelve-month lease from today at 1,500.00 a month, a 2,000.00 deposit and a flat late fee; `terms` overrides any of it. */
export function leaseInput(parties: Party[], paymentMethod: PaymentMethodRef, terms: Record<string, unknown> = {}, extra: Partial<LeaseInput> = {}): LeaseInput {
  return {
    terms: LeaseTermsSchema.parse({
      leaseId: randomUUID(),
      propertyId: randomUUID(),
      propertyAddress: '12 Quillfeather Lane, Ames, IA',
      parties,
      startDate: todayUtc(),
      termMonths: 12,
      monthlyRent: { amountMinor: 150_000, currency: 'USD' },
      dueDay: 1,
      deposit: { amountMinor: 200_000, currency: 'USD' },
      lateFeePolicy: { graceDays: 5, oneTime: { type: 'flat', amountMinor: 7_500 } },
      ...terms,
    }),
    application: applicant(600_000),
    paymentMethod,
    ...extra,
  };
}

/**
 * A lease already active, in its second term (as after a renewal) starting
 * `today`: its first period (index 6, due today) is neither the move-in rent
 * nor overdue, so the lease waits for the rent run to charge it.
 */
export function activeLeaseInput(paymentMethod: PaymentMethodRef, today: string): LeaseInput {
  const leaseId = randomUUID();
  const party = (role: Party['role']) => ({ userId: randomUUID(), name: role === 'tenant' ? 'Tenant' : 'Landlord', email: `${role}-${leaseId}@example.com`, role });
  return leaseInput([party('tenant'), party('landlord')], paymentMethod, { leaseId, startDate: today, termMonths: 1, deposit: { amountMinor: 150_000, currency: 'USD' } }, {
    renewal: { ...DEFAULT_RENEWAL, noAnswer: 'end' },
    continuation: { term: 2, periodOffset: 5, resumeAtPeriod: 1, state: { ...initialLeaseState(leaseId, 'active') } },
  });
}

export function startLeaseWorkflow(client: Client, taskQueue: string, input: LeaseInput) {
  return client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: leaseWorkflowId(input.terms.leaseId), taskQueue, args: [input] });
}

/** Waits for the lease's own state to satisfy `ready` (its query), bounded by `timeoutMs`. */
export function leaseStateWhen(client: Client, leaseId: string, ready: (s: LeaseState) => boolean, what: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const s = await client.workflow.getHandle(leaseWorkflowId(leaseId)).query(leaseStateQuery);
    return ready(s) ? s : undefined;
  }, timeoutMs, what);
}

/**
 * Every party signs the agreement through its envelope, with the evidence a
 * browser would leave, once the envelope has asked them to (as a person
 * signs from the e-mail).
 */
export async function signThroughEnvelope(client: Client, state: LeaseState, parties: Party[], evidence = { ip: '203.0.113.7', userAgent: 'jest' }) {
  const envelope = client.workflow.getHandle(envelopeWorkflowId(state.envelopeId!));
  await eventually(async () => (await envelope.query(envelopeStateQuery)).signers.every((s) => s.status === 'to_sign'), 60_000, 'the envelope to ask its signers');
  for (const party of parties) {
    await envelope.executeUpdate(signEnvelopeUpdate, {
      args: [{ userId: party.userId, signedAt: new Date().toISOString(), ...evidence, documents: [{ documentId: state.document!.documentId, sha256: state.document!.sha256 }] }],
    });
  }
  return envelope;
}

/** The `n` of a `select count(*)::int as n ...` query. */
export async function countRows(db: Sequelize, sql: string, bind: unknown[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql, { bind, type: QueryTypes.SELECT });
  return Number(row!.n);
}

/** The leases' rent periods with an outcome recorded, and those a rent-run batch has claimed and is still working on. */
export async function rentRunProgress(db: Sequelize, leaseIds: string[]): Promise<{ decided: number; inFlight: number }> {
  const [row] = await db.query<{ decided: number; in_flight: number }>(
    `select count(*) filter (where outcome is not null)::int as decided,
            count(*) filter (where outcome is null and claimed_by is not null)::int as in_flight
       from rent_periods where lease_id = any($1::uuid[])`,
    { bind: [leaseIds], type: QueryTypes.SELECT },
  );
  return { decided: row!.decided, inFlight: row!.in_flight };
}
