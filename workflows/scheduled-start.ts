/**
 * When a scheduled run is for: the schedule's nominal time (the
 * TemporalScheduledStartTime search attribute a Schedule sets, which stays
 * the same when a run starts late after an outage), or when the run started
 * for one started by hand.
 */
import { workflowInfo } from '@temporalio/workflow';

export function scheduledStart(): Date {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  return scheduled instanceof Date ? scheduled : typeof scheduled === 'string' ? new Date(scheduled) : info.startTime;
}
