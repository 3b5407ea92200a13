/**
 * Who sees a signing envelope: its signers, its sender, and staff. Anyone
 * else gets 404, so its existence stays private. Only a signer signs or
 * declines it (and only when the workflow says it is their turn).
 */
import { QueryTypes } from 'sequelize';
import type { Context } from 'hono';
import { envelopeStateQuery, envelopeWorkflowId, type EnvelopeStatus, type EnvelopeWorkflow } from '../../../contracts/envelope';
import type { SubjectType } from '../../../domain/subject';
import { isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';
import { QUERY_TIMEOUT_MS } from '../../workflow-query';

export interface EnvelopeRow {
  id: string;
  subject_type: SubjectType;
  subject_id: string;
  title: string;
  status: EnvelopeStatus;
  sender_id: string | null;
  signer_ids: string[];
  workflow_id: string;
}

/**
 * The envelope as its row records it, or, in the moment between a process
 * naming its envelope and the envelope recording itself, as its workflow's
 * own state describes it (so a client that read the id never gets a 404 for
 * it). Visible to its signers, its sender and staff; anyone else gets 404.
 */
export async function visibleEnvelope(c: Context<AppEnv>, id: string): Promise<EnvelopeRow> {
  const deps = c.get('deps');
  const p = c.get('principal');
  const [recorded] = await deps.db.query<EnvelopeRow>(
    'select id, subject_type, subject_id, title, status, sender_id, signer_ids, workflow_id from envelopes where id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  const row = recorded ?? (await notYetRecorded(deps, id));
  if (!row || !(isStaff(p) || row.sender_id === p.userId || row.signer_ids.includes(p.userId))) throw notFound('envelope');
  return row;
}

/** The row an envelope is about to write, from its workflow; undefined when there is no such workflow (or it cannot say in time). */
async function notYetRecorded(deps: ApiDeps, id: string): Promise<EnvelopeRow | undefined> {
  const handle = deps.temporal.workflow.getHandle<EnvelopeWorkflow>(envelopeWorkflowId(id));
  try {
    const s = await deps.temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(envelopeStateQuery));
    return {
      id,
      subject_type: s.subject.type,
      subject_id: s.subject.id,
      title: s.title,
      status: s.status,
      sender_id: s.sender.userId,
      signer_ids: s.signers.map((x) => x.userId),
      workflow_id: handle.workflowId,
    };
  } catch {
    return undefined;
  }
}

export const envelopeHandle = (deps: ApiDeps, row: Pick<EnvelopeRow, 'id' | 'workflow_id'>) =>
  deps.temporal.workflow.getHandle<EnvelopeWorkflow>(row.workflow_id ?? envelopeWorkflowId(row.id));

/** An envelope as the target of a signer's Update. */
export async function signersEnvelope(c: Context<AppEnv>, id: string): Promise<UpdateTarget & { row: EnvelopeRow; principal: Principal }> {
  const deps = c.get('deps');
  const principal = c.get('principal');
  const row = await visibleEnvelope(c, id);
  if (!row.signer_ids.includes(principal.userId)) throw forbidden('only the envelope\'s signers sign or decline it');
  return { row, principal, handle: envelopeHandle(deps, row), finished: `the envelope is ${row.status}; it takes no more signatures` };
}
