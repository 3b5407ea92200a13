/**
 * The year's vendor tax summary (US Form 1099-NEC): every vendor paid for
 * work on the properties in scope — bills, work orders, construction draws
 * and retainage released — with the total paid in the year; those paid at
 * least the threshold are reportable, and flagged when no tax form (W-9) is
 * on file. USD only: the form is American.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { VendorTaxSummary } from '../../contracts/reports.schema';
import type { PropertyScope } from './books';

/** 600 USD, in cents (IRS: nonemployee compensation of $600 or more). */
export const FORM_1099_NEC_THRESHOLD_MINOR = 60_000;
const VENDOR_PAYMENTS = ['bill_paid', 'repair_paid', 'draw_paid', 'retainage_released'];

export async function buildVendorTaxSummary(db: Sequelize, o: { scope: PropertyScope; year: number }): Promise<VendorTaxSummary> {
  const rows = await db.query<{ vendor_id: string | null; name: string; paid: string; w9: boolean }>(
    `select t.party_id as vendor_id,
            coalesce(c.company, u.name, b.vendor_name) as name,
            sum(t.amount_minor) as paid,
            exists (select 1 from contractor_documents d where d.contractor_id = t.party_id and d.kind = 'tax_form_w9') as w9
       from ledger_transactions t
       left join bills b on b.ledger_transaction_id = t.id
       left join contractors c on c.user_id = t.party_id
       left join users u on u.id = t.party_id
      where t.kind = any($1::text[]) and t.currency = 'USD' and t.occurred_on between $2 and $3
        and (t.party_id is not null or b.id is not null)
        and ($4::uuid[] is null or t.property_id = any($4::uuid[]))
      group by 1, 2
      order by sum(t.amount_minor) desc, 2`,
    { bind: [VENDOR_PAYMENTS, `${o.year}-01-01`, `${o.year}-12-31`, o.scope === 'all' ? null : [...o.scope]], type: QueryTypes.SELECT },
  );
  return {
    kind: 'vendor-tax-summary',
    title: `Vendor tax summary (1099-NEC), ${o.year}`,
    currency: 'USD',
    asOf: `${o.year}-12-31`,
    year: o.year,
    thresholdMinor: FORM_1099_NEC_THRESHOLD_MINOR,
    rows: rows.map((r) => {
      const paidMinor = Number(r.paid);
      const reportable = paidMinor >= FORM_1099_NEC_THRESHOLD_MINOR;
      return { vendorId: r.vendor_id, name: r.name, paidMinor, reportable, taxIdOnFile: r.w9, flagged: reportable && !r.w9 };
    }),
  };
}
