/** The Stripe client: localstripe by default, real Stripe when a real key is configured. */
import Stripe from 'stripe';
import type { Config } from './config';

export function createStripe(config: Pick<Config, 'stripe'>): Stripe {
  return new Stripe(config.stripe.secretKey, {
    host: config.stripe.host,
    port: config.stripe.port,
    protocol: config.stripe.protocol,
    // Retries belong to Temporal's activity retry policy, which sees every attempt.
    maxNetworkRetries: 0,
    timeout: 30_000,
  });
}
