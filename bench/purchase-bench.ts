/**
 * Purchase benchmark (issue 8): purchases driven through the HTTP API, offer to
 * recorded title, on the development profile's services (started or reused:
 * Postgres, the Temporal dev server, localstripe, Elasticsearch, the SMTP sink).
 *
 *   npm run bench:purchase [-- --purchases 500 --concurrency 25 --baseline 20 --poll-ms 1000]
 *
 * It prints figures; it asserts nothing. Like bench/rent-run-bench.ts it works
 * in a database of its own (bench_purchase_<stamp>, dropped at the end unless
 * BENCH_KEEP_DB=1) and task queues and an index prefix bench-p<stamp>, and runs
 * the processes as deployed: the worker (workers/main.ts) and the API
 * (api/main.ts, on a free port) as child processes. The load generator is this
 * process, a client over HTTP like any other.
 *
 * Seeded in Postgres (not timed): one seller (owner), one manager (the
 * properties' manager: it reviews documents and records the funds), a buyer
 * per purchase, a property per purchase with its seller's recorded deed (so
 * title is vested in the seller) and an active sale listing; a saved card per
 * buyer in localstripe (test/support/stripe.ts savedCard).
 *
 * Each purchase, through the API, as the people whose step it is: the buyer's
 * cash offer with no contingencies (`contingencies: []`, nothing to waive and
 * no deadline timer), closing dated today (no closing-date wait); the seller
 * accepts; the buyer pays the earnest money with the saved card; the seller
 * gives the wire instructions for the proceeds and submits each checklist document and the manager approves it; seller and
 * buyer sign the closing envelope; the manager records the funds; then the
 * purchase is polled (GET /v1/purchases/{id}, backing off from 50 ms to every --poll-ms) until `closed`.
 *
 * 1. Baseline: --baseline purchases (20) one at a time: latency without contention.
 * 2. The run: --purchases (500) with --concurrency (25) in flight: purchases per
 *    minute end to end (first offer to last `closed`), per-route latency, the
 *    worker's and the API's CPU and peak RSS, the services' CPU, and where a
 *    purchase's time goes (client-side phases, and the activities and workflow
 *    tasks of a sample of the workflow histories).
 *
 * Flags win over the environment: BENCH_PURCHASES, BENCH_CONCURRENCY,
 * BENCH_BASELINE (0 skips it), BENCH_POLL_MS, BENCH_HISTORY_SAMPLE (30),
 * BENCH_TIMEOUT_MS (whole run, 60 min), BENCH_QUIET_WAIT_MS (90 s: how long to wait for
 * other work on the machine to stop first), BENCH_KEEP_DB, BENCH_WORKER_NODE_ARGS (extra node
 * flags for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its CPU goes).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { QueryTypes, type Sequelize } from 'sequelize';
import { signToken } from '../lib/auth-token';
import type { Config } from '../lib/config';
import { createStripe } from '../lib/stripe';
import { migrateUp } from '../models/migrator';
import { envelopeWorkflowId } from '../contracts/envelope';
import type { PaymentMethodRef } from '../contracts/lease';
import { FINAL_STAGES, purchaseWorkflowId, type PurchaseState } from '../contracts/purchase';
import { savedCard } from '../test/support/stripe';
import {
  Api,
  benchEnvironment,
  cpuByGroup,
  fmt,
  killChildren,
  machineDescription,
  out,
  printCpuGroups,
  readProcs,
  say,
  setting,
  sleep,
  startPlatform,
  stats,
  waitForQuiet,
  type Proc,
  type Sample,
  type Stats,
} from './support';

// ---------------------------------------------------------------- settings

const { values: flags } = parseArgs({
  options: {
    purchases: { type: 'string' },
    concurrency: { type: 'string' },
    baseline: { type: 'string' },
    'poll-ms': { type: 'string' },
  },
});
const PURCHASES = setting(flags.purchases, 'BENCH_PURCHASES', 500);
const CONCURRENCY = setting(flags.concurrency, 'BENCH_CONCURRENCY', 25);
const BASELINE = setting(flags.baseline, 'BENCH_BASELINE', 20, 0);
const POLL_MS = setting(flags['poll-ms'], 'BENCH_POLL_MS', 1000, 10);
const HISTORY_SAMPLE = setting(undefined, 'BENCH_HISTORY_SAMPLE', 30, 0);
const TIMEOUT_MS = setting(undefined, 'BENCH_TIMEOUT_MS', 60 * 60_000);
/** How long to wait for other work on the machine (tests, lint) to stop before measuring. */
const QUIET_WAIT_MS = setting(undefined, 'BENCH_QUIET_WAIT_MS', 90_000, 0);
/** One purchase gives up after this long (it is then reported as failed). */
const PURCHASE_TIMEOUT_MS = 5 * 60_000;
const GOAL_PER_MINUTE = 60;

const PRICE_MINOR = 25_000_000;
const EARNEST_MINOR = 500_000;

const stamp = Date.now().toString(36);
const prefix = `bench-p${stamp}`;
const database = `bench_purchase_${stamp}`;

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Set by the total timeout or Ctrl-C: no new purchase starts, waits give up, what was measured is reported. */
let aborting: string | undefined;

// ---------------------------------------------------------------- one purchase

