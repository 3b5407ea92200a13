/**
 * Inspections as the integration tests run them through the API: a property
 * whose notice of entry is lifted (so a visit may be set minutes ahead and
 * reported at once, the dev server's clock being the real one), complete
 * checklists, scheduling and reporting, and a lease that has reached its
 * move-out (started as the continuation of a lease terminated early, its
 * move-out day yesterday), waiting for its deductions.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { addDays, todayUtc } from '../../domain/calendar';
import { CHECKLIST_TEMPLATES, type InspectionKind } from '../../domain/inspection/report';
import type { InspectionState, ReportFinding, ReportItem } from '../../contracts/inspection';
import { initialLeaseState, LEASE_WORKFLOW_TYPE, leaseWorkflowId, type LeaseWorkflow } from '../../contracts/lease';
import { User } from '../../models';
import { eventually, requestVia, type Harness } from './harness';
import { leaseInput, type Party } from './leases';
import type { App } from '../../api/app';

/** GET /v1/inspections/{id}'s body. */
export type InspectionBody = Omit<InspectionState, 'documents'> & {
  address: string;
  documents: { kind: 'report' | 'final_report'; documentId: string; sha256: string; href: string }[];
  readFrom: 'workflow' | 'database';
};

/** Lifts the property's notice of entry (its maintenance policy's entryNoticeHours 0): a visit may be minutes ahead. */
export async function withoutEntryNotice(h: Harness, propertyId: string) {
  await h.db.query(`update properties set maintenance_policy = coalesce(maintenance_policy, '{}'::jsonb) || '{"entryNoticeHours": 0}'::jsonb where id = $1`, { bind: [propertyId] });
}

/** An instant `minutes` from now. */
export const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Every item of the kind's checklist in good order, but for those given (matched by area and item). */
export function checklist(kind: InspectionKind, except: (Partial<ReportItem> & { area: string; item: string })[] = []): ReportItem[] {
  return CHECKLIST_TEMPLATES[kind].areas.flatMap(({ area, items }) =>
    items.map((item) => ({ area, item, condition: 'good' as const, notes: '', photoIds: [] as string[], ...except.find((e) => e.area === area && e.item === item) })),
  );
}

export const reportBody = (kind: InspectionKind, o: { items?: ReportItem[]; findings?: ReportFinding[]; summary?: string } = {}) => ({
  summary: o.summary ?? `${kind.replace('_', '-')} inspection done`,
  items: o.items ?? checklist(kind),
  findings: o.findings ?? [],
});

export interface ScheduleBody {
  propertyId: string;
  unitId?: string;
  kind: InspectionKind;
  inspectorId: string;
  slotAt: string;
  leaseId?: string;
  project?: { projectId: string; commitmentId: string };
}

/** POST /v1/inspections (202), returning the new inspection's id. */
export async function scheduleInspection(h: Harness, token: string, body: ScheduleBody, app: App = h.app): Promise<string> {
  const res = await requestVia(app, '/v1/inspections', { method: 'POST', token, json: body });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`scheduling an inspection: ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { inspectionId: string }).inspectionId;
}

/** An Update route on an inspection that must answer 200. */
export async function inspectionStep(h: Harness, id: string, action: string, token: string, json: unknown): Promise<InspectionBody> {
  const res = await h.request(`/v1/inspections/${id}/${action}`, { method: 'POST', token, json });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${action} on inspection ${id}: ${res.status} ${text.slice(0, 600)}`);
  return JSON.parse(text) as InspectionBody;
}

/** Polls GET /v1/inspections/{id} until `ready` holds. */
export function inspectionWhen(h: Harness, token: string, id: string, ready: (s: InspectionBody) => boolean, what: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const res = await h.request(`/v1/inspections/${id}`, { token });
      if (res.status !== 200) throw new Error(`GET inspection: ${res.status} ${(await res.text()).slice(0, 300)}`);
      const s = (await res.json()) as InspectionBody;
      return ready(s) ? s : undefined;
    },
    timeoutMs,
    `inspection ${id}: ${what}`,
  );
}

/** The row the workflow writes (lists read it), at `status` when given. */
export async function inspectionRecorded(h: Harness, id: string, status?: string): Promise<string> {
  await eventually(
    async () => {
      const [row] = await h.db.query<{ status: string }>('select status from inspections where id = $1', { bind: [id], type: QueryTypes.SELECT });
      return row !== undefined && (status === undefined || row.status === status);
    },
    60_000,
    `inspection ${id} recorded${status ? ` as ${status}` : ''}`,
  );
  return id;
}

async function partyOf(userId: string, role: Party['role']): Promise<Party> {
  const u = await User.findByPk(userId);
  if (!u) throw new Error(`no user ${userId}`);
  return { userId: u.id, name: u.name, email: u.email, role };
}

/**
 * A lease of the unit that has reached its move-out: recorded as the API
 * records one (its property, terms and tenants), its workflow started on the
 * harness's lease queue as the continuation of a lease terminated early,
 * moving out yesterday, with no rent left to collect. The lease ends at once
 * and waits for its move-out's deductions; no deposit was taken (its
 * statement shows what is deducted, nothing refunded).
 */
export async function leaseAtMoveOut(h: Harness, o: { propertyId: string; unitLabel: string; tenantId: string; landlordId: string; address?: string }): Promise<string> {
  const parties = [await partyOf(o.tenantId, 'tenant'), await partyOf(o.landlordId, 'landlord')];
  const leaseId = randomUUID();
  const yesterday = addDays(todayUtc(), -1);
  const input = leaseInput(
    parties,
    { customerId: 'cus_inspections', paymentMethodId: 'pm_inspections' },
    { leaseId, propertyId: o.propertyId, propertyAddress: o.address ?? '7 Larkspur Row, Ames, IA 50010', unitLabel: o.unitLabel, startDate: addDays(todayUtc(), -40), termMonths: 12 },
    {
      continuation: {
        term: 1,
        periodOffset: 0,
        // Past every period: nothing is billed in this run.
        resumeAtPeriod: 1_000,
        state: {
          ...initialLeaseState(leaseId, 'active'),
          termination: { requestedBy: o.tenantId, requestedOn: yesterday, moveOutOn: yesterday, reason: 'moving away', feeMinor: 0 },
        },
      },
    },
  );
  await h.db.query(
    `insert into leases (id, property_id, status, terms, tenant_ids, workflow_id, created_at, updated_at) values ($1, $2, 'active', $3::jsonb, $4::uuid[], $5, now(), now())`,
    { bind: [leaseId, o.propertyId, JSON.stringify(input.terms), [o.tenantId], leaseWorkflowId(leaseId)] },
  );
  await h.client.workflow.start<LeaseWorkflow>(LEASE_WORKFLOW_TYPE, { workflowId: leaseWorkflowId(leaseId), taskQueue: h.leaseTaskQueue, args: [input] });
  return leaseId;
}

/** Every inspection of the file (and the work orders they started): they wait for days otherwise. */
export async function terminateInspections(h: Harness, ids: string[] = []) {
  const rows = await h.db.query<{ workflow_id: string }>(
    `select workflow_id from inspections union all select workflow_id from work_orders where state->'source'->>'kind' = 'inspection'`,
    { type: QueryTypes.SELECT },
  );
  const workflows = new Set([...rows.map((r) => r.workflow_id), ...ids.map((id) => `inspection-${id}`)]);
  await Promise.allSettled([...workflows].map((w) => h.client.workflow.getHandle(w).terminate('test finished')));
}
