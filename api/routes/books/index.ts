/**
 * A property's books over HTTP: bills (bills.ts), management agreements and
 * ownership shares (agreements.ts), owners' contributions
 * (contributions.ts). Who may do what is in access.ts; the month-end
 * postings and reports are ../reports.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { agreementsRouter } from './agreements';
import { billsRouter } from './bills';
import { contributionsRouter } from './contributions';

export const booksRouter = new OpenAPIHono<AppEnv>();
booksRouter.route('/', billsRouter);
booksRouter.route('/', agreementsRouter);
booksRouter.route('/', contributionsRouter);
