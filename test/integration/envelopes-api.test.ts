/**
 * Signing envelopes through the API, on the real services and over real HTTP
 * (the client's address is evidence, so it must come from a real socket): a
 * lease's agreement goes out in an envelope; its signers see it, sign it and
 * may decline it; the evidence on the signed PDF is the connection's address
 * unless a configured proxy vouches for X-Forwarded-For.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { QueryTypes } from 'sequelize';
import { createApp } from '../../api/app';
import { createProperty, expectProblem, leaseBody, leaseWhen, startLease, stripeCard, terminateLeases } from '../support/api-scenarios';
import { createHarness, eventually, type Harness } from '../support/harness';
import { readPdf } from '../support/pdf-text';
import { startLeaseWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let workers: RunningWorkers;
const servers: ServerType[] = [];

/** The app behind a real HTTP server on loopback, with these trusted proxies. */
async function listen(trustedProxies: string[]): Promise<(path: string, init?: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> }) => Promise<Response>> {
  const app = createApp({ ...h.deps, config: { ...h.config, api: { ...h.config.api, trustedProxies } } });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return (path, init = {}) =>
    fetch(base + path, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
}

beforeAll(async () => {
  h = await createHarness('envelopes');
  workers = await startLeaseWorkers(h);
});

afterAll(async () => {
  for (const s of servers) s.close();
  if (h) {
    await terminateLeases(h).catch(() => undefined);
    await workers?.stop();
    await h.close();
  }
});

interface EnvelopeBody {
  envelopeId: string;
  status: string;
  source: string;
  signers: { userId: string; status: string }[];
  signatures: { userId: string; ip: string; userAgent: string; documents: { documentId: string; sha256: string }[] }[];
  decline: { userId: string; reason: string } | null;
  completed: { documentId: string }[];
}

async function offer() {
  const [owner, tenant, stranger, ops] = await Promise.all([h.user(['owner'], 'env-owner'), h.user(['tenant'], 'env-tenant'), h.user(['tenant'], 'env-stranger'), h.user(['ops'])]);
  const property = await createProperty(h, owner.token);
  const leaseId = await startLease(h, owner.token, leaseBody(property.id, [tenant.id], { paymentMethod: await stripeCard(h) }));
  const lease = await leaseWhen(h, tenant.token, leaseId, (s) => s.status === 'awaiting_signatures', 'the agreement to be out for signature');
  const envelopeId = (lease as unknown as { envelopeId: string }).envelopeId;
  expect(envelopeId).toEqual(expect.any(String));
  // The lease names its envelope as it starts it; the envelope records itself a moment later (its first activity).
  await eventually(async () => (await h.request(`/v1/envelopes/${envelopeId}`, { token: tenant.token })).status === 200, 60_000, 'the envelope recorded');
  return { owner, tenant, stranger, ops, leaseId, envelopeId, document: lease.document! };
}

test('a signature records the connection\'s address, not what the client claims in X-Forwarded-For; a trusted proxy is believed', async () => {
  const { owner, tenant, stranger, ops, leaseId, envelopeId, document } = await offer();
  const direct = await listen([]);
  const behindProxy = await listen(['127.0.0.1']);

  // Its signers, its sender and staff see it; nobody else knows it exists.
  for (const who of [tenant, owner, ops]) expect((await direct(`/v1/envelopes/${envelopeId}`, { token: who.token })).status).toBe(200);
  await expectProblem(await direct(`/v1/envelopes/${envelopeId}`, { token: stranger.token }), 404, 'not-found');
  await expectProblem(
    await direct(`/v1/envelopes/${envelopeId}/signatures`, { method: 'POST', token: ops.token, json: { documents: [{ documentId: document.documentId, sha256: document.sha256 }] } }),
    403,
    'forbidden',
  );

  // A client sends a forged X-Forwarded-For straight to the API: the socket's address is recorded.
  const forged = await direct(`/v1/envelopes/${envelopeId}/signatures`, {
    method: 'POST',
    token: tenant.token,
    json: { documents: [{ documentId: document.documentId, sha256: document.sha256 }] },
    headers: { 'x-forwarded-for': '203.0.113.77', 'user-agent': 'forger/1.0' },
  });
  expect(forged.status).toBe(200);
  const afterTenant = (await forged.json()) as EnvelopeBody;
  expect(afterTenant.signatures).toEqual([expect.objectContaining({ userId: tenant.id, ip: '127.0.0.1', userAgent: 'forger/1.0' })]);

  // Behind a configured proxy (here, loopback), the proxy's X-Forwarded-For names the client. Signed through the lease's route.
  const signed = await behindProxy(`/v1/leases/${leaseId}/signatures`, {
    method: 'POST',
    token: owner.token,
    json: { documentSha256: document.sha256 },
    headers: { 'x-forwarded-for': '198.51.100.23', 'user-agent': 'landlord-browser' },
  });
  expect(signed.status).toBe(200);
  expect(((await signed.json()) as { signatures: { userId: string; ip: string }[] }).signatures.map((s) => [s.userId, s.ip])).toEqual([
    [tenant.id, '127.0.0.1'],
    [owner.id, '198.51.100.23'],
  ]);

  // The signed PDF prints exactly that evidence.
  const done = await eventually(async () => {
    const body = (await (await direct(`/v1/envelopes/${envelopeId}`, { token: owner.token })).json()) as EnvelopeBody;
    return body.status === 'completed' ? body : undefined;
  }, 60_000, 'the envelope to complete');
  const pdf = await direct(`/v1/documents/${done.completed[0]!.documentId}`, { token: tenant.token });
  expect(pdf.status).toBe(200);
  const { text } = await readPdf(new Uint8Array(await pdf.arrayBuffer()));
  const page = text[text.length - 1]!;
  expect(page).toMatch(/IP address\s+127\.0\.0\.1/);
  expect(page).toMatch(/IP address\s+198\.51\.100\.23/);
  expect(page).not.toMatch(/203\.0\.113\.77/);
  await leaseWhen(h, tenant.token, leaseId, (s) => s.status !== 'awaiting_signatures', 'the lease to move on');
}, 150_000);

test('a tenant declines with a reason: the envelope ends declined, the lease is declined, and every party is told', async () => {
  const { owner, tenant, leaseId, envelopeId } = await offer();
  await expectProblem(await h.request(`/v1/envelopes/${envelopeId}/decline`, { method: 'POST', token: tenant.token, json: { reason: '   ' } }), 422, 'validation-error');
  const declined = await h.request(`/v1/envelopes/${envelopeId}/decline`, { method: 'POST', token: tenant.token, json: { reason: 'the rent is not what we agreed' } });
  expect(declined.status).toBe(200);
  expect(((await declined.json()) as EnvelopeBody).decline).toMatchObject({ userId: tenant.id, reason: 'the rent is not what we agreed' });
  await expectProblem(await h.request(`/v1/envelopes/${envelopeId}/decline`, { method: 'POST', token: owner.token, json: { reason: 'me too' } }), 409, 'invalid-state');
  const lease = await leaseWhen(h, owner.token, leaseId, (s) => s.status === 'declined', 'the lease to be declined');
  expect((lease as unknown as { decisions: { decision: string; by: string; reason: string }[] }).decisions).toEqual([
    expect.objectContaining({ decision: 'declined to sign', by: tenant.id, reason: 'the rent is not what we agreed' }),
  ]);
  const notices = await eventually(async () => {
    const rows = await h.db.query<{ template: string; recipients: string[] }>(`select template, recipients from notification_outbox where lease_id = $1 and template = 'lease_declined'`, {
      bind: [leaseId],
      type: QueryTypes.SELECT,
    });
    return rows.length ? rows : undefined;
  }, 30_000, 'the parties to be told');
  expect(notices[0]!.recipients).toHaveLength(2);
  const [row] = await h.db.query<{ status: string }>('select status from envelopes where id = $1', { bind: [envelopeId], type: QueryTypes.SELECT });
  expect(row!.status).toBe('declined');
}, 120_000);

test('an envelope its lease has named but that has not recorded itself yet answers from its workflow, to the same people', async () => {
  const { tenant, stranger, ops, envelopeId } = await offer();
  // The moment between the lease naming its envelope and the envelope writing its row, made to last.
  await h.db.query('delete from envelopes where id = $1', { bind: [envelopeId] });
  const seen = await h.request(`/v1/envelopes/${envelopeId}`, { token: tenant.token });
  expect(seen.status).toBe(200);
  expect(((await seen.json()) as EnvelopeBody & { source: string }).source).toBe('workflow');
  expect((await h.request(`/v1/envelopes/${envelopeId}`, { token: ops.token })).status).toBe(200);
  await expectProblem(await h.request(`/v1/envelopes/${envelopeId}`, { token: stranger.token }), 404, 'not-found');
  await expectProblem(await h.request(`/v1/envelopes/${envelopeId}/decline`, { method: 'POST', token: stranger.token, json: { reason: 'not mine' } }), 404, 'not-found');
  const declined = await h.request(`/v1/envelopes/${envelopeId}/decline`, { method: 'POST', token: tenant.token, json: { reason: 'changed our plans' } });
  expect(declined.status).toBe(200);
  // The envelope writes its row again as it ends.
  const row = await eventually(async () => {
    const [r] = await h.db.query<{ status: string }>('select status from envelopes where id = $1', { bind: [envelopeId], type: QueryTypes.SELECT });
    return r?.status === 'declined' ? r : undefined;
  }, 60_000, 'the envelope row written again');
  expect(row.status).toBe('declined');
}, 120_000);

test('a lease cancelled while out for signature voids its envelope: nobody can sign it any more', async () => {
  const { owner, tenant, leaseId, envelopeId, document } = await offer();
  const cancelled = await h.request(`/v1/leases/${leaseId}/cancellation`, { method: 'POST', token: owner.token, json: { reason: 'the unit was sold' } });
  expect(cancelled.status).toBe(200);
  const voided = await eventually(async () => {
    const body = (await (await h.request(`/v1/envelopes/${envelopeId}`, { token: tenant.token })).json()) as EnvelopeBody & { voided: { reason: string } | null };
    return body.status === 'voided' ? body : undefined;
  }, 60_000, 'the envelope to be voided');
  expect(voided.voided?.reason).toMatch(/the unit was sold/);
  const late = await h.request(`/v1/envelopes/${envelopeId}/signatures`, {
    method: 'POST',
    token: tenant.token,
    json: { documents: [{ documentId: document.documentId, sha256: document.sha256 }] },
  });
  expect(late.status).toBe(409);
  await leaseWhen(h, owner.token, leaseId, (s) => s.status === 'cancelled', 'the lease to be cancelled');
}, 120_000);
