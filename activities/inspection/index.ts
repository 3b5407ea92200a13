/**
 * The inspection workflow's activities (contracts/inspection.ts:
 * InspectionActivities) on Postgres: the inspection's row, its report's PDF
 * (with thumbnails of its photos, from the document store the uploads are
 * in), the unit's move-in report a move-out is compared with, and its
 * e-mails. Each is idempotent: the row is keyed by the inspection, a report's
 * PDF by the inspection and its kind (a retry finds the one stored), e-mails
 * by the activity invocation.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import sharp from 'sharp';
import type { Subject } from '../../domain/subject';
import { maintenancePolicy, type MaintenancePolicyOverride } from '../../domain/work-order/policy';
import type { InspectionActivities, InspectionState } from '../../contracts/inspection';
import { projectWorkflowId, recordMilestoneInspectionUpdate } from '../../contracts/project';
import type { BlobStore } from '../../lib/blob-store';
import { renderInspectionReport, photosOf, type ReportPhoto } from '../../lib/documents/inspection-report';
import { createDocumentStore } from '../documents/store';
import { createNotifications, type NotificationDeps } from '../notifications';
import { baselineItems, inspectionRow, thumbnailFormat } from './rows';

export interface InspectionDeps extends NotificationDeps {
  /** The document store uploads (and their thumbnails) are in (lib/blob-store.ts). */
  blobs: BlobStore;
}

/** The documents kinds of an inspection's PDFs. */
export const REPORT_KINDS = { report: 'inspection_report', final_report: 'inspection_final_report' } as const;

const subjectOf = (inspectionId: string): Subject => ({ type: 'inspection', id: inspectionId });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UploadRow {
  id: string;
  content_type: string;
  thumbnail_key: string | null;
}

export function createInspectionActivities(deps: InspectionDeps): InspectionActivities {
  const { db, blobs } = deps;
  const documents = createDocumentStore(db);
  const notifications = createNotifications(deps);

  /** The photos the report names: each upload's type and, for an image, its thumbnail as JPEG or PNG (null when it cannot be read). */
  async function photos(state: InspectionState): Promise<Map<string, ReportPhoto>> {
    const ids = state.report ? photosOf(state.report).map((p) => p.id).filter((id) => UUID.test(id)) : [];
    if (!ids.length) return new Map();
    const rows = await db.query<UploadRow>('select id, content_type, thumbnail_key from uploads where id = any($1::uuid[])', { bind: [ids], type: QueryTypes.SELECT });
    const out = new Map<string, ReportPhoto>();
    for (const row of rows) {
      const format = row.content_type.startsWith('image/') ? thumbnailFormat(row.thumbnail_key) : null;
      let thumbnail: ReportPhoto['thumbnail'] = null;
      if (format && row.thumbnail_key) {
        const bytes = await blobs.get(row.thumbnail_key);
        if (bytes && format !== 'convert') thumbnail = { bytes, format };
        // A WebP thumbnail (an image with transparency): PDF takes PNG.
        else if (bytes) thumbnail = await sharp(bytes).png().toBuffer().then((png) => ({ bytes: new Uint8Array(png), format: 'png' as const }), () => null);
      }
      out.set(row.id, { id: row.id, contentType: row.content_type, thumbnail });
    }
    return out;
  }

  return {
    async recordInspection({ state }) {
      const r = inspectionRow(state);
      // The workflow writes in order, so the latest write wins.
      await db.query(
        `insert into inspections (id, property_id, unit_id, lease_id, kind, status, inspector_id, slot_at, state, workflow_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, now(), now())
         on conflict (id) do update set
           unit_id = excluded.unit_id, lease_id = excluded.lease_id, status = excluded.status, inspector_id = excluded.inspector_id,
           slot_at = excluded.slot_at, state = excluded.state, updated_at = now()`,
        { bind: [r.id, r.propertyId, r.unitId, r.leaseId, r.kind, r.status, r.inspectorId, r.slotAt, JSON.stringify(r.state), r.workflowId] },
      );
    },

    async renderInspectionReport({ state, address, final }) {
      const kind = final ? REPORT_KINDS.final_report : REPORT_KINDS.report;
      const subject = subjectOf(state.inspectionId);
      // Rendered once per kind: a retry finds the one stored.
      const [stored] = await db.query<{ id: string; sha256: string }>(
        'select id, sha256 from documents where subject_type = $1 and subject_id = $2 and kind = $3 order by created_at limit 1',
        { bind: [subject.type, subject.id, kind], type: QueryTypes.SELECT },
      );
      if (stored) return { documentId: stored.id, sha256: stored.sha256 };
      const [property] = await db.query<{ maintenance_policy: MaintenancePolicyOverride | null }>('select maintenance_policy from properties where id = $1', {
        bind: [state.propertyId],
        type: QueryTypes.SELECT,
      });
      const [unit] = state.unitId ? await db.query<{ label: string }>('select label from units where id = $1', { bind: [state.unitId], type: QueryTypes.SELECT }) : [];
      const pdf = await renderInspectionReport({
        state,
        address,
        unitLabel: unit?.label ?? null,
        final,
        currency: maintenancePolicy(property?.maintenance_policy).currency,
        photos: await photos(state),
      });
      const documentId = await documents.store(subject, kind, pdf);
      return { documentId, sha256: pdf.sha256 };
    },

    async moveInReport({ propertyId, unitId, before }) {
      // The unit's latest move-in report submitted before this one (a reported move-in is closed, or still has repairs open).
      const [row] = await db.query<{ id: string; state: InspectionState }>(
        `select id, state from inspections
          where property_id = $1 and unit_id is not distinct from $2::uuid and kind = 'move_in' and status <> 'cancelled'
            and jsonb_typeof(state->'report') = 'object'
            and (state->'report'->>'submittedAt')::timestamptz < $3::timestamptz
          order by (state->'report'->>'submittedAt')::timestamptz desc, id
          limit 1`,
        { bind: [propertyId, unitId, before], type: QueryTypes.SELECT },
      );
      return row ? { inspectionId: row.id, items: baselineItems(row.state) } : null;
    },

    notifyInspection: ({ inspectionId, template, data, to }) => notifications.notify({ subject: subjectOf(inspectionId), template, data, to }),

    async recordOnProject({ projectId, request }) {
      const handle = deps.temporal.workflow.getHandle(projectWorkflowId(projectId));
      try {
        // The update id makes a retried attempt get the first one's answer instead of "already recorded".
        await handle.executeUpdate(recordMilestoneInspectionUpdate, { args: [request], updateId: `milestone-inspection-${request.inspectionId}` });
        return { recorded: true, reason: null };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) return { recorded: false, reason: err.cause instanceof Error ? err.cause.message : err.message };
        if (err instanceof WorkflowNotFoundError) return { recorded: false, reason: 'the project is no longer running' };
        throw err;
      }
    },
  };
}
