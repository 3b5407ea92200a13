/**
 * Inspections over HTTP: scheduling one (schedule.ts, which starts its
 * workflow), what people read (reads.ts: lists, the state, the PDFs) and
 * their decisions, carried to the inspection workflow as Updates
 * (actions.ts), with a move-out's deductions carried to its lease. Who may do
 * what is in access.ts; lists in list.ts; the shapes in schemas.ts and
 * contracts/inspection.schema.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { inspectionActionsRouter } from './actions';
import { inspectionReadsRouter } from './reads';
import { scheduleInspectionRouter } from './schedule';

export const inspectionsRouter = new OpenAPIHono<AppEnv>();
inspectionsRouter.route('/', scheduleInspectionRouter);
inspectionsRouter.route('/', inspectionReadsRouter);
inspectionsRouter.route('/', inspectionActionsRouter);
