/**
 * Purchases over HTTP: offers on a listing (offers.ts), people's decisions
 * carried to the purchase workflow as Updates (actions.ts), and what readers
 * see (reads.ts); public title records (title-records.ts). Who may do what
 * is in access.ts; the shapes in schemas.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { purchaseActionsRouter } from './actions';
import { purchaseOffersRouter } from './offers';
import { purchaseReadsRouter } from './reads';
import { titleRecordsRouter } from './title-records';

export const purchasesRouter = new OpenAPIHono<AppEnv>();
purchasesRouter.route('/', purchaseOffersRouter);
purchasesRouter.route('/', purchaseReadsRouter);
purchasesRouter.route('/', purchaseActionsRouter);
purchasesRouter.route('/', titleRecordsRouter);
