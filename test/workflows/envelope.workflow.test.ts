/**
 * The signing envelope's logic on the time-skipping test server, its
 * activities replaced by a record of what they were asked: signers in order,
 * the hash each saw, reminders until the expiry, a decline, a void, and the
 * completed copies.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  declineEnvelopeUpdate,
  ENVELOPE_WORKFLOW_TYPE,
  envelopeStateQuery,
  envelopeWorkflowId,
  signEnvelopeUpdate,
  voidEnvelopeSignal,
  type EnvelopeActivities,
  type EnvelopeInput,
  type EnvelopeState,
  type EnvelopeWorkflow,
} from '../../contracts/envelope';
import { workflowBundle } from '../support/harness';
import { endsWithTest, useTimeSkippingServer } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
useTimeSkippingServer((e) => (env = e));

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function fakeWorld() {
  const mails: { template: string; to: string[] }[] = [];
  const statuses: string[] = [];
  const completed: string[] = [];
  const activities: EnvelopeActivities = {
    async recordEnvelope({ status }) {
      statuses.push(status);
    },
    async completeEnvelope({ documents, signatures }) {
      completed.push(...signatures.map((s) => s.name));
      return documents.map((d) => ({ documentId: `signed-${d.documentId}`, sha256: 'c'.repeat(64), of: d.documentId }));
    },
    async notifyEnvelope({ template, to }) {
      mails.push({ template, to });
    },
  };
  return { activities, mails, statuses, completed };
}

function input(overrides: Partial<EnvelopeInput> = {}): EnvelopeInput {
  const signer = (name: string, role: string) => ({ userId: randomUUID(), name, email: `${name.toLowerCase()}@example.com`, role });
  return {
    envelopeId: randomUUID(),
    subject: { type: 'lease', id: randomUUID() },
    title: 'the lease of 12 Quillfeather Lane',
    documents: [
      { documentId: 'doc-1', sha256: A, name: 'Agreement', signedKind: 'lease_signed' },
      { documentId: 'doc-2', sha256: B, name: 'Lead paint disclosure', signedKind: 'disclosure_signed' },
    ],
    signers: [signer('Zoe', 'tenant'), signer('Nikos', 'landlord')],
    ordered: false,
    sender: { userId: null, name: 'TriLight Homes' },
    expiresInDays: 7,
    reminderDays: 2,
    ...overrides,
  };
}

async function run<T>(activities: EnvelopeActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `envelope-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, i: EnvelopeInput) =>
  env.client.workflow.start<EnvelopeWorkflow>(ENVELOPE_WORKFLOW_TYPE, { workflowId: envelopeWorkflowId(i.envelopeId), taskQueue, args: [i] }).then(endsWithTest);

const sign = (userId: string, documents = [{ documentId: 'doc-1', sha256: A }, { documentId: 'doc-2', sha256: B }]) => ({
  userId,
  signedAt: '2031-03-15T10:00:00.000Z',
  ip: '198.51.100.7',
  userAgent: 'test',
  documents,
});

/** Polls the envelope's query until `ready` holds (state, not time: the time-skipping clock is not ours). */
async function until(handle: { query: (q: typeof envelopeStateQuery) => Promise<EnvelopeState> }, ready: (s: EnvelopeState) => boolean) {
  for (let i = 0; i < 600; i++) {
    const s = await handle.query(envelopeStateQuery);
    if (ready(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the envelope never got there');
}

test('signed in order: the second signer is asked only after the first signs; each signature keeps the hash of each document seen', async () => {
  const world = fakeWorld();
  const i = input({ ordered: true });
  const [zoe, nikos] = i.signers as [EnvelopeInput['signers'][0], EnvelopeInput['signers'][0]];
  const result = await run(world.activities, async (taskQueue) => {
    const handle = await start(taskQueue, i);
    const sent = await until(handle, (s) => s.signers[0]!.status === 'to_sign');
    expect(sent.signers.map((s) => s.status)).toEqual(['to_sign', 'waiting']);
    await expect(handle.executeUpdate(signEnvelopeUpdate, { args: [sign(nikos.userId)] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not your turn/) } });
    await expect(handle.executeUpdate(signEnvelopeUpdate, { args: [sign(zoe.userId, [{ documentId: 'doc-1', sha256: A }])] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/Lead paint disclosure .* is missing/) },
    });
    await expect(handle.executeUpdate(signEnvelopeUpdate, { args: [sign(zoe.userId, [{ documentId: 'doc-1', sha256: A }, { documentId: 'doc-2', sha256: A }])] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/not the current one/) },
    });
    await expect(handle.executeUpdate(signEnvelopeUpdate, { args: [sign(randomUUID())] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not a signer/) } });
    const afterZoe = await handle.executeUpdate(signEnvelopeUpdate, { args: [sign(zoe.userId)] });
    expect(afterZoe.signers.map((s) => s.status)).toEqual(['signed', 'waiting']);
    await until(handle, (s) => s.signers[1]!.status === 'to_sign');
    await expect(handle.executeUpdate(signEnvelopeUpdate, { args: [sign(zoe.userId)] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/already signed/) } });
    await handle.executeUpdate(signEnvelopeUpdate, { args: [sign(nikos.userId)] });
    return handle.result();
  });
  expect(result.status).toBe('completed');
  expect(result.signatures.map((s) => [s.name, s.ip, s.documents])).toEqual([
    ['Zoe', '198.51.100.7', [{ documentId: 'doc-1', sha256: A }, { documentId: 'doc-2', sha256: B }]],
    ['Nikos', '198.51.100.7', [{ documentId: 'doc-1', sha256: A }, { documentId: 'doc-2', sha256: B }]],
  ]);
  expect(result.completed).toEqual([
    { documentId: 'signed-doc-1', sha256: 'c'.repeat(64), of: 'doc-1' },
    { documentId: 'signed-doc-2', sha256: 'c'.repeat(64), of: 'doc-2' },
  ]);
  expect(world.completed).toEqual(['Zoe', 'Nikos']);
  // Each asked once, in turn.
  expect(world.mails.filter((m) => m.template === 'signature_requested').map((m) => m.to)).toEqual([[zoe.email], [nikos.email]]);
  expect(world.statuses).toEqual(['sent', 'completed']);
});

