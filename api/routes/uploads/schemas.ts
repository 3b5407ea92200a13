/** The upload routes' documented shapes. */
import { z } from '@hono/zod-openapi';
import { UPLOAD_CONTENT_TYPES, UPLOAD_VARIANTS } from '../../../lib/uploads';

/** A binary body or answer. */
export const Binary = z.string().openapi({ type: 'string', format: 'binary' });

export const UploadDoc = z
  .object({
    id: z.uuid(),
    uploadId: z.uuid().describe('The same as `id`: what a maintenance request\'s `photoIds`, a completion\'s `photoIds` and an inspection item\'s photos name'),
    contentType: z.enum(UPLOAD_CONTENT_TYPES).describe('What the content is (told by its bytes, not by the Content-Type it was sent with)'),
    bytes: z.number().int().describe('Size of the original, in bytes'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the original, hex'),
    width: z.number().int().nullable().describe('Of the original as shown (after its EXIF orientation); null for a PDF'),
    height: z.number().int().nullable(),
    variants: z
      .array(z.enum(UPLOAD_VARIANTS))
      .describe('What GET /v1/uploads/{id}/content serves: `original`, `web` (longest side ≤ 1600 px) and `thumbnail` (≤ 320 px) for an image; `original` alone for a PDF'),
    uploadedBy: z.uuid(),
    createdAt: z.string(),
  })
  .openapi('Upload');
export type UploadBody = z.infer<typeof UploadDoc>;

export const VariantQuery = z.object({
  variant: z.enum(UPLOAD_VARIANTS).default('original').describe('`original` (as uploaded), `web` or `thumbnail` (an image\'s only: re-encoded, upright, without metadata)'),
});
