/** The organization's late-fee policy, stored as a setting; the built-in default until an admin sets one. */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { DEFAULT_LATE_FEE_POLICY, LateFeePolicySchema, type LateFeePolicy } from '../contracts/late-fee-policy.schema';

const KEY = 'late_fee_policy';

export async function organizationLateFeePolicy(db: Sequelize, transaction?: Transaction): Promise<{ policy: LateFeePolicy; updatedAt: string | null; updatedBy: string | null }> {
  const [row] = await db.query<{ value: unknown; updated_at: Date; updated_by: string | null }>(
    'select value, updated_at, updated_by from organization_settings where key = $1',
    { bind: [KEY], type: QueryTypes.SELECT, transaction },
  );
  if (!row) return { policy: DEFAULT_LATE_FEE_POLICY, updatedAt: null, updatedBy: null };
  return { policy: LateFeePolicySchema.parse(row.value), updatedAt: new Date(row.updated_at).toISOString(), updatedBy: row.updated_by };
}

export async function setOrganizationLateFeePolicy(db: Sequelize, policy: LateFeePolicy, by: string) {
  await db.query(
    `insert into organization_settings (key, value, updated_by, updated_at) values ($1, $2::jsonb, $3, now())
     on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
    { bind: [KEY, JSON.stringify(LateFeePolicySchema.parse(policy)), by] },
  );
  return organizationLateFeePolicy(db);
}
