/**
 * An owner's monthly statement: for each property they own a share of, the
 * property's own money (cash less the tenants' deposits it holds) at the
 * start of the month, every movement of it in the month by section, and at
 * the end. Every transaction that moves it is in one section, so the closing
 * balance is the book's figure to the cent (a test checks it against the
 * ledger directly). Figures are the whole property's; the owner's share and
 * their own distributions are shown beside them.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ExpenseLine, OwnerStatement, OwnerStatementProperty, StatementLine } from '../../contracts/reports.schema';
import { addDays } from '../../domain/calendar';
import type { Currency } from '../../domain/money';
import { ADDRESS_SQL, agreementOn, monthBounds, operatingBookOf, type PropertyScope } from './books';

interface Movement {
  id: string;
  kind: string;
  occurred_on: string;
  reference: string | null;
  memo: string | null;
  party_id: string | null;
  effect: string;
  bill_id: string | null;
  vendor_name: string | null;
  description: string | null;
  account: string | null;
  work_order_id: string | null;
  attachment_ids: string[] | null;
}

const INCOME_WORDS: Record<string, string> = {
  payment_received: 'Tenant payment',
  payment_reversed: 'Tenant payment returned',
  deposit_applied: 'Security deposit applied to charges',
};

/** The owner's money in a property's operating books moves by: cash, less deposits held (tenants' money). */
const EFFECT = `sum(case l.account when 'cash' then l.debit_minor - l.credit_minor when 'deposits_held' then l.debit_minor - l.credit_minor else 0 end)`;

async function ownerMoney(db: Sequelize, propertyId: string, currency: Currency, before: string): Promise<{ balance: number; deposits: number }> {
  const [row] = await db.query<{ balance: string; deposits: string }>(
    `select coalesce(${EFFECT}, 0) as balance, coalesce(sum(l.credit_minor - l.debit_minor) filter (where l.account = 'deposits_held'), 0) as deposits
       from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
      where ${operatingBookOf('t', '$1')} and t.currency = $2 and t.occurred_on < $3`,
    { bind: [propertyId, currency, before], type: QueryTypes.SELECT },
  );
  return { balance: Number(row!.balance), deposits: Number(row!.deposits) };
}

export async function ownerStatementProperty(db: Sequelize, o: { propertyId: string; address: string; ownerId: string; shareBps: number; month: string; currency: Currency }): Promise<OwnerStatementProperty> {
  const { from, to } = monthBounds(o.month);
  const [opening, closing, movements, agreement] = await Promise.all([
    ownerMoney(db, o.propertyId, o.currency, from),
    ownerMoney(db, o.propertyId, o.currency, addDays(to, 1)),
    db.query<Movement>(
      `select t.id, t.kind, t.occurred_on::text, t.reference, t.memo, t.party_id, ${EFFECT} as effect,
              b.id as bill_id, b.vendor_name, b.description, b.account, coalesce(b.work_order_id, w.id) as work_order_id, b.attachment_ids
         from ledger_transactions t join ledger_lines l on l.transaction_id = t.id
         left join bills b on b.ledger_transaction_id = t.id
         left join work_orders w on b.id is null and t.idempotency_key = 'workorder:' || w.id || ':paid'
        where ${operatingBookOf('t', '$1')} and t.currency = $2 and t.occurred_on between $3 and $4
        group by t.id, b.id, w.id
        order by t.occurred_on, t.created_at, t.id`,
      { bind: [o.propertyId, o.currency, from, to], type: QueryTypes.SELECT },
    ),
    agreementOn(db, o.propertyId, to),
  ]);
  const income: StatementLine[] = [];
  const expenses: ExpenseLine[] = [];
  const managementFees: StatementLine[] = [];
  const contributions: StatementLine[] = [];
  const distributions: StatementLine[] = [];
  let ownerDistributionsMinor = 0;
  for (const m of movements) {
    const amountMinor = Number(m.effect);
    if (amountMinor === 0) continue; // deposits in and out are the tenants' money
    const line = { date: m.occurred_on, amountMinor, reference: m.reference };
    switch (m.kind) {
      case 'bill_paid':
      case 'repair_paid':
        expenses.push({
          ...line,
          description: m.description ?? m.memo ?? 'repair',
          account: m.account ?? 'repairs_expense',
          vendor: m.vendor_name,
          billId: m.bill_id,
          workOrderId: m.work_order_id,
          attachmentIds: m.attachment_ids ?? [],
        });
        break;
      case 'management_fee_charged':
        managementFees.push({ ...line, description: m.memo ?? 'Management fee' });
        break;
      case 'owner_contribution':
        contributions.push({ ...line, description: m.memo ?? 'Owner contribution' });
        break;
      case 'owner_distribution':
        distributions.push({ ...line, description: m.memo ?? 'Owner distribution' });
        if (m.party_id === o.ownerId) ownerDistributionsMinor -= amountMinor;
        break;
      default:
        income.push({ ...line, description: INCOME_WORDS[m.kind] ?? m.kind.replace(/_/g, ' ') });
    }
  }
  const total = (lines: readonly StatementLine[]) => lines.reduce((n, l) => n + l.amountMinor, 0);
  return {
    propertyId: o.propertyId,
    propertyAddress: o.address,
    shareBps: o.shareBps,
    openingMinor: opening.balance,
    income,
    expenses,
    managementFees,
    contributions,
    distributions,
    totals: { incomeMinor: total(income), expensesMinor: total(expenses), managementFeesMinor: total(managementFees), contributionsMinor: total(contributions), distributionsMinor: total(distributions) },
    closingMinor: closing.balance,
    reserveMinor: agreement?.reserveMinor ?? 0,
    depositsHeldMinor: closing.deposits,
    ownerDistributionsMinor,
  };
}

/** The owner's properties in scope, with their shares. */
export async function ownedProperties(db: Sequelize, ownerId: string, scope: PropertyScope): Promise<{ propertyId: string; address: string; shareBps: number }[]> {
  return db.query(
    `select o.property_id as "propertyId", ${ADDRESS_SQL} as address, o.share_bps as "shareBps"
       from property_owners o join properties p on p.id = o.property_id
      where o.owner_id = $1 and ($2::uuid[] is null or o.property_id = any($2::uuid[]))
      order by address, o.property_id`,
    { bind: [ownerId, scope === 'all' ? null : [...scope]], type: QueryTypes.SELECT },
  );
}

export async function buildOwnerStatement(db: Sequelize, o: { ownerId: string; month: string; currency: Currency; scope: PropertyScope; propertyId?: string }): Promise<OwnerStatement | undefined> {
  const [owner] = await db.query<{ name: string }>('select name from users where id = $1', { bind: [o.ownerId], type: QueryTypes.SELECT });
  if (!owner) return undefined;
  const owned = (await ownedProperties(db, o.ownerId, o.scope)).filter((p) => !o.propertyId || p.propertyId === o.propertyId);
  const properties = await Promise.all(owned.map((p) => ownerStatementProperty(db, { ...p, ownerId: o.ownerId, month: o.month, currency: o.currency })));
  const { from, to } = monthBounds(o.month);
  return { kind: 'owner-statement', title: `Owner statement, ${o.month}`, currency: o.currency, asOf: to, ownerId: o.ownerId, ownerName: owner.name, month: o.month, from, to, properties };
}
