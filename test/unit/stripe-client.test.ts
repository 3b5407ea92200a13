/**
 * The Stripe client's answer to 429 (lib/stripe.ts), against a tiny local
 * server: it waits as Retry-After says and sends the same request again.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../lib/config';
import { createStripe, retryAfterMs, type StripeTraffic } from '../../lib/stripe';

interface Reply {
  status: number;
  headers?: Record<string, string>;
}
interface Seen {
  method: string;
  url: string;
  body: string;
  at: number;
}

const tooMany = (retryAfter?: string): Reply => ({ status: 429, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });

/** A server that answers with `replies` in turn, then 200 with a customer; it records what it was sent. */
async function fakeStripe(replies: Reply[]) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, at: performance.now() });
      const reply = replies.shift();
      if (reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify({ error: { type: 'rate_limit_error', message: 'Too many requests hit the API too quickly.' } }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'cus_test_1', object: 'customer', email: 'tenant@example.com' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

function client(port: number, traffic: StripeTraffic) {
  const stripe: Config['stripe'] = {
    embedded: false,
    secretKey: 'sk_test_x',
    protocol: 'http',
    host: '127.0.0.1',
    port,
    embeddedPort: port,
    maxRequestsPerSecond: 25,
    webhookSecret: 'whsec_x',
  };
  return createStripe({ stripe }, traffic);
}

let server: Awaited<ReturnType<typeof fakeStripe>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('a 429 with Retry-After: 1 is waited out and the same request sent again', async () => {
  server = await fakeStripe([tooMany('1')]);
  const traffic = { requests: 0, rateLimited: 0 };
  const customer = await client(server.port, traffic).customers.create({ email: 'tenant@example.com' });
  expect(customer.id).toBe('cus_test_1');
  expect(traffic).toEqual({ requests: 2, rateLimited: 1 });
  const [first, second] = server.seen;
  expect(second).toMatchObject({ method: first!.method, url: first!.url, body: first!.body });
  expect(first!.body).toContain('email=tenant%40example.com');
  // Not sooner than Stripe asked (a lower bound, which a slow machine cannot break).
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
});

test('a 429 without Retry-After waits a second before the retry', async () => {
  server = await fakeStripe([tooMany()]);
  const traffic = { requests: 0, rateLimited: 0 };
  await expect(client(server.port, traffic).customers.retrieve('cus_test_1')).resolves.toMatchObject({ id: 'cus_test_1' });
  expect(traffic).toEqual({ requests: 2, rateLimited: 1 });
  expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(990);
});

test('after 5 retries the 429 goes back to the caller as a rate-limit error', async () => {
  server = await fakeStripe(Array.from({ length: 10 }, () => tooMany('0')));
  const traffic = { requests: 0, rateLimited: 0 };
  await expect(client(server.port, traffic).customers.create({ email: 'tenant@example.com' })).rejects.toMatchObject({
    type: 'StripeRateLimitError',
    statusCode: 429,
  });
  expect(server.seen).toHaveLength(6);
  expect(traffic).toEqual({ requests: 6, rateLimited: 6 });
});

test('Retry-After is read as seconds or an HTTP date, 1 s when absent or unreadable', () => {
  expect(retryAfterMs('1')).toBe(1000);
  expect(retryAfterMs('0.5')).toBe(500);
  expect(retryAfterMs(['2'])).toBe(2000);
  expect(retryAfterMs(undefined)).toBe(1000);
  expect(retryAfterMs('soon')).toBe(1000);
  expect(retryAfterMs('-3')).toBe(0);
  expect(retryAfterMs('86400')).toBe(60_000);
  const now = Date.parse('2030-03-01T06:00:00Z');
  expect(retryAfterMs('Fri, 01 Mar 2030 06:00:03 GMT', now)).toBe(3000);
});
