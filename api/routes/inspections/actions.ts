/**
 * People's decisions on an inspection, each carried to its workflow as an
 * Update (contracts/inspection.ts) by a route declared with updateRoute: who
 * may act and as what (access.ts), the body, the Update's arguments. The
 * workflow's validators say which status, and whether the notice and the
 * report are right; a refusal is 409 with their reason. What only the
 * records can tell (the photos a report names) is checked here first, as a
 * 422 naming the field.
 *
 * A move-out inspection's deductions go to its lease: POST
 * /inspections/{id}/move-out-deductions runs the lease's own move-out Update
 * with them (as the manager left them, or edited), and the lease settles the
 * deposit.
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import {
  cancelInspectionUpdate,
  inspectionStateQuery,
  recordMissedUpdate,
  recordReinspectionUpdate,
  rescheduleInspectionUpdate,
  submitReportUpdate,
  type InspectionState,
} from '../../../contracts/inspection';
import {
  CancelInspectionSchema,
  InspectionReportSchema,
  MissedInspectionSchema,
  MoveOutDeductionsSchema,
  ReinspectionSchema,
  RescheduleInspectionSchema,
} from '../../../contracts/inspection.schema';
import { moveOutUpdate, type Deduction, type LeaseState } from '../../../contracts/lease';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError } from '../../problem';
import { updateRoute, type UpdateTarget } from '../../update-route';
import { queryOrUndefined } from '../../workflow-query';
import { leaseHandle, stateToApi, type LeaseRow } from '../leases/access';
import { inspectionHandle, inspectionTarget, type Capacity, type InspectionTarget, type VisibleInspection } from './access';
import { InspectionSchema, MoveOutSettledSchema } from './schemas';
import { inspectionView } from './view';

const tags = ['Inspections'];
const respond = (state: InspectionState, t: InspectionTarget) => inspectionView(state, t.address, 'workflow');
const common = { tags, response: InspectionSchema, responseDescription: 'The inspection after the change', respond };
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
const bodyOf = <S extends z.ZodType>(c: Context<AppEnv>, _schema: S) => (c.req as unknown as { valid(k: 'json'): z.infer<S> }).valid('json');

/** A target that also checks the body against the records (updateRoute's `args` cannot wait on the database). */
function checked<S extends z.ZodType>(admitted: Capacity[], schema: S, check: (body: z.infer<S>, t: InspectionTarget, c: Context<AppEnv>) => Promise<void>) {
  const target = inspectionTarget(...admitted);
  return async (c: Context<AppEnv>, id: string) => {
    const t = await target(c, id);
    await check(bodyOf(c, schema), t, c);
    return t;
  };
}

