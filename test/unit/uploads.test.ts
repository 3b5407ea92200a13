/**
 * Uploads without services: what a file is, told by its bytes; the sizes an
 * image is served in (upright, without metadata, never enlarged); and the
 * document store on the filesystem (keys that could leave its folder refused)
 * and on S3 (against a fake client).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { assertBlobKey, createBlobStore, FilesystemBlobStore, InvalidBlobKey, S3BlobStore } from '../../lib/blob-store';
import { parseConfig } from '../../lib/config';
import { processUpload, sniffContentType, THUMBNAIL_MAX_SIDE, UnreadableUpload, UnsupportedUpload, WEB_MAX_SIDE } from '../../lib/uploads';

// The SDK's notice that its releases after January 2027 need Node 22 (this project runs on Node 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

/** A photo-like image: a gradient, so the encoders have something to do. */
function picture(width: number, height: number, channels: 3 | 4 = 3) {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
      if (channels === 4) raw[i + 3] = x < width / 2 ? 255 : 64;
    }
  }
  return sharp(raw, { raw: { width, height, channels } });
}
const jpeg = async (width: number, height: number) => new Uint8Array(await picture(width, height).jpeg({ quality: 90 }).toBuffer());

describe('sniffContentType', () => {
  it.each<[string, Uint8Array, string | undefined]>([
    ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46), 'image/jpeg'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), 'image/png'],
    ['a WebP', new Uint8Array([...text('RIFF'), 0x24, 0, 0, 0, ...text('WEBPVP8 ')]), 'image/webp'],
    ['a PDF', text('%PDF-1.7\n%âãÏÓ\n'), 'application/pdf'],
    ['plain text', text('hello, this is not a picture'), undefined],
    ['HTML', text('<!doctype html><script>alert(1)</script>'), undefined],
    ['a GIF', text('GIF89a....'), undefined],
    ['an SVG', text('<svg xmlns="http://www.w3.org/2000/svg"/>'), undefined],
    ['a RIFF that is not WebP (WAVE)', new Uint8Array([...text('RIFF'), 0x24, 0, 0, 0, ...text('WAVEfmt ')]), undefined],
    ['a PDF signature not at the start', text(' %PDF-1.7'), undefined],
    ['a PNG signature cut short', bytes(0x89, 0x50, 0x4e, 0x47), undefined],
    ['two bytes of a JPEG', bytes(0xff, 0xd8), undefined],
    ['nothing', new Uint8Array(), undefined],
  ])('%s', (_what, content, expected) => {
    expect(sniffContentType(content)).toBe(expected);
  });

  it('knows images sharp made for what they are', async () => {
    const base = picture(8, 8);
    expect(sniffContentType(await base.clone().jpeg().toBuffer())).toBe('image/jpeg');
    expect(sniffContentType(await base.clone().png().toBuffer())).toBe('image/png');
    expect(sniffContentType(await base.clone().webp().toBuffer())).toBe('image/webp');
    expect(sniffContentType(await base.clone().gif().toBuffer())).toBeUndefined();
    expect(sniffContentType(await base.clone().tiff().toBuffer())).toBeUndefined();
  });
});

