/** Money received outside Stripe (by hand, or the deposit applied): one payment row per key. */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface ReceivedPayment {
  key: string;
  leaseId: string;
  reference: string;
  method: 'cash' | 'check' | 'bank_transfer' | 'deposit';
  amountMinor: number;
  currency: string;
}

/** Records the payment once per key (a retry finds it); returns its id. */
export async function recordReceivedPayment(db: Sequelize, p: ReceivedPayment, transaction: Transaction): Promise<string> {
  await db.query(
    `insert into payments (id, idempotency_key, lease_id, reference, method, amount_minor, currency, status, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'succeeded', now(), now())
     on conflict (idempotency_key) do nothing`,
    { bind: [p.key, p.leaseId, p.reference, p.method, p.amountMinor, p.currency], transaction },
  );
  const [row] = await db.query<{ id: string }>('select id from payments where idempotency_key = $1', {
    bind: [p.key],
    type: QueryTypes.SELECT,
    transaction,
  });
  return row!.id;
}
