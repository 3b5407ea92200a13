/**
 * Reading a workflow's state for a response. A worker answers a query within
 * QUERY_TIMEOUT_MS or the read answers from the database instead (what the
 * workflow's activities recorded there), so a read never waits on a worker.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { Context } from 'hono';
import type { AppEnv } from './deps';

export const QUERY_TIMEOUT_MS = 3_000;

/** The workflow's answer, or undefined (logged) when it could not be asked in time. */
export async function queryOrUndefined<T>(c: Context<AppEnv>, handle: WorkflowHandle, query: QueryDefinition<T>): Promise<T | undefined> {
  try {
    return await c.get('deps').temporalConnection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(query));
  } catch (err) {
    c.get('logger').warn({ workflowId: handle.workflowId, reason: err instanceof Error ? err.message : String(err) }, 'query failed; answering from the database');
    return undefined;
  }
}
