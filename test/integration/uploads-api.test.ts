/**
 * Uploads through the API, on the real Postgres and the filesystem document
 * store: a photo stored with its web size and thumbnail (upright, without
 * metadata) and read back in each; a PDF kept as it is; what a file is told
 * by its bytes, not its Content-Type (415 otherwise); the size limit (413) on
 * Content-Length and on the bytes read; an empty or undecodable image (422);
 * who sees an upload (404 for anyone else); a retry with the same
 * Idempotency-Key; and a document store that fails (503, nothing recorded).
 */
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import sharp from 'sharp';
import { createApp } from '../../api/app';
import type { BlobStore } from '../../lib/blob-store';
import { errorFields, expectProblem } from '../support/api-scenarios';
import { createHarness, requestVia, type Harness } from '../support/harness';

type User = Awaited<ReturnType<Harness['user']>>;

interface UploadBody {
  id: string;
  uploadId: string;
  contentType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  variants: string[];
  uploadedBy: string;
  createdAt: string;
}
interface UploadRow {
  uploaded_by: string;
  content_type: string;
  bytes: string;
  sha256: string;
  width: number | null;
  height: number | null;
  original_key: string;
  web_key: string | null;
  thumbnail_key: string | null;
}

let h: Harness;
let uploader: User, stranger: User, manager: User, ops: User, admin: User, contractor: User;
/** A 4000×3000 photo stored sideways (EXIF orientation 6), with a camera's EXIF. */
let photo: Uint8Array;
let uploaded: UploadBody;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

