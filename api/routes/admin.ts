import { LateFeePolicySchema } from '../../contracts/late-fee-policy.schema';
import { organizationLateFeePolicy, setOrganizationLateFeePolicy } from '../../lib/late-fee-policy';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { WorkflowFailedError, WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { IMPORT_SOURCE_RULE, type ImportFormat } from '../../domain/listing-import';
import { ImportReportSchema, ImportSourceSchema } from '../../contracts/listing-import.schema';
import { ProcessStatusKey } from '../../domain/search-attributes';
import { ImportBatch } from '../../models';
import { importReport, startListingImport } from '../../clients/listing-import';
import { reindexStateQuery, SEARCH_REINDEX_WORKFLOW_TYPE, searchReindexWorkflowId, type SearchReindexState, type SearchReindexWorkflow } from '../../contracts/search';
import { listingsAlias } from '../../lib/search/listing-index';
import { todayUtc } from '../../domain/calendar';
import {
  ESCROW_RECONCILIATION_WORKFLOW_TYPE,
  escrowReconciliationWorkflowId,
  type EscrowReconciliationReport,
  type EscrowReconciliationWorkflow,
} from '../../contracts/escrow-reconciliation';
import type { AppEnv } from '../deps';
import { ApiProblem, fieldError, notFound } from '../problem';
import { idLink, json, link, problems, route } from '../route';

/** Uploads above this go through the CLI importer, which streams from disk. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const StartedSchema = z
  .object({ workflowId: z.string(), status: z.string(), location: z.string() })
  .openapi('ProcessStarted');

const ImportDoc = ImportReportSchema.openapi('ImportReport');

const PolicyDoc = LateFeePolicySchema.openapi('LateFeePolicy');
const OrganizationPolicyDoc = z
  .object({ policy: PolicyDoc, updatedAt: z.string().nullable(), updatedBy: z.string().nullable() })
  .openapi('OrganizationLateFeePolicy');

const EscrowDifferenceDoc = z
  .object({
    purchaseId: z.string(),
    stage: z.string().nullable().describe('The purchase\'s stage; null when the ledger has a purchase book but no purchase record'),
    purchaseHeldMinor: z.number().int().describe('What the purchase\'s own record says is held in escrow'),
    ledgerHeldMinor: z.number().int().describe('What the ledger\'s escrow_held says is held in the purchase\'s book'),
    differenceMinor: z.number().int().describe('Ledger − purchase'),
  })
  .openapi('EscrowDifference');

const EscrowCurrencyDoc = z
  .object({
    currency: z.string(),
    purchasesHeldMinor: z.number().int().describe('What the purchases compared say is held, in total'),
    ledgerHeldMinor: z.number().int().describe('What the ledger says is held in purchase books, in total'),
    differenceMinor: z.number().int().describe('Ledger − purchases'),
    differences: z.array(EscrowDifferenceDoc).describe('Each purchase whose two figures differ, largest difference first'),
  })
  .openapi('EscrowCurrencyReconciliation');

const EscrowReconciliationDoc = z
  .object({
    id: z.uuid(),
    asOf: z.string().describe('The day the report is for (one report per day: a rerun replaces it)'),
    ranAt: z.string().describe('When both sides were read, in one snapshot'),
    workflowId: z.string().describe('The run that wrote it (Temporal Web UI)'),
    status: z.enum(['balanced', 'differences']),
    purchasesCompared: z.number().int().describe('Open purchases, and ended ones whose book still holds escrow'),
    currencies: z.array(EscrowCurrencyDoc),
  })
  .openapi('EscrowReconciliation');

/** The declared shape and the contract's type stay one (a compile-time check). */
const _sameReportShape: z.infer<typeof EscrowReconciliationDoc> = {} as EscrowReconciliationReport;

/** How long the POST waits for its run before answering 503 (the run goes on). */
const ESCROW_RUN_WAIT_MS = 30_000;

export const adminRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'get',
      path: '/admin/late-fee-policy',
      operationId: 'getLateFeePolicy',
      tags: ['Admin'],
      summary: 'The organization\'s late-fee policy (properties and leases may override it)',
      roles: ['admin', 'ops'],
      responses: { 200: json(OrganizationPolicyDoc, 'The policy new leases start from'), ...problems(401, 403) },
    }),
    async (c) => c.json(await organizationLateFeePolicy(c.get('deps').db), 200),
  )
  .openapi(
    route({
      method: 'put',
      path: '/admin/late-fee-policy',
      operationId: 'setLateFeePolicy',
      tags: ['Admin'],
      summary: 'Set the organization\'s late-fee policy',
      description: 'Applies to leases offered from now on; a lease keeps the policy it was signed with.',
      roles: ['admin'],
      request: { body: { content: { 'application/json': { schema: PolicyDoc } }, required: true } },
      responses: { 200: json(OrganizationPolicyDoc, 'Set'), ...problems(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const deps = c.get('deps');
      return c.json(await setOrganizationLateFeePolicy(deps.db, c.req.valid('json'), c.get('principal').userId), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/search/reindex',
      operationId: 'startSearchReindex',
      tags: ['Admin'],
      summary: 'Rebuild the listings index from Postgres and swap it in with no downtime',
      description: 'Starts the reindex workflow; while one runs, asking again returns the running one.',
      roles: ['admin'],
      idempotent: true,
      responses: {
        202: { ...json(StartedSchema, 'Started (or already running)'), links: { GetSearchReindex: link('getSearchReindex', 'Follow the reindex\'s progress') } },
        ...problems(401, 403, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const handle = await deps.temporal.workflow.start<SearchReindexWorkflow>(SEARCH_REINDEX_WORKFLOW_TYPE, {
        workflowId: searchReindexWorkflowId(listingsAlias(deps.config.elasticsearch.indexPrefix)),
        taskQueue: deps.searchTaskQueue,
        args: [],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        typedSearchAttributes: [{ key: ProcessStatusKey, value: 'reindexing' }],
        memo: { summary: 'Full rebuild of the listings search index' },
      });
      const location = '/v1/admin/search/reindex';
      c.header('location', location);
      return c.json({ workflowId: handle.workflowId, status: 'running', location }, 202);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/search/reindex',
      operationId: 'getSearchReindex',
      tags: ['Admin'],
      summary: 'Progress of the latest reindex',
      roles: ['admin', 'ops'],
      responses: {
        200: json(
          z.object({
            workflowId: z.string(),
            status: z.string(),
            phase: z.string(),
            index: z.string().nullable(),
            copied: z.number().int(),
            caughtUp: z.number().int(),
          }).openapi('ReindexState'),
          'Reindex state',
        ),
        ...problems(401, 403, 404, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const handle = deps.temporal.workflow.getHandle(searchReindexWorkflowId(listingsAlias(deps.config.elasticsearch.indexPrefix)));
      let status: string;
      try {
        status = (await handle.describe()).status.name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound('reindex');
        throw err;
      }
      let state: SearchReindexState;
      if (status === 'COMPLETED') {
        state = (await handle.result()) as SearchReindexState; // kept in history: no worker needed
      } else if (status === 'RUNNING') {
        // A query needs a live worker; do not hold the request for long without one.
        const timeout = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new ApiProblem(503, 'service-unavailable', 'no worker answered; the reindex resumes when one runs')), 5000).unref(),
        );
        state = await Promise.race([handle.query(reindexStateQuery), timeout]);
      } else {
        state = { phase: 'creating', index: null, copied: 0, caughtUp: 0, dropped: [] };
      }
      return c.json({ workflowId: handle.workflowId, status, phase: state.phase, index: state.index, copied: state.copied, caughtUp: state.caughtUp }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/import/listings',
      operationId: 'importListings',
      tags: ['Admin'],
      summary: 'Import listings from CSV or JSON lines (Ames sales format)',
      description:
        'Send the file as the body (`text/csv` with a header row, or `application/x-ndjson`). Every row is validated; ' +
        'rejected rows are reported with reasons. Importing the same rows again creates nothing new. ' +
        `\`source\` names the data set and must be ${IMPORT_SOURCE_RULE} (e.g. \`ames\`, \`ames-2024\`); ` +
        'any other name is a 422 naming the field `source`. An empty or blank file is a 422 naming `body`; ' +
        `one over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB is 413 (the CLI importer takes larger files).`,
      roles: ['admin'],
      idempotent: true,
      request: {
        query: z.object({
          source: ImportSourceSchema.default('ames').describe(
            `Names the data set; part of every record's external reference. Must be ${IMPORT_SOURCE_RULE}.`,
          ),
        }),
        body: {
          content: {
            'text/csv': { schema: z.string() },
            'application/x-ndjson': { schema: z.string() },
          },
          required: true,
        },
      },
      responses: {
        202: { ...json(ImportDoc, 'Accepted; follow Location for the report'), links: { GetImport: idLink('getImport', 'The import\'s report, once its rows are processed') } },
        ...problems(400, 401, 403, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      const { source } = c.req.valid('query');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const formats: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/jsonl': 'ndjson' };
      const format = formats[type];
      if (!format) throw new ApiProblem(415, 'unsupported-media-type', 'send text/csv or application/x-ndjson');
      const content = await c.req.text();
      if (Buffer.byteLength(content) > MAX_IMPORT_BYTES) {
        throw new ApiProblem(413, 'payload-too-large', `at most ${MAX_IMPORT_BYTES} bytes per upload; use the CLI importer for more`);
      }
      if (!content.trim()) throw fieldError('body', 'the file is empty');
      const deps = c.get('deps');
      const { batch } = await startListingImport(
        { client: deps.temporal, taskQueue: deps.searchTaskQueue },
        { source, format, content, createdBy: c.get('principal').userId },
      );
      c.header('location', `/v1/admin/imports/${batch.id}`);
      return c.json(importReport(batch), 202);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/imports/{id}',
      operationId: 'getImport',
      tags: ['Admin'],
      summary: 'An import\'s report: counts and rejected rows with reasons',
      roles: ['admin', 'ops'],
      request: { params: z.object({ id: z.uuid() }) },
      responses: { 200: json(ImportDoc, 'The report'), ...problems(401, 403, 404, 422) },
    }),
    async (c) => {
      const batch = await ImportBatch.findByPk(c.req.valid('param').id, { attributes: { exclude: ['content'] } });
      if (!batch) throw notFound('import');
      return c.json(importReport(batch), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/escrow-reconciliations',
      operationId: 'listEscrowReconciliations',
      tags: ['Admin'],
      summary: 'The daily escrow reconciliations, newest day first',
      description:
        'Each day a scheduled run compares the escrow open purchases say they hold with the ledger\'s escrow_held in purchase books, ' +
        'per purchase and in total, per currency, and stores the report; `differences` lists each purchase that differs with both figures.',
      roles: ['admin', 'ops'],
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }) },
      responses: {
        200: json(z.object({ items: z.array(EscrowReconciliationDoc) }).openapi('EscrowReconciliationList'), 'Stored reports, newest day first'),
        ...problems(401, 403, 422),
      },
    }),
    async (c) => {
      const { limit } = c.req.valid('query');
      const rows = await c.get('deps').db.query<{ id: string; as_of: string; ran_at: Date; status: EscrowReconciliationReport['status']; workflow_id: string | null; report: Omit<EscrowReconciliationReport, 'id'> }>(
        'select id::text as id, as_of::text as as_of, ran_at, status, workflow_id, report from escrow_reconciliations order by as_of desc limit $1',
        { bind: [limit], type: QueryTypes.SELECT },
      );
      const items = rows.map((r) => ({
        ...r.report,
        id: r.id,
        asOf: r.as_of,
        ranAt: new Date(r.ran_at).toISOString(),
        status: r.status,
        workflowId: r.workflow_id ?? r.report.workflowId,
      }));
      return c.json({ items }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/escrow-reconciliations',
      operationId: 'runEscrowReconciliation',
      tags: ['Admin'],
      summary: 'Reconcile escrow now and return the report',
      description:
        'Runs the daily escrow reconciliation for today (UTC) at once, as a run of its own beside the scheduled one, and answers with its report, ' +
        `which replaces today's stored report. Waits up to ${ESCROW_RUN_WAIT_MS / 1000} s for the run; 503 when no worker finished it by then ` +
        '(the run goes on, and its report is listed once it finishes).',
      roles: ['admin'],
      idempotent: true,
      responses: { 200: json(EscrowReconciliationDoc, 'The report, stored as today\'s'), ...problems(401, 403, 503) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const asOf = todayUtc();
      const handle = await deps.temporal.workflow.start<EscrowReconciliationWorkflow>(ESCROW_RECONCILIATION_WORKFLOW_TYPE, {
        // A suffix of its own: never the day's scheduled run, nor another admin's.
        workflowId: escrowReconciliationWorkflowId(asOf, `manual-${randomUUID().slice(0, 8)}`),
        taskQueue: deps.purchaseTaskQueue ?? deps.config.temporal.taskQueues.purchases,
        args: [{ asOf }],
        memo: { summary: `Escrow reconciliation for ${asOf}, started by ${c.get('principal').userId}` },
      });
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ApiProblem(503, 'service-unavailable', `no worker finished the run ${handle.workflowId} within ${ESCROW_RUN_WAIT_MS / 1000} s; it goes on, and its report is listed once it finishes`)),
          ESCROW_RUN_WAIT_MS,
        );
        timer.unref();
      });
      try {
        return c.json(await Promise.race([handle.result(), waited]), 200);
      } catch (err) {
        if (err instanceof WorkflowFailedError) throw new ApiProblem(503, 'service-unavailable', `the run ${handle.workflowId} failed: ${err.cause?.message ?? err.message}`);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  );
