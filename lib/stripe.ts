/** The Stripe client: localstripe by default, real Stripe when a real key is configured. */
import Stripe from 'stripe';
import type { Config } from './config';
import { createRateLimiter } from './rate-limiter';

export interface StripeTraffic {
  requests: number;
  rateLimited: number;
}

/**
 * Every request waits its turn under the configured rate (Stripe's test mode
 * allows 25 a second), so a large rent run never storms Stripe with 429s.
 * The limit is per process: run one rent worker per Stripe account, or split
 * the rate between them.
 */
export function createStripe(config: Pick<Config, 'stripe'>, traffic: StripeTraffic = { requests: 0, rateLimited: 0 }): Stripe {
  const limiter = createRateLimiter(config.stripe.maxRequestsPerSecond);
  const http = Stripe.createNodeHttpClient();
  const send = http.makeRequest.bind(http);
  http.makeRequest = async (...args: Parameters<typeof send>) => {
    await limiter.take();
    traffic.requests++;
    const res = await send(...args);
    if (res.getStatusCode() === 429) traffic.rateLimited++;
    return res;
  };
  return new Stripe(config.stripe.secretKey, {
    host: config.stripe.host,
    port: config.stripe.port,
    protocol: config.stripe.protocol,
    httpClient: http,
    // Retries belong to Temporal's activity retry policy, which sees every attempt.
    maxNetworkRetries: 0,
    timeout: 30_000,
  });
}
