/**
 * A sliding-window limiter: at most `perSecond` calls start in any window of
 * one second. Stripe counts requests per second, so a token bucket that lets a
 * burst through after an idle moment could still draw 429s; this never does.
 * Waiters are served in order.
 */
export interface RateLimiter {
  /** Resolves when the caller may make one request. */
  take(): Promise<void>;
  readonly perSecond: number;
}

export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  if (!(perSecond > 0)) return { take: () => Promise.resolve(), perSecond: Infinity };
  const started: number[] = []; // start times within the last second, oldest first
  let queue: Promise<void> = Promise.resolve();
  const slot = async () => {
    for (;;) {
      const t = now();
      while (started.length && t - started[0]! >= 1000) started.shift();
      if (started.length < perSecond) {
        started.push(t);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 - (t - started[0]!)));
    }
  };
  return {
    perSecond,
    take() {
      const mine = queue.then(slot);
      queue = mine;
      return mine;
    },
  };
}
