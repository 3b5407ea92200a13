/**
 * Who sees a purchase and for which side they act: its buyers and sellers,
 * their agents (a listing's manager acts for the seller; a manager who makes
 * an offer for buyers acts for them), and staff (admins and ops read). The
 * staff steps — reviewing documents, title, escrow — are an admin's or an
 * agent's on the purchase (the brokers).
 * Anyone else, a competing buyer included, gets 404: an offer's existence
 * stays private.
 */
import { QueryTypes } from 'sequelize';
import type { Context } from 'hono';
import { purchaseWorkflowId, type Actor, type PurchaseState, type PurchaseWorkflow } from '../../../contracts/purchase';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, AppEnv, Principal } from '../../deps';
import { forbidden, notFound } from '../../problem';
import type { UpdateTarget } from '../../update-route';

export interface PurchaseRow {
  id: string;
  listing_id: string;
  property_id: string;
  stage: PurchaseState['stage'];
  buyer_ids: string[];
  seller_ids: string[];
  buyer_agent_ids: string[];
  seller_agent_ids: string[];
  state: PurchaseState;
  workflow_id: string;
}

const COLUMNS = 'id, listing_id, property_id, stage, buyer_ids, seller_ids, buyer_agent_ids, seller_agent_ids, state, workflow_id';

/** The side the caller is on, if any. */
export function sideOf(p: Principal, row: PurchaseRow): 'buyer' | 'seller' | null {
  if (row.buyer_ids.includes(p.userId) || row.buyer_agent_ids.includes(p.userId)) return 'buyer';
  if (row.seller_ids.includes(p.userId) || row.seller_agent_ids.includes(p.userId)) return 'seller';
  return null;
}

/** A manager who is an agent on the purchase: a broker, who also reviews documents and records escrow and title steps. */
export const isAgent = (p: Principal, row: PurchaseRow) => hasRole(p, 'manager') && (row.buyer_agent_ids.includes(p.userId) || row.seller_agent_ids.includes(p.userId));

export async function visiblePurchase(db: ApiDeps['db'], p: Principal, id: string): Promise<PurchaseRow> {
  const [row] = await db.query<PurchaseRow>(`select ${COLUMNS} from purchases where id = $1`, { bind: [id], type: QueryTypes.SELECT });
  if (!row || !(isStaff(p) || sideOf(p, row))) throw notFound('purchase');
  return row;
}

export const purchaseHandle = (deps: ApiDeps, row: PurchaseRow) => deps.temporal.workflow.getHandle<PurchaseWorkflow>(row.workflow_id ?? purchaseWorkflowId(row.id));

export type PurchaseTarget = UpdateTarget & { row: PurchaseRow; actor: Actor };

/**
 * A purchase as the target of an Update: `side` routes need the caller on the
 * buyer's or the seller's side (acting as it); `staff` routes an admin or a
 * agent on the purchase (acting as escrow, title or broker staff);
 * `side_or_staff`: a buyer or seller acts for their side, an agent or admin as staff.
 */
export function purchaseTarget(who: 'side' | 'buyer' | 'staff' | 'side_or_staff') {
  return async (c: Context<AppEnv>, id: string): Promise<PurchaseTarget> => {
    const deps = c.get('deps');
    const p = c.get('principal');
    const row = await visiblePurchase(deps.db, p, id);
    let actor: Actor;
    // A party acts for their side; an agent or an admin as staff. Decided per request (`who` is the route's, shared by all).
    const mode = who !== 'side_or_staff' ? who : sideOf(p, row) && !isAgent(p, row) ? 'side' : hasRole(p, 'admin') || isAgent(p, row) ? 'staff' : 'side';
    if (mode === 'staff') {
      if (!hasRole(p, 'admin') && !isAgent(p, row)) throw forbidden('only an admin, or a manager acting as broker on this purchase, may do this');
      actor = { by: p.userId, as: 'staff' };
    } else {
      const side = sideOf(p, row);
      if (!side) throw forbidden('only the buyer or the seller (or their agents) act on the offer');
      if (mode === 'buyer' && side !== 'buyer') throw forbidden('only the buyer (or their agent) may do this');
      actor = { by: p.userId, as: side };
    }
    return { row, actor, handle: purchaseHandle(deps, row), finished: `the purchase is ${row.stage.replaceAll('_', ' ')}; it takes no more changes` };
  };
}
