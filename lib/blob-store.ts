/**
 * The document store for uploaded files (photos, certificates), behind one
 * interface: the filesystem under the data folder by default, any
 * S3-compatible store (AWS S3, MinIO) with BLOB_STORE=s3. Keys are relative,
 * slash-separated names (`uploads/<id>/web.jpg`); a key that could leave the
 * store's folder is refused before anything is read or written.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from './config';

export interface BlobStore {
  /** Stores the bytes under the key, replacing whatever was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes stored under the key, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
}

/** Segments of letters, digits, `.`, `_` and `-`, each starting with a letter or digit (so never `.` or `..`). */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const MAX_KEY_LENGTH = 512;

export class InvalidBlobKey extends Error {
  constructor(key: string) {
    super(`invalid blob key ${JSON.stringify(key.slice(0, 100))}: slash-separated segments of letters, digits, ".", "_" or "-", each starting with a letter or digit`);
    this.name = 'InvalidBlobKey';
  }
}

/** Throws InvalidBlobKey unless the key is a safe relative name. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !KEY.test(key)) throw new InvalidBlobKey(key);
}

/**
 * Files under `root`, one per key (its slashes are folders). A write goes to a
 * temporary file beside the target and is renamed into place, so a reader sees
 * the whole file or none.
 */
export class FilesystemBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const file = path.resolve(this.root, ...key.split('/'));
    // The key's shape already rules this out; checked again on the resolved path.
    if (!file.startsWith(this.root + path.sep)) throw new InvalidBlobKey(key);
    return file;
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.partial`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, file);
    } catch (err) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.pathOf(key);
    try {
      return new Uint8Array(await readFile(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `endpoint/bucket/key` rather than `bucket.endpoint/key` (MinIO). */
  forcePathStyle: boolean;
}

/** Objects in one bucket of an S3-compatible store, the key as the object's key. */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(options: S3BlobStoreOptions, client?: S3Client) {
    this.bucket = options.bucket;
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Another S3-compatible store: checksums only where S3 requires them (not every store takes the SDK's default CRC32 headers).
      ...(options.endpoint && { endpoint: options.endpoint, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
      // Neither: the SDK's default chain (environment, instance or task role).
      ...(options.accessKeyId && options.secretAccessKey && { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }),
    };
    this.client = client ?? new S3Client(config);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    assertBlobKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertBlobKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}

/** The store the configuration names (BLOB_STORE): the filesystem under the data folder unless `s3`. */
export function createBlobStore(config: Pick<Config, 'blobs'>): BlobStore {
  const { blobs } = config;
  if (blobs.store === 's3') return new S3BlobStore({ ...blobs.s3 });
  return new FilesystemBlobStore(blobs.dir);
}