describe('processUpload', () => {
  it('keeps a large JPEG\'s size and hash, and makes a web size and a thumbnail within their bounds', async () => {
    const original = await jpeg(4000, 3000);
    const out = await processUpload(original);
    expect(out).toMatchObject({ contentType: 'image/jpeg', bytes: original.byteLength, width: 4000, height: 3000 });
    expect(out.sha256).toBe(createHash('sha256').update(original).digest('hex'));
    expect(out.web).toMatchObject({ contentType: 'image/jpeg', width: WEB_MAX_SIDE, height: 1200 });
    expect(out.thumbnail).toMatchObject({ contentType: 'image/jpeg', width: THUMBNAIL_MAX_SIDE, height: 240 });
    // What the bytes are, read back.
    expect(await sharp(out.web!.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1600, height: 1200 });
    expect(await sharp(out.thumbnail!.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(out.web!.bytes.byteLength).toBeLessThan(original.byteLength);
  });

  it('bounds the longest side of a portrait image', async () => {
    const out = await processUpload(await jpeg(900, 2400));
    expect(out.web).toMatchObject({ width: 600, height: 1600 });
    expect(out.thumbnail).toMatchObject({ width: 120, height: 320 });
  });

  it('never enlarges a small image', async () => {
    const out = await processUpload(await jpeg(200, 100));
    expect(out.web).toMatchObject({ width: 200, height: 100 });
    expect(out.thumbnail).toMatchObject({ width: 200, height: 100 });
  });

  it('turns a photo upright by its EXIF orientation and strips its metadata', async () => {
    // Stored 2000×1000, tagged "rotate 90° clockwise to view" (6): shown 1000×2000.
    const tagged = new Uint8Array(
      await picture(2000, 1000)
        .jpeg()
        .withExif({ IFD0: { Copyright: 'a tenant', Make: 'PhoneCo' } })
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    const before = await sharp(tagged).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif).toBeDefined();

    const out = await processUpload(tagged);
    expect(out).toMatchObject({ width: 1000, height: 2000 });
    expect(out.web).toMatchObject({ width: 800, height: 1600 });
    expect(out.thumbnail).toMatchObject({ width: 160, height: 320 });
    for (const variant of [out.web!, out.thumbnail!]) {
      const meta = await sharp(variant.bytes).metadata();
      expect(meta.orientation).toBeUndefined();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
    }
  });

  it('serves a transparent PNG as WebP (keeping the transparency), an opaque one as JPEG', async () => {
    const transparent = await processUpload(new Uint8Array(await picture(2400, 1200, 4).png().toBuffer()));
    expect(transparent).toMatchObject({ contentType: 'image/png', width: 2400, height: 1200 });
    expect(transparent.web).toMatchObject({ contentType: 'image/webp', width: 1600, height: 800 });
    expect(transparent.thumbnail).toMatchObject({ contentType: 'image/webp', width: 320, height: 160 });
    expect(await sharp(transparent.web!.bytes).metadata()).toMatchObject({ format: 'webp', hasAlpha: true });

    const opaque = await processUpload(new Uint8Array(await picture(640, 480).png().toBuffer()));
    expect(opaque.web).toMatchObject({ contentType: 'image/jpeg', width: 640, height: 480 });
  });

  it('reads WebP', async () => {
    const out = await processUpload(new Uint8Array(await picture(3200, 1600).webp().toBuffer()));
    expect(out).toMatchObject({ contentType: 'image/webp', width: 3200, height: 1600 });
    expect(out.web).toMatchObject({ width: 1600, height: 800 });
  });

  it('keeps a PDF as it is: no sizes, no dimensions', async () => {
    const pdf = text('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const out = await processUpload(pdf);
    expect(out).toEqual({ contentType: 'application/pdf', bytes: pdf.byteLength, sha256: createHash('sha256').update(pdf).digest('hex'), width: null, height: null });
  });

  it('refuses what is none of the types, whatever it claims', async () => {
    await expect(processUpload(text('just some text'))).rejects.toBeInstanceOf(UnsupportedUpload);
    await expect(processUpload(new Uint8Array(await picture(4, 4).gif().toBuffer()))).rejects.toBeInstanceOf(UnsupportedUpload);
  });

  it('refuses an image that does not decode: a cut-off JPEG, a PNG signature before garbage', async () => {
    const whole = await jpeg(400, 300);
    const cut = whole.slice(0, Math.floor(whole.byteLength / 3));
    await expect(processUpload(cut)).rejects.toBeInstanceOf(UnreadableUpload);
    const fake = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...text('definitely not IHDR and friends')]);
    const err = await processUpload(fake).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableUpload);
    expect((err as Error).message).toMatch(/^the image\/png does not decode/);
  });

  it('refuses an image of more pixels than allowed (a decompression bomb)', async () => {
    await expect(processUpload(await jpeg(400, 300), { maxPixels: 100_000 })).rejects.toBeInstanceOf(UnreadableUpload);
    await expect(processUpload(await jpeg(300, 300), { maxPixels: 100_000 })).resolves.toMatchObject({ width: 300 });
  });
});

describe('blob keys', () => {
  it.each(['uploads/0b9f/original.jpg', 'a', 'a/b/c', 'A-1_2.x'])('takes %j', (key) => {
    expect(() => assertBlobKey(key)).not.toThrow();
  });

  it.each(['', '../etc/passwd', 'uploads/../../x', '/etc/passwd', 'a//b', 'a/', './a', '.hidden', 'a/.', 'a/..', 'a\\b', 'a b', 'a\0b', 'ü'])('refuses %j', (key) => {
    expect(() => assertBlobKey(key)).toThrow(InvalidBlobKey);
  });

  it('refuses a key over 512 characters', () => {
    expect(() => assertBlobKey('x'.repeat(512))).not.toThrow();
    expect(() => assertBlobKey('x'.repeat(513))).toThrow(InvalidBlobKey);
  });
});

