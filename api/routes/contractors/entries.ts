/**
 * The directory's entries as the API shows them: each contractor with their
 * documents and whether they may be assigned work today (the same rule the
 * work-order workflow applies when it asks them, under the platform's
 * default requirements).
 */
import { QueryTypes } from 'sequelize';
import { todayUtc } from '../../../domain/calendar';
import type { Currency } from '../../../domain/money';
import type { Trade } from '../../../domain/work-order/contractor-choice';
import { complianceProblems, type VendorDocumentKind } from '../../../domain/work-order/vendor-compliance';
import type { ApiDeps } from '../../deps';

interface ContractorRow {
  user_id: string;
  name: string;
  email: string;
  company: string;
  trades: Trade[];
  service_area: string[];
  hourly_rate_minor: string;
  currency: Currency;
  created_at: Date;
}

interface DocumentRow {
  id: string;
  contractor_id: string;
  kind: VendorDocumentKind;
  expires_on: string | null;
  coverage_minor: string | null;
  reference: string | null;
  created_at: Date;
}

export interface EntryFilter {
  id?: string | undefined;
  trade?: Trade | undefined;
  postalCode?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** A page of entries in id order (`nextAfter` as the other lists). */
export async function contractorEntries(db: ApiDeps['db'], f: EntryFilter) {
  const rows = await db.query<ContractorRow>(
    `select c.user_id, u.name, u.email, c.company, c.trades, c.service_area, c.hourly_rate_minor, c.currency, c.created_at
       from contractors c join users u on u.id = c.user_id
      where ($1::uuid is null or c.user_id = $1)
        and ($2::text is null or c.trades @> array[$2::text])
        and ($3::text is null or $3 = any(c.service_area))
        and ($4::uuid is null or c.user_id > $4)
      order by c.user_id limit $5`,
    { bind: [f.id ?? null, f.trade ?? null, f.postalCode ?? null, f.after ?? null, f.limit], type: QueryTypes.SELECT },
  );
  const documents = await db.query<DocumentRow>(
    `select id, contractor_id, kind, to_char(expires_on, 'YYYY-MM-DD') as expires_on, coverage_minor, reference, created_at
       from contractor_documents where contractor_id = any($1::uuid[]) order by created_at, id`,
    { bind: [rows.map((r) => r.user_id)], type: QueryTypes.SELECT },
  );
  const today = todayUtc();
  const items = rows.map((r) => {
    const docs = documents.filter((d) => d.contractor_id === r.user_id);
    const problems = complianceProblems(
      docs.map((d) => ({ kind: d.kind, expiresOn: d.expires_on, ...(d.coverage_minor === null ? {} : { coverageMinor: Number(d.coverage_minor) }) })),
      today,
    );
    return {
      id: r.user_id,
      name: r.name,
      email: r.email,
      company: r.company,
      trades: r.trades,
      serviceArea: r.service_area,
      hourlyRateMinor: Number(r.hourly_rate_minor),
      currency: r.currency,
      documents: docs.map((d) => ({
        id: d.id,
        kind: d.kind,
        expiresOn: d.expires_on,
        coverageMinor: d.coverage_minor === null ? null : Number(d.coverage_minor),
        reference: d.reference,
        createdAt: d.created_at.toISOString(),
      })),
      compliance: { on: today, compliant: problems.length === 0, problems },
      createdAt: r.created_at.toISOString(),
    };
  });
  return { items, nextAfter: rows.length === f.limit ? rows[rows.length - 1]!.user_id : null };
}

/** One entry, or undefined. */
export async function contractorEntry(db: ApiDeps['db'], id: string) {
  return (await contractorEntries(db, { id, limit: 1 })).items[0];
}
