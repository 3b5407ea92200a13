/**
 * A Stripe webhook event's contract: one workflow per event, id
 * `stripe-event-<event id>` (so a redelivered event is processed once), that
 * changes the books in one activity and signals the lease that owns the
 * payment (contracts/lease.ts: paymentReversedSignal).
 */
import type { PaymentReversal } from './lease';

export const STRIPE_EVENT_WORKFLOW_TYPE = 'stripeEventWorkflow';

export function stripeEventWorkflowId(eventId: string) {
  return `stripe-event-${eventId}`;
}

/** The parts of a Stripe event we act on (the route reduces the event to this). */
export interface StripeEventSummary {
  id: string;
  type: string;
  paymentIntentId: string | null;
  /** Amount disputed or refunded, in minor units; the whole payment if absent. */
  amountMinor: number | null;
  occurredOn: string;
  payload: unknown;
}

export interface StripeEventOutcome {
  leaseId: string | null;
  reversal: PaymentReversal | null;
  note: string;
}

export type StripeEventWorkflow = (event: StripeEventSummary) => Promise<StripeEventOutcome & { signalled: boolean }>;

export interface StripeEventActivities {
  processStripeEvent(event: StripeEventSummary): Promise<StripeEventOutcome>;
}
