/**
 * Uploading a file: the raw bytes as the body. What it is comes from its
 * content, whatever Content-Type it was sent with; its size is bounded first
 * by Content-Length (before a byte is read), then by the bytes read. An image
 * is stored with a web size and a thumbnail beside its original.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { QueryTypes } from 'sequelize';
import { EXTENSIONS, processUpload, THUMBNAIL_MAX_SIDE, UnreadableUpload, UnsupportedUpload, UPLOAD_CONTENT_TYPES, WEB_MAX_SIDE, type ImageVariant } from '../../../lib/uploads';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError } from '../../problem';
import { idLink, json, link, problems, route } from '../../route';
import { blobsOf, uploadToApi, type UploadRow } from './access';
import { Binary, UploadDoc } from './schemas';

const MiB = 1024 * 1024;
const tooLarge = (max: number) =>
  new ApiProblem(413, 'payload-too-large', `an upload may be at most ${max} bytes (${Math.round((max / MiB) * 10) / 10} MiB)`);
const unsupported = () =>
  new ApiProblem(415, 'unsupported-media-type', `send a JPEG, PNG or WebP image or a PDF; the content decides what a file is, not its Content-Type (${UPLOAD_CONTENT_TYPES.join(', ')})`);

/**
 * The configured upload limit (UPLOAD_MAX_BYTES) on POST /uploads, by the same
 * middleware as the API's own body limit: a Content-Length over it is refused
 * before the body is read, and a body without one is counted as it streams.
 */
export const uploadBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const max = c.get('deps').config.uploads.maxBytes;
  return bodyLimit({ maxSize: max, onError: () => { throw tooLarge(max); } })(c, next);
};

const variantKey = (id: string, name: 'web' | 'thumbnail', v: ImageVariant) => `uploads/${id}/${name}.${v.contentType === 'image/webp' ? 'webp' : 'jpg'}`;

export const uploadCreateRouter = new OpenAPIHono<AppEnv>();
uploadCreateRouter.use('/uploads', uploadBodyLimit);
uploadCreateRouter.openapi(
  route({
    method: 'post',
    path: '/uploads',
    operationId: 'createUpload',
    tags: ['Uploads'],
    summary: 'Upload a photo or a PDF',
    description: [
      'Send the file itself as the body (not multipart). Its content decides what it is: a JPEG, PNG or WebP image, or a PDF (certificates, reports); anything else is 415, whatever the Content-Type header says.',
      'A body over the upload limit (UPLOAD_MAX_BYTES, 15 MiB unless configured) is 413, refused on its Content-Length before it is read when it has one. An empty body is 422 naming `body`, as is an image that does not decode (truncated, corrupt, or more than 268 megapixels).',
      `An image is kept as it came (\`original\`) and also as \`web\` (longest side at most ${WEB_MAX_SIDE} px) and \`thumbnail\` (at most ${THUMBNAIL_MAX_SIDE} px): upright by its EXIF orientation, without metadata (EXIF, GPS), JPEG, or WebP when it has transparency; never enlarged. A PDF has its original only.`,
      'Maintenance requests, completed work orders and inspection reports name uploads by `uploadId`. The uploader, staff and managers read an upload; others get 404.',
    ].join(' '),
    roles: 'any',
    idempotent: true,
    request: {
      body: {
        content: {
          'application/octet-stream': { schema: Binary },
          'image/*': { schema: Binary },
          'application/pdf': { schema: Binary },
        },
        required: true,
      },
    },
    responses: {
      201: {
        ...json(UploadDoc, 'Stored; Location is the upload'),
        links: {
          GetUpload: idLink('getUpload', 'The upload\'s description'),
          GetUploadContent: link('getUploadContent', 'The upload\'s bytes (a variant of it)', { id: '$response.body#/id' }),
        },
      },
      ...problems(400, 401, 409, 413, 415, 422, 503),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const max = deps.config.uploads.maxBytes;
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > max) throw tooLarge(max);
    if (bytes.byteLength === 0) throw fieldError('body', 'the file is empty');
    let processed: Awaited<ReturnType<typeof processUpload>>;
    try {
      processed = await processUpload(bytes);
    } catch (err) {
      if (err instanceof UnsupportedUpload) throw unsupported();
      if (err instanceof UnreadableUpload) {
        c.get('logger').info({ err: err.cause ?? err }, 'an unreadable upload refused');
        throw fieldError('body', err.message);
      }
      throw err;
    }

    const id = randomUUID();
    const originalKey = `uploads/${id}/original.${EXTENSIONS[processed.contentType]}`;
    const webKey = processed.web ? variantKey(id, 'web', processed.web) : null;
    const thumbnailKey = processed.thumbnail ? variantKey(id, 'thumbnail', processed.thumbnail) : null;
    const blobs = blobsOf(deps);
    try {
      await Promise.all([
        blobs.put(originalKey, bytes, processed.contentType),
        ...(processed.web && webKey ? [blobs.put(webKey, processed.web.bytes, processed.web.contentType)] : []),
        ...(processed.thumbnail && thumbnailKey ? [blobs.put(thumbnailKey, processed.thumbnail.bytes, processed.thumbnail.contentType)] : []),
      ]);
    } catch (err) {
      c.get('logger').error({ err, uploadId: id }, 'the document store refused an upload');
      throw new ApiProblem(503, 'service-unavailable', 'the document store is unavailable; retry shortly');
    }
    const [row] = await deps.db.query<UploadRow>(
      `insert into uploads (id, uploaded_by, content_type, bytes, sha256, width, height, original_key, web_key, thumbnail_key, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) returning *`,
      {
        bind: [id, c.get('principal').userId, processed.contentType, processed.bytes, processed.sha256, processed.width, processed.height, originalKey, webKey, thumbnailKey],
        type: QueryTypes.SELECT,
      },
    );
    c.header('location', `/v1/uploads/${id}`);
    return c.json(uploadToApi(row!), 201);
  },
);
