/** Reading what localstripe holds: every page (it lists oldest first, and a shared test server accumulates). */
import type Stripe from 'stripe';

export async function paymentIntentsWhere(stripe: Stripe, keep: (pi: Stripe.PaymentIntent) => boolean): Promise<Stripe.PaymentIntent[]> {
  const found: Stripe.PaymentIntent[] = [];
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) if (keep(pi)) found.push(pi);
  return found;
}
