/**
 * Recording a deed with the county, behind an interface: a real county's
 * e-recording service plugs in here. The local county (the default) numbers
 * instruments per county and year from a sequence, records each purchase's
 * deed once (a retry gets the same instrument), and rejects a deed it could
 * not index: no grantor or grantee, or no document.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { PurchaseActivities } from '../../contracts/purchase';

export type RecordDeed = PurchaseActivities['recordDeed'];
export interface CountyRecorder {
  record: RecordDeed;
}

interface RecordingRow {
  status: 'recorded' | 'rejected';
  instrument: string | null;
  recorded_on: string | null;
  reason: string | null;
}

export function createCountyRecorder(db: Sequelize): CountyRecorder {
  return {
    async record({ purchaseId, county, state, grantors, grantees, documentId, today }) {
      const [doc] = await db.query<{ id: string }>('select id from documents where id = $1', { bind: [documentId], type: QueryTypes.SELECT });
      const reason = !doc ? 'the deed document is missing' : grantors.length === 0 ? 'the deed names no grantor' : grantees.length === 0 ? 'the deed names no grantee' : null;
      const code = county.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase() || 'CNTY';
      const [row] = await db.query<RecordingRow>(
        `with inserted as (
           insert into county_recordings (purchase_id, county, state, instrument, status, reason, recorded_on, document_id)
           select $1, $2, $3,
                  case when $6::text is null then $7 || '-' || substr($5, 1, 4) || '-' || lpad(nextval('county_instrument_seq')::text, 6, '0') end,
                  case when $6::text is null then 'recorded' else 'rejected' end, $6, case when $6::text is null then $5::date end, $4
           on conflict (purchase_id) do nothing
           returning status, instrument, recorded_on::text, reason)
         select * from inserted
         union all select status, instrument, recorded_on::text, reason from county_recordings where purchase_id = $1`,
        { bind: [purchaseId, county, state, documentId, today, reason, code], type: QueryTypes.SELECT },
      );
      if (row!.status === 'rejected') return { status: 'rejected', reason: row!.reason ?? 'rejected' };
      return { status: 'recorded', instrument: row!.instrument!, recordedOn: row!.recorded_on! };
    },
  };
}
