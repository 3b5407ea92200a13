/** localstripe in tests: saved cards, and reading what it holds (every page: it lists oldest first, and a shared test server accumulates). */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { PaymentMethodRef } from '../../contracts/lease';

/** A 4242 card pays; others decline as Stripe's test cards do (4000000000000002 generic decline, …). */
export const PAYING_CARD = '4242424242424242';

/** A customer with a saved card of this number, as a lease's payment method. */
export async function savedCard(stripe: Stripe, number = PAYING_CARD): Promise<PaymentMethodRef> {
  const customer = await stripe.customers.create({ email: `tenant-${randomUUID()}@example.com` });
  const pm = await stripe.paymentMethods.create({ type: 'card', card: { number, exp_month: 12, exp_year: 2030, cvc: '123' } } as never);
  await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
  return { customerId: customer.id, paymentMethodId: pm.id };
}

export async function paymentIntentsWhere(stripe: Stripe, keep: (pi: Stripe.PaymentIntent) => boolean): Promise<Stripe.PaymentIntent[]> {
  const found: Stripe.PaymentIntent[] = [];
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) if (keep(pi)) found.push(pi);
  return found;
}