async function body<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 600)}`);
  return JSON.parse(text) as T;
}

const post = (bytes: Uint8Array, token: string | undefined, headers: Record<string, string> = {}) =>
  h.request('/v1/uploads', { method: 'POST', token, body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream', ...headers } });
const content = (id: string, token: string, variant?: string) =>
  h.request(`/v1/uploads/${id}/content${variant ? `?variant=${variant}` : ''}`, { token });
const uploadRows = async () => Number((await h.db.query<{ n: string }>('select count(*) as n from uploads', { type: QueryTypes.SELECT }))[0]!.n);
const rowOf = async (id: string) => (await h.db.query<UploadRow>('select * from uploads where id = $1', { bind: [id], type: QueryTypes.SELECT }))[0];

function gradient(width: number, height: number, channels: 3 | 4 = 3) {
  const raw = Buffer.alloc(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 256;
  return sharp(raw, { raw: { width, height, channels } });
}

beforeAll(async () => {
  h = await createHarness('uploads');
  [uploader, stranger, manager, ops, admin, contractor] = await Promise.all([
    h.user(['tenant'], 'upload-tenant'),
    h.user(['tenant'], 'upload-stranger'),
    h.user(['manager'], 'upload-manager'),
    h.user(['ops'], 'upload-ops'),
    h.user(['admin'], 'upload-admin'),
    h.user(['contractor'], 'upload-contractor'),
  ]);
  photo = new Uint8Array(
    await gradient(4000, 3000)
      .jpeg({ quality: 85 })
      .withExif({ IFD0: { Make: 'PhoneCo', Model: 'P1', Copyright: 'the tenant' } })
      .withMetadata({ orientation: 6 })
      .toBuffer(),
  );
  uploaded = await body<UploadBody>(await post(photo, uploader.token, { 'content-type': 'image/jpeg' }), 201);
});

afterAll(async () => {
  await h?.close();
});

describe('uploading a photo', () => {
  test('answers 201 with the upload, its Location, its hash and its size as shown (upright)', async () => {
    expect(uploaded).toMatchObject({
      contentType: 'image/jpeg',
      bytes: photo.byteLength,
      sha256: sha256(photo),
      width: 3000,
      height: 4000,
      variants: ['original', 'web', 'thumbnail'],
      uploadedBy: uploader.id,
    });
    expect(uploaded.uploadId).toBe(uploaded.id);
    const again = await post(photo, uploader.token);
    expect(again.headers.get('location')).toMatch(/^\/v1\/uploads\/[0-9a-f-]{36}$/);
    const second = await body<UploadBody>(again, 201);
    expect(again.headers.get('location')).toBe(`/v1/uploads/${second.id}`);
    expect(second.id).not.toBe(uploaded.id);
  });

  test('records it in Postgres with its keys in the document store', async () => {
    const row = await rowOf(uploaded.id);
    expect(row).toMatchObject({
      uploaded_by: uploader.id,
      content_type: 'image/jpeg',
      bytes: photo.byteLength,
      sha256: sha256(photo),
      width: 3000,
      height: 4000,
      original_key: `uploads/${uploaded.id}/original.jpg`,
      web_key: `uploads/${uploaded.id}/web.jpg`,
      thumbnail_key: `uploads/${uploaded.id}/thumbnail.jpg`,
    });
    const stored = await h.deps.blobs!.get(row!.original_key);
    expect(stored && sha256(stored)).toBe(sha256(photo));
  });

  test('GET /v1/uploads/{id} describes it as the upload answered', async () => {
    expect(await body<UploadBody>(await h.request(`/v1/uploads/${uploaded.id}`, { token: uploader.token }), 200)).toEqual(uploaded);
  });

  test('the original comes back byte for byte, metadata and all', async () => {
    const res = await content(uploaded.id, uploader.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^inline/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(uploaded.sha256);
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    expect(sha256(new Uint8Array(await (await content(uploaded.id, uploader.token, 'original')).arrayBuffer()))).toBe(uploaded.sha256);
  });

  test.each([
    ['web', 1200, 1600],
    ['thumbnail', 240, 320],
  ])('the %s size is an upright JPEG of %ix%i without metadata', async (variant, width, height) => {
    const res = await content(uploaded.id, uploader.token, variant);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width, height });
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(bytes.byteLength).toBeLessThan(photo.byteLength);
  });

  test('a transparent PNG sent as image/jpeg is a PNG, served in WebP sizes', async () => {
    const png = new Uint8Array(await gradient(800, 400, 4).png().toBuffer());
    const up = await body<UploadBody>(await post(png, uploader.token, { 'content-type': 'image/jpeg' }), 201);
    expect(up).toMatchObject({ contentType: 'image/png', width: 800, height: 400, variants: ['original', 'web', 'thumbnail'] });
    const web = await content(up.id, uploader.token, 'web');
    expect(web.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(new Uint8Array(await web.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 800, height: 400, hasAlpha: true });
    expect((await content(up.id, uploader.token)).headers.get('content-type')).toBe('image/png');
  });
});

describe('uploading a PDF', () => {
  const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

  test('keeps it as it is, with no sizes; it downloads as an attachment', async () => {
    const up = await body<UploadBody>(await post(pdf, contractor.token), 201);
    expect(up).toMatchObject({ contentType: 'application/pdf', bytes: pdf.byteLength, sha256: sha256(pdf), width: null, height: null, variants: ['original'], uploadedBy: contractor.id });
    const res = await content(up.id, contractor.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="upload-.*\.pdf"$/);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(pdf));
    for (const variant of ['web', 'thumbnail']) await expectProblem(await content(up.id, contractor.token, variant), 404, 'not-found');
  });
});

describe('what is refused', () => {
  test('a text file labelled image/png is 415 problem+json, and nothing is recorded', async () => {
    const before = await uploadRows();
    const p = await expectProblem(await post(new TextEncoder().encode('not a picture at all, just text\n'), uploader.token, { 'content-type': 'image/png' }), 415, 'unsupported-media-type');
    expect(p.detail).toMatch(/content decides/);
    expect(await uploadRows()).toBe(before);
  });

  test.each<[string, () => Promise<Uint8Array>]>([
    ['HTML labelled as a JPEG', async () => new TextEncoder().encode('<html><script>alert(1)</script></html>')],
    ['a GIF', async () => new Uint8Array(await gradient(16, 16).gif().toBuffer())],
    ['an SVG', async () => new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
  ])('%s is 415', async (_what, make) => {
    await expectProblem(await post(await make(), uploader.token, { 'content-type': 'image/jpeg' }), 415, 'unsupported-media-type');
  });

  test('an empty body is 422 naming body', async () => {
    const p = await expectProblem(await post(new Uint8Array(), uploader.token), 422, 'validation-error');
    expect(errorFields(p)).toEqual(['body']);
  });

  test('a cut-off JPEG is 422 naming body, and nothing is recorded', async () => {
    const before = await uploadRows();
    const p = await expectProblem(await post(photo.slice(0, 4096), uploader.token), 422, 'validation-error');
    expect(errorFields(p)).toEqual(['body']);
    expect(await uploadRows()).toBe(before);
  });

  test('one byte over the limit is 413, read or declared', async () => {
    const max = h.config.uploads.maxBytes;
    expect(max).toBe(15 * MiB);
    const over = new Uint8Array(max + 1);
    over.set(photo.subarray(0, 64));
    const before = await uploadRows();
    const read = await expectProblem(await post(over, uploader.token), 413, 'payload-too-large');
    expect(read.detail).toContain(String(max));
    // Declared on Content-Length: refused before the body is read.
    await expectProblem(await post(photo.slice(0, 1024), uploader.token, { 'content-length': String(max + 1) }), 413, 'payload-too-large');
    expect(await uploadRows()).toBe(before);
  });

  test('the limit follows UPLOAD_MAX_BYTES, for a streamed body too', async () => {
    const small = createApp({ ...h.deps, config: { ...h.config, uploads: { maxBytes: 64 * 1024 } } });
    const big = new Uint8Array(await gradient(600, 600).jpeg({ quality: 100 }).toBuffer());
    expect(big.byteLength).toBeGreaterThan(64 * 1024);
    await expectProblem(await requestVia(small, '/v1/uploads', { method: 'POST', token: uploader.token, body: big }), 413, 'payload-too-large');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < big.byteLength; at += 8192) controller.enqueue(big.slice(at, at + 8192));
        controller.close();
      },
    });
    await expectProblem(await requestVia(small, '/v1/uploads', { method: 'POST', token: uploader.token, body: stream, duplex: 'half' } as RequestInit), 413, 'payload-too-large');
    const fits = new Uint8Array(await gradient(64, 64).jpeg().toBuffer());
    expect((await requestVia(small, '/v1/uploads', { method: 'POST', token: uploader.token, body: fits })).status).toBe(201);
  });

  test('without a token it is 401', async () => {
    await expectProblem(await post(photo, undefined), 401, 'unauthorized');
  });
});

describe('who sees an upload', () => {
  test.each<[string, () => User]>([
    ['its uploader', () => uploader],
    ['a manager', () => manager],
    ['ops', () => ops],
    ['an admin', () => admin],
  ])('%s reads it and its content', async (_who, user) => {
    expect((await h.request(`/v1/uploads/${uploaded.id}`, { token: user().token })).status).toBe(200);
    expect((await content(uploaded.id, user().token, 'thumbnail')).status).toBe(200);
  });

  test.each<[string, () => User]>([
    ['another tenant', () => stranger],
    ['a contractor', () => contractor],
  ])('%s gets 404, as for an id that is no upload\'s', async (_who, user) => {
    await expectProblem(await h.request(`/v1/uploads/${uploaded.id}`, { token: user().token }), 404, 'not-found');
    await expectProblem(await content(uploaded.id, user().token), 404, 'not-found');
    await expectProblem(await h.request('/v1/uploads/3f0c8a4e-6b1d-4c2a-9e5f-7a8b9c0d1e2f', { token: user().token }), 404, 'not-found');
  });

  test('a malformed id or an unknown variant is 422 naming it', async () => {
    expect(errorFields(await expectProblem(await h.request('/v1/uploads/not-a-uuid', { token: uploader.token }), 422, 'validation-error'))).toEqual(['id']);
    expect(errorFields(await expectProblem(await content(uploaded.id, uploader.token, 'huge'), 422, 'validation-error'))).toEqual(['variant']);
  });

  test('reading without a token is 401', async () => {
    await expectProblem(await h.request(`/v1/uploads/${uploaded.id}`), 401, 'unauthorized');
    await expectProblem(await h.request(`/v1/uploads/${uploaded.id}/content`), 401, 'unauthorized');
  });
});

describe('retries and failures', () => {
  test('a retry with the same Idempotency-Key replays the first upload; the key with another file is 422', async () => {
    const key = `upload-${uploaded.id}`;
    const small = new Uint8Array(await gradient(120, 80).jpeg().toBuffer());
    const first = await body<UploadBody>(await post(small, uploader.token, { 'idempotency-key': key }), 201);
    const before = await uploadRows();
    const replay = await post(small, uploader.token, { 'idempotency-key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await body<UploadBody>(replay, 201)).toEqual(first);
    expect(await uploadRows()).toBe(before);
    const other = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    await expectProblem(await post(other, uploader.token, { 'idempotency-key': key }), 422, 'idempotency-key-reused');
  });

  test('a document store that fails is 503, and nothing is recorded', async () => {
    const failing: BlobStore = {
      put: () => Promise.reject(new Error('connect ECONNREFUSED minio:9000')),
      get: () => Promise.reject(new Error('connect ECONNREFUSED minio:9000')),
    };
    const app = createApp({ ...h.deps, blobs: failing });
    const before = await uploadRows();
    const small = new Uint8Array(await gradient(64, 64).jpeg().toBuffer());
    await expectProblem(await requestVia(app, '/v1/uploads', { method: 'POST', token: uploader.token, body: small }), 503, 'service-unavailable');
    expect(await uploadRows()).toBe(before);
    await expectProblem(await requestVia(app, `/v1/uploads/${uploaded.id}/content`, { token: uploader.token }), 503, 'service-unavailable');
    // The description comes from Postgres alone.
    expect((await requestVia(app, `/v1/uploads/${uploaded.id}`, { token: uploader.token })).status).toBe(200);
  });
});
