/**
 * Contractors over HTTP: the vendor directory (directory.ts, its entries in
 * entries.ts) and the contractor's own queue of work (portal.ts). The shapes
 * are in schemas.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { directoryRouter } from './directory';
import { portalRouter } from './portal';

export const contractorsRouter = new OpenAPIHono<AppEnv>();
// The portal's fixed path first, so no `{id}` route ever reads "me" as an id.
contractorsRouter.route('/', portalRouter);
contractorsRouter.route('/', directoryRouter);
