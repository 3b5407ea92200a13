/**
 * One Stripe webhook event, id `stripe-event-<event id>` (contracts/stripe-events.ts):
 * the workflow id makes each event processed once (a redelivery finds it
 * already started), and the Web UI shows what every event did. The books
 * change in one activity; the lease that owns the payment is then signalled.
 */
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import { leaseWorkflowId, paymentReversedSignal } from '../../contracts/lease';
import type { StripeEventActivities, StripeEventOutcome, StripeEventSummary } from '../../contracts/stripe-events';

const { processStripeEvent } = proxyActivities<StripeEventActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes' },
});

export async function stripeEventWorkflow(event: StripeEventSummary): Promise<StripeEventOutcome & { signalled: boolean }> {
  const outcome = await processStripeEvent(event);
  let signalled = false;
  if (outcome.leaseId && outcome.reversal) {
    try {
      await getExternalWorkflowHandle(leaseWorkflowId(outcome.leaseId)).signal(paymentReversedSignal, outcome.reversal);
      signalled = true;
    } catch {
      // The lease's workflow has closed: the ledger already says what is owed, and staff see it there.
    }
  }
  return { ...outcome, signalled };
}
