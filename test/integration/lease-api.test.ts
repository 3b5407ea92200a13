/**
 * A lease through the API, on the real services: offered with POST
 * /v1/leases, signed by each party through the API, active with the deposit
 * held and the first rent paid (localstripe), then its ledger, a manual
 * payment and its documents, down to the signed PDF's bytes.
 */
import {
  errorFields,
  expectProblem,
  createProperty,
  leaseBody,
  leaseWhen,
  startLease,
  startLeaseWorker,
  stripeCard,
  terminateLeases,
} from '../support/api-scenarios';
import { createHarness, eventually, type Harness } from '../support/harness';

let h: Harness;
let leaseWorker: Awaited<ReturnType<typeof startLeaseWorker>>;

beforeAll(async () => {
  h = await createHarness('lease-api');
  leaseWorker = await startLeaseWorker(h);
});

afterAll(async () => {
  if (h) {
    await terminateLeases(h).catch(() => undefined);
    await leaseWorker?.stop();
    await h.close();
  }
});

test('a lease from offer to the first rent paid, through the API', async () => {
  const [owner, manager, tenant, admin, stranger] = await Promise.all([
    h.user(['owner'], 'lease-owner'),
    h.user(['manager'], 'lease-manager'),
    h.user(['tenant'], 'lease-tenant'),
    h.user(['admin'], 'lease-admin'),
    h.user(['tenant'], 'other-tenant'),
  ]);
  const property = await createProperty(h, owner.token, { managerId: manager.id });
  const card = await stripeCard(h);

  const res = await h.request('/v1/leases', { method: 'POST', token: owner.token, json: leaseBody(property.id, [tenant.id], { paymentMethod: card }) });
  expect(res.status).toBe(202);
  const started = (await res.json()) as { leaseId: string; workflowId: string; status: string; location: string };
  expect(started).toMatchObject({ workflowId: `lease-${started.leaseId}`, status: 'screening', location: `/v1/leases/${started.leaseId}` });
  expect(res.headers.get('location')).toBe(started.location);
  const { leaseId } = started;

  try {
    const awaiting = await leaseWhen(h, tenant.token, leaseId, (s) => s.status === 'awaiting_signatures', 'the agreement to be ready');
    const sha256 = awaiting.document!.sha256;

    // Someone else cannot see it; staff who are not parties cannot sign it.
    await expectProblem(await h.request(`/v1/leases/${leaseId}`, { token: stranger.token }), 404, 'not-found');
    await expectProblem(await h.request(`/v1/leases/${leaseId}/signatures`, { method: 'POST', token: admin.token, json: { documentSha256: sha256 } }), 403, 'forbidden');

    // A hash of another document is refused, with the reason.
    const stale = await expectProblem(
      await h.request(`/v1/leases/${leaseId}/signatures`, { method: 'POST', token: tenant.token, json: { documentSha256: 'ab'.repeat(32) } }),
      409,
      'invalid-state',
    );
    expect(stale.detail).toMatch(/not the current one/);

    for (const party of [tenant, owner, manager]) {
      const signed = await h.request(`/v1/leases/${leaseId}/signatures`, {
        method: 'POST',
        token: party.token,
        json: { documentSha256: sha256 },
        headers: { 'user-agent': 'lease-api-test', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
      });
      const text = await signed.text();
      if (signed.status !== 200) throw new Error(`signing: ${signed.status} ${text}`);
    }
    const again = await expectProblem(
      await h.request(`/v1/leases/${leaseId}/signatures`, { method: 'POST', token: tenant.token, json: { documentSha256: sha256 } }),
      409,
      'invalid-state',
    );
    // Which refusal depends on how far the last signature has gone: the envelope still open, ended, or the lease moved on.
    expect(again.detail).toMatch(/already signed|has ended|not awaiting/);

    const active = await leaseWhen(h, owner.token, leaseId, (s) => s.status === 'active' && s.paidMinor > 0, 'the first rent to be paid');
    expect(active.signatures.map((s) => s.userId).sort()).toEqual([tenant.id, owner.id, manager.id].sort());

    // The ledger: the deposit held as a liability, the first (prorated) rent charged and paid.
    const ledgerRes = await h.request(`/v1/leases/${leaseId}/ledger`, { token: tenant.token });
    expect(ledgerRes.status).toBe(200);
    const ledger = (await ledgerRes.json()) as { balances: Record<string, number>; transactions: { kind: string; amountMinor: number }[] };
    expect(ledger.balances.deposits_held).toBe(200_000);
    expect(ledger.balances.tenant_receivable).toBe(0);
    expect(ledger.balances.rental_income).toBe(active.paidMinor);
    expect(ledger.balances.cash).toBe(200_000 + active.paidMinor);
    expect(ledger.transactions.map((t) => t.kind)).toEqual(expect.arrayContaining(['deposit_received', 'rent_charged', 'payment_received']));

    // A manual payment: the key is required, and a retry with it replays the first answer.
    const paymentBody = { amountMinor: 5_000, method: 'cash', receivedOn: new Date().toISOString().slice(0, 10) };
    const noKey = await expectProblem(await h.request(`/v1/leases/${leaseId}/payments`, { method: 'POST', token: manager.token, json: paymentBody }), 400);
    expect(errorFields(noKey)).toEqual(['Idempotency-Key']);
    const headers = { 'idempotency-key': `cash-${leaseId}` };
    const paid = await h.request(`/v1/leases/${leaseId}/payments`, { method: 'POST', token: manager.token, json: paymentBody, headers });
    expect(paid.status).toBe(200);
    const payment = (await paid.json()) as { paymentId: string; allocatedMinor: number };
    expect(payment.allocatedMinor).toBe(0); // nothing was open
    const replay = await h.request(`/v1/leases/${leaseId}/payments`, { method: 'POST', token: manager.token, json: paymentBody, headers });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { paymentId: string }).paymentId).toBe(payment.paymentId);
    await expectProblem(await h.request(`/v1/leases/${leaseId}/payments`, { method: 'POST', token: tenant.token, json: paymentBody }), 403, 'forbidden');

    // The payments: the deposit, the first rent and the cash, each with its receipt (written as the workflow goes on).
    const payments = await eventually(async () => {
      const res = await h.request(`/v1/leases/${leaseId}/payments`, { token: tenant.token });
      const items = ((await res.json()) as { items: { method: string; status: string; receiptDocumentId: string | null }[] }).items;
      return items.length === 3 && items.every((p) => p.receiptDocumentId) ? items : undefined;
    }, 30_000, 'three payments with receipts');
    expect(payments.map((p) => [p.method, p.status])).toEqual([['card', 'succeeded'], ['card', 'succeeded'], ['cash', 'succeeded']]);

    // The documents: the agreement and the signed agreement, one page longer, and the receipts.
    const docsRes = await h.request(`/v1/leases/${leaseId}/documents`, { token: tenant.token });
    expect(docsRes.status).toBe(200);
    const allDocs = ((await docsRes.json()) as { items: { id: string; kind: string; sha256: string; pages: number }[] }).items;
    expect(allDocs.filter((d) => d.kind === 'receipt')).toHaveLength(3);
    const docs = allDocs.filter((d) => d.kind !== 'receipt');
    expect(docs.map((d) => d.kind)).toEqual(['lease_agreement', 'lease_signed']);
    expect(docs[0]!.sha256).toBe(sha256);
    expect(docs[1]!.pages).toBe(docs[0]!.pages + 1);
    const pdf = await h.request(`/v1/documents/${docs[1]!.id}`, { token: tenant.token });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(await expectProblem(await h.request(`/v1/documents/${docs[1]!.id}`, { token: stranger.token }), 404, 'not-found')).toBeTruthy();
  } finally {
    await h.client.workflow.getHandle(started.workflowId).terminate('test finished').catch(() => undefined);
  }
}, 150_000);