test('nobody signs: reminders every second day to whoever must sign, then it expires', async () => {
  const world = fakeWorld();
  const i = input({ expiresInDays: 7, reminderDays: 2 });
  const result = await run(world.activities, async (taskQueue) => (await start(taskQueue, i)).result());
  expect(result.status).toBe('expired');
  // Days 2, 4 and 6 of 7, to both signers.
  const reminders = world.mails.filter((m) => m.template === 'signature_reminder');
  expect(reminders).toHaveLength(3);
  expect(reminders.every((m) => m.to.length === 2)).toBe(true);
  expect(world.statuses).toEqual(['sent', 'expired']);
  expect(world.completed).toEqual([]);
});

test('a signer declines with a reason: the envelope ends declined, with the evidence of the decline', async () => {
  const world = fakeWorld();
  const i = input();
  const result = await run(world.activities, async (taskQueue) => {
    const handle = await start(taskQueue, i);
    await until(handle, (s) => s.signers.every((x) => x.status === 'to_sign'));
    await expect(handle.executeUpdate(declineEnvelopeUpdate, { args: [{ userId: i.signers[1]!.userId, reason: '  ', at: 'x', ip: 'x', userAgent: 'x' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/reason/) },
    });
    await handle.executeUpdate(declineEnvelopeUpdate, { args: [{ userId: i.signers[1]!.userId, reason: 'the rent is wrong', at: '2031-03-15T10:00:00.000Z', ip: '198.51.100.9', userAgent: 'test' }] });
    return handle.result();
  });
  expect(result.status).toBe('declined');
  expect(result.decline).toMatchObject({ userId: i.signers[1]!.userId, name: 'Nikos', reason: 'the rent is wrong', ip: '198.51.100.9' });
  expect(result.signers.map((s) => s.status)).toEqual(['to_sign', 'declined']);
  expect(world.statuses).toEqual(['sent', 'declined']);
});

test('the sending process voids it: no more signatures, and it ends voided', async () => {
  const world = fakeWorld();
  const i = input();
  const result = await run(world.activities, async (taskQueue) => {
    const handle = await start(taskQueue, i);
    await handle.executeUpdate(signEnvelopeUpdate, { args: [sign(i.signers[0]!.userId)] });
    await handle.signal(voidEnvelopeSignal, { by: 'manager-1', reason: 'the unit is no longer available' });
    return handle.result();
  });
  expect(result.status).toBe('voided');
  expect(result.voided).toMatchObject({ by: 'manager-1', reason: 'the unit is no longer available' });
  expect(result.signatures.map((s) => s.name)).toEqual(['Zoe']);
  expect(world.completed).toEqual([]);
});