/** Every photo a report names must be an upload: 422 naming each one that is not (`items.3.photoIds.0`). */
async function photosExist(body: z.infer<typeof InspectionReportSchema>, _t: InspectionTarget, c: Context<AppEnv>) {
  const named = [
    ...body.items.flatMap((x, i) => x.photoIds.map((id, j) => ({ field: `items.${i}.photoIds.${j}`, id }))),
    ...body.findings.flatMap((x, i) => x.photoIds.map((id, j) => ({ field: `findings.${i}.photoIds.${j}`, id }))),
  ];
  if (!named.length) return;
  const rows = await c.get('deps').db.query<{ id: string }>('select id from uploads where id = any($1::uuid[])', {
    bind: [[...new Set(named.map((n) => n.id))]],
    type: QueryTypes.SELECT,
  });
  const found = new Set(rows.map((r) => r.id));
  const missing = named.filter((n) => !found.has(n.id));
  if (missing.length) {
    const errors = missing.map((m) => ({ field: m.field, message: 'no upload has this id: upload the photo first (POST /v1/uploads)' }));
    throw new ApiProblem(422, 'validation-error', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
}

type MoveOutTarget = UpdateTarget & VisibleInspection & { inspection: InspectionState; leaseId: string; deductions: Deduction[] };

/**
 * The lease a move-out inspection's deductions go to, as the target of its
 * move-out Update: the property's manager or an admin, a move-out inspection
 * whose report is in (409 otherwise), with the deductions as sent or, left
 * out, as the comparison proposed (each must have an amount: 422).
 */
async function moveOutTarget(c: Context<AppEnv>, id: string): Promise<MoveOutTarget> {
  const deps = c.get('deps');
  const v = await inspectionTarget('manager', 'staff')(c, id);
  const state = v.live ?? (await queryOrUndefined(c, inspectionHandle(deps, v.row), inspectionStateQuery)) ?? v.row.state;
  if (state.kind !== 'move_out') throw new ApiProblem(409, 'invalid-state', `this is a ${state.kind.replace('_', '-')} inspection: only a move-out inspection proposes deductions`);
  if (!state.report) throw new ApiProblem(409, 'invalid-state', `the move-out inspection is ${state.status} and not reported yet: its deductions follow the report`);
  if (!state.leaseId) throw new ApiProblem(409, 'invalid-state', 'this move-out inspection names no lease to settle');
  const [lease] = await deps.db.query<LeaseRow>('select id, property_id, status, terms, tenant_ids, workflow_id from leases where id = $1', {
    bind: [state.leaseId],
    type: QueryTypes.SELECT,
  });
  if (!lease) throw new ApiProblem(409, 'invalid-state', `the lease ${state.leaseId} this inspection names is not on record`);
  const sent = bodyOf(c, MoveOutDeductionsSchema).deductions;
  let deductions: Deduction[];
  if (sent) {
    deductions = sent;
  } else {
    const proposed = state.comparison?.proposedDeductions ?? [];
    const unpriced = proposed.filter((d) => d.amountMinor <= 0);
    if (unpriced.length) {
      throw fieldError('deductions', `${unpriced.length} proposed deduction(s) have no amount (${unpriced.map((d) => `${d.area}: ${d.item}`).join('; ')}): send the deductions with their amounts`);
    }
    deductions = proposed.map((d) => ({ description: d.description, amountMinor: d.amountMinor }));
  }
  return {
    ...v,
    inspection: state,
    leaseId: lease.id,
    deductions,
    handle: leaseHandle(deps, lease),
    finished: `the lease is ${lease.status}: its move-out has settled and takes no more deductions`,
  };
}

const routes = [
  updateRoute({
    ...common,
    path: '/inspections/{id}/reschedule',
    summary: 'Move the visit to another slot',
    description:
      'The property\'s manager, an admin, or the inspection\'s inspector, while it is scheduled and not reported. The new slot must give the occupants their notice of entry (the property\'s, fixed when it was scheduled): otherwise 409 with the earliest slot. The occupants are told again.',
    roles: ['manager', 'admin', 'inspector'],
    body: RescheduleInspectionSchema,
    target: inspectionTarget('manager', 'staff', 'inspector'),
    update: rescheduleInspectionUpdate,
    args: (b, t) => ({ by: t.by, at: new Date(Date.parse(b.at)).toISOString(), ...opt('reason', b.reason) }),
  }),
  updateRoute({
    ...common,
    path: '/inspections/{id}/missed',
    summary: 'Record that the visit did not happen: it moves to the first slot the notice allows',
    description: 'The inspection\'s inspector or the property\'s manager, once the slot has come (409 before) and before the report. The occupants get a new notice.',
    roles: ['inspector', 'manager'],
    body: MissedInspectionSchema,
    target: inspectionTarget('inspector', 'manager'),
    update: recordMissedUpdate,
    args: (b, t) => ({ by: t.by, reason: b.reason }),
  }),
  updateRoute({
    ...common,
    path: '/inspections/{id}/cancel',
    summary: 'Cancel the inspection, with a reason (before the report)',
    description: 'The property\'s manager or an admin. Once the report is in, its repairs go on: 409.',
    roles: ['manager', 'admin'],
    body: CancelInspectionSchema,
    target: inspectionTarget('manager', 'staff'),
    update: cancelInspectionUpdate,
    args: (b, t) => ({ by: t.by, reason: b.reason }),
  }),
  updateRoute({
    ...common,
    path: '/inspections/{id}/report',
    summary: 'Submit the report: every checklist item\'s condition, and the findings',
    description: [
      'The inspection\'s inspector, from an hour before the slot, once. The report must be complete for the kind\'s checklist (every item of it with a condition; a poor or damaged item says what is wrong in its notes), otherwise 409 naming what is missing.',
      'Each `photoIds` entry must be an upload (POST /v1/uploads): 422 naming the field otherwise (`items.3.photoIds.0`).',
      'A milestone inspection also says how complete each line of the contract is (`observedBasisPoints`, needed for one, refused for any other kind: 409).',
      'Then its PDF is stored; a move-out is compared with the unit\'s move-in and proposes deductions; a milestone inspection\'s result goes to its project (see the inspection\'s `project.outcome`); each finding that `needsWork` starts a work order.',
    ].join(' '),
    roles: ['inspector'],
    body: InspectionReportSchema,
    target: checked(['inspector'], InspectionReportSchema, photosExist),
    update: submitReportUpdate,
    args: (b, t) => ({
      by: t.by,
      summary: b.summary,
      items: b.items.map((i) => ({ area: i.area, item: i.item, condition: i.condition, notes: i.notes, photoIds: i.photoIds, ...opt('responsibility', i.responsibility), ...opt('estimatedCostMinor', i.estimatedCostMinor) })),
      findings: b.findings.map((f) => ({
        area: f.area,
        item: f.item,
        description: f.description,
        severity: f.severity,
        responsibility: f.responsibility,
        needsWork: f.needsWork,
        category: f.category,
        photoIds: f.photoIds,
        ...opt('estimatedCostMinor', f.estimatedCostMinor),
      })),
      ...opt('observedBasisPoints', b.observedBasisPoints),
    }),
  }),
  updateRoute({
    ...common,
    path: '/inspections/{id}/reinspection',
    summary: 'Record the post-repair re-check: each repair passed or failed',
    description:
      'The inspection\'s inspector, once every repair is done (status `reinspection`; 409 otherwise), with one result per repair done. A failed repair (its notes say what is still wrong) reopens its work order; when all pass, the inspection closes with its final report.',
    roles: ['inspector'],
    body: ReinspectionSchema,
    target: inspectionTarget('inspector'),
    update: recordReinspectionUpdate,
    args: (b, t) => ({ by: t.by, results: b.results.map((r) => ({ workOrderId: r.workOrderId, passed: r.passed, notes: r.notes })) }),
  }),
  updateRoute({
    tags,
    path: '/inspections/{id}/move-out-deductions',
    summary: 'Settle a move-out inspection\'s deductions on its lease (the lease\'s move-out)',
    description: [
      'The property\'s manager or an admin, once the move-out inspection is reported (409 before, and for any other kind). The deductions go to the lease\'s own move-out (POST /v1/leases/{id}/move-out), which then settles the deposit with them: as sent (the manager\'s edit), or, left out, as the comparison with the move-in proposed them.',
      'A proposed deduction without an amount (the inspector gave no estimate) must be priced: leaving `deductions` out then is 422. The lease must have ended or be terminating on its move-out day, once (409 otherwise, with the lease\'s reason).',
    ].join(' '),
    roles: ['manager', 'admin'],
    idempotent: true,
    body: MoveOutDeductionsSchema,
    response: MoveOutSettledSchema,
    responseDescription: 'The lease\'s move-out recorded with these deductions',
    target: moveOutTarget,
    update: moveOutUpdate,
    args: (_b, t, c) => ({ deductions: t.deductions, by: c.get('principal').userId }),
    respond: (lease: LeaseState, t) => ({ inspectionId: t.row.id, leaseId: t.leaseId, deductions: t.deductions, lease: stateToApi(lease) }),
  }),
];

export const inspectionActionsRouter = new OpenAPIHono<AppEnv>();
for (const register of routes) register(inspectionActionsRouter);
