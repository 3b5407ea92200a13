/**
 * Leases over HTTP: offering one (offer.ts), people's decisions carried to its
 * workflow as Updates (actions.ts), and what readers see (reads.ts). Who may
 * do what is in access.ts; the shapes in schemas.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { leaseActionsRouter } from './actions';
import { leaseOfferRouter } from './offer';
import { leaseReadsRouter } from './reads';

export const leasesRouter = new OpenAPIHono<AppEnv>();
leasesRouter.route('/', leaseOfferRouter);
leasesRouter.route('/', leaseReadsRouter);
leasesRouter.route('/', leaseActionsRouter);
