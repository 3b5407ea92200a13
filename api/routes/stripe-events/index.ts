/**
 * Stripe webhooks. No bearer token: the `Stripe-Signature` header, made with
 * our endpoint's secret over the raw body and a timestamp, is the proof (a
 * wrong or stale one, older than five minutes, is refused with 400). Each
 * event starts a workflow whose id is the event's, so an event Stripe
 * delivers twice is processed once; the workflow changes the books and
 * signals the lease that owns the payment.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import Stripe from 'stripe';
import { STRIPE_EVENT_WORKFLOW_TYPE, stripeEventWorkflowId, type StripeEventSummary, type StripeEventWorkflow } from '../../../contracts/stripe-events';
import type { AppEnv } from '../../deps';
import { ApiProblem } from '../../problem';
import { json, problems } from '../../route';

/** Stripe's own default: a signature older than this is a replay. */
const TOLERANCE_SECONDS = 300;

const ReceivedSchema = z.object({ received: z.literal(true), duplicate: z.boolean(), workflowId: z.string() }).openapi('WebhookReceived');

const keepRawBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  await c.req.text();
  await next();
};

// Signature checks need no API key or network; any key builds the helper.
const verifier = new Stripe('sk_test_signature_verification_only');

/** The payment intent an event is about, and the amount it moves. */
function summarize(event: Stripe.Event): StripeEventSummary {
  const object = event.data.object as unknown as Record<string, unknown>;
  const pi = (v: unknown) => (typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null);
  let paymentIntentId: string | null = null;
  let amountMinor: number | null = null;
  if (event.type.startsWith('payment_intent.')) paymentIntentId = pi(object.id);
  else if (event.type === 'charge.refunded') {
    paymentIntentId = pi(object.payment_intent);
    amountMinor = typeof object.amount_refunded === 'number' ? object.amount_refunded : null;
  } else if (event.type.startsWith('charge.dispute.')) {
    paymentIntentId = pi(object.payment_intent);
    amountMinor = typeof object.amount === 'number' ? object.amount : null;
  } else if (event.type.startsWith('charge.')) paymentIntentId = pi(object.payment_intent);
  return {
    id: event.id,
    type: event.type,
    paymentIntentId,
    amountMinor,
    occurredOn: new Date(event.created * 1000).toISOString().slice(0, 10),
    payload: event,
  };
}

export const webhooksRouter = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/stripe',
    tags: ['Webhooks'],
    summary: 'Receive a Stripe event',
    description:
      'Authenticated by the `Stripe-Signature` header (the endpoint secret `STRIPE_WEBHOOK_SECRET`), not a bearer token. Handles disputes, bank returns and refunds of our payments; other events are recorded. Answers 200 to an event already received.',
    request: {
      headers: z.object({ 'stripe-signature': z.string().optional().describe('t=<timestamp>,v1=<HMAC-SHA256>') }),
      body: { content: { 'application/json': { schema: z.object({}).passthrough().openapi('StripeEvent') } }, required: true },
    },
    responses: {
      200: json(ReceivedSchema, 'Received (or received before)'),
      ...problems(400, 415, 422, 503),
    },
    // Read the exact bytes before the body validator parses them: the signature is over those bytes.
    middleware: [keepRawBody] as const,
  }),
  async (c) => {
    const deps = c.get('deps');
    const raw = await c.req.text(); // as received (cached by the middleware above)
    const signature = c.req.header('stripe-signature');
    if (!signature) throw new ApiProblem(400, 'bad-signature', 'the Stripe-Signature header is missing');
    let event: Stripe.Event;
    try {
      event = verifier.webhooks.constructEvent(raw, signature, deps.config.stripe.webhookSecret, TOLERANCE_SECONDS);
    } catch (err) {
      throw new ApiProblem(400, 'bad-signature', (err as Error).message.split('\n')[0]);
    }
    const workflowId = stripeEventWorkflowId(event.id);
    let duplicate = false;
    try {
      await deps.temporal.workflow.start<StripeEventWorkflow>(STRIPE_EVENT_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: deps.leaseTaskQueue ?? deps.config.temporal.taskQueues.leases,
        args: [summarize(event)],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { summary: `${event.type} ${event.id}` },
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      duplicate = true;
    }
    return c.json({ received: true as const, duplicate, workflowId }, 200);
  },
);
