/**
 * Who sees an upload: whoever uploaded it, staff (admin, ops) and managers
 * (who handle the work orders and inspections the photos belong to). Anyone
 * else gets the same 404 as for an id that is no upload's, so its existence
 * stays private.
 */
import { QueryTypes } from 'sequelize';
import type { BlobStore } from '../../../lib/blob-store';
import { createBlobStore } from '../../../lib/blob-store';
import type { UploadContentType, UploadVariant } from '../../../lib/uploads';
import { hasRole, isStaff } from '../../access';
import type { ApiDeps, Principal } from '../../deps';
import { notFound } from '../../problem';
import type { UploadBody } from './schemas';

export interface UploadRow {
  id: string;
  uploaded_by: string;
  content_type: UploadContentType;
  /** bigint: a string from pg. */
  bytes: string | number;
  sha256: string;
  width: number | null;
  height: number | null;
  original_key: string;
  web_key: string | null;
  thumbnail_key: string | null;
  created_at: Date;
}

export const canSeeUpload = (p: Principal, row: Pick<UploadRow, 'uploaded_by'>) =>
  row.uploaded_by === p.userId || isStaff(p) || hasRole(p, 'manager');

export async function visibleUpload(db: ApiDeps['db'], p: Principal, id: string): Promise<UploadRow> {
  const [row] = await db.query<UploadRow>('select * from uploads where id = $1', { bind: [id], type: QueryTypes.SELECT });
  if (!row || !canSeeUpload(p, row)) throw notFound('upload');
  return row;
}

/** The variants an upload has, in order. */
export function variantsOf(row: Pick<UploadRow, 'web_key' | 'thumbnail_key'>): UploadVariant[] {
  return ['original', ...(row.web_key ? (['web'] as const) : []), ...(row.thumbnail_key ? (['thumbnail'] as const) : [])];
}

export function keyOf(row: UploadRow, variant: UploadVariant): string | null {
  return variant === 'original' ? row.original_key : variant === 'web' ? row.web_key : row.thumbnail_key;
}

export function uploadToApi(row: UploadRow): UploadBody {
  return {
    id: row.id,
    uploadId: row.id,
    contentType: row.content_type,
    bytes: Number(row.bytes),
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    variants: variantsOf(row),
    uploadedBy: row.uploaded_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const defaults = new WeakMap<ApiDeps, BlobStore>();

/** The deps' document store, or the one the configuration names. */
export function blobsOf(deps: ApiDeps): BlobStore {
  if (deps.blobs) return deps.blobs;
  let store = defaults.get(deps);
  if (!store) defaults.set(deps, (store = createBlobStore(deps.config)));
  return store;
}
