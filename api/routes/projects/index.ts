/**
 * Construction projects over HTTP: setting one up (create.ts), what people
 * read (reads.ts) and their decisions, carried to the project workflow as
 * Updates (actions.ts). Who may do what is in access.ts; the shapes in
 * schemas.ts and contracts/project.schema.ts. The owners approve change
 * orders by signing their envelopes (../envelopes).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { projectActionsRouter } from './actions';
import { createProjectRouter } from './create';
import { projectReadsRouter } from './reads';

export const projectsRouter = new OpenAPIHono<AppEnv>();
projectsRouter.route('/', createProjectRouter);
projectsRouter.route('/', projectReadsRouter);
projectsRouter.route('/', projectActionsRouter);
