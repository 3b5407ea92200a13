import { createRateLimiter, PACE_SHARE } from '../../lib/rate-limiter';

test('calls are spaced evenly under the limit, in the order they asked', async () => {
  const limiter = createRateLimiter(100);
  const started: number[] = [];
  const order: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      await limiter.take();
      started.push(performance.now() - t0);
      order.push(i);
    }),
  );
  expect(order).toEqual([...order].sort((a, b) => a - b));
  // 100 a second at 95% is one every ~10.5 ms: 29 gaps take at least ~305 ms (timers may fire a millisecond early).
  const span = started[started.length - 1]! - started[0]!;
  expect(span).toBeGreaterThanOrEqual(29 * (1000 / (100 * PACE_SHARE)) - 2);
  // And no burst: no two calls start together.
  const gaps = started.slice(1).map((t, i) => t - started[i]!);
  expect(Math.min(...gaps)).toBeGreaterThan(5);
});

test('no limit lets every call through at once', async () => {
  const limiter = createRateLimiter(0);
  await expect(Promise.all(Array.from({ length: 1000 }, () => limiter.take()))).resolves.toHaveLength(1000);
  expect(limiter.perSecond).toBe(Infinity);
});
