/**
 * Reports over HTTP: any report from the books (reports.ts), owners'
 * statements (statements.ts) and report runs (runs.ts); formats in format.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { reportsRouter as reportReadsRouter } from './reports';
import { runsRouter } from './runs';
import { statementsRouter } from './statements';

export const reportsRouter = new OpenAPIHono<AppEnv>();
reportsRouter.route('/', reportReadsRouter);
reportsRouter.route('/', statementsRouter);
reportsRouter.route('/', runsRouter);
