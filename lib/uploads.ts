/**
 * What an uploaded file is, told by its content (its magic bytes), never by
 * the name or Content-Type the client gave it; and, for an image, the sizes
 * the platform serves: a web size and a thumbnail, turned upright by the EXIF
 * orientation and stripped of metadata. The original is kept as it came.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata, type Sharp } from 'sharp';

/** The types an upload may be: photos, and PDFs (certificates, reports). */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export const UPLOAD_VARIANTS = ['original', 'web', 'thumbnail'] as const;
export type UploadVariant = (typeof UPLOAD_VARIANTS)[number];

/** The longest side of the web size and of the thumbnail, in pixels (never enlarged). */
export const WEB_MAX_SIDE = 1600;
export const THUMBNAIL_MAX_SIDE = 320;

/** File name extensions by content type (the store's keys end with them). */
export const EXTENSIONS: Record<UploadContentType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/**
 * The content type the bytes show, or undefined for anything else:
 * JPEG (FF D8 FF), PNG (its 8-byte signature), WebP (a RIFF container of
 * form WEBP) and PDF (`%PDF-` at the very start).
 */
export function sniffContentType(bytes: Uint8Array): UploadContentType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
}

export const isImage = (type: UploadContentType) => type.startsWith('image/');

/** The content shows a type we take, but it cannot be read as one (truncated, corrupt, too many pixels). */
export class UnreadableUpload extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableUpload';
  }
}

/** The content is none of the types we take. */
export class UnsupportedUpload extends Error {
  constructor() {
    super(`not one of ${UPLOAD_CONTENT_TYPES.join(', ')} (told by the content, not the Content-Type)`);
    this.name = 'UnsupportedUpload';
  }
}

export interface ImageVariant {
  bytes: Uint8Array;
  contentType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

export interface ProcessedUpload {
  contentType: UploadContentType;
  /** Of the original. */
  bytes: number;
  sha256: string;
  /** The original's size as shown (after its EXIF orientation); null for a PDF. */
  width: number | null;
  height: number | null;
  /** An image's web size and thumbnail; none for a PDF. */
  web?: ImageVariant;
  thumbnail?: ImageVariant;
}

export interface ProcessOptions {
  /** Refuse images with more pixels than this (decompression bombs); sharp's default 268 megapixels. */
  maxPixels?: number;
}

/** The decoder's own words stay in `cause` (for the log), out of what a client is told. */
const unreadable = (contentType: UploadContentType, cause: unknown) =>
  new UnreadableUpload(`the ${contentType} does not decode: it is truncated or corrupt, or has more pixels than allowed`, { cause });

const SHARP_FORMAT: Record<string, UploadContentType> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/**
 * Checks and processes an upload. Throws UnsupportedUpload for a type we do
 * not take and UnreadableUpload for an image that does not decode.
 */
export async function processUpload(bytes: Uint8Array, options: ProcessOptions = {}): Promise<ProcessedUpload> {
  const contentType = sniffContentType(bytes);
  if (!contentType) throw new UnsupportedUpload();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!isImage(contentType)) return { contentType, bytes: bytes.byteLength, sha256, width: null, height: null };

  const input = { failOn: 'error' as const, limitInputPixels: options.maxPixels ?? true };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (err) {
    throw unreadable(contentType, err);
  }
  if (SHARP_FORMAT[meta.format] !== contentType) {
    throw new UnreadableUpload(`the content starts like ${contentType} but decodes as ${String(meta.format)}`);
  }
  // Transparency needs WebP; everything else is served as JPEG, which every client shows.
  const encode = (image: Sharp) => (meta.hasAlpha ? image.webp({ quality: 80 }) : image.jpeg({ quality: 82, mozjpeg: true }));
  const variantType = meta.hasAlpha ? ('image/webp' as const) : ('image/jpeg' as const);
  const render = async (from: Uint8Array, side: number, autoOrient: boolean): Promise<ImageVariant> => {
    // Output carries no metadata (EXIF, GPS, XMP, ICC) unless asked to: none is asked for. Colours go to sRGB.
    const image = sharp(from, { ...input, autoOrient }).resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
    const out = await encode(image).toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(out.data), contentType: variantType, width: out.info.width, height: out.info.height };
  };
  let web: ImageVariant;
  let thumbnail: ImageVariant;
  try {
    web = await render(bytes, WEB_MAX_SIDE, true);
    // From the web size: decoding the original once is enough.
    thumbnail = await render(web.bytes, THUMBNAIL_MAX_SIDE, false);
  } catch (err) {
    throw unreadable(contentType, err);
  }
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
  return { contentType, bytes: bytes.byteLength, sha256, width: oriented.width, height: oriented.height, web, thumbnail };
}
