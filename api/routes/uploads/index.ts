/**
 * Uploads over HTTP: photos and PDFs stored in the document store
 * (lib/blob-store.ts) and described in Postgres (`uploads`). Uploading in
 * create.ts (the size limit, what the content is, the image sizes made from
 * it: lib/uploads.ts), reading in reads.ts, who sees what in access.ts, the
 * shapes in schemas.ts. Work orders and inspections name uploads by id.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { uploadCreateRouter } from './create';
import { uploadReadsRouter } from './reads';

export const uploadsRouter = new OpenAPIHono<AppEnv>();
uploadsRouter.route('/', uploadCreateRouter);
uploadsRouter.route('/', uploadReadsRouter);
