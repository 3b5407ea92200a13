/**
 * People's decisions on a project, each carried to its workflow as an
 * Update (contracts/project.ts) by a route declared with updateRoute: who
 * may act and as what (access.ts), the body, the Update's arguments. The
 * workflow's validators say whose turn and check the figures; a refusal is
 * 409 with their reason. What only the records can tell (the contractor a
 * contract names) is checked here first, as a 422 naming the field.
 * A change order's owners approve it by signing its envelope
 * (POST /v1/envelopes/{id}/signatures; the id is in the change order).
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import {
  addCommitmentUpdate,
  preparePayApplicationUpdate,
  proposeChangeOrderUpdate,
  recordFinalInspectionUpdate,
  recordLienWaiverUpdate,
  recordMilestoneInspectionUpdate,
  recordPermitUpdate,
  recordSubstantialCompletionUpdate,
  reviewPayApplicationUpdate,
  submitPayApplicationUpdate,
  type ProjectContractor,
  type ProjectState,
} from '../../../contracts/project';
import {
  ChangeOrderSchema,
  CommitmentSchema,
  FinalInspectionSchema,
  LienWaiverSchema,
  MilestoneInspectionSchema,
  PayApplicationRefSchema,
  PayApplicationReviewSchema,
  PayApplicationSchema,
  PermitSchema,
  SubstantialCompletionSchema,
} from '../../../contracts/project.schema';
import type { AppEnv } from '../../deps';
import { fieldError } from '../../problem';
import { updateRoute } from '../../update-route';
import { projectTarget, type Capacity, type ProjectTarget } from './access';
import { projectView } from './reads';
import { ProjectSchema } from './schemas';

const tags = ['Projects'];
const respond = (state: ProjectState) => projectView(state, 'workflow');
const common = { tags, response: ProjectSchema, responseDescription: 'The project after the change', respond };
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/** A manager who records an inspector's findings records them as the inspector. */
const INSPECTING: [Capacity[], Partial<Record<Capacity, 'inspector'>>] = [['inspector', 'manager', 'staff'], { manager: 'inspector' }];

/** The contractor a contract names: a user holding the contractor role (by their directory name when they are in it). */
async function contractorNamed(c: Context<AppEnv>, contractorId: string): Promise<ProjectContractor> {
  const [row] = await c.get('deps').db.query<{ id: string; name: string; email: string; roles: string[]; company: string | null }>(
    'select u.id, u.name, u.email, u.roles, c.company from users u left join contractors c on c.user_id = u.id where u.id = $1',
    { bind: [contractorId], type: QueryTypes.SELECT },
  );
  if (!row || !row.roles.includes('contractor')) throw fieldError('contractorId', 'no user with the contractor role has this id');
  return { contractorId: row.id, name: row.company ?? row.name, email: row.email };
}

type CommitmentTarget = ProjectTarget & { contractor: ProjectContractor };

