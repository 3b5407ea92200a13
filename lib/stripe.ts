/** The Stripe client: localstripe by default, real Stripe when a real key is configured. */
import Stripe from 'stripe';
import type { Config } from './config';
import { createRateLimiter } from './rate-limiter';

export interface StripeTraffic {
  requests: number;
  rateLimited: number;
}

/** Times a request refused with 429 is sent again before the 429 goes to the SDK (which throws). */
export const RATE_LIMIT_RETRIES = 5;

/** Retry-After in ms: seconds, or an HTTP date; 1 s when absent or unreadable, at most a minute. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - nowMs;
  return Number.isNaN(ms) ? 1000 : Math.min(Math.max(ms, 0), 60_000);
}

/**
 * Every request waits its turn under the configured rate (Stripe's test mode
 * allows 25 a second), so a large rent run never storms Stripe with 429s.
 * If one comes anyway, every request of this process waits as Retry-After
 * says, and the refused one (Stripe did not process it) is sent again, up to
 * RATE_LIMIT_RETRIES times; after that the SDK throws and Temporal retries
 * the activity. The limit is per process: run one rent worker per Stripe
 * account, or split the rate between them.
 */
export function createStripe(config: Pick<Config, 'stripe'>, traffic: StripeTraffic = { requests: 0, rateLimited: 0 }): Stripe {
  const limiter = createRateLimiter(config.stripe.maxRequestsPerSecond);
  const http = Stripe.createNodeHttpClient();
  const send = http.makeRequest.bind(http);
  http.makeRequest = async (...args: Parameters<typeof send>) => {
    for (let attempt = 0; ; attempt++) {
      await limiter.take();
      traffic.requests++;
      const res = await send(...args);
      if (res.getStatusCode() !== 429) return res;
      traffic.rateLimited++;
      limiter.pauseFor(retryAfterMs(res.getHeaders()['retry-after']));
      if (attempt >= RATE_LIMIT_RETRIES) return res;
      // Discard the refusal's body so its keep-alive socket is free again.
      if (res.dispose) res.dispose();
      else (res.getRawResponse() as { resume?: () => void } | undefined)?.resume?.();
    }
  };
  return new Stripe(config.stripe.secretKey, {
    host: config.stripe.host,
    port: config.stripe.port,
    protocol: config.stripe.protocol,
    httpClient: http,
    // Retries belong to Temporal's activity retry policy, which sees every attempt
    // (429s excepted, above: Stripe did not process those).
    maxNetworkRetries: 0,
    timeout: 30_000,
  });
}