test('POST /v1/leases refuses tenants who do not exist or are not tenants (422 naming each)', async () => {
  const owner = await h.user(['owner']);
  const buyer = await h.user(['buyer']);
  const property = await createProperty(h, owner.token);
  const res = await h.request('/v1/leases', {
    method: 'POST',
    token: owner.token,
    json: leaseBody(property.id, [buyer.id, '00000000-0000-4000-8000-000000000000']),
  });
  expect(errorFields(await expectProblem(res, 422, 'validation-error'))).toEqual(['tenants.0.userId', 'tenants.1.userId']);
});

test('with no worker: GET /v1/leases/{id} answers from the database, an update is 503', async () => {
  const owner = await h.user(['owner']);
  const tenant = await h.user(['tenant']);
  const property = await createProperty(h, owner.token);
  // Started on a queue no worker polls.
  const app = (await import('../../api/app')).createApp({ ...h.deps, leaseTaskQueue: `${h.taskQueue}-nobody` });
  const res = await app.request('/v1/leases', {
    method: 'POST',
    headers: { ...owner.auth, 'content-type': 'application/json' },
    body: JSON.stringify(leaseBody(property.id, [tenant.id])),
  });
  expect(res.status).toBe(202);
  const { leaseId } = (await res.json()) as { leaseId: string };
  const state = await h.request(`/v1/leases/${leaseId}`, { token: tenant.token });
  expect(state.status).toBe(200);
  expect(await state.json()).toMatchObject({ leaseId, status: 'screening', source: 'database' });
  // An update nobody can take is 503 after a while, not a hanging request or a 500.
  const decided = await h.request(`/v1/leases/${leaseId}/screening-decision`, { method: 'POST', token: owner.token, json: { decision: 'approve', reason: 'ok' } });
  await expectProblem(decided, 503, 'service-unavailable');
}, 60_000);