const routes = [
  updateRoute({
    ...common,
    path: '/projects/{id}/commitments',
    summary: 'Let a contract: a contractor, its schedule of values under the budget\'s cost codes, retainage, milestones and the permits it depends on',
    description:
      'The project\'s manager or an admin, while the project is active. `contractorId` is a user with the contractor role (422 otherwise); the schedule of values sums to the contract sum and each line is under one of the budget\'s cost codes, the milestones\' shares sum to 10 000 (409 otherwise). Send `Idempotency-Key` to retry safely.',
    roles: ['manager', 'admin'],
    idempotent: true,
    body: CommitmentSchema,
    target: async (c: Context<AppEnv>, id: string): Promise<CommitmentTarget> => {
      const t = await projectTarget(['manager', 'staff'])(c, id);
      const body = (c.req as unknown as { valid(k: 'json'): z.infer<typeof CommitmentSchema> }).valid('json');
      return { ...t, contractor: await contractorNamed(c, body.contractorId) };
    },
    update: addCommitmentUpdate,
    args: (b, t) => ({
      ...t.actor,
      commitmentId: b.commitmentId ?? randomUUID(),
      contractor: t.contractor,
      description: b.description,
      originalContractSumMinor: b.originalContractSumMinor,
      scheduleOfValues: b.scheduleOfValues,
      ...opt('retainage', b.retainage),
      milestones: b.milestones,
      permitNames: b.permitNames,
    }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/change-orders',
    summary: 'Propose a change order to a contract: it goes to the owners to sign (an envelope) by its approval deadline',
    description:
      'The project\'s manager, the contractor of the contract, or an admin, while the project is active. Nothing changes until every owner signs the change order\'s envelope (`changeOrders[].envelopeId`); declined it is rejected, unsigned after `approveBy` it expires. Send `Idempotency-Key` to retry safely.',
    roles: ['manager', 'contractor', 'admin'],
    idempotent: true,
    body: ChangeOrderSchema,
    target: projectTarget(['manager', 'contractor', 'staff']),
    update: proposeChangeOrderUpdate,
    args: (b, t) => ({
      ...t.actor,
      changeOrderId: b.changeOrderId ?? randomUUID(),
      commitmentId: b.commitmentId,
      scope: b.scope,
      lines: b.lines.map((l) => ({ itemNo: l.itemNo, changeMinor: l.changeMinor, ...opt('description', l.description), ...opt('costCode', l.costCode) })),
      scheduleImpactDays: b.scheduleImpactDays,
      approveBy: b.approveBy,
    }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/pay-applications',
    summary: 'Draft the contractor\'s next pay application (AIA G702/G703), or replace the draft (or the one sent back) with these lines',
    description: 'The contractor of the contract (or an admin). One application is open at a time; the figures follow from the last certified one under the contract as it stands.',
    roles: ['contractor', 'admin'],
    body: PayApplicationSchema,
    target: projectTarget(['contractor', 'staff']),
    update: preparePayApplicationUpdate,
    args: (b, t) => ({ ...t.actor, commitmentId: b.commitmentId, periodTo: b.periodTo, lines: b.lines }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/pay-application-submissions',
    summary: 'Submit a drafted pay application for review',
    description: 'The contractor of the contract (or an admin); only a draft is submitted. The owners and the manager are told.',
    roles: ['contractor', 'admin'],
    body: PayApplicationRefSchema,
    target: projectTarget(['contractor', 'staff']),
    update: submitPayApplicationUpdate,
    args: (b, t) => ({ ...t.actor, commitmentId: b.commitmentId, applicationNo: b.applicationNo }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/pay-application-reviews',
    summary: 'Approve a submitted pay application, or send it back to revise (with a reason)',
    description:
      'The project\'s manager, its owners, or an admin. An approved application is paid once nothing blocks it: the milestone inspection of the work billed, the conditional lien waiver for it, the permits the work depends on (see its `blockers`).',
    roles: ['owner', 'manager', 'admin'],
    body: PayApplicationReviewSchema,
    target: projectTarget(['manager', 'owner', 'staff']),
    update: reviewPayApplicationUpdate,
    args: (b, t) => ({ ...t.actor, commitmentId: b.commitmentId, applicationNo: b.applicationNo, decision: b.decision, ...opt('reason', b.reason) }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/milestone-inspections',
    summary: 'Record a milestone inspection: how complete the inspector found each line of a contract',
    description: 'An inspector, or the project\'s manager recording the inspector\'s findings, or an admin. The latest inspection is what draws are checked against; milestones it finds complete are reached.',
    roles: ['inspector', 'manager', 'admin'],
    body: MilestoneInspectionSchema,
    target: projectTarget(...INSPECTING),
    update: recordMilestoneInspectionUpdate,
    args: (b, t) => ({ ...t.actor, inspectionId: b.inspectionId ?? randomUUID(), kind: 'milestone' as const, commitmentId: b.commitmentId, inspectedOn: b.inspectedOn, observedBasisPoints: b.observedBasisPoints, ...opt('notes', b.notes) }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/lien-waivers',
    summary: 'Record a signed lien waiver: conditional (for an application, before it is paid) or unconditional (after; without an application, the final one for the retainage)',
    description: 'The contractor of the contract, the project\'s manager, or an admin.',
    roles: ['contractor', 'manager', 'admin'],
    body: LienWaiverSchema,
    target: projectTarget(['contractor', 'manager', 'staff']),
    update: recordLienWaiverUpdate,
    args: (b, t) => ({ ...t.actor, commitmentId: b.commitmentId, kind: b.kind, ...opt('applicationNo', b.applicationNo), ...opt('documentId', b.documentId) }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/permits',
    summary: 'Record a permit (applied, issued with its last day, or revoked); a permit recorded again replaces the record of that name',
    description: 'The project\'s manager or an admin. Draws wait for the permits their work depends on; reminders go out before an issued permit\'s last day.',
    roles: ['manager', 'admin'],
    body: PermitSchema,
    target: projectTarget(['manager', 'staff']),
    update: recordPermitUpdate,
    args: (b, t) => ({ ...t.actor, name: b.name, status: b.status, ...opt('number', b.number), expiresOn: b.expiresOn }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/substantial-completion',
    summary: 'Record the work substantially complete (with the improvements as built and a punch list)',
    description: 'The project\'s manager or an admin, once no change order waits for the owners. The final inspection and the release of retainage follow.',
    roles: ['manager', 'admin'],
    body: SubstantialCompletionSchema,
    target: projectTarget(['manager', 'staff']),
    update: recordSubstantialCompletionUpdate,
    args: (b, t) => ({ ...t.actor, on: b.on, ...opt('improvements', b.improvements), ...opt('punchList', b.punchList) }),
  }),
  updateRoute({
    ...common,
    path: '/projects/{id}/final-inspections',
    summary: 'Record the final inspection after substantial completion (passed, or failed with notes)',
    description: 'An inspector, or the project\'s manager recording the inspector\'s findings, or an admin. Once it passes, each contract\'s retainage is released with its unconditional final waiver, and the project completes.',
    roles: ['inspector', 'manager', 'admin'],
    body: FinalInspectionSchema,
    target: projectTarget(...INSPECTING),
    update: recordFinalInspectionUpdate,
    args: (b, t) => ({ ...t.actor, inspectionId: b.inspectionId ?? randomUUID(), inspectedOn: b.inspectedOn, passed: b.passed, ...opt('notes', b.notes) }),
  }),
];

export const projectActionsRouter = new OpenAPIHono<AppEnv>();
for (const register of routes) register(projectActionsRouter);