interface Person {
  id: string;
  name: string;
  token: string;
}
interface Slot {
  listingId: string;
  buyer: Person;
  card: PaymentMethodRef;
}
interface Outcome {
  purchaseId?: string;
  envelopeId?: string;
  ok: boolean;
  error?: string;
  totalMs: number;
  /** Client-side phases in order: [name, ms]. */
  phases: [string, number][];
  /** Update routes that answered 503 and were read (and sent again if they had not landed). */
  readAfter503: number;
}

const PHASES = [
  'offer (POST)',
  'offer in the seller\'s list: joined the listing\'s book (wait)',
  'acceptance (POST)',
  'contract drawn: title search, agreement PDF (wait)',
  'earnest money, card charge (POST)',
  'wire instructions, seller (POST)',
  'checklist: submissions + reviews (POSTs)',
  'closing documents out: statement + deed PDFs, envelope (wait)',
  'envelope asks its signers (wait)',
  'signatures, seller + buyer (POSTs)',
  'funds (POST)',
  'funds to closed: postings, deed recorded, title moved (wait)',
] as const;

/** Polls as a considerate client does: soon at first, then backing off (×1.5 from 50 ms) to every --poll-ms. */
async function until<T>(what: string, deadline: number, fn: () => Promise<T | undefined>): Promise<T> {
  for (let wait = 50; ; wait = Math.min(POLL_MS, wait * 1.5)) {
    const v = await fn();
    if (v !== undefined) return v;
    if (aborting) throw new Error(`gave up waiting for ${what}: ${aborting}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(Math.min(wait, POLL_MS));
  }
}

type StateBody = PurchaseState & { source: string };

async function purchase(api: Api, slot: Slot, seller: Person, manager: Person): Promise<Outcome> {
  const t0 = performance.now();
  const deadline = t0 + PURCHASE_TIMEOUT_MS;
  const phases: [string, number][] = [];
  let mark = t0;
  const lap = (i: number) => {
    const now = performance.now();
    phases.push([PHASES[i]!, now - mark]);
    mark = now;
  };
  const outcome: Outcome = { ok: false, totalMs: 0, phases, readAfter503: 0 };
  const state = async (token: string, id: string) => {
    const r = await api.call<StateBody>('GET /purchases/{id} (poll)', 'GET', `/v1/purchases/${id}`, token);
    if (r.status !== 200) return undefined;
    if (r.body.stage !== 'closed' && FINAL_STAGES.includes(r.body.stage)) throw new Error(`the purchase ended ${r.body.stage}: ${r.body.outcome?.reason ?? '?'}`);
    return r.body;
  };
  const read = (token: string, id: string, ok: (s: StateBody) => boolean, what: string) => until(what, deadline, async () => {
    const s = await state(token, id);
    return s && ok(s) ? s : undefined;
  });
  /**
   * An Update route, as the API asks its clients: a 503 (no answer from the workflow within the API's 30 s) may
   * still apply, so read until it shows (up to 30 s more) and send it again only if it did not.
   */
  const decide = async (route: string, path: string, token: string, json: unknown, landed: () => Promise<boolean>) => {
    for (let attempt = 1; ; attempt++) {
      const r = await api.call(route, 'POST', path, token, json);
      if (r.status === 200) return;
      if (r.status !== 503 || attempt === 3) throw new Error(`${route} answered ${r.status}: ${(r.body as { detail?: string } | undefined)?.detail ?? JSON.stringify(r.body).slice(0, 300)}`);
      outcome.readAfter503++;
      const by = Math.min(deadline, performance.now() + 30_000);
      const shown = await until('the change to show', by, async () => ((await landed()) ? true : undefined)).catch(() => false);
      if (shown) return;
    }
  };
  try {
    const { buyer } = slot;
    const terms = {
      priceMinor: PRICE_MINOR,
      currency: 'USD',
      earnestMoneyMinor: EARNEST_MINOR,
      earnestMoneyDueBusinessDays: 3,
      financing: { type: 'cash', downPaymentMinor: PRICE_MINOR },
      contingencies: [],
      onMissedDeadline: 'waived',
      closingDate: todayUtc(),
      sellerCreditMinor: 0,
      expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    };
    const made = await api.post<{ purchaseId: string }>('POST /listings/{id}/offers', `/v1/listings/${slot.listingId}/offers`, buyer.token, { terms }, 202, { 'idempotency-key': randomUUID() });
    const id = made.purchaseId;
    outcome.purchaseId = id;
    const purchasePath = (action: string) => `/v1/purchases/${id}/${action}`;
    const now = async (ok: (s: StateBody) => boolean) => {
      const s = await state(buyer.token, id);
      return !!s && ok(s);
    };
    lap(0);
    // The seller's side-by-side list shows an offer once the workflow has put it in the listing's book and recorded it
    // (the query shows the round earlier, from the workflow's input: an acceptance then can reach the book first).
    await until('the offer in the seller\'s list', deadline, async () => {
      const r = await api.call<{ offers: { purchaseId: string }[] }>('GET /listings/{id}/offers (poll)', 'GET', `/v1/listings/${slot.listingId}/offers`, seller.token);
      return r.status === 200 && r.body.offers.some((o) => o.purchaseId === id) ? true : undefined;
    });
    lap(1);
    await decide('POST /purchases/{id}/acceptance', purchasePath('acceptance'), seller.token, { others: 'reject' }, () => now((s) => s.stage !== 'negotiating'));
    lap(2);
    const contract = await read(buyer.token, id, (s) => s.title !== null && s.checklist.length > 0 && s.closing.documents.length > 0, 'the contract drawn up');
    lap(3);
    await decide('POST /purchases/{id}/earnest-money', purchasePath('earnest-money'), buyer.token, { paymentMethod: slot.card }, () => now((s) => s.escrow.receivedMinor > 0));
    lap(4);
    await decide('POST /purchases/{id}/wire-instructions', purchasePath('wire-instructions'), seller.token, { bankName: 'Ames Savings Bank', accountLast4: '4321' }, () =>
      now((s) => (s as { wire?: unknown }).wire != null),
    );
    lap(5);
    const item = (s: StateBody, kind: string) => s.checklist.find((i) => i.kind === kind);
    for (const { kind, status } of contract.checklist) {
      if (status === 'required' || status === 'returned') {
        await decide('POST /purchases/{id}/documents', purchasePath('documents'), seller.token, { kind, documentId: `bench-${kind}-${id}` }, () => now((s) => item(s, kind)?.status !== status));
      }
      await decide('POST /purchases/{id}/document-reviews', purchasePath('document-reviews'), manager.token, { kind, decision: 'approve' }, () => now((s) => item(s, kind)?.status === 'approved'));
    }
    lap(6);
    const closing = await read(buyer.token, id, (s) => s.stage === 'closing' && !!s.closing.envelopeId, 'the closing documents out for signature');
    const envelopeId = closing.closing.envelopeId!;
    outcome.envelopeId = envelopeId;
    lap(7);
    type Envelope = { documents: { documentId: string; sha256: string }[]; signers: { userId: string; status: string }[] };
    const envelopeState = async () => {
      const r = await api.call<Envelope>('GET /envelopes/{id} (poll; 404 until it exists)', 'GET', `/v1/envelopes/${envelopeId}`, buyer.token);
      return r.status === 200 ? r.body : undefined;
    };
    const envelope = await until('the envelope to ask its signers', deadline, async () => {
      const e = await envelopeState();
      return e && e.signers.length > 0 && e.signers.every((x) => x.status === 'to_sign') ? e : undefined;
    });
    lap(8);
    const documents = envelope.documents.map(({ documentId, sha256 }) => ({ documentId, sha256 }));
    for (const who of [seller, buyer]) {
      await decide('POST /envelopes/{id}/signatures', `/v1/envelopes/${envelopeId}/signatures`, who.token, { documents }, async () => {
        const e = await envelopeState();
        return !!e && e.signers.find((x) => x.userId === who.id)?.status !== 'to_sign';
      });
    }
    lap(9);
    await decide('POST /purchases/{id}/funds', purchasePath('funds'), manager.token, { reference: `WIRE-${id.slice(0, 8)}` }, () => now((s) => s.closing.fundsReceived !== null || s.stage !== 'closing'));
    lap(10);
    await read(buyer.token, id, (s) => s.stage === 'closed', 'closed');
    lap(11);
    outcome.ok = true;
  } catch (err) {
    outcome.error = (err as Error).message;
  }
  outcome.totalMs = performance.now() - t0;
  return outcome;
}

/** Runs the slots with `concurrency` purchases in flight; progress every 15 s. */
async function drive(api: Api, slots: Slot[], concurrency: number, seller: Person, manager: Person, label: string) {
  const outcomes: Outcome[] = [];
  let next = 0;
  const t0 = performance.now();
  const progress = setInterval(() => {
    const done = outcomes.filter((o) => o.ok).length;
    const s = (performance.now() - t0) / 1000;
    say(`${label}: ${done} closed, ${outcomes.length - done} failed, ${Math.min(next, slots.length) - outcomes.length} in flight after ${fmt(s, 0)} s (${fmt((done / s) * 60)}/min so far)`);
  }, 15_000);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, slots.length) }, async () => {
      while (next < slots.length && !aborting) {
        const slot = slots[next++]!;
        const o = await purchase(api, slot, seller, manager);
        if (!o.ok) say(`${label}: purchase ${o.purchaseId ?? '(no id)'} failed: ${o.error}`);
        outcomes.push(o);
      }
    }),
  );
  clearInterval(progress);
  return { wallMs: performance.now() - t0, outcomes };
}

// ---------------------------------------------------------------- seeding (Postgres, not timed)

async function seed(db: Sequelize, config: Config, n: number) {
  const one = async (email: string, name: string, role: string) => {
    const [row] = await db.query<{ id: string }>(`insert into users (id, email, name, roles, created_at, updated_at) values (gen_random_uuid(), $1, $2, array[$3]::text[], now(), now()) returning id`, {
      bind: [email, name, role],
      type: QueryTypes.SELECT,
    });
    return row!.id;
  };
  const sellerName = 'Ada Seller';
  const sellerId = await one(`seller@${prefix}.bench.trilight.local`, sellerName, 'owner');
  const managerId = await one(`manager@${prefix}.bench.trilight.local`, 'Mo Broker', 'manager');
  // One buyer, one property (its seller's deed recorded) and one active sale listing per purchase, numbered g.
  const rows = await db.query<{ g: number; buyer_id: string; buyer_name: string; listing_id: string }>(
    `with b as (
       insert into users (id, email, name, roles, created_at, updated_at)
       select gen_random_uuid(), 'buyer-' || g || '@' || $1 || '.bench.trilight.local', 'Buyer ' || g, '{buyer}', now(), now() from generate_series(1, $2) g
       returning id, name),
     p as (
       insert into properties (id, owner_id, manager_id, type, address_line1, city, region, postal_code, country, lat, lon, bedrooms, bathrooms, living_area_sqft, year_built, external_ref, created_at, updated_at)
       select gen_random_uuid(), $3, $4, 'house', g || ' Bench Street', 'Ames', 'IA', '50010', 'US', 42.0 + g * 0.00001, -93.62, 3, 2, 1500, 2005, $1 || '-p-' || g, now(), now() from generate_series(1, $2) g
       returning id, external_ref),
     t as (
       insert into title_records (property_id, kind, instrument, recorded_on, record)
       select p.id, 'deed', $1 || '-D-' || split_part(p.external_ref, '-p-', 2), date '2015-06-01',
              jsonb_build_object('kind', 'deed', 'instrument', $1 || '-D-' || split_part(p.external_ref, '-p-', 2), 'recordedOn', '2015-06-01',
                                 'grantors', jsonb_build_array('Earl Yore'), 'grantees', jsonb_build_array($5::text), 'considerationMinor', 15000000)
         from p returning property_id),
     l as (
       insert into listings (id, property_id, purpose, status, price_minor, currency, description, features, media, listed_at, version, created_at, updated_at)
       select gen_random_uuid(), p.id, 'sale', 'active', $6, 'USD', 'Benchmark house', '{}', '[]', current_date, 1, now(), now() from p
       returning id, property_id)
     select split_part(p.external_ref, '-p-', 2)::int as g, b.id as buyer_id, b.name as buyer_name, l.id as listing_id
       from l join p on p.id = l.property_id join b on b.name = 'Buyer ' || split_part(p.external_ref, '-p-', 2)
      order by 1`,
    { bind: [prefix, n, sellerId, managerId, sellerName, PRICE_MINOR], type: QueryTypes.SELECT },
  );
  const token = (id: string, role: 'owner' | 'manager' | 'buyer') => signToken(config.api.jwtSecret, id, [role]);
  const seller: Person = { id: sellerId, name: sellerName, token: await token(sellerId, 'owner') };
  const manager: Person = { id: managerId, name: 'Mo Broker', token: await token(managerId, 'manager') };
  // A saved card per buyer in localstripe (a customer, a card, attached), ten at a time.
  const stripe = createStripe({ stripe: { ...config.stripe, maxRequestsPerSecond: 0 } });
  const cards: PaymentMethodRef[] = new Array(rows.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (i < rows.length) {
        const k = i++;
        cards[k] = await savedCard(stripe);
      }
    }),
  );
  const slots: Slot[] = await Promise.all(rows.map(async (r, k) => ({ listingId: r.listing_id, buyer: { id: r.buyer_id, name: r.buyer_name, token: await token(r.buyer_id, 'buyer') }, card: cards[k]! })));
  return { seller, manager, slots };
}

// ---------------------------------------------------------------- where the time goes: workflow histories

interface Span {
  wait: number;
  run: number;
}
interface HistoryFigures {
  sampled: number;
  eventsPerPurchase: Stats;
  eventsPerEnvelope: Stats;
  workflowTasks: { perPurchase: number; wait: Stats; run: Stats };
  updates: number;
  timersStarted: number;
  timersFired: number;
  activities: { type: string; perPurchase: number; wait: Stats; run: Stats; runSumPerPurchase: number }[];
  firstToLastMs: Stats;
}

async function historyFigures(client: Client, sample: Outcome[]): Promise<HistoryFigures | undefined> {
  if (!sample.length) return undefined;
  const activities = new Map<string, Span[]>();
  const tasks: Span[] = [];
  const purchaseEvents: number[] = [];
  const envelopeEvents: number[] = [];
  const firstToLast: number[] = [];
  let updates = 0;
  let timersStarted = 0;
  let timersFired = 0;
  const read = async (workflowId: string, typePrefix: string) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = new Map<number, { type: string; at: number; started?: number }>();
    const taskScheduled = new Map<number, { at: number; started?: number }>();
    for (const e of events) {
      const at = tsToMs(e.eventTime);
      const id = Number(e.eventId);
      if (e.activityTaskScheduledEventAttributes) scheduled.set(id, { type: `${typePrefix}${e.activityTaskScheduledEventAttributes.activityType?.name ?? '?'}`, at });
      else if (e.activityTaskStartedEventAttributes) {
        const s = scheduled.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId));
        if (s) s.started = at;
      } else if (e.activityTaskCompletedEventAttributes) {
        const s = scheduled.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId));
        if (s?.started !== undefined) activities.set(s.type, [...(activities.get(s.type) ?? []), { wait: s.started - s.at, run: at - s.started }]);
      } else if (e.workflowTaskScheduledEventAttributes) taskScheduled.set(id, { at });
      else if (e.workflowTaskStartedEventAttributes) {
        const s = taskScheduled.get(Number(e.workflowTaskStartedEventAttributes.scheduledEventId));
        if (s) s.started = at;
      } else if (e.workflowTaskCompletedEventAttributes) {
        const s = taskScheduled.get(Number(e.workflowTaskCompletedEventAttributes.scheduledEventId));
        if (s?.started !== undefined) tasks.push({ wait: s.started - s.at, run: at - s.started });
      } else if (e.workflowExecutionUpdateAcceptedEventAttributes) updates++;
      else if (e.timerStartedEventAttributes) timersStarted++;
      else if (e.timerFiredEventAttributes) timersFired++;
    }
    return events;
  };
  for (const o of sample) {
    const events = await read(purchaseWorkflowId(o.purchaseId!), '');
    purchaseEvents.push(events.length);
    if (events.length) firstToLast.push(tsToMs(events.at(-1)!.eventTime) - tsToMs(events[0]!.eventTime));
    if (o.envelopeId) envelopeEvents.push((await read(envelopeWorkflowId(o.envelopeId), 'envelope: ')).length);
  }
  const n = sample.length;
  return {
    sampled: n,
    eventsPerPurchase: stats(purchaseEvents),
    eventsPerEnvelope: stats(envelopeEvents),
    workflowTasks: { perPurchase: tasks.length / n, wait: stats(tasks.map((t) => t.wait)), run: stats(tasks.map((t) => t.run)) },
    updates,
    timersStarted,
    timersFired,
    activities: [...activities.entries()]
      .map(([type, spans]) => ({
        type,
        perPurchase: spans.length / n,
        wait: stats(spans.map((s) => s.wait)),
        run: stats(spans.map((s) => s.run)),
        runSumPerPurchase: spans.reduce((a, s) => a + s.run, 0) / n,
      }))
      .sort((a, b) => b.runSumPerPurchase - a.runSumPerPurchase),
    firstToLastMs: stats(firstToLast),
  };
}

// ---------------------------------------------------------------- report

interface PhaseFigures {
  label: string;
  purchases: number;
  concurrency: number;
  wallMs: number;
  outcomes: Outcome[];
  samples: Sample[];
  workerCpu: number;
  apiCpu: number;
  workerPeakRssMiB?: number;
  apiPeakRssMiB?: number;
  cpuGroups?: [string, number][];
}

const closedOf = (p: PhaseFigures) => p.outcomes.filter((o) => o.ok);
const perMinute = (p: PhaseFigures) => (closedOf(p).length / p.wallMs) * 60_000;

/** Per route: count, p50, p95, max, non-2xx answers. */
function routeTable(samples: Sample[]) {
  const routes = [...new Set(samples.map((s) => s.route))];
  const order = (r: string) => (r.startsWith('POST /listings') ? 0 : r.startsWith('POST') ? 1 : 2);
  return routes
    .sort((a, b) => order(a) - order(b))
    .map((route) => {
      const xs = samples.filter((s) => s.route === route);
      return { route, ...stats(xs.map((s) => s.ms)), errors: xs.filter((s) => s.status >= 400).length };
    });
}

function printPhase(p: PhaseFigures) {
  const closed = closedOf(p);
  out();
  out(`${p.label}: ${p.purchases} purchases, ${p.concurrency} in flight`);
  out(`  closed ${closed.length}, failed ${p.outcomes.length - closed.length}, not started ${p.purchases - p.outcomes.length}; wall ${fmt(p.wallMs / 1000)} s`);
  out(`  THROUGHPUT end to end (first offer to last closed): ${fmt(perMinute(p))} purchases/min (goal >= ${GOAL_PER_MINUTE})`);
  const e2e = stats(closed.map((o) => o.totalMs / 1000));
  out(`  one purchase, offer to closed: p50 ${fmt(e2e.p50)} s, p95 ${fmt(e2e.p95)} s, max ${fmt(e2e.max)} s`);
  out(`  worker process: ${fmt(p.workerCpu)} CPU s (${fmt((p.workerCpu / (p.wallMs / 1000)) * 100, 0)}% of one core)${p.workerPeakRssMiB !== undefined ? `, peak RSS ${fmt(p.workerPeakRssMiB, 0)} MiB` : ''}`);
  out(`  API process:    ${fmt(p.apiCpu)} CPU s (${fmt((p.apiCpu / (p.wallMs / 1000)) * 100, 0)}% of one core)${p.apiPeakRssMiB !== undefined ? `, peak RSS ${fmt(p.apiPeakRssMiB, 0)} MiB` : ''}`);
  if (p.cpuGroups) {
    printCpuGroups(p.cpuGroups, p.wallMs / 1000);
    // The capacity figure: what one purchase costs, whoever runs it; 2 cores at 100% give 120 CPU s a minute.
    const ours = p.cpuGroups.filter(([g]) => !g.endsWith('(not ours)') && g !== 'load generator (this)');
    const each = ours.reduce((a, [, s]) => a + s, 0) / Math.max(1, closed.length);
    out(`  platform CPU s per closed purchase (the load generator aside): ${fmt(each, 2)} in all (${ours.map(([g, s]) => `${g} ${fmt(s / Math.max(1, closed.length), 2)}`).join(', ')})`);
    out(`    -> at most ${fmt((os.cpus().length * 60) / each, 0)} purchases/min if every core did nothing else`);
  }
  const reread = p.outcomes.reduce((a, o) => a + o.readAfter503, 0);
  if (reread) out(`  Update routes that answered 503 (no answer from the workflow within the API's 30 s), then read as the API asks and sent again only if not applied: ${reread}`);
  const gets = p.samples.filter((x) => x.route.startsWith('GET')).length;
  out(`  GET polls per closed purchase: ${fmt(gets / Math.max(1, closed.length), 1)} (from 50 ms, backing off to every ${POLL_MS} ms while waiting)`);
  out('  API latency per route (ms, client side):');
  out(`    ${'route'.padEnd(48)} ${'n'.padStart(6)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}  4xx/5xx`);
  for (const r of routeTable(p.samples)) {
    out(`    ${r.route.padEnd(48)} ${String(r.n).padStart(6)} ${fmt(r.p50).padStart(8)} ${fmt(r.p95).padStart(8)} ${fmt(r.max).padStart(8)}  ${r.errors}`);
  }
  const updates = p.samples.filter((s) => s.route.startsWith('POST') && !s.route.includes('/offers'));
  const u = stats(updates.map((s) => s.ms));
  out(`    ${'all Update routes together'.padEnd(48)} ${String(u.n).padStart(6)} ${fmt(u.p50).padStart(8)} ${fmt(u.p95).padStart(8)} ${fmt(u.max).padStart(8)}`);
  out('  where one purchase\'s time goes (client side, closed purchases; s):');
  out(`    ${'phase'.padEnd(66)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'mean'.padStart(6)}  share`);
  const total = closed.reduce((a, o) => a + o.totalMs, 0);
  for (const name of PHASES) {
    const xs = closed.map((o) => o.phases.find(([n]) => n === name)?.[1] ?? 0);
    const s = stats(xs.map((x) => x / 1000));
    out(`    ${name.padEnd(66)} ${fmt(s.p50, 2).padStart(6)} ${fmt(s.p95, 2).padStart(6)} ${fmt(s.mean, 2).padStart(6)}  ${fmt((100 * xs.reduce((a, b) => a + b, 0)) / total, 0).padStart(4)}%`);
  }
  const failures = p.outcomes.filter((o) => !o.ok);
  if (failures.length) {
    out('  failures (first 5):');
    for (const f of failures.slice(0, 5)) out(`    ${f.purchaseId ?? '(no id)'}: ${f.error}`);
  }
}

function printHistories(h: HistoryFigures) {
  out();
  out(`Workflow histories of ${h.sampled} purchases of the run (and their closing envelopes), spread over it:`);
  out(`  events per purchase p50 ${fmt(h.eventsPerPurchase.p50, 0)} (envelope ${fmt(h.eventsPerEnvelope.p50, 0)}); first to last event p50 ${fmt(h.firstToLastMs.p50 / 1000)} s, p95 ${fmt(h.firstToLastMs.p95 / 1000)} s`);
  out(`  Updates accepted ${h.updates}; timers started ${h.timersStarted}, fired ${h.timersFired} (no timer waits when 0 fired)`);
  out(`  workflow tasks: ${fmt(h.workflowTasks.perPurchase)} per purchase (with its envelope); scheduled->started p50 ${fmt(h.workflowTasks.wait.p50, 0)} ms p95 ${fmt(h.workflowTasks.wait.p95, 0)} ms; started->completed p50 ${fmt(h.workflowTasks.run.p50, 0)} ms p95 ${fmt(h.workflowTasks.run.p95, 0)} ms`);
  out('  activities (wait = scheduled->started, run = started->completed, ms; by run time per purchase):');
  out(`    ${'type'.padEnd(40)} ${'/purch'.padStart(6)} ${'wait50'.padStart(7)} ${'wait95'.padStart(7)} ${'run50'.padStart(7)} ${'run95'.padStart(7)} ${'run ms/purchase'.padStart(16)}`);
  for (const a of h.activities) {
    out(
      `    ${a.type.padEnd(40)} ${fmt(a.perPurchase).padStart(6)} ${fmt(a.wait.p50, 0).padStart(7)} ${fmt(a.wait.p95, 0).padStart(7)} ${fmt(a.run.p50, 0).padStart(7)} ${fmt(a.run.p95, 0).padStart(7)} ${fmt(a.runSumPerPurchase, 0).padStart(16)}`,
    );
  }
}

function printMarkdown(main: PhaseFigures, base: PhaseFigures | undefined, machine: string) {
  const closed = closedOf(main);
  const route = (samples: Sample[], r: string) => stats(samples.filter((s) => s.route === r).map((s) => s.ms));
  const updates = (samples: Sample[]) => stats(samples.filter((s) => s.route.startsWith('POST') && !s.route.includes('/offers')).map((s) => s.ms));
  const offers = route(main.samples, 'POST /listings/{id}/offers');
  const upd = updates(main.samples);
  const e2e = stats(closed.map((o) => o.totalMs / 1000));
  out();
  out('Markdown (for the README)');
  out();
  out('| Metric | Goal | Measured | Met |');
  out('|---|---|---|---|');
  out(
    `| ${main.purchases} purchases through the API to recorded title, ${main.concurrency} in flight: purchases per minute, end to end | ≥ ${GOAL_PER_MINUTE}/min | ${fmt(perMinute(main))}/min (${fmt(main.wallMs / 1000)} s; ${closed.length} closed, ${main.outcomes.length - closed.length} failed) | ${perMinute(main) >= GOAL_PER_MINUTE ? 'yes' : 'no'} |`,
  );
  out(`| — one purchase, offer to closed: p50 / p95 | — | ${fmt(e2e.p50)} / ${fmt(e2e.p95)} s | — |`);
  out(`| — API, POST offers: p50 / p95 | — | ${fmt(offers.p50, 0)} / ${fmt(offers.p95, 0)} ms | — |`);
  out(`| — API, the Update routes (${upd.n} calls): p50 / p95 | — | ${fmt(upd.p50, 0)} / ${fmt(upd.p95, 0)} ms | — |`);
  const each = routeTable(main.samples).filter((r) => r.route.startsWith('POST') && !r.route.includes('/offers'));
  out(`| — p95 of each Update route | — | ${each.map((r) => `${r.route.replace('POST /purchases/{id}/', '').replace('POST /envelopes/{id}/', 'envelope ')} ${fmt(r.p95, 0)}`).join(', ')} ms | — |`);
  out(`| — the worker process | — | ${fmt(main.workerCpu)} CPU s (${fmt((main.workerCpu / (main.wallMs / 1000)) * 100, 0)}% of one core), peak RSS ${fmt(main.workerPeakRssMiB ?? NaN, 0)} MiB | — |`);
  out(`| — the API process | — | ${fmt(main.apiCpu)} CPU s, peak RSS ${fmt(main.apiPeakRssMiB ?? NaN, 0)} MiB | — |`);
  if (main.cpuGroups) {
    const pick = ['postgres', 'temporal', 'localstripe', 'elasticsearch'].map((g) => `${g} ${fmt(main.cpuGroups!.find(([n]) => n === g)?.[1] ?? 0)}`);
    out(`| — the services meanwhile (CPU s) | — | ${pick.join(', ')} | — |`);
  }
  if (base && closedOf(base).length) {
    const bo = route(base.samples, 'POST /listings/{id}/offers');
    const bu = updates(base.samples);
    const be = stats(closedOf(base).map((o) => o.totalMs / 1000));
    out(
      `| Baseline: ${base.purchases} purchases one at a time: offer to closed p50; POST offers p50 / p95; Updates p50 / p95 | — | ${fmt(be.p50)} s (${fmt(perMinute(base))}/min); ${fmt(bo.p50, 0)} / ${fmt(bo.p95, 0)} ms; ${fmt(bu.p50, 0)} / ${fmt(bu.p95, 0)} ms | — |`,
    );
  }
  out();
  out(`Machine: ${machine}`);
  out();
}

// ---------------------------------------------------------------- main

async function main() {
  const began = performance.now();
  const machine = machineDescription();
  say(`purchase benchmark on ${machine}: ${BASELINE} baseline purchases one at a time, then ${PURCHASES} with ${CONCURRENCY} in flight; polling backs off from 50 ms to every ${POLL_MS} ms`);
  const timer = setTimeout(() => {
    aborting = `the total timeout of ${TIMEOUT_MS / 1000} s was reached`;
  }, TIMEOUT_MS);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      aborting = `interrupted (${signal})`;
    });
  }

  const bench = await benchEnvironment(database, prefix, 4);
  const { config, db, client } = bench;
  let worker: Proc | undefined;
  let api: Proc | undefined;
  let baselineFigures: PhaseFigures | undefined;
  let mainFigures: PhaseFigures | undefined;
  let histories: HistoryFigures | undefined;
  const checks: string[] = [];
  try {
    await migrateUp(db);
    say(`seeding ${BASELINE + PURCHASES} buyers, properties (with the seller's deed) and active sale listings; a saved card per buyer in localstripe`);
    const t = performance.now();
    const { seller, manager, slots } = await seed(db, config, BASELINE + PURCHASES);
    say(`seeded in ${fmt((performance.now() - t) / 1000)} s`);

    const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const platform = await startPlatform(bench.env, workerArgs);
    ({ worker, api } = platform);
    const { port, apiUrl } = platform;
    await waitForQuiet({ worker: worker.pid, api: api.pid }, config, QUIET_WAIT_MS, () => !!aborting);
    say(`worker (pid ${worker.pid}) and API (pid ${api.pid}, http://127.0.0.1:${port}) ready; task queues ${prefix}-*`);

    // 1. Baseline: one at a time.
    if (BASELINE > 0 && !aborting) {
      const apiClient = new Api(apiUrl);
      const [w0, a0] = [worker.cpuSeconds(), api.cpuSeconds()];
      const procs0 = readProcs();
      const run = await drive(apiClient, slots.slice(0, BASELINE), 1, seller, manager, 'baseline');
      baselineFigures = {
        label: '1. Baseline, one at a time',
        purchases: BASELINE,
        concurrency: 1,
        wallMs: run.wallMs,
        outcomes: run.outcomes,
        samples: apiClient.samples,
        workerCpu: worker.cpuSeconds() - w0,
        apiCpu: api.cpuSeconds() - a0,
        cpuGroups: cpuByGroup(procs0, readProcs(), { worker: worker.pid, api: api.pid }, config),
      };
      say(`baseline: ${closedOf(baselineFigures).length} closed in ${fmt(run.wallMs / 1000)} s`);
    }

    // 2. The run.
    if (!aborting) {
      const apiClient = new Api(apiUrl);
      const [w0, a0] = [worker.cpuSeconds(), api.cpuSeconds()];
      const procs0 = readProcs();
      let workerRssMax = 0;
      let apiRssMax = 0;
      const rss = setInterval(() => {
        workerRssMax = Math.max(workerRssMax, worker!.rssMiB());
        apiRssMax = Math.max(apiRssMax, api!.rssMiB());
      }, 500);
      const run = await drive(apiClient, slots.slice(BASELINE), CONCURRENCY, seller, manager, 'run');
      clearInterval(rss);
      mainFigures = {
        label: `2. The run`,
        purchases: PURCHASES,
        concurrency: CONCURRENCY,
        wallMs: run.wallMs,
        outcomes: run.outcomes,
        samples: apiClient.samples,
        workerCpu: worker.cpuSeconds() - w0,
        apiCpu: api.cpuSeconds() - a0,
        // VmHWM covers the process's life (the baseline too, which is smaller); the sampled maximum only this phase.
        workerPeakRssMiB: Math.max(worker.peakRssMiB(), workerRssMax),
        apiPeakRssMiB: Math.max(api.peakRssMiB(), apiRssMax),
        cpuGroups: cpuByGroup(procs0, readProcs(), { worker: worker.pid, api: api.pid }, config),
      };
      say(`run: ${closedOf(mainFigures).length} closed in ${fmt(run.wallMs / 1000)} s`);

      const closed = closedOf(mainFigures);
      const step = Math.max(1, Math.floor(closed.length / Math.max(1, HISTORY_SAMPLE)));
      const sample = HISTORY_SAMPLE ? closed.filter((_, k) => k % step === 0).slice(0, HISTORY_SAMPLE) : [];
      if (sample.length) say(`reading ${sample.length} purchase histories and their envelopes'`);
      histories = await historyFigures(client, sample).catch((err: Error) => {
        checks.push(`histories could not be read: ${err.message}`);
        return undefined;
      });
    }

    // What the purchases left in Postgres.
    const q = async (sql: string) => db.query<Record<string, string>>(sql, { type: QueryTypes.SELECT });
    const stages = await q(`select stage, count(*) as n from purchases group by stage order by stage`);
    checks.push(`purchases by stage: ${stages.map((r) => `${r.stage} ${r.n}`).join(', ')}`);
    const listings = await q(`select status, count(*) as n from listings group by status order by status`);
    checks.push(`listings by status: ${listings.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    const [facts] = await q(`select
        (select count(*) from county_recordings where status = 'recorded') as recorded,
        (select count(*) from properties p join users u on u.id = p.owner_id where 'buyer' = any(u.roles)) as moved,
        (select count(*) from payments where book_type = 'purchase') as payments,
        (select count(*) from documents where subject_type = 'purchase') as documents,
        (select count(*) from ledger_transactions where book_type = 'purchase') as postings,
        (select count(*) from notification_outbox where subject_type = 'purchase') as emails`);
    checks.push(
      `deeds recorded ${facts!.recorded}, properties with a new owner ${facts!.moved}, earnest-money payments ${facts!.payments}, purchase PDFs stored ${facts!.documents}, purchase-book postings ${facts!.postings}, e-mails queued ${facts!.emails}`,
    );
  } finally {
    clearTimeout(timer);
    say('cleaning up');
    // Anything left open (a failure, an abort) would wait forever on task queues nobody polls.
    try {
      const open = await db.query<{ workflow_id: string }>(`select workflow_id from purchases where not (stage = any($1::text[]))`, { bind: [FINAL_STAGES], type: QueryTypes.SELECT });
      let terminated = 0;
      for (const p of open) {
        await client.workflow
          .getHandle(p.workflow_id)
          .terminate('benchmark over')
          .then(() => terminated++)
          .catch(() => undefined);
      }
      if (open.length) checks.push(`${open.length} purchase row(s) not in a final stage; ${terminated} of their workflows were still running and were terminated (the others had finished: the row is stale)`);
    } catch {
      // the schema may not exist if migrating failed
    }
    for (const [name, proc] of [['worker', worker], ['API', api]] as const) {
      const problems = proc?.problems() ?? [];
      if (problems.length) checks.push(`${name} warnings and errors logged: ${problems.slice(0, 6).map(([what, n]) => `${n}x ${what}`).join('; ')}`);
    }
    await Promise.all([worker?.stop(), api?.stop()]);
    killChildren();
    if (process.env.BENCH_KEEP_DB) checks.push(`database ${database} kept (BENCH_KEEP_DB)`);
    await bench.close(!!process.env.BENCH_KEEP_DB);
  }

  out();
  out('==================== TriLight purchase benchmark ====================');
  if (aborting) out(`!! INCOMPLETE: ${aborting}; below is what was measured`);
  out(`run ${prefix}, ${new Date().toISOString()}, ${machine}`);
  out(`HTTP API: api/main.ts as its own process (LOG_LEVEL=info); worker: workers/main.ts; database ${database}; polling backs off from 50 ms to every ${POLL_MS} ms`);
  out('Each purchase: cash offer, no contingencies, closing today; acceptance; earnest money by saved card; the seller\'s wire instructions; checklist submitted by the seller and approved by the manager; closing envelope signed by seller and buyer; funds by the manager; polled to closed.');
  if (baselineFigures) printPhase(baselineFigures);
  if (mainFigures) printPhase(mainFigures);
  if (histories) printHistories(histories);
  out();
  out('Left behind');
  for (const c of checks) out(`  ${c}`);
  out(`  Temporal: the workflow histories stay in the dev server (task queues ${prefix}-*); e-mails in the SMTP sink's folder`);
  out(`  whole run ${fmt((performance.now() - began) / 1000, 0)} s`);
  if (mainFigures) printMarkdown(mainFigures, baselineFigures, machine);
}

main().then(
  () => process.exit(aborting ? 1 : 0),
  (err: unknown) => {
    process.stderr.write(`purchase benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    killChildren();
    process.exit(1);
  },
);
