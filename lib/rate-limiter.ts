/**
 * Paces calls evenly under a per-second limit. Stripe counts the requests
 * that arrive in each second on its side, and a burst that leaves us within
 * the limit can arrive squeezed together (measured: the first 25 requests of a
 * burst reach the server 40-60 ms after they were let through, the next 25 on
 * time, so the server saw 50 in one second). Even spacing at 95% of the limit
 * leaves every one-second window under it whatever a few tens of
 * milliseconds of jitter do. Waiters are served in order.
 */
export interface RateLimiter {
  /** Resolves when the caller may make one request. */
  take(): Promise<void>;
  readonly perSecond: number;
}

/** Share of the limit we pace at: the margin that absorbs arrival jitter. */
export const PACE_SHARE = 0.95;

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (!(perSecond > 0)) return { take: () => Promise.resolve(), perSecond: Infinity };
  const interval = 1000 / (perSecond * PACE_SHARE);
  let nextFree = 0;
  return {
    perSecond,
    take() {
      const t = now();
      const slot = Math.max(t, nextFree);
      nextFree = slot + interval;
      return slot > t ? new Promise((r) => setTimeout(r, slot - t)) : Promise.resolve();
    },
  };
}