test('the late-fee policy is the organization\'s, refined by the property\'s override, then the lease\'s', async () => {
  const [owner, tenant, admin] = await Promise.all([h.user(['owner'], 'policy-owner'), h.user(['tenant'], 'policy-tenant'), h.user(['admin'], 'policy-admin')]);
  const org = { graceDays: 3, oneTime: { type: 'percent', basisPoints: 400 }, dailyMinor: 500, capMinor: 20_000, returnedPaymentFeeMinor: 2_500 };
  const set = await h.request('/v1/admin/late-fee-policy', { method: 'PUT', token: admin.token, json: org });
  expect(set.status).toBe(200);
  expect(await set.json()).toMatchObject({ policy: org, updatedBy: admin.id });
  const property = await createProperty(h, owner.token);
  const patched = await h.request(`/v1/properties/${property.id}`, {
    method: 'PATCH',
    token: owner.token,
    json: { lateFeePolicy: { oneTime: { type: 'flat', amountMinor: 7_500 } } },
  });
  expect(patched.status).toBe(200);
  const leaseId = await startLease(h, owner.token, leaseBody(property.id, [tenant.id], { lateFeePolicy: { dailyMinor: 0 }, earlyTerminationFee: { amountMinor: 99_000, currency: 'USD' } }));
  const view = await eventually(async () => {
    const res = await h.request(`/v1/leases/${leaseId}`, { token: tenant.token });
    const body = (await res.json()) as { status: string; terms: { lateFeePolicy: unknown; earlyTerminationFee: unknown } };
    return body.status !== 'screening' ? body : undefined;
  }, 30_000, 'the lease to be screened');
  // Grace days, cap and returned-payment fee from the organization; the one-time fee from the property; no daily fee, from the lease.
  expect(view.terms.lateFeePolicy).toEqual({ graceDays: 3, oneTime: { type: 'flat', amountMinor: 7_500 }, dailyMinor: 0, capMinor: 20_000, returnedPaymentFeeMinor: 2_500 });
  expect(view.terms.earlyTerminationFee).toEqual({ amountMinor: 99_000, currency: 'USD' });
  // A currency other than the rent's is refused, naming the field.
  const wrong = await h.request('/v1/leases', {
    method: 'POST',
    token: owner.token,
    json: leaseBody(property.id, [tenant.id], { earlyTerminationFee: { amountMinor: 1, currency: 'EUR' } }),
  });
  expect(wrong.status).toBe(422);
  expect(JSON.stringify(await wrong.json())).toContain('earlyTerminationFee.currency');
});
