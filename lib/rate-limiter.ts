/**
 * Paces calls under a per-second limit. Stripe counts the requests that
 * arrive in each second on its side, and a burst that leaves within the limit
 * can arrive squeezed together (measured: 50 in one server second). So:
 *  - calls go evenly spaced at 95% of the limit, spaced from when each was
 *    due, but from no earlier than half an interval before it actually went:
 *    after a stalled event loop or machine, overdue waiters do not catch up
 *    in a burst;
 *  - a log of the actual release times lets one go only while fewer than
 *    `perWindow` (24 at 25/s) went in the last second, whatever the timers did.
 * Waiters are served in order. `pauseFor` holds every caller (Retry-After).
 * No limit (0) costs nothing but honours pauses.
 */
export interface RateLimiter {
  /** Resolves when the caller may make one request. */
  take(): Promise<void>;
  /** Holds every caller for `ms` from now (a pause already running longer stands). */
  pauseFor(ms: number): void;
  readonly perSecond: number;
}

/** Share of the limit we pace at: the margin that absorbs arrival jitter. */
export const PACE_SHARE = 0.95;

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (!(perSecond > 0)) return unlimited(now);
  const interval = 1000 / (perSecond * PACE_SHARE);
  // At 25/s: 24 in any second, which even spacing (23.75/s) never reaches by itself.
  const perWindow = Math.max(1, Math.min(Math.ceil(perSecond * PACE_SHARE), Math.ceil(perSecond) - 1));
  const released = new Array<number>(perWindow).fill(-Infinity); // ring: released[oldest] is perWindow releases back
  let oldest = 0;
  let nextSlot = -Infinity; // spacing: the earliest time the next release may go
  let pausedUntil = -Infinity;
  const waiters: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const earliest = () => Math.max(nextSlot, released[oldest]! + 1000, pausedUntil);
  const release = (t: number, due: number) => {
    released[oldest] = t;
    oldest = (oldest + 1) % perWindow;
    // Space from when it was due, so a timer firing a little late costs no rate;
    // but from no earlier than half an interval back, so overdue waiters do not catch up.
    nextSlot = Math.max(due, t - interval / 2) + interval;
  };
  const pump = () => {
    timer = undefined;
    while (waiters.length) {
      const t = now();
      const due = earliest();
      if (due > t) {
        timer = setTimeout(pump, Math.ceil(due - t));
        return;
      }
      release(t, due);
      waiters.shift()!();
    }
  };

  return {
    perSecond,
    take() {
      if (!waiters.length) {
        const t = now();
        if (earliest() <= t) {
          release(t, t); // it did not wait: spacing runs from now
          return Promise.resolve();
        }
      }
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!timer) pump();
      });
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}

function unlimited(now: () => number): RateLimiter {
  let pausedUntil = -Infinity;
  return {
    perSecond: Infinity,
    take() {
      if (pausedUntil === -Infinity) return Promise.resolve();
      const wait = pausedUntil - now();
      if (wait <= 0) {
        pausedUntil = -Infinity;
        return Promise.resolve();
      }
      return new Promise((r) => setTimeout(r, Math.ceil(wait)));
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}
