/**
 * Report runs over HTTP: a backfill (or a rerun) of a period is one call —
 * it starts the run the schedule would have started (same workflow, id per
 * kind and period, so a run still going is answered rather than doubled,
 * and reports already built are not built again); its progress is the
 * workflow's query while it runs and its result after.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import {
  REPORT_RUN_KINDS,
  reportRunProgressQuery,
  REPORT_RUN_WORKFLOW_TYPE,
  reportRunWorkflowId,
  type ReportRunInput,
  type ReportRunProgress,
} from '../../../contracts/report-run';
import { ProcessStatusKey, ReportRunKey } from '../../../domain/search-attributes';
import type { AppEnv } from '../../deps';
import { fieldError, notFound } from '../../problem';
import { json, link, problems, route } from '../../route';

const tags = ['Reports'];

const RunCreateSchema = z.object({
  kind: z.enum(REPORT_RUN_KINDS),
  period: z.string().describe('`YYYY-MM` for month-end, `YYYY-MM-DD` for delinquency and rent-roll'),
});
const ProgressSchema = z
  .object({
    workflowId: z.string(),
    running: z.boolean(),
    kind: z.enum(REPORT_RUN_KINDS),
    period: z.string().nullable(),
    status: z.string(),
    tasks: z.number().int(),
    tasksDone: z.number().int(),
    built: z.number().int(),
    existing: z.number().int(),
    withheld: z.array(z.string()),
    failed: z.array(z.string()),
    differences: z.array(z.string()).optional().describe('What the run\'s checks found wrong in the books (the daily deposits trust check)'),
  })
  .openapi('ReportRunProgress');
const StoredRunSchema = z.object({ runId: z.string(), kinds: z.array(z.string()), periods: z.array(z.string()), built: z.number().int(), withheld: z.number().int(), lastAt: z.string() });

export const runsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/report-runs',
      operationId: 'startReportRun',
      tags,
      summary: 'Run (or backfill) a period\'s reports: month-end postings and owner statements, or the delinquency or rent roll of a day',
      description: 'Admins and ops. A run for the same kind and period still going is answered as it is; one that finished runs again and builds only what is missing.',
      roles: ['admin', 'ops'],
      request: { body: { content: { 'application/json': { schema: RunCreateSchema } }, required: true } },
      responses: {
        202: { ...json(z.object({ workflowId: z.string(), location: z.string() }), 'Started (or already running)'), links: { GetReportRun: link('getReportRun', 'Its progress', { workflowId: '$response.body#/workflowId' }) } },
        ...problems(503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { kind, period } = c.req.valid('json');
      const pattern = kind === 'month-end' ? /^\d{4}-(0[1-9]|1[0-2])$/ : /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
      if (!pattern.test(period) || (kind !== 'month-end' && Number.isNaN(Date.parse(`${period}T00:00:00Z`)))) {
        throw fieldError('period', kind === 'month-end' ? 'must be a month YYYY-MM' : 'must be a calendar date YYYY-MM-DD');
      }
      const input: ReportRunInput = { kind, period };
      const taskQueue = deps.reportsTaskQueue ?? deps.config.temporal.taskQueues.reports;
      const handle = await deps.temporal.workflow.start(REPORT_RUN_WORKFLOW_TYPE, {
        workflowId: reportRunWorkflowId(taskQueue, kind, period),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: ProcessStatusKey, value: 'running' },
          { key: ReportRunKey, value: [kind, period] },
        ],
        memo: { summary: `Reports: ${kind} for ${period} (started by hand)` },
      });
      const location = `/v1/report-runs/${handle.workflowId}`;
      c.header('location', location);
      return c.json({ workflowId: handle.workflowId, location }, 202);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/report-runs/{workflowId}',
      operationId: 'getReportRun',
      tags,
      summary: 'A report run\'s progress (while it runs) or result',
      roles: ['admin', 'ops'],
      request: { params: z.object({ workflowId: z.string().min(1).max(300).describe('As POST /v1/report-runs answered it (or a scheduled run\'s id)') }) },
      responses: { 200: json(ProgressSchema, 'Its progress'), ...problems(404, 503) },
    }),
    async (c) => {
      const { workflowId } = c.req.valid('param');
      const handle = c.get('deps').temporal.workflow.getHandle(workflowId);
      try {
        const d = await handle.describe();
        if (d.type !== REPORT_RUN_WORKFLOW_TYPE) throw notFound('report run');
        const running = d.status.name === 'RUNNING';
        const progress: ReportRunProgress = running ? await handle.query(reportRunProgressQuery) : ((await handle.result()) as ReportRunProgress);
        return c.json({ workflowId, running, ...progress }, 200);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound('report run');
        throw err;
      }
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/report-runs',
      operationId: 'listReportRuns',
      tags,
      summary: 'The runs that built stored reports, latest first (from Postgres)',
      roles: ['admin', 'ops'],
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) },
      responses: { 200: json(z.object({ items: z.array(StoredRunSchema) }), 'Runs') },
    }),
    async (c) => {
      const rows = await c.get('deps').db.query<{ run_id: string; kinds: string[]; periods: string[]; built: number; withheld: number; last_at: Date }>(
        `select run_id, array_agg(distinct kind order by kind) as kinds, array_agg(distinct period order by period) as periods,
                count(*) filter (where status = 'built')::int as built, count(*) filter (where status = 'withheld')::int as withheld, max(created_at) as last_at
           from report_documents where run_id is not null group by run_id order by max(created_at) desc limit $1`,
        { bind: [c.req.valid('query').limit], type: QueryTypes.SELECT },
      );
      return c.json({ items: rows.map((r) => ({ runId: r.run_id, kinds: r.kinds, periods: r.periods, built: r.built, withheld: r.withheld, lastAt: new Date(r.last_at).toISOString() })) }, 200);
    },
  );
