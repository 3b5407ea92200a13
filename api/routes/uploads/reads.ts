/**
 * Reading an upload: its description, and its bytes in one of its variants.
 * Both answer 404 alike for an id that is no upload's and for one the caller
 * may not see (access.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { UPLOAD_CONTENT_TYPES } from '../../../lib/uploads';
import type { AppEnv } from '../../deps';
import { ApiProblem } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { blobsOf, keyOf, uploadToApi, variantsOf, visibleUpload } from './access';
import { Binary, UploadDoc, VariantQuery } from './schemas';

const WHO = 'The uploader, admins, ops and managers see an upload; for anyone else it is 404, as for an id that is no upload\'s.';

/** A variant's type, from its key's extension (an image's sizes are JPEG, or WebP with transparency). */
const TYPE_BY_EXTENSION: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', pdf: 'application/pdf' };

export const uploadReadsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/uploads/{id}',
      operationId: 'getUpload',
      tags: ['Uploads'],
      summary: 'Describe an upload',
      description: `What it is, its size, SHA-256 and dimensions, and the variants GET /v1/uploads/{id}/content serves. ${WHO}`,
      roles: 'any',
      request: { params: IdParams },
      responses: { 200: json(UploadDoc, 'The upload'), ...problems(401, 404, 422) },
    }),
    async (c) => {
      const row = await visibleUpload(c.get('deps').db, c.get('principal'), c.req.valid('param').id);
      return c.json(uploadToApi(row), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/uploads/{id}/content',
      operationId: 'getUploadContent',
      tags: ['Uploads'],
      summary: 'Download an upload (original, web size or thumbnail)',
      description: [
        '`variant=original` (the default) is the file as uploaded, metadata included; `web` and `thumbnail` are an image\'s re-encoded sizes (JPEG, or WebP when it has transparency). A PDF has no `web` or `thumbnail`: asking for one is 404.',
        'Images are served inline, PDFs as attachments; the bytes never change for an id and variant (cacheable privately).',
        WHO,
      ].join(' '),
      roles: 'any',
      request: { params: IdParams, query: VariantQuery },
      responses: {
        200: {
          description: 'The bytes',
          content: Object.fromEntries(UPLOAD_CONTENT_TYPES.map((t) => [t, { schema: Binary }])),
        },
        ...problems(401, 404, 422, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { id } = c.req.valid('param');
      const { variant } = c.req.valid('query');
      const row = await visibleUpload(deps.db, c.get('principal'), id);
      const key = keyOf(row, variant);
      if (!key) throw new ApiProblem(404, 'not-found', `this upload has no ${variant} variant; it has ${variantsOf(row).join(', ')}`);
      let bytes: Uint8Array | undefined;
      try {
        bytes = await blobsOf(deps).get(key);
      } catch (err) {
        c.get('logger').error({ err, uploadId: id, key }, 'the document store failed a read');
        throw new ApiProblem(503, 'service-unavailable', 'the document store is unavailable; retry shortly');
      }
      if (!bytes) {
        c.get('logger').error({ uploadId: id, key }, 'an upload\'s bytes are missing from the document store');
        throw new ApiProblem(503, 'service-unavailable', 'the upload\'s content cannot be read right now');
      }
      const contentType = TYPE_BY_EXTENSION[key.slice(key.lastIndexOf('.') + 1)] ?? row.content_type;
      const extension = key.slice(key.lastIndexOf('.') + 1);
      const disposition = contentType === 'application/pdf' ? 'attachment' : 'inline';
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': contentType,
        'content-disposition': `${disposition}; filename="upload-${id}-${variant}.${extension}"`,
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        ...(variant === 'original' && { etag: `"${row.sha256}"` }),
      });
    },
  );
