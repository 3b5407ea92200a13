/**
 * Closing a property's month: the manager's fee (domain/books/management-fee.ts)
 * and the owners' distributions of the cash above the reserve
 * (domain/books/distribution.ts), posted to the property's book on the
 * month's last day, once per month. The property's row is locked while it is
 * closed, so two runs at once close it once; a month already closed answers
 * what it posted then.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { distributableMinor, splitByShares } from '../../domain/books/distribution';
import { managementFeeFor } from '../../domain/books/management-fee';
import { formatMoney } from '../../domain/money';
import { postToLedger } from '../ledger';
import { agreementOn, cashPosition, monthBounds } from '../reports/books';

export interface MonthEndResult {
  propertyId: string;
  month: string;
  managed: boolean;
  feeMinor: number;
  distributions: { ownerId: string; amountMinor: number }[];
  /** True when an earlier run had closed the month: nothing was posted now. */
  alreadyClosed: boolean;
}

const feeKey = (propertyId: string, month: string) => `management-fee:${propertyId}:${month}`;
const distributionKey = (propertyId: string, month: string, ownerId: string) => `distribution:${propertyId}:${month}:${ownerId}`;
const closedKey = (propertyId: string, month: string) => `distribution:${propertyId}:${month}:`;

export async function closePropertyMonth(db: Sequelize, propertyId: string, month: string): Promise<MonthEndResult> {
  const { from, to } = monthBounds(month);
  return db.transaction(async (transaction) => {
    await db.query('select id from properties where id = $1 for update', { bind: [propertyId], transaction });
    const agreement = await agreementOn(db, propertyId, to, transaction);
    const result: MonthEndResult = { propertyId, month, managed: Boolean(agreement), feeMinor: 0, distributions: [], alreadyClosed: false };
    if (!agreement) return result;
    const currency = agreement.currency;

    const [done] = await db.query<{ closed: boolean; fee: string | null }>(
      `select exists (select 1 from month_closings where property_id = $1 and month = $2) as closed,
              (select amount_minor from ledger_transactions where idempotency_key = $3) as fee`,
      { bind: [propertyId, month, feeKey(propertyId, month)], type: QueryTypes.SELECT, transaction },
    );
    if (done!.closed) {
      const posted = await db.query<{ party_id: string; amount_minor: string }>(
        `select party_id, amount_minor from ledger_transactions where idempotency_key like $1 || '%' order by party_id`,
        { bind: [closedKey(propertyId, month)], type: QueryTypes.SELECT, transaction },
      );
      return { ...result, alreadyClosed: true, feeMinor: Number(done!.fee ?? 0), distributions: posted.map((p) => ({ ownerId: p.party_id, amountMinor: Number(p.amount_minor) })) };
    }

    const [activity] = await db.query<{ collected: string; new_leases: number }>(
      `select (select coalesce(sum(case kind when 'payment_received' then amount_minor else -amount_minor end), 0) from ledger_transactions
                where book_type = 'lease' and property_id = $1 and kind in ('payment_received', 'payment_reversed') and currency = $4 and occurred_on between $2 and $3) as collected,
              (select count(*)::int from leases where property_id = $1 and terms is not null and status in ('awaiting_move_in', 'active', 'ended', 'closed')
                and (terms->>'startDate')::date between $2 and $3) as new_leases`,
      { bind: [propertyId, from, to, currency], type: QueryTypes.SELECT, transaction },
    );
    const fee = managementFeeFor(agreement, { collectedMinor: Number(activity!.collected), newLeases: activity!.new_leases });
    if (fee.totalMinor > 0) {
      const parts = [`${(agreement.feeBps / 100).toFixed(2)}% of ${formatMoney(fee.collectedMinor, currency)} collected`];
      if (fee.leasingMinor > 0) parts.push(`leasing fee for ${fee.newLeases} new lease${fee.newLeases === 1 ? '' : 's'}`);
      await postToLedger(
        db,
        { book: { type: 'property', id: propertyId }, kind: 'management_fee_charged', amountMinor: fee.totalMinor, currency, occurredOn: to, reference: `management fee ${month}`, memo: `Management fee: ${parts.join(', ')}`, idempotencyKey: feeKey(propertyId, month) },
        transaction,
      );
    }
    result.feeMinor = fee.totalMinor;

    // One connection in a transaction: its queries run one after another.
    const position = await cashPosition(db, propertyId, to, currency, transaction);
    const [bills] = await db.query<{ open: string }>(
      `select coalesce(sum(amount_minor), 0) as open from bills where property_id = $1 and currency = $3 and status in ('pending_approval', 'approved') and bill_date <= $2`,
      { bind: [propertyId, to, currency], type: QueryTypes.SELECT, transaction },
    );
    const owners = await db.query<{ owner_id: string; share_bps: number }>('select owner_id, share_bps from property_owners where property_id = $1 order by owner_id', {
      bind: [propertyId],
      type: QueryTypes.SELECT,
      transaction,
    });
    const available = distributableMinor({ ...position, reserveMinor: agreement.reserveMinor, openBillsMinor: Number(bills!.open) });
    if (available > 0) {
      for (const part of splitByShares(available, owners.map((o) => ({ ownerId: o.owner_id, shareBps: o.share_bps })))) {
        if (part.amountMinor <= 0) continue;
        await postToLedger(
          db,
          {
            book: { type: 'property', id: propertyId },
            kind: 'owner_distribution',
            amountMinor: part.amountMinor,
            currency,
            occurredOn: to,
            reference: `distribution ${month}`,
            memo: `Owner distribution for ${month}`,
            idempotencyKey: distributionKey(propertyId, month, part.ownerId),
            partyId: part.ownerId,
          },
          transaction,
        );
        result.distributions.push(part);
      }
    }
    await db.query('insert into month_closings (property_id, month, fee_minor, distributed_minor, currency) values ($1, $2, $3, $4, $5)', {
      bind: [propertyId, month, fee.totalMinor, available, currency],
      transaction,
    });
    return result;
  });
}