describe('FilesystemBlobStore', () => {
  let dir: string;
  let store: FilesystemBlobStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
    store = new FilesystemBlobStore(path.join(dir, 'root'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives back what was put, under folders named by the key', async () => {
    const content = bytes(1, 2, 3, 250);
    await store.put('uploads/abc/original.jpg', content, 'image/jpeg');
    expect(await store.get('uploads/abc/original.jpg')).toEqual(content);
    expect(fs.readFileSync(path.join(dir, 'root', 'uploads', 'abc', 'original.jpg'))).toEqual(Buffer.from(content));
    // Nothing half-written is left beside it.
    expect(fs.readdirSync(path.join(dir, 'root', 'uploads', 'abc'))).toEqual(['original.jpg']);
  });

  it('answers undefined for a key never put', async () => {
    expect(await store.get('uploads/none/original.jpg')).toBeUndefined();
    expect(await store.get('never')).toBeUndefined();
  });

  it('replaces what a key held', async () => {
    await store.put('k', bytes(1), 'application/octet-stream');
    await store.put('k', bytes(2, 2), 'application/octet-stream');
    expect(await store.get('k')).toEqual(bytes(2, 2));
  });

  it('takes a large file', async () => {
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    await store.put('uploads/big/original.pdf', big, 'application/pdf');
    const back = await store.get('uploads/big/original.pdf');
    expect(back?.byteLength).toBe(big.byteLength);
    expect(Buffer.from(back!).equals(Buffer.from(big))).toBe(true);
  });

  it('refuses a key that could leave its folder, writing and reading nothing', async () => {
    fs.writeFileSync(path.join(dir, 'secret'), 'outside');
    for (const key of ['../secret', 'a/../../secret', '/tmp/x', 'a/./b']) {
      await expect(store.put(key, bytes(1), 'text/plain')).rejects.toThrow(InvalidBlobKey);
      await expect(store.get(key)).rejects.toThrow(InvalidBlobKey);
    }
    expect(fs.readFileSync(path.join(dir, 'secret'), 'utf8')).toBe('outside');
    expect(fs.existsSync(path.join(dir, 'root'))).toBe(false);
  });
});

describe('S3BlobStore', () => {
  const fakeClient = (answer: (command: unknown) => unknown) => {
    const sent: unknown[] = [];
    const client = { send: jest.fn(async (command: unknown) => { sent.push(command); return answer(command); }) } as unknown as S3Client;
    return { client, sent };
  };
  const options = { bucket: 'trilight-uploads', region: 'us-east-1', forcePathStyle: true };

  it('puts an object with its content type and length', async () => {
    const { client, sent } = fakeClient(() => ({}));
    await new S3BlobStore(options, client).put('uploads/a/original.png', bytes(1, 2, 3), 'image/png');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toEqual({ Bucket: 'trilight-uploads', Key: 'uploads/a/original.png', Body: bytes(1, 2, 3), ContentType: 'image/png', ContentLength: 3 });
  });

  it('gets an object\'s bytes, and undefined for a missing one', async () => {
    const store = new S3BlobStore(options, fakeClient((command) => {
      const key = (command as GetObjectCommand).input.Key;
      if (key === 'there') return { Body: { transformToByteArray: async () => bytes(9, 8) } };
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    }).client);
    expect(await store.get('there')).toEqual(bytes(9, 8));
    expect(await store.get('missing')).toBeUndefined();
  });

  it('lets any other failure through', async () => {
    const store = new S3BlobStore(options, fakeClient(() => { throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }); }).client);
    await expect(store.get('x')).rejects.toThrow('ECONNREFUSED');
  });

  it('refuses an unsafe key before sending anything', async () => {
    const { client, sent } = fakeClient(() => ({}));
    await expect(new S3BlobStore(options, client).put('../x', bytes(1), 'text/plain')).rejects.toThrow(InvalidBlobKey);
    expect(sent).toEqual([]);
  });

  it('builds a client for the endpoint, path-style, with the given keys', async () => {
    const store = new S3BlobStore({ ...options, endpoint: 'http://minio:9000', accessKeyId: 'id', secretAccessKey: 'secret' });
    const config = store.client.config;
    expect(config.forcePathStyle).toBe(true);
    expect(await config.region()).toBe('us-east-1');
    const endpoint = await config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://minio:9000');
    expect(await config.credentials()).toMatchObject({ accessKeyId: 'id', secretAccessKey: 'secret' });
    store.client.destroy();
  });
});

describe('createBlobStore', () => {
  it('is the filesystem under the data folder by default', () => {
    const config = parseConfig({ TRILIGHT_DATA_DIR: '/var/lib/trilight' });
    const store = createBlobStore(config);
    expect(store).toBeInstanceOf(FilesystemBlobStore);
    expect((store as FilesystemBlobStore).root).toBe('/var/lib/trilight/blobs');
  });

  it('is S3 with BLOB_STORE=s3', () => {
    const config = parseConfig({ BLOB_STORE: 's3', S3_BUCKET: 'trilight-uploads', S3_ENDPOINT: 'http://minio:9000' });
    const store = createBlobStore(config);
    expect(store).toBeInstanceOf(S3BlobStore);
    expect((store as S3BlobStore).bucket).toBe('trilight-uploads');
    (store as S3BlobStore).client.destroy();
  });
});
