/**
 * The design the rent run does not use, kept for the benchmark's baseline:
 * one workflow per invoice. Even with a single activity per invoice (the
 * cheapest such workflow), each costs Temporal a workflow start, workflow
 * tasks and an activity task; see bench/rent-run-bench.ts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CollectionOutcome } from '../contracts/lease';

const { collectRentPeriod } = proxyActivities<{ collectRentPeriod(leaseId: string, periodIndex: number, today: string): Promise<CollectionOutcome> }>({
  startToCloseTimeout: '1 minute',
});

export async function invoiceWorkflow(leaseId: string, periodIndex: number, runDate: string): Promise<CollectionOutcome> {
  return collectRentPeriod(leaseId, periodIndex, runDate);
}
