/**
 * A lease on the real services: the workflow on the Temporal dev server, its
 * activities on Postgres, localstripe and pdf-lib. From application to the
 * first rent paid: documents stored with their hashes, the deposit held as a
 * liability, rent charged and paid, every ledger transaction balanced.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { QueryTypes } from 'sequelize';
import type Stripe from 'stripe';
import { createLeaseActivities } from '../../activities/lease';
import { envelopeStateQuery, envelopeWorkflowId } from '../../contracts/envelope';
import { leaseStateQuery, signUpdate } from '../../contracts/lease';
import { LeaseTermsSchema } from '../../contracts/lease.schema';
import { leaseBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { leaseBook } from '../../domain/ledger';
import { createStripe } from '../../lib/stripe';
import { smtpSinkDir } from '../../scripts/services';
import { createHarness, eventually, type Harness } from '../support/harness';
import { leaseInput, signThroughEnvelope, startLeaseWorkflow, type Party } from '../support/leases';
import { readPdf } from '../support/pdf-text';
import { paymentIntentsWhere, savedCard } from '../support/stripe';
import { leaseDeps, startLeaseWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let stripe: Stripe;
let workers: RunningWorkers;

beforeAll(async () => {
  h = await createHarness('lease');
  stripe = createStripe(h.config);
  workers = await startLeaseWorkers(h, { stripe });
});

afterAll(async () => {
  await workers?.stop();
  await h?.close();
});

test('from application to the first rent paid, on Postgres, localstripe and the dev server', async () => {
  const card = await savedCard(stripe);
  const tenant = await h.user(['tenant'], 'zoe');
  const landlord = await h.user(['owner'], 'nikos');
  const parties: Party[] = [
    { userId: tenant.id, name: 'Zoë Ångström', email: 'zoe@example.com', role: 'tenant' },
    { userId: landlord.id, name: 'Νίκος Παπαδόπουλος', email: 'nikos@example.com', role: 'landlord' },
  ];
  const input = leaseInput(parties, card);
  const leaseId = input.terms.leaseId;
  const handle = await startLeaseWorkflow(h.client, h.leaseTaskQueue, input);
  try {
    const awaiting = await eventually(async () => {
      const s = await handle.query(leaseStateQuery);
      return s.status === 'awaiting_signatures' ? s : undefined;
    }, 60_000, 'the agreement');
    // The agreement is out for signature in its envelope, a workflow of its own.
    expect(awaiting.envelopeId).toEqual(expect.any(String));
    const envelope = h.client.workflow.getHandle(envelopeWorkflowId(awaiting.envelopeId!));
    await expect(handle.executeUpdate(signUpdate, { args: [{ userId: tenant.id, signedAt: 'x', ip: 'x', userAgent: 'x', documentSha256: awaiting.document!.sha256 }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/signed through its envelope/) },
    });
    await signThroughEnvelope(h.client, awaiting, parties);
    const active = await eventually(async () => {
      const s = await handle.query(leaseStateQuery);
      return s.status === 'active' && s.paidMinor > 0 ? s : undefined;
    }, 60_000, 'the first rent to be paid');

    // The first month is prorated from today; it was charged and paid at once.
    const [firstCharge] = await h.db.query<{ amount_minor: number; open_minor: number }>(
      `select amount_minor, open_minor from lease_charges where lease_id = $1 and kind = 'rent' and period_index = 1`,
      { bind: [leaseId], type: QueryTypes.SELECT },
    );
    expect(firstCharge!.open_minor).toBe(0);
    expect(active.paidMinor).toBe(firstCharge!.amount_minor);

    const balances = await leaseBalances(h.db, leaseId);
    expect(balances.deposits_held).toBe(200_000);
    expect(balances.cash).toBe(200_000 + firstCharge!.amount_minor);
    expect(balances.tenant_receivable).toBe(0);
    expect(balances.rental_income).toBe(firstCharge!.amount_minor);
    expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);

    const intents = await paymentIntentsWhere(stripe, (pi) => pi.metadata.leaseId === leaseId);
    expect(intents.map((pi) => [pi.status, pi.amount]).sort()).toEqual(
      [['succeeded', 200_000], ['succeeded', firstCharge!.amount_minor]].sort(),
    );

    // Receipts (the deposit, the first rent) are written by activities that may still be running.
    const allDocs = await eventually(async () => {
      const rows = await h.db.query<{ id: string; kind: string; sha256: string; pages: number; content: Buffer }>(
        'select id, kind, sha256, pages, content from documents where lease_id = $1 order by created_at',
        { bind: [leaseId], type: QueryTypes.SELECT },
      );
      return rows.filter((r) => r.kind === 'receipt').length === 2 ? rows : undefined;
    }, 30_000, 'two receipts');
    const receipts = allDocs.filter((d) => d.kind === 'receipt');
    const depositReceipt = await readPdf(new Uint8Array(receipts[0]!.content));
    expect(depositReceipt.pages).toBe(1);
    expect(depositReceipt.text[0]).toMatch(/Payment Receipt/);
    expect(depositReceipt.text[0]).toMatch(/USD 2,000\.00/);
    expect(depositReceipt.text[0]).toMatch(/Held as the security deposit/);
    expect(depositReceipt.text[0]).toMatch(/Zoë Ångström/);
    const rentReceipt = (await readPdf(new Uint8Array(receipts[1]!.content))).text[0]!;
    expect(rentReceipt).toMatch(/Applied to/);
    expect(rentReceipt).toMatch(/Rent/);
    const docs = allDocs.filter((d) => d.kind !== 'receipt');
    expect(docs.map((d) => d.kind)).toEqual(['lease_agreement', 'lease_signed']);
    expect(docs[0]!.sha256).toBe(awaiting.document!.sha256);
    expect(docs[1]!.pages).toBe(docs[0]!.pages + 1);
    expect(active.document!.sha256).toBe(docs[1]!.sha256);

    const [lease] = await h.db.query<{ status: string }>('select status from leases where id = $1', { bind: [leaseId], type: QueryTypes.SELECT });
    expect(lease!.status).toBe('active');
    // The payment notice is sent by an activity that may still be running when the state says paid.
    const notices = await eventually(async () => {
      const rows = await h.db.query<{ id: string; template: string; sent_at: Date | null; recipients: string[] }>(
        'select id, template, sent_at, recipients from notification_outbox where lease_id = $1 order by created_at',
        { bind: [leaseId], type: QueryTypes.SELECT },
      );
      return rows.length === 3 && rows.every((r) => r.sent_at !== null) ? rows : undefined;
    }, 30_000, 'the notices to be sent');
    // The signature request, then thanks for the deposit and for the first rent (each with its receipt).
    expect(notices.map((n) => n.template)).toEqual(['signature_requested', 'payment_received', 'payment_received']);
    expect(notices.every((n) => n.sent_at !== null)).toBe(true);
    expect(notices[0]!.recipients.sort()).toEqual(['nikos@example.com', 'zoe@example.com']);
    // What the local SMTP sink received, found by each notification's Message-ID.
    const sink = smtpSinkDir(h.config);
    const mails = fs.readdirSync(sink).map((f) => fs.readFileSync(path.join(sink, f), 'utf8'));
    const mailOf = (id: string) => mails.find((m) => m.includes(`<${id}@trilight.local>`));
    expect(mailOf(notices[0]!.id)).toMatch(/Subject: Ready to sign: the lease of 12 Quillfeather Lane/);
    expect(mailOf(notices[0]!.id)).toMatch(/X-Sink-Envelope-To: .*zoe@example\.com/);
    expect(mailOf(notices[1]!.id)).toMatch(/Subject: Payment received/);
    // The envelope recorded each signature's evidence, completed, and is filed under the lease.
    const done = await envelope.query(envelopeStateQuery);
    expect(done).toMatchObject({ status: 'completed', subject: { type: 'lease', id: leaseId }, completed: [{ documentId: docs[1]!.id, of: docs[0]!.id }] });
    expect(done.signatures.map((x) => [x.userId, x.ip, x.documents[0]!.sha256])).toEqual(input.terms.parties.map((p) => [p.userId, '203.0.113.7', awaiting.document!.sha256]));
    expect(active.signatures.map((x) => x.userId)).toEqual(input.terms.parties.map((p) => p.userId));
    const [row] = await h.db.query<{ status: string; signer_ids: string[] }>('select status, signer_ids from envelopes where id = $1', { bind: [awaiting.envelopeId], type: QueryTypes.SELECT });
    expect(row).toEqual({ status: 'completed', signer_ids: input.terms.parties.map((p) => p.userId) });
    const description = await handle.describe();
    expect(description.searchAttributes.LeaseStatus).toEqual(['active']);
    expect(description.searchAttributes.TenantIds).toEqual([tenant.id]);
  } finally {
    await handle.terminate('test finished').catch(() => undefined);
  }
}, 120_000);

test('move-out settles the deposit once: deductions and unpaid rent applied, the rest refunded to the card, a statement stored', async () => {
  const card = await savedCard(stripe);
  const activities = createLeaseActivities(leaseDeps(h, { stripe }));
  const env = new MockActivityEnvironment();
  const leaseId = randomUUID();
  const input = {
    terms: LeaseTermsSchema.parse({
      leaseId,
      propertyId: randomUUID(),
      propertyAddress: '12 Quillfeather Lane, Ames, IA',
      parties: [
        { userId: randomUUID(), name: 'Zoë Ångström', email: 'zoe@example.com', role: 'tenant' },
        { userId: randomUUID(), name: 'Νίκος Παπαδόπουλος', email: 'nikos@example.com', role: 'landlord' },
      ],
      startDate: '2026-01-01',
      termMonths: 1,
      monthlyRent: { amountMinor: 150_000, currency: 'USD' },
      deposit: { amountMinor: 200_000, currency: 'USD' },
      lateFeePolicy: { graceDays: 5, oneTime: { type: 'flat', amountMinor: 7_500 } },
    }),
    application: { monthlyIncomeMinor: 600_000, employment: { status: 'employed' as const }, references: [], householdSize: 1, bedrooms: 1 },
    paymentMethod: card,
  };
  expect(
    await env.run(activities.chargeDeposit, { leaseId, deposit: input.terms.deposit, paymentMethod: card, today: '2026-01-01' }),
  ).toMatchObject({ status: 'succeeded', paymentId: expect.any(String) });
  const period = { index: 1, from: '2026-01-01', to: '2026-01-31', dueOn: '2026-01-01', amountMinor: 150_000, prorated: false };
  await env.run(activities.billRentPeriod, { leaseId, currency: 'USD' as const, period });

  const deductions = [{ description: 'Carpet cleaning', amountMinor: 12_000 }];
  const first = await env.run(activities.settleDeposit, { terms: input.terms, deductions, today: '2026-02-05' });
  expect(first).toMatchObject({ appliedMinor: 162_000, refundedMinor: 38_000 });
  const again = await env.run(activities.settleDeposit, { terms: input.terms, deductions, today: '2026-02-05' });
  expect(again).toEqual(first);

  const balances = await leaseBalances(h.db, leaseId);
  expect(balances).toMatchObject({ deposits_held: 0, tenant_receivable: 0, cash: 200_000 - 38_000, damages_income: 12_000, rental_income: 150_000 });
  expect(await ledgerInvariantViolations(h.db, leaseBook(leaseId))).toEqual([]);
  const [deposit] = await h.db.query<{ stripe_payment_intent_id: string }>('select stripe_payment_intent_id from payments where idempotency_key = $1', {
    bind: [`deposit:${leaseId}`],
    type: QueryTypes.SELECT,
  });
  const refunds = await stripe.refunds.list({ payment_intent: deposit!.stripe_payment_intent_id, limit: 10 });
  expect(refunds.data.map((r) => r.amount)).toEqual([38_000]);
  const [statement] = await h.db.query<{ content: Buffer }>(`select content from documents where lease_id = $1 and kind = 'deposit_statement'`, {
    bind: [leaseId],
    type: QueryTypes.SELECT,
  });
  const text = (await readPdf(new Uint8Array(statement!.content))).text.join(' ').replace(/\s+/g, '');
  for (const expected of ['USD2,000.00', 'Carpetcleaning', 'USD120.00', 'USD1,620.00', 'USD380.00']) expect(text).toContain(expected);
});
