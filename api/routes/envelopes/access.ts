/**
 * Who sees a signing envelope: its signers, its sender, and staff. Anyone
 * else gets 404, so its existence stays private. Only a signer signs or
 * declines it (and only when the workflow says it is their turn).
 */
import { QueryTypes } from 'sequelize';
import type { Context } from 'hono';
import { envelopeWorkflowId, type EnvelopeStatus, type EnvelopeWorkflow } from '../../../contracts/envelope';
import type { SubjectType } from '../../../domain/subject';
import { isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';

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

export async function visibleEnvelope(db: ApiDeps['db'], p: Principal, id: string): Promise<EnvelopeRow> {
  const [row] = await db.query<EnvelopeRow>(
    'select id, subject_type, subject_id, title, status, sender_id, signer_ids, workflow_id from envelopes where id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  if (!row || !(isStaff(p) || row.sender_id === p.userId || row.signer_ids.includes(p.userId))) throw notFound('envelope');
  return row;
}

export const envelopeHandle = (deps: ApiDeps, row: Pick<EnvelopeRow, 'id' | 'workflow_id'>) =>
  deps.temporal.workflow.getHandle<EnvelopeWorkflow>(row.workflow_id ?? envelopeWorkflowId(row.id));

/** An envelope as the target of a signer's Update. */
export async function signersEnvelope(c: Context<AppEnv>, id: string): Promise<UpdateTarget & { row: EnvelopeRow; principal: Principal }> {
  const deps = c.get('deps');
  const principal = c.get('principal');
  const row = await visibleEnvelope(deps.db, principal, id);
  if (!row.signer_ids.includes(principal.userId)) throw forbidden('only the envelope\'s signers sign or decline it');
  return { row, principal, handle: envelopeHandle(deps, row), finished: `the envelope is ${row.status}; it takes no more signatures` };
}
