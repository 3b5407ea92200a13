/**
 * The project workflow's activities (contracts/project.ts: ProjectActivities)
 * on Postgres: the project's row, its PDFs (change orders for the owners'
 * envelopes, the final report) in the document store, the draws and released
 * retainage posted to the project's book, its e-mails, and the property's
 * record once the work is done. Each is idempotent: the row is keyed by the
 * project, postings by `project:<id>:draw:<contract>:<application>:<kind>`
 * and `project:<id>:retainage:<contract>`, a change order's PDF by its hash
 * (rendering is deterministic), the final report by the project, the
 * property's record by `projects.property_recorded_at`, e-mails by the
 * activity invocation.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Subject } from '../../domain/subject';
import type { ProjectActivities } from '../../contracts/project';
import { renderChangeOrder } from '../../lib/documents/change-order';
import { sha256 } from '../../lib/documents/pdf';
import { renderProjectFinalReport } from '../../lib/documents/project-final-report';
import { recordPaidBill } from '../../lib/books/bills';
import { postToLedger, type Posting } from '../../lib/ledger';
import { recordIndexRequest, signalListingIndexing } from '../../clients/search';
import { createDocumentStore } from '../documents/store';
import { createNotifications, type NotificationDeps } from '../notifications';
import { drawPostingsOf, featuresOf, projectBook, projectRow, retainageReleaseOf, type LedgerPostingOf } from './rows';

/** `searchTaskQueue`: where a changed property's listings are reindexed at once (without it, the outbox sweep does it). */
export type ProjectDeps = NotificationDeps & { searchTaskQueue?: string };

const subjectOf = (projectId: string): Subject => ({ type: 'project', id: projectId });

export const CHANGE_ORDER_KIND = 'change_order';
export const FINAL_REPORT_KIND = 'project_final_report';

