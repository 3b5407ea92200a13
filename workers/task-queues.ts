/** Task queues, one per concern, so each can be scaled and rate-limited on its own. */
export const TASK_QUEUES = {
  /** Search indexing, reindexing and bulk listing imports (Postgres + Elasticsearch). */
  search: 'trilight-search',
} as const;
export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];
