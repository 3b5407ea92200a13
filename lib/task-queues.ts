/**
 * Task queues, one per concern, so each can be scaled and rate-limited on its
 * own. A prefix (TEMPORAL_TASK_QUEUE_PREFIX) lets several environments share a
 * namespace without stealing each other's tasks.
 */
export function taskQueues(prefix: string) {
  return {
    /** Search indexing, reindexing and bulk listing imports (Postgres + Elasticsearch). */
    search: `${prefix}-search`,
    /** Lease workflows and their activities (Postgres, Stripe, PDF). */
    leases: `${prefix}-leases`,
    /** Purchase workflows (offers to recorded title), their closing envelopes and activities. */
    purchases: `${prefix}-purchases`,
    /** Operations: inspections, work orders and projects (long waits, Postgres activities, no Stripe). */
    operations: `${prefix}-operations`,
    /** The daily rent run: batched Stripe charges under the request-rate limit. */
    rent: `${prefix}-rent`,
    /** Report runs: month-end postings, owner statements and portfolio reports (PDF rendering, CPU-bound). */
    reports: `${prefix}-reports`,
    /** E-mail delivery: a slow or absent mail server never takes another queue's activity slots. */
    notifications: `${prefix}-notifications`,
  } as const;
}