export function createProjectActivities(deps: ProjectDeps): ProjectActivities {
  const { db } = deps;
  const documents = createDocumentStore(db);
  const notifications = createNotifications(deps);

  /** The property the project's money concerns: the one renovated, or the parcel built on (a parcel is a land property). */
  async function siteOf(projectId: string, transaction?: Transaction): Promise<string | null> {
    const [row] = await db.query<{ site: string | null }>('select coalesce(property_id, parcel_id) as site from projects where id = $1', {
      bind: [projectId],
      type: QueryTypes.SELECT,
      transaction,
    });
    return row?.site ?? null;
  }

  /** A posting of the project's book; money paid to the contractor is also their bill (the AP record reports read). */
  async function post(projectId: string, propertyId: string | null, p: LedgerPostingOf, currency: Posting['currency'], occurredOn: string, t: Transaction, contractorId: string) {
    const posted = await postToLedger(
      db,
      { book: projectBook(projectId), propertyId, kind: p.kind, amountMinor: p.amountMinor, currency, occurredOn, reference: p.reference, memo: p.memo, idempotencyKey: p.idempotencyKey, partyId: contractorId },
      t,
    );
    if (!propertyId || (p.kind !== 'draw_paid' && p.kind !== 'retainage_released')) return;
    const [vendor] = await db.query<{ company: string }>('select company from contractors where user_id = $1', { bind: [contractorId], type: QueryTypes.SELECT, transaction: t });
    await recordPaidBill(
      db,
      {
        sourceKey: p.idempotencyKey,
        source: 'draw',
        propertyId,
        vendorId: contractorId,
        vendorName: vendor?.company ?? 'contractor',
        amountMinor: p.amountMinor,
        currency,
        description: p.memo,
        paidOn: occurredOn,
        reference: p.reference,
        ledgerTransactionId: posted.transactionId,
        projectId,
      },
      t,
    );
  }

  return {
    async recordProject({ state }) {
      const r = projectRow(state);
      // The API writes the row (with its owners and manager) before the workflow starts; a row missing (a project started
      // another way) is written here with what the state knows. The workflow writes in order, so the latest write wins.
      await db.query(
        `insert into projects (id, property_id, parcel_id, kind, name, status, contractor_ids, currency, state, workflow_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7::uuid[], $8, $9::jsonb, $10, now(), now())
         on conflict (id) do update set
           property_id = coalesce(excluded.property_id, projects.property_id), name = excluded.name, status = excluded.status,
           contractor_ids = excluded.contractor_ids, state = excluded.state, updated_at = now()`,
        { bind: [r.id, r.propertyId, r.parcelId, r.kind, r.name, r.status, r.contractorIds, r.currency, JSON.stringify(r.state), r.workflowId] },
      );
    },

    async renderChangeOrder({ projectId, name, address, currency, changeOrder, contract, contractor }) {
      const pdf = await renderChangeOrder({ projectId, projectName: name, address, currency, changeOrder, contract, contractor });
      // The same change order renders the same bytes: a retry finds the copy it stored.
      const [existing] = await db.query<{ id: string }>(
        'select id from documents where subject_type = $1 and subject_id = $2 and kind = $3 and sha256 = $4 order by created_at limit 1',
        { bind: ['project', projectId, CHANGE_ORDER_KIND, pdf.sha256], type: QueryTypes.SELECT },
      );
      if (existing) return { documentId: existing.id, sha256: pdf.sha256 };
      return { documentId: await documents.store(subjectOf(projectId), CHANGE_ORDER_KIND, pdf), sha256: pdf.sha256 };
    },

    async postDraw({ projectId, commitmentId, applicationNo, contractorId, currency, paidOn, postings }) {
      const lines = drawPostingsOf({ projectId, commitmentId, applicationNo, contractorId, postings });
      if (lines.length === 0) return;
      await db.transaction(async (t) => {
        const propertyId = await siteOf(projectId, t);
        for (const p of lines) await post(projectId, propertyId, p, currency, paidOn, t, contractorId);
      });
    },

    async releaseRetainage({ projectId, commitmentId, contractorId, currency, releasedOn, amountMinor }) {
      const release = retainageReleaseOf({ projectId, commitmentId, contractorId, amountMinor });
      if (!release) return;
      await db.transaction(async (t) => post(projectId, await siteOf(projectId, t), release, currency, releasedOn, t, contractorId));
    },

    notifyProject: ({ projectId, template, data, to }) => notifications.notify({ subject: subjectOf(projectId), template, data, to }),

    async updatePropertyRecord({ projectId, kind, site, year, improvements }) {
      const features = featuresOf(improvements);
      const added = improvements.addedLivingAreaSqft;
      const changed: { id: string; property_id: string }[] = [];
      const propertyId = await db.transaction(async (t) => {
        const [project] = await db.query<{ property_id: string | null; parcel_id: string | null; property_recorded_at: Date | null; built_property_type: string | null }>(
          'select property_id, parcel_id, property_recorded_at, built_property_type from projects where id = $1 for update',
          { bind: [projectId], type: QueryTypes.SELECT, transaction: t },
        );
        if (!project) throw new Error(`project ${projectId} has no row yet: it is recorded before it completes`);
        // Once per project: a retry answers the property it recorded.
        if (project.property_recorded_at && project.property_id) return project.property_id;

        let id = site.propertyId ?? project.property_id;
        if (id) {
          const [updated] = await db.query<{ id: string }>(
            `update properties set
               year_renovated = case when $2::text = 'renovation' then $3::int else year_renovated end,
               year_built = case when $2::text = 'new_construction' then $3::int else year_built end,
               living_area_sqft = case when living_area_sqft is null then null else living_area_sqft + $4::int end,
               added_area_sqft = coalesce(added_area_sqft, 0) + $4::int,
               features = features || array(select f from unnest($5::text[]) as f where not (f = any(properties.features))),
               updated_at = now()
             where id = $1 returning id`,
            { bind: [id, kind, year, added, features], type: QueryTypes.SELECT, transaction: t },
          );
          if (!updated) throw new Error(`project ${projectId}: property ${id} is not on record`);
        } else {
          // New construction: the building becomes a property of its own on the parcel, where the parcel's land property is.
          const parcelId = site.parcelId ?? project.parcel_id;
          if (!parcelId) throw new Error(`project ${projectId} has neither a property nor a parcel`);
          const [created] = await db.query<{ id: string }>(
            `insert into properties (id, owner_id, manager_id, type, address_line1, address_line2, city, region, postal_code, country, lat, lon,
                                     living_area_sqft, lot_area_sqft, year_built, zoning_code, neighborhood, county, legal_description,
                                     added_area_sqft, features, created_at, updated_at)
             select gen_random_uuid(), p.owner_id, p.manager_id, $2, p.address_line1, p.address_line2, p.city, p.region, p.postal_code, p.country, p.lat, p.lon,
                    nullif($3::int, 0), coalesce(p.lot_area_sqft, pa.area_sqft), $4::int, coalesce(p.zoning_code, pa.zoning_code), p.neighborhood, p.county,
                    coalesce(p.legal_description, pa.legal_description), $3::int, $5::text[], now(), now()
               from properties p left join parcels pa on pa.property_id = p.id
              where p.id = $1
             returning id`,
            { bind: [parcelId, project.built_property_type ?? 'house', added, year, features], type: QueryTypes.SELECT, transaction: t },
          );
          if (!created) throw new Error(`project ${projectId}: parcel ${parcelId} is not on record`);
          id = created.id;
        }
        await db.query('update projects set property_id = $2, property_recorded_at = now(), updated_at = now() where id = $1', { bind: [projectId, id], transaction: t });
        // The property's figures are in its listings' search documents: each listing is indexed again (a new version).
        const listings = await db.query<{ id: string; property_id: string }>(
          'update listings set version = version + 1, updated_at = now() where property_id = $1 returning id, property_id',
          { bind: [id], type: QueryTypes.SELECT, transaction: t },
        );
        for (const l of listings) {
          await recordIndexRequest(db, { id: l.id, propertyId: l.property_id }, t);
          changed.push(l);
        }
        return id;
      });
      // After commit: hand the index requests to the search worker (the outbox sweep does it if this fails).
      if (deps.searchTaskQueue) {
        for (const l of changed) await signalListingIndexing(deps.temporal, deps.searchTaskQueue, { id: l.id, propertyId: l.property_id }).catch(() => undefined);
      }
      return { propertyId };
    },

    async renderFinalReport({ state }) {
      const about = subjectOf(state.projectId);
      const existing = await documents.findOne(about, FINAL_REPORT_KIND);
      if (existing) return { documentId: existing, sha256: sha256(await documents.content(existing)) };
      const pdf = await renderProjectFinalReport(state);
      return { documentId: await documents.store(about, FINAL_REPORT_KIND, pdf), sha256: pdf.sha256 };
    },
  };
}
