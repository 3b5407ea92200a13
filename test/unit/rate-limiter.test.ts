/** The Stripe request pacer, on a fake clock: deterministic, no timing on the test machine involved. */
import { createRateLimiter, PACE_SHARE } from '../../lib/rate-limiter';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('calls are spaced evenly under the limit, in the order they asked', async () => {
  const limiter = createRateLimiter(25, () => Date.now());
  const t0 = Date.now();
  const started: number[] = [];
  const order: number[] = [];
  const all = Promise.all(
    Array.from({ length: 60 }, async (_, i) => {
      await limiter.take();
      started.push(Date.now() - t0);
      order.push(i);
    }),
  );
  await jest.advanceTimersByTimeAsync(5_000);
  await all;
  expect(order).toEqual([...order].sort((a, b) => a - b));
  const interval = 1000 / (25 * PACE_SHARE); // ~42.1 ms
  const gaps = started.slice(1).map((t, i) => t - started[i]!);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(interval));
  // No one-second window ever holds more than the limit allows.
  const most = Math.max(...started.map((t) => started.filter((u) => u >= t && u < t + 1000).length));
  expect(most).toBeLessThanOrEqual(Math.ceil(25 * PACE_SHARE));
  expect(most).toBeGreaterThanOrEqual(Math.floor(25 * PACE_SHARE)); // and it does use the rate
});

test('no limit lets every call through at once', async () => {
  const limiter = createRateLimiter(0);
  await expect(Promise.all(Array.from({ length: 1000 }, () => limiter.take()))).resolves.toHaveLength(1000);
  expect(limiter.perSecond).toBe(Infinity);
});
