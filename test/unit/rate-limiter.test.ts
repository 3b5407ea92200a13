/** The Stripe request pacer, on a fake clock: deterministic, no timing on the test machine involved. */
import { createRateLimiter, PACE_SHARE, type RateLimiter } from '../../lib/rate-limiter';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

const LIMIT = 25;
/** The most releases any one second may hold: fewer than Stripe's limit, a margin for jitter after release. */
const ALLOWED = LIMIT - 1;
const INTERVAL = 1000 / (LIMIT * PACE_SHARE); // ~42.1 ms

/** The largest number of `times` that fall within any one second [t, t + 1000). */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

/**
 * A clock that can stall like a blocked event loop: during a stall the timers
 * that fall due still fire (all of them overdue), but every read of the clock
 * says the stall is already over.
 */
function stallableClock() {
  let frozenAt: number | undefined;
  return {
    now: () => frozenAt ?? Date.now(),
    async stall(ms: number) {
      frozenAt = Date.now() + ms;
      await jest.advanceTimersByTimeAsync(ms);
      frozenAt = undefined;
    },
  };
}

/** Queues `n` callers; each records, in the order released, its index and the clock's time. */
function queue(limiter: RateLimiter, n: number, now: () => number, into: { i: number; at: number }[], from = 0) {
  return Promise.all(
    Array.from({ length: n }, async (_, k) => {
      await limiter.take();
      into.push({ i: from + k, at: now() });
    }),
  );
}

test('calls are spaced evenly under the limit, in the order they asked', async () => {
  const limiter = createRateLimiter(LIMIT, () => Date.now());
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
  expect(Math.min(...gaps(started))).toBeGreaterThanOrEqual(Math.floor(INTERVAL));
  // No one-second window ever holds more than the limit allows.
  const most = busiestSecond(started);
  expect(most).toBeLessThanOrEqual(ALLOWED);
  expect(most).toBeGreaterThanOrEqual(Math.floor(LIMIT * PACE_SHARE)); // and it does use the rate
});

test('after the event loop stalls for 2 s with 40 callers waiting, no one-second window holds more than allowed', async () => {
  const clock = stallableClock();
  const limiter = createRateLimiter(LIMIT, clock.now);
  const released: { i: number; at: number }[] = [];
  const all = queue(limiter, 40, clock.now, released);
  await jest.advanceTimersByTimeAsync(100); // the first few go out on time
  const before = released.length;
  expect(before).toBeGreaterThan(0);
  await clock.stall(2_000);
  await jest.advanceTimersByTimeAsync(5_000);
  await all;
  const times = released.map((r) => r.at);
  expect(times).toHaveLength(40);
  expect(busiestSecond(times)).toBeLessThanOrEqual(ALLOWED);
  // The overdue ones do not go out together: even right after the stall they stay spread out.
  expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(Math.floor(INTERVAL / 2));
  expect(released.map((r) => r.i)).toEqual([...Array(40).keys()]);
});

test('repeated stalls never let more than allowed into one second', async () => {
  const clock = stallableClock();
  const limiter = createRateLimiter(LIMIT, clock.now);
  const released: { i: number; at: number }[] = [];
  const all = queue(limiter, 150, clock.now, released);
  // Stalls of every length between 50 and 950 ms, with a little running time between them.
  for (let s = 50; s < 1000; s += 75) {
    await clock.stall(s);
    await jest.advanceTimersByTimeAsync(30);
  }
  await jest.advanceTimersByTimeAsync(10_000);
  await all;
  expect(released).toHaveLength(150);
  expect(busiestSecond(released.map((r) => r.at))).toBeLessThanOrEqual(ALLOWED);
});

test.each([0, 5])('steady state reaches at least 90%% of the limit (every timer %i ms late)', async (late) => {
  const fakeSetTimeout = global.setTimeout;
  jest
    .spyOn(global, 'setTimeout')
    .mockImplementation(((fn: () => void, ms?: number) => fakeSetTimeout(fn, (ms ?? 0) + late)) as unknown as typeof setTimeout);
  const limiter = createRateLimiter(LIMIT, () => Date.now());
  const released: { i: number; at: number }[] = [];
  const all = queue(limiter, 400, () => Date.now(), released);
  await jest.advanceTimersByTimeAsync(10_000);
  const first = released[0]!.at;
  const inTenSeconds = released.filter((r) => r.at < first + 10_000).length;
  expect(inTenSeconds).toBeGreaterThanOrEqual(0.9 * LIMIT * 10);
  expect(busiestSecond(released.map((r) => r.at))).toBeLessThanOrEqual(ALLOWED);
  await jest.advanceTimersByTimeAsync(10_000);
  await all;
});

test('callers are served in the order they asked, across stalls and pauses', async () => {
  const clock = stallableClock();
  const limiter = createRateLimiter(LIMIT, clock.now);
  const released: { i: number; at: number }[] = [];
  const batches = [queue(limiter, 20, clock.now, released, 0)];
  await jest.advanceTimersByTimeAsync(200);
  batches.push(queue(limiter, 20, clock.now, released, 20));
  await clock.stall(700);
  batches.push(queue(limiter, 20, clock.now, released, 40));
  limiter.pauseFor(500);
  await jest.advanceTimersByTimeAsync(300);
  batches.push(queue(limiter, 20, clock.now, released, 60));
  await jest.advanceTimersByTimeAsync(10_000);
  await Promise.all(batches);
  expect(released.map((r) => r.i)).toEqual([...Array(80).keys()]);
});

test('a pause (Retry-After) holds every caller until it ends, then pacing resumes', async () => {
  const limiter = createRateLimiter(LIMIT, () => Date.now());
  const t0 = Date.now();
  const released: { i: number; at: number }[] = [];
  const early = queue(limiter, 5, () => Date.now() - t0, released, 0);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(released).toHaveLength(5);
  const pausedAt = Date.now() - t0;
  limiter.pauseFor(3_000);
  limiter.pauseFor(1_000); // a shorter pause does not cut a longer one short
  const waiting = queue(limiter, 10, () => Date.now() - t0, released, 5);
  await jest.advanceTimersByTimeAsync(1_500);
  const late = queue(limiter, 5, () => Date.now() - t0, released, 15); // asks during the pause
  await jest.advanceTimersByTimeAsync(1_499);
  expect(released).toHaveLength(5);
  await jest.advanceTimersByTimeAsync(1_000);
  await Promise.all([early, waiting, late]);
  expect(released).toHaveLength(20);
  const after = released.slice(5);
  expect(after[0]!.at).toBe(pausedAt + 3_000);
  expect(after.map((r) => r.i)).toEqual([...Array(15).keys()].map((k) => k + 5));
  expect(Math.min(...gaps(after.map((r) => r.at)))).toBeGreaterThanOrEqual(Math.floor(INTERVAL));
});

test('no limit lets every call through at once', async () => {
  const limiter = createRateLimiter(0);
  await expect(Promise.all(Array.from({ length: 1000 }, () => limiter.take()))).resolves.toHaveLength(1000);
  expect(limiter.perSecond).toBe(Infinity);
});

test('with no limit, a pause still holds callers until it ends', async () => {
  const limiter = createRateLimiter(0, () => Date.now());
  limiter.pauseFor(1_000);
  let released = 0;
  const all = Promise.all(Array.from({ length: 10 }, () => limiter.take().then(() => released++)));
  await jest.advanceTimersByTimeAsync(999);
  expect(released).toBe(0);
  await jest.advanceTimersByTimeAsync(1);
  await all;
  expect(released).toBe(10);
  await expect(limiter.take()).resolves.toBeUndefined();
});
