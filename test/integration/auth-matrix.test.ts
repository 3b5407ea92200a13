/**
 * Who may call what: every route, as each of the nine roles, without a token
 * and with tokens the API must refuse, against an explicit table of expected
 * statuses (written out here, not derived from the route declarations). Then
 * whose resource it is: owners, managers, drafts and public listings.
 */
import { randomUUID } from 'node:crypto';
import { sign } from 'hono/jwt';
import { QueryTypes } from 'sequelize';
import { closeScenario, craftedCsv, createListing, createProperty, created, errorFields, expectProblem, leaseBody, leaseWhen, newUserBody, operationsOf, problemKind, propertyBody, refusedToken, reindexSandbox, startLease, startLeaseWorker, type OpenApiDoc, type ProblemBody } from '../support/api-scenarios';
import { amesLot, createParcel, parcelBody, seededRlDistrictBody, zoningCheckBody } from '../support/api-scenarios';
import { makeOffer, offerTerms, purchaseUnderContract, startPurchaseWorker, terminatePurchases } from '../support/api-scenarios';
import { createApp, type App } from '../../api/app';
import { createHarness, eventually, requestVia, type Harness } from '../support/harness';
import { escrowRig, startOperationsWorkers, type RunningWorkers } from '../support/workers';
import { inMinutes, inspectionRecorded, inspectionStep, inspectionWhen, reportBody, scheduleInspection, terminateInspections, withoutEntryNotice } from '../support/inspections';

type User = Awaited<ReturnType<Harness['user']>>;

const ROLE_CALLERS = ['admin', 'manager', 'owner', 'tenant', 'buyer', 'seller', 'inspector', 'contractor', 'ops'] as const;
const CALLERS = [...ROLE_CALLERS, 'no token', 'wrong secret', 'expired'] as const;
type Caller = (typeof CALLERS)[number];

let h: Harness;
let doc: OpenApiDoc;
/** One user per role, owning and managing nothing. */
const as = {} as Record<(typeof ROLE_CALLERS)[number], User>;
const tokens = {} as Record<Caller, string | undefined>;
/** The resources' side: propertyOwner owns `property`, propertyManager manages it. */
let propertyOwner: User, propertyManager: User, otherOwner: User, otherManager: User;
let property: { id: string }, otherProperty: { id: string };
/** A unit of `property`. */
let unit: { id: string };
let activeListing: { id: string }, draftListing: { id: string };
let importId: string;
let reindex: Awaited<ReturnType<typeof reindexSandbox>>;
let leaseWorker: Awaited<ReturnType<typeof startLeaseWorker>>;
/** Leases on `property` with leaseTenant as tenant: two awaiting a screening decision, one awaiting signatures. */
let leaseTenant: User;
let reviewLease: string, decisionLease: string, signingLease: string, cancelLease: string;
let agreementId: string;
let signingEnvelope: string;
let purchaseWorkers: RunningWorkers | undefined;
/**
 * Purchases of `property` (propertyOwner sells, propertyManager is the seller's broker) by purchaseBuyer:
 * an offer still open on one listing, a contract (with its agreement's PDF) on another; offerListing takes the matrix's offers.
 */
let purchaseBuyer: User;
let offerListing: { id: string }, openListing: { id: string };
let openPurchase: string, contractPurchase: string, purchaseAgreement: string;
/**
 * Work orders of `property`: one raised by woTenant (who rents its unit U1), one its manager raised and
 * cancelled (the Update rows ask that one: it takes no more changes); directoryContractor is in the vendor directory.
 */
let operationsWorkers: RunningWorkers | undefined;
let woTenant: User, directoryContractor: User;
let tenantWorkOrder: string, cancelledWorkOrder: string;
const workOrders: string[] = [];
const importLocations: string[] = [];
let seq = 0;
const RUN = `${Date.now()}-${randomUUID().slice(0, 6)}`;

const req = (path: string, token: string | undefined, init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
  h.request(path, { ...init, token });

beforeAll(async () => {
  h = await createHarness('authz');
  await h.startWorker();
  const users = await Promise.all(ROLE_CALLERS.map((r) => h.user([r], `matrix-${r}`)));
  ROLE_CALLERS.forEach((r, i) => {
    as[r] = users[i]!;
    tokens[r] = users[i]!.token;
  });
  tokens['no token'] = undefined;
  tokens['wrong secret'] = await refusedToken('wrong-secret', h.config.api.jwtSecret, as.admin.id, ['admin']);
  tokens.expired = await refusedToken('expired', h.config.api.jwtSecret, as.admin.id, ['admin']);

  [propertyOwner, propertyManager, otherOwner, otherManager] = await Promise.all([
    h.user(['owner'], 'property-owner'),
    h.user(['manager'], 'property-manager'),
    h.user(['owner'], 'other-owner'),
    h.user(['manager'], 'other-manager'),
  ]);
  property = await createProperty(h, propertyOwner.token, { managerId: propertyManager.id });
  otherProperty = await createProperty(h, otherOwner.token);
  unit = await created(await req(`/v1/properties/${property.id}/units`, propertyOwner.token, { method: 'POST', json: { label: 'U1' } }), 'unit');
  activeListing = await createListing(h, propertyOwner.token, property.id, { status: 'active' });
  draftListing = await createListing(h, propertyOwner.token, property.id);

  const started = await req(`/v1/admin/import/listings?source=authz-${RUN}-setup`, as.admin.token, {
    method: 'POST',
    body: craftedCsv().csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(started.status).toBe(202);
  importId = ((await started.json()) as { id: string }).id;
  importLocations.push(`/v1/admin/imports/${importId}`);

  // The reindex routes run on a namespace of this file's own (see reindexSandbox); reading
  // the progress needs one reindex to have run there at least once.
  reindex = await reindexSandbox(h);
  if ((await reindex.request('/v1/admin/search/reindex', { token: as.admin.token })).status === 404) {
    expect((await reindex.request('/v1/admin/search/reindex', { method: 'POST', token: as.admin.token })).status).toBe(202);
  }

  leaseWorker = await startLeaseWorker(h);
  leaseTenant = await h.user(['tenant'], 'lease-tenant');
  [reviewLease, decisionLease, signingLease, cancelLease] = await Promise.all([
    startLease(h, propertyOwner.token, leaseBody(property.id, [leaseTenant.id], { incomeTimesRent: 2 })),
    startLease(h, propertyOwner.token, leaseBody(property.id, [leaseTenant.id], { incomeTimesRent: 2 })),
    startLease(h, propertyOwner.token, leaseBody(property.id, [leaseTenant.id])),
    startLease(h, propertyOwner.token, leaseBody(property.id, [leaseTenant.id], { incomeTimesRent: 2 })),
  ]);
  await leaseWhen(h, leaseTenant.token, reviewLease, (s) => s.status === 'awaiting_decision', 'the review lease');
  await leaseWhen(h, leaseTenant.token, decisionLease, (s) => s.status === 'awaiting_decision', 'the lease to decide');
  await leaseWhen(h, leaseTenant.token, cancelLease, (s) => s.status === 'awaiting_decision', 'the lease to cancel');
  const signing = await leaseWhen(h, leaseTenant.token, signingLease, (s) => s.status === 'awaiting_signatures', 'the agreement');
  agreementId = signing.document!.documentId;
  signingEnvelope = (signing as unknown as { envelopeId: string }).envelopeId;

  purchaseWorkers = await startPurchaseWorker(h);
  purchaseBuyer = await h.user(['buyer'], 'purchase-buyer');
  const saleListing = () => createListing(h, propertyOwner.token, property.id, { status: 'active', price: { amountMinor: 21_500_000, currency: 'USD' } });
  let contractListing: { id: string };
  [offerListing, openListing, contractListing] = await Promise.all([saleListing(), saleListing(), saleListing()]);
  const [open, contract] = await Promise.all([
    makeOffer(h, purchaseBuyer.token, openListing.id, { terms: offerTerms(21_000_000) }),
    purchaseUnderContract(h, purchaseBuyer.token, propertyOwner.token, contractListing.id, offerTerms(21_000_000)),
  ]);
  openPurchase = open;
  contractPurchase = contract.purchaseId;
  purchaseAgreement = contract.closing.documents.find((d) => d.kind === 'purchase_agreement')!.documentId;

  // The operations worker beside the lease workers, whose notifications queue it may not share in one process.
  operationsWorkers = await startOperationsWorkers({ ...h, notificationTaskQueue: `${h.notificationTaskQueue}-operations` });
  directoryContractor = await h.user(['contractor'], 'directory-contractor');
  await created(await req('/v1/contractors', propertyManager.token, { method: 'POST', json: contractorBody(directoryContractor.id) }), 'contractor');
  woTenant = await h.user(['tenant'], 'work-order-tenant');
  await rentUnit(woTenant.id, property.id, 'U1');
  tenantWorkOrder = await raiseRequest(woTenant.token);
  cancelledWorkOrder = await raiseRequest(propertyManager.token);
  const cancelled = await req(`/v1/work-orders/${cancelledWorkOrder}/cancel`, propertyManager.token, { method: 'POST', json: { reason: 'raised twice' } });
  if (cancelled.status !== 200) throw new Error(`cancelling a work order: ${cancelled.status} ${(await cancelled.text()).slice(0, 400)}`);
  await eventually(async () => (await workOrderStatus(cancelledWorkOrder)) === 'cancelled', 60_000, 'the cancelled work order recorded');

  doc = (await (await h.request('/openapi.json')).json()) as OpenApiDoc;
});

afterAll(async () => {
  if (h) await terminatePurchases(h).catch(() => undefined);
  await purchaseWorkers?.stop();
  if (h) await terminateWorkOrders().catch(() => undefined);
  if (h) await terminateProjects().catch(() => undefined);
  if (h) await terminateInspections(h, inspections).catch(() => undefined);
  if (h) await terminateReportRuns().catch(() => undefined);
  await operationsWorkers?.stop();
  await closeScenario(h, { token: () => as.admin.token, importLocations, reindex, leaseWorker });
});

/** The report runs the matrix started (no worker runs them). */
async function terminateReportRuns() {
  for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${h.reportsTaskQueue}' AND ExecutionStatus = 'Running'` })) {
    await h.client.workflow.getHandle(wf.workflowId).terminate('auth matrix done').catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------------
// The matrix. "Someone else's" resources belong to propertyOwner and are managed by
// propertyManager; the matrix's owner and manager are other users, so for them a private
// resource does not exist (404), while roles the route does not admit at all get 403.

interface Row {
  /** `METHOD /openapi/path`, plus what is being asked in parentheses. */
  route: string;
  call: (token: string | undefined) => Promise<Response>;
  /** In CALLERS order: admin manager owner tenant buyer seller inspector contractor ops | no-token wrong-secret expired */
  expect: readonly number[];
  /** The field a 422 in this row names. */
  field?: string;
  /** The media type of its 2xx, when not JSON. */
  contentType?: RegExp;
}

const today = () => new Date().toISOString().slice(0, 10);
/** The user a token was issued to (the refused tokens name the admin; no token, nobody). */
const callerId = (t: string | undefined) => (t === undefined ? randomUUID() : (Object.values(as).find((u) => u.token === t) ?? as.admin).id);

/** A parcel of propertyOwner's, made when a row first needs it. */
let parcelMade: Promise<{ id: string }> | undefined;

/** A title record on the matrix's property, entered by the admin when a row first needs one. */
let titleRecordMade: Promise<string> | undefined;
const matrixTitleRecord = () =>
  (titleRecordMade ??= (async () => {
    const res = await req(`/v1/properties/${property.id}/title-records`, tokens.admin, {
      method: 'POST',
      json: { kind: 'encumbrance', instrument: `MATRIX-${RUN}-READ`, recordedOn: '1998-04-01', type: 'easement', description: 'Utility easement along the rear lot line', blocksTransfer: false },
    });
    if (res.status !== 201) throw new Error(`entering a title record: ${res.status}`);
    return ((await res.json()) as { id: string }).id;
  })());
/** A PDF the seller uploaded, made when a row first needs it. */
const MATRIX_PDF = '%PDF-1.4\n%%EOF\n';
let uploadMade: Promise<string> | undefined;
const matrixUpload = () =>
  (uploadMade ??= (async () => {
    const res = await req('/v1/uploads', tokens.seller, { method: 'POST', body: MATRIX_PDF, headers: { 'content-type': 'application/pdf' } });
    if (res.status !== 201) throw new Error(`uploading: ${res.status}`);
    return ((await res.json()) as { id: string }).id;
  })());
const matrixParcel = () => (parcelMade ??= createParcel(h, propertyOwner.token));
/** A bill of `property`, entered by its manager (waiting for an owner's approval: the property has no agreement); `approved`: one its owner approved. */
const matrixBillBody = () => ({ propertyId: property.id, vendorName: 'Matrix Plumbing', account: 'repairs_expense', amount: { amountMinor: 5_000, currency: 'USD' }, description: 'matrix', billDate: today(), dueOn: today() });
async function newMatrixBill(approved = false): Promise<string> {
  const res = await req('/v1/bills', propertyManager.token, { method: 'POST', json: matrixBillBody(), headers: { 'idempotency-key': `matrix-bill-${++seq}` } });
  if (res.status !== 201) throw new Error(`entering a bill: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  if (approved && (await req(`/v1/bills/${id}/approval`, propertyOwner.token, { method: 'POST' })).status !== 200) throw new Error('approving the bill');
  return id;
}
let billMade: Promise<string> | undefined;
const matrixBill = (approved = false) => (approved ? newMatrixBill(true) : (billMade ??= newMatrixBill()));

/**
 * The escrow reconciliation routes on an app whose purchases queue is this file's own; an admin's
 * POST (the one caller whose request runs the reconciliation) has the purchase worker on it.
 */
let escrowMade: ReturnType<typeof escrowRig> | undefined;
const escrow = () => (escrowMade ??= escrowRig(h));
const escrowApp = () => escrow().app();
function escrowRun(token: string | undefined): Promise<Response> {
  const post = () => requestVia(escrowApp(), '/v1/admin/escrow-reconciliations', { method: 'POST', token });
  return token === as.admin.token ? escrow().withWorker(post) : post();
}

/** The API on this file's operations queue (where its worker runs the work orders a request starts). */
let opsAppMade: App | undefined;
const opsApp = () =>
  (opsAppMade ??= createApp({
    ...h.deps,
    config: { ...h.config, temporal: { ...h.config.temporal, taskQueues: { ...h.config.temporal.taskQueues, operations: h.operationsTaskQueue as `${string}-operations` } } },
  }));
const viaOps = (path: string, token: string | undefined, init: { method?: string; json?: unknown } = {}) => requestVia(opsApp(), path, { ...init, token });

const contractorBody = (userId: string) => ({ userId, company: 'Matrix Plumbing', trades: ['plumbing'], serviceArea: ['50010'], hourlyRateMinor: 9_500, currency: 'USD' });
const requestBody = (extra: Record<string, unknown> = {}) => ({ propertyId: property.id, category: 'plumbing', description: `Kitchen tap drips (${++seq})`, permissionToEnter: true, ...extra });

/** An active lease of the unit, recorded directly: a request reads only who rents what. */
async function rentUnit(tenantId: string, propertyId: string, unitLabel: string) {
  await h.db.query(
    `insert into leases (id, property_id, status, terms, tenant_ids, created_at, updated_at) values ($1, $2, 'active', $3::jsonb, $4::uuid[], now(), now())`,
    { bind: [randomUUID(), propertyId, JSON.stringify({ unitLabel }), [tenantId]] },
  );
}

/** Raises a request (202) and returns its work order's id. */
async function raiseRequest(token: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await viaOps('/v1/maintenance-requests', token, { method: 'POST', json: requestBody(extra) });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`raising a request: ${res.status} ${text.slice(0, 400)}`);
  const id = (JSON.parse(text) as { workOrderId: string }).workOrderId;
  workOrders.push(id);
  return id;
}

const workOrderStatus = async (id: string) =>
  (await h.db.query<{ status: string }>('select status from work_orders where id = $1', { bind: [id], type: QueryTypes.SELECT }))[0]?.status;

/** Every work order this file started: they wait for weeks otherwise. */
async function terminateWorkOrders() {
  const rows = await h.db.query<{ workflow_id: string }>('select workflow_id from work_orders', { type: QueryTypes.SELECT });
  const ids = new Set([...rows.map((r) => r.workflow_id), ...workOrders.map((id) => `workorder-${id}`)]);
  await Promise.allSettled([...ids].map((w) => h.client.workflow.getHandle(w).terminate('test finished')));
}

/** A work-order Update on the cancelled work order. */
const onCancelled = (action: string, body: () => unknown) => (t: string | undefined) => req(`/v1/work-orders/${cancelledWorkOrder}/${action}`, t, { method: 'POST', json: body() });
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

/**
 * Inspections of a property of propertyOwner's managed by propertyManager, whose notice of entry is lifted (a visit
 * minutes ahead, reported at once), by inspectionInspector: one scheduled and cancelled (the Update rows ask that one:
 * it takes no more changes), one reported (its PDF for the document row). Made when a row first needs them.
 */
const inspections: string[] = [];
let inspectionInspector: User;
let inspectionsMade: Promise<{ propertyId: string; cancelled: string; reported: string; documentId: string }> | undefined;
const matrixInspections = () =>
  (inspectionsMade ??= (async () => {
    inspectionInspector = await h.user(['inspector'], 'inspection-inspector');
    const propertyId = (await createProperty(h, propertyOwner.token, { managerId: propertyManager.id })).id;
    await withoutEntryNotice(h, propertyId);
    const schedule = async () => {
      const id = await scheduleInspection(h, propertyManager.token, { propertyId, kind: 'periodic', inspectorId: inspectionInspector.id, slotAt: inMinutes(2) });
      inspections.push(id);
      return id;
    };
    const [cancelled, reported] = [await schedule(), await schedule()];
    await inspectionStep(h, cancelled, 'cancel', propertyManager.token, { reason: 'scheduled twice' });
    await inspectionRecorded(h, cancelled, 'cancelled');
    await inspectionStep(h, reported, 'report', inspectionInspector.token, reportBody('periodic'));
    const done = await inspectionWhen(h, inspectionInspector.token, reported, (s) => s.documents.length > 0, 'the report\'s PDF');
    await inspectionRecorded(h, reported);
    return { propertyId, cancelled, reported, documentId: done.documents[0]!.documentId };
  })());
/** An inspection Update on the cancelled inspection. */
const onCancelledInspection = (action: string, body: () => unknown) => async (t: string | undefined) =>
  req(`/v1/inspections/${(await matrixInspections()).cancelled}/${action}`, t, { method: 'POST', json: body() });

/**
 * A construction project on `property` (propertyOwner owns it, propertyManager runs it), with a contract let to
 * projectContractor and a change order out to the owner for signature (its PDF for the document row). The Update rows
 * ask it what the workflow refuses (409: a contract it does not have, a completion date in the future, a final
 * inspection before substantial completion), so it stays as it is. Made when a row first needs it.
 */
let projectContractor: User;
let projectMade: Promise<{ id: string; documentId: string }> | undefined;
const matrixProject = () =>
  (projectMade ??= (async () => {
    projectContractor = await h.user(['contractor'], 'project-contractor');
    const started = await req('/v1/projects', propertyManager.token, { method: 'POST', json: projectBody() });
    if (started.status !== 202) throw new Error(`setting up a project: ${started.status} ${(await started.text()).slice(0, 400)}`);
    const id = ((await started.json()) as { projectId: string }).projectId;
    const step = async (action: string, json: unknown) => {
      const res = await req(`/v1/projects/${id}/${action}`, propertyManager.token, { method: 'POST', json });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${action} on project ${id}: ${res.status} ${text.slice(0, 400)}`);
      return JSON.parse(text) as { changeOrders: { document: { documentId: string } | null }[] };
    };
    await step('commitments', {
      commitmentId: 'gc-1',
      contractorId: projectContractor.id,
      description: 'framing',
      originalContractSumMinor: 1_000_000,
      scheduleOfValues: [{ itemNo: '1', description: 'Framing', scheduledValueMinor: 1_000_000, costCode: '06-100' }],
      milestones: [{ milestoneId: 'm-1', name: 'Framed', plannedOn: inDays(30), shareBasisPoints: 10_000 }],
    });
    const s = await step('change-orders', { commitmentId: 'gc-1', scope: 'a deck', lines: [{ itemNo: '2', description: 'Deck', costCode: '06-100', changeMinor: 100_000 }], approveBy: inDays(10) });
    // Lists read the row the workflow writes: wait for it to name the contractor.
    await eventually(async () => {
      const [row] = await h.db.query<{ contractor_ids: string[] }>('select contractor_ids from projects where id = $1', { bind: [id], type: QueryTypes.SELECT });
      return row?.contractor_ids.includes(projectContractor.id);
    }, 60_000, 'the project recorded with its contractor');
    return { id, documentId: s.changeOrders[0]!.document!.documentId };
  })());
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const projectBody = (propertyId = property.id) => ({
  kind: 'renovation',
  name: `Matrix kitchen ${++seq}`,
  propertyId,
  budget: [{ costCode: '06-100', description: 'Carpentry', amountMinor: 2_000_000 }],
  plannedStart: today(),
  plannedCompletion: inDays(90),
});
/** A project Update on the matrix's project. */
const onProject = (action: string, body: () => unknown) => async (t: string | undefined) => req(`/v1/projects/${(await matrixProject()).id}/${action}`, t, { method: 'POST', json: body() });

/** Every project this file started (and the change orders' envelopes): they wait for months otherwise. */
async function terminateProjects() {
  const rows = await h.db.query<{ workflow_id: string }>(`select workflow_id from projects union all select workflow_id from envelopes where subject_type = 'project'`, { type: QueryTypes.SELECT });
  await Promise.allSettled(rows.map((r) => h.client.workflow.getHandle(r.workflow_id).terminate('test finished')));
}

const ROWS: Row[] = [
  {
    route: 'POST /v1/users',
    call: (t) => req('/v1/users', t, { method: 'POST', json: newUserBody() }),
    //      adm  mgr  own  ten  buy  sel  ins  con  ops   none bad  exp
    expect: [201, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/users',
    call: (t) => req('/v1/users?limit=5', t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/users/{id} (another user)',
    call: (t) => req(`/v1/users/${propertyOwner.id}`, t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/me',
    call: (t) => req('/v1/me', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/properties (no ownerId: the caller\'s own)',
    call: (t) => req('/v1/properties', t, { method: 'POST', json: propertyBody() }),
    expect: [422, 422, 201, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'ownerId',
  },
  {
    route: 'POST /v1/properties (ownerId: another owner)',
    call: (t) => req('/v1/properties', t, { method: 'POST', json: propertyBody({ ownerId: otherOwner.id }) }),
    expect: [201, 201, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // Only an owner (or an admin) may own a property: a manager naming themself is refused like any other non-owner.
    route: 'POST /v1/properties (ownerId: the caller\'s own id)',
    call: (t) => req('/v1/properties', t, { method: 'POST', json: propertyBody({ ownerId: callerId(t) }) }),
    expect: [201, 422, 201, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'ownerId',
  },
  {
    route: 'GET /v1/properties',
    call: (t) => req('/v1/properties', t),
    expect: [200, 200, 200, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/properties/{id} (someone else\'s)',
    call: (t) => req(`/v1/properties/${property.id}`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'PATCH /v1/properties/{id} (someone else\'s)',
    call: (t) => req(`/v1/properties/${property.id}`, t, { method: 'PATCH', json: { yearBuilt: 1962 } }),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/properties/{id}/units (someone else\'s)',
    call: (t) => req(`/v1/properties/${property.id}/units`, t, { method: 'POST', json: { label: `M${++seq}` } }),
    expect: [201, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/properties/{id}/units (someone else\'s)',
    call: (t) => req(`/v1/properties/${property.id}/units`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/properties/{id}/units/{unitId} (someone else\'s)',
    call: (t) => req(`/v1/properties/${property.id}/units/${unit.id}`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/listings (on someone else\'s property)',
    call: (t) => req('/v1/listings', t, { method: 'POST', json: { propertyId: property.id, purpose: 'sale', price: { amountMinor: 1_000_000, currency: 'USD' } } }),
    expect: [201, 422, 422, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'propertyId',
  },
  {
    route: 'GET /v1/listings',
    call: (t) => req('/v1/listings', t),
    expect: [200, 200, 200, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/listings/{id} (an active, public listing)',
    call: (t) => req(`/v1/listings/${activeListing.id}`, t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/listings/{id} (someone else\'s draft)',
    call: (t) => req(`/v1/listings/${draftListing.id}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'PATCH /v1/listings/{id} (someone else\'s draft)',
    call: (t) => req(`/v1/listings/${draftListing.id}`, t, { method: 'PATCH', json: { description: `edited ${++seq}` } }),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/search/listings',
    call: (t) => req('/v1/search/listings?limit=1', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/admin/search/reindex',
    call: (t) => reindex.request('/v1/admin/search/reindex', { method: 'POST', token: t }),
    expect: [202, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/admin/search/reindex',
    call: (t) => reindex.request('/v1/admin/search/reindex', { token: t }),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/admin/import/listings',
    call: async (t) => {
      const res = await req(`/v1/admin/import/listings?source=authz-${RUN}-${++seq}`, t, {
        method: 'POST',
        body: craftedCsv().csv,
        headers: { 'content-type': 'text/csv' },
      });
      if (res.status === 202) importLocations.push(res.headers.get('location')!);
      return res;
    },
    expect: [202, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/admin/imports/{id}',
    call: (t) => req(`/v1/admin/imports/${importId}`, t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/admin/late-fee-policy',
    call: (t) => req('/v1/admin/late-fee-policy', t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'PUT /v1/admin/late-fee-policy',
    call: (t) => req('/v1/admin/late-fee-policy', t, { method: 'PUT', json: { graceDays: 5, oneTime: { type: 'percent', basisPoints: 500 } } }),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/admin/escrow-reconciliations',
    call: (t) => requestVia(escrowApp(), '/v1/admin/escrow-reconciliations?limit=5', { token: t }),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/admin/escrow-reconciliations',
    call: (t) => escrowRun(t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases (on someone else\'s property)',
    call: (t) => req('/v1/leases', t, { method: 'POST', json: leaseBody(property.id, [leaseTenant.id], { incomeTimesRent: 2 }) }),
    expect: [202, 422, 422, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'propertyId',
  },
  {
    route: 'GET /v1/leases/{id} (someone else\'s)',
    call: (t) => req(`/v1/leases/${reviewLease}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/screening-decision (someone else\'s)',
    call: (t) => req(`/v1/leases/${decisionLease}/screening-decision`, t, { method: 'POST', json: { decision: 'reject', reason: 'matrix' } }),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/signatures (a lease the caller is no party to)',
    call: (t) => req(`/v1/leases/${signingLease}/signatures`, t, { method: 'POST', json: { documentSha256: '0'.repeat(64) } }),
    expect: [403, 404, 404, 404, 404, 404, 404, 404, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/payments (someone else\'s, not active yet)',
    call: (t) => req(`/v1/leases/${reviewLease}/payments`, t, {
      method: 'POST',
      json: { amountMinor: 1_000, method: 'cash', receivedOn: today() },
      headers: { 'idempotency-key': `matrix-${++seq}` },
    }),
    expect: [409, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/leases/{id}/payments (someone else\'s)',
    call: (t) => req(`/v1/leases/${reviewLease}/payments`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/leases/{id}/invoices (someone else\'s)',
    call: (t) => req(`/v1/leases/${reviewLease}/invoices`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/renewal-decision (a lease the caller is no tenant of)',
    call: (t) => req(`/v1/leases/${reviewLease}/renewal-decision`, t, { method: 'POST', json: { accept: true } }),
    expect: [403, 404, 404, 404, 404, 404, 404, 404, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/termination (someone else\'s, not active)',
    call: (t) => req(`/v1/leases/${reviewLease}/termination`, t, { method: 'POST', json: { moveOutOn: today(), reason: 'matrix' } }),
    expect: [409, 404, 404, 404, 404, 404, 404, 404, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/notes (someone else\'s)',
    call: (t) => req(`/v1/leases/${reviewLease}/notes`, t, { method: 'POST', json: { text: 'matrix' } }),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/cancellation (someone else\'s)',
    call: (t) => req(`/v1/leases/${cancelLease}/cancellation`, t, { method: 'POST', json: { reason: 'matrix' } }),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/leases/{id}/move-out (someone else\'s, not ended)',
    call: (t) => req(`/v1/leases/${reviewLease}/move-out`, t, { method: 'POST', json: { deductions: [] } }),
    expect: [409, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // No bearer token here: the Stripe signature is the credential, so every caller alike is refused without one.
    route: 'POST /v1/webhooks/stripe (unsigned)',
    call: (t) => req('/v1/webhooks/stripe', t, { method: 'POST', json: { id: 'evt_matrix', type: 'charge.refunded' } }),
    expect: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
  },
  {
    route: 'GET /v1/leases/{id}/ledger (someone else\'s)',
    call: (t) => req(`/v1/leases/${reviewLease}/ledger`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/leases/{id}/documents (someone else\'s)',
    call: (t) => req(`/v1/leases/${signingLease}/documents`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/documents/{id} (someone else\'s lease agreement)',
    call: (t) => req(`/v1/documents/${agreementId}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
    contentType: /^application\/pdf/,
  },
  {
    route: 'GET /v1/envelopes/{id} (an envelope the caller neither sent nor signs)',
    call: (t) => req(`/v1/envelopes/${signingEnvelope}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/envelopes/{id}/signatures (an envelope the caller does not sign)',
    call: (t) => req(`/v1/envelopes/${signingEnvelope}/signatures`, t, { method: 'POST', json: { documents: [{ documentId: agreementId, sha256: '0'.repeat(64) }] } }),
    expect: [403, 404, 404, 404, 404, 404, 404, 404, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/envelopes/{id}/decline (an envelope the caller does not sign)',
    call: (t) => req(`/v1/envelopes/${signingEnvelope}/decline`, t, { method: 'POST', json: { reason: 'matrix' } }),
    expect: [403, 404, 404, 404, 404, 404, 404, 404, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/parcels (no ownerId: the caller\'s own)',
    call: (t) => req('/v1/parcels', t, { method: 'POST', json: parcelBody() }),
    expect: [422, 422, 201, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'ownerId',
  },
  {
    route: 'POST /v1/parcels (ownerId: another owner)',
    call: (t) => req('/v1/parcels', t, { method: 'POST', json: parcelBody({ ownerId: otherOwner.id }) }),
    expect: [201, 201, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // Parcels are public records: every role reads, searches and checks them.
    route: 'GET /v1/parcels',
    call: (t) => req('/v1/parcels?zoning=RL&limit=5', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/parcels/search',
    call: (t) => req('/v1/parcels/search', t, { method: 'POST', json: { intersects: amesLot(-93.6302, 42.0299), limit: 5 } }),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/parcels/{id} (someone else\'s)',
    call: async (t) => req(`/v1/parcels/${(await matrixParcel()).id}`, t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/parcels/{id}/zoning-check (someone else\'s parcel)',
    call: async (t) => req(`/v1/parcels/${(await matrixParcel()).id}/zoning-check`, t, { method: 'POST', json: zoningCheckBody() }),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/zoning-districts',
    call: (t) => req('/v1/zoning-districts?jurisdiction=ames-ia', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/zoning-districts/{jurisdiction}/{code}',
    call: (t) => req('/v1/zoning-districts/ames-ia/RL', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'PUT /v1/zoning-districts/{jurisdiction}/{code} (the seeded RL, unchanged)',
    call: (t) => req('/v1/zoning-districts/ames-ia/RL', t, { method: 'PUT', json: seededRlDistrictBody() }),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // A buyer offers for themselves; admins and managers name the buyers they offer for.
    route: 'POST /v1/listings/{id}/offers (the caller\'s own offer)',
    call: (t) => req(`/v1/listings/${offerListing.id}/offers`, t, { method: 'POST', json: { terms: offerTerms(20_000_000 + ++seq) } }),
    expect: [422, 422, 403, 403, 202, 403, 403, 403, 403, 401, 401, 401],
    field: 'buyerIds',
  },
  {
    // Naming buyerIds makes the caller their agent: an admin or a manager (a buyer may only offer for themselves).
    route: 'POST /v1/listings/{id}/offers (for a buyer the caller names)',
    call: async (t) => {
      const client = await h.user(['buyer'], `offer-client-${++seq}`);
      return req(`/v1/listings/${offerListing.id}/offers`, t, { method: 'POST', json: { terms: offerTerms(20_000_000 + seq), buyerIds: [client.id] } });
    },
    expect: [202, 202, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // The seller's side-by-side view: the property's owner and manager, and staff; anyone else (a competing buyer too) 404.
    route: 'GET /v1/listings/{id}/offers (someone else\'s listing)',
    call: (t) => req(`/v1/listings/${openListing.id}/offers`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/purchases',
    call: (t) => req('/v1/purchases?limit=5', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/purchases/{id} (someone else\'s)',
    call: (t) => req(`/v1/purchases/${openPurchase}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/purchases/{id}/documents/{documentId} (someone else\'s purchase agreement)',
    call: (t) => req(`/v1/purchases/${contractPurchase}/documents/${purchaseAgreement}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
    contentType: /^application\/pdf/,
  },
  // The Updates, on someone else's offer, still negotiating. Negotiating and the side's own steps are the
  // parties' (an admin is no party: 403); staff steps are an admin's (or the broker's): the workflow refuses
  // them while the offer is open (409); the roles a route does not admit get 403, parties' roles 404.
  ...(
    [
      ['counter-offers', () => ({ terms: offerTerms(20_900_000) })],
      ['acceptance', () => ({ others: 'reject' })],
      ['rejection', () => ({ reason: 'matrix' })],
      ['withdrawal', () => ({})],
      ['documents', () => ({ kind: 'seller_disclosure', documentId: 'matrix-upload' })],
      ['amendments', () => ({ kind: 'repair_credit', amountMinor: 100_000 })],
      ['amendment-answer', () => ({ decision: 'accept' })],
      ['wire-instructions', () => ({ bankName: 'Matrix Savings', accountLast4: '1234' })],
    ] as const
  ).map(([action, body]): Row => ({
    route: `POST /v1/purchases/{id}/${action} (someone else's open offer)`,
    call: (t) => req(`/v1/purchases/${openPurchase}/${action}`, t, { method: 'POST', json: body() }),
    expect: [403, 404, 404, 403, 404, 404, 403, 403, 403, 401, 401, 401],
  })),
  {
    route: 'POST /v1/purchases/{id}/earnest-money (someone else\'s open offer)',
    call: (t) => req(`/v1/purchases/${openPurchase}/earnest-money`, t, { method: 'POST', json: { paymentMethod: { customerId: 'cus_none', paymentMethodId: 'pm_none' } } }),
    expect: [403, 404, 403, 403, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'POST /v1/purchases/{id}/termination (someone else\'s open offer)',
    call: (t) => req(`/v1/purchases/${openPurchase}/termination`, t, { method: 'POST', json: { reason: 'matrix' } }),
    expect: [403, 404, 404, 403, 404, 404, 403, 403, 403, 401, 401, 401],
  },
  ...(
    [
      ['contingencies', () => ({ kind: 'inspection', action: 'satisfy' })],
      ['inspection', () => ({ findings: [{ item: 'Gutters', severity: 'minor' }] })],
    ] as const
  ).map(([action, body]): Row => ({
    route: `POST /v1/purchases/{id}/${action} (someone else's open offer)`,
    call: (t) => req(`/v1/purchases/${openPurchase}/${action}`, t, { method: 'POST', json: body() }),
    expect: [409, 404, 404, 403, 404, 404, 403, 403, 403, 401, 401, 401],
  })),
  ...(
    [
      ['document-reviews', () => ({ kind: 'seller_disclosure', decision: 'approve' })],
      ['title-requirements', () => ({ requirementId: 'record_deed', satisfaction: { type: 'document', ref: 'matrix' } })],
      ['closing-disclosure', () => ({ receivedOn: today(), terms: { aprMilli: 6_875, loanProduct: '30-year fixed', prepaymentPenalty: false } })],
      ['funds', () => ({ reference: 'WIRE-MATRIX' })],
      ['appraisal', () => ({ valueMinor: 21_000_000 })],
      ['wire-callback', () => ({ note: 'matrix' })],
      ['earnest-money-release', () => ({ to: 'buyer', reason: 'matrix' })],
    ] as const
  ).map(([action, body]): Row => ({
    route: `POST /v1/purchases/{id}/${action} (someone else's open offer)`,
    call: (t) => req(`/v1/purchases/${openPurchase}/${action}`, t, { method: 'POST', json: body() }),
    expect: [409, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  })),
  {
    // Title records are public records: everyone signed in reads them.
    route: 'GET /v1/properties/{id}/title-records (someone else\'s property)',
    call: (t) => req(`/v1/properties/${property.id}/title-records`, t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/properties/{id}/title-records/{recordId} (someone else\'s property)',
    call: async (t) => req(`/v1/properties/${property.id}/title-records/${await matrixTitleRecord()}`, t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  },
  {
    // An admin or the property's own manager enters them; the matrix's manager manages another property (403: the records are public).
    route: 'POST /v1/properties/{id}/title-records (someone else\'s property)',
    call: (t) =>
      req(`/v1/properties/${property.id}/title-records`, t, {
        method: 'POST',
        json: { kind: 'encumbrance', instrument: `MATRIX-${RUN}-${++seq}`, recordedOn: '1998-04-01', type: 'easement', description: 'Utility easement along the rear lot line', blocksTransfer: false },
      }),
    expect: [201, 403, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  // ---------------------------------------------------------------- maintenance: requests, work orders, contractors
  {
    // A tenant raises one for a property they rent, a manager for one they manage; the matrix's tenant and manager do neither.
    route: 'POST /v1/maintenance-requests (someone else\'s property)',
    call: async (t) => {
      const res = await viaOps('/v1/maintenance-requests', t, { method: 'POST', json: requestBody() });
      if (res.status === 202) workOrders.push(((await res.clone().json()) as { workOrderId: string }).workOrderId);
      return res;
    },
    expect: [202, 404, 403, 404, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/maintenance-requests',
    call: (t) => req('/v1/maintenance-requests?limit=5', t),
    expect: [200, 200, 200, 200, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/work-orders',
    call: (t) => req('/v1/work-orders?limit=5', t),
    expect: [200, 200, 200, 200, 403, 403, 403, 200, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/work-orders/{id} (someone else\'s)',
    call: (t) => req(`/v1/work-orders/${tenantWorkOrder}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  // The Updates, on someone else's cancelled work order: an admin acts as staff and the finished workflow refuses (409),
  // or, on the contractor's and the requester's steps, is not who may act (403); roles a route admits see nothing (404).
  ...(
    [
      ['triage', () => ({ priority: 'urgent', category: 'plumbing' }), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['assign', () => ({}), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['payment', () => ({ reference: 'MATRIX-TRANSFER' }), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['quote-decision', () => ({ approve: true }), [409, 403, 404, 403, 403, 403, 403, 403, 403]],
      ['invoice-decision', () => ({ approve: true }), [409, 403, 404, 403, 403, 403, 403, 403, 403]],
      ['schedule', () => ({ at: inAWeek() }), [409, 404, 403, 404, 403, 403, 403, 404, 403]],
      ['access-refused', () => ({ note: 'matrix' }), [409, 404, 403, 403, 403, 403, 403, 404, 403]],
      ['reopen', () => ({ reason: 'still dripping' }), [409, 404, 403, 404, 403, 403, 403, 403, 403]],
      ['cancel', () => ({ reason: 'matrix' }), [409, 404, 403, 404, 403, 403, 403, 403, 403]],
      ['rating', () => ({ stars: 5 }), [403, 404, 403, 404, 403, 403, 403, 403, 403]],
      ['respond', () => ({ accept: true }), [403, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['quote', () => ({ amountMinor: 20_000 }), [403, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['start', () => ({}), [403, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['completion', () => ({ notes: 'replaced the washer', materialsMinor: 500, labourMinor: 9_500 }), [403, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['invoice', () => ({ amountMinor: 10_000, reference: 'INV-MATRIX' }), [403, 403, 403, 403, 403, 403, 403, 404, 403]],
    ] as const
  ).map(([action, body, statuses]): Row => ({
    route: `POST /v1/work-orders/{id}/${action} (someone else's cancelled work order)`,
    call: onCancelled(action, body),
    expect: [...statuses, 401, 401, 401],
  })),
  {
    // The work order merged into must be an open one of the same property: checked before the workflow is asked.
    route: 'POST /v1/work-orders/{id}/merge (someone else\'s cancelled work order, into one that does not exist)',
    call: onCancelled('merge', () => ({ intoWorkOrderId: randomUUID() })),
    expect: [422, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
    field: 'intoWorkOrderId',
  },
  {
    route: 'POST /v1/contractors',
    call: async (t) => req('/v1/contractors', t, { method: 'POST', json: contractorBody((await h.user(['contractor'], `matrix-crew-${++seq}`)).id) }),
    expect: [201, 201, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/contractors',
    call: (t) => req('/v1/contractors?trade=plumbing&limit=5', t),
    expect: [200, 200, 200, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    // The directory is the managers', owners' and staff's; a contractor reads only their own entry.
    route: 'GET /v1/contractors/{id} (someone else\'s entry)',
    call: (t) => req(`/v1/contractors/${directoryContractor.id}`, t),
    expect: [200, 200, 200, 403, 403, 403, 403, 404, 200, 401, 401, 401],
  },
  {
    route: 'POST /v1/contractors/{id}/documents (someone else\'s entry)',
    call: (t) => req(`/v1/contractors/${directoryContractor.id}/documents`, t, { method: 'POST', json: { kind: 'tax_form_w9', reference: `W9-${++seq}` } }),
    expect: [201, 201, 403, 403, 403, 403, 403, 404, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/contractors/me/work-orders',
    call: (t) => req('/v1/contractors/me/work-orders?limit=5', t),
    expect: [403, 403, 403, 403, 403, 403, 403, 200, 403, 401, 401, 401],
  },
  {
    // Anyone signed in may upload (a tenant's photo of a leak, a contractor's certificate).
    route: 'POST /v1/uploads',
    call: (t) => req('/v1/uploads', t, { method: 'POST', body: MATRIX_PDF, headers: { 'content-type': 'application/pdf' } }),
    expect: [201, 201, 201, 201, 201, 201, 201, 201, 201, 401, 401, 401],
  },
  {
    // The uploader, staff and managers read an upload; nobody else learns it exists.
    route: "GET /v1/uploads/{id} (the seller's upload)",
    call: async (t) => req(`/v1/uploads/${await matrixUpload()}`, t),
    expect: [200, 200, 404, 404, 404, 200, 404, 404, 200, 401, 401, 401],
  },
  {
    route: "GET /v1/uploads/{id}/content (the seller's upload)",
    call: async (t) => req(`/v1/uploads/${await matrixUpload()}/content`, t),
    expect: [200, 200, 404, 404, 404, 200, 404, 404, 200, 401, 401, 401],
    contentType: /^application\/pdf/,
  },
  // ---------------------------------------------------------------- books and reports
  {
    // The property's manager or an admin enters a bill; the matrix's manager manages another property.
    route: 'POST /v1/bills',
    call: (t) => req('/v1/bills', t, { method: 'POST', json: matrixBillBody(), headers: { 'idempotency-key': `bill-${++seq}` } }),
    expect: [201, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/bills',
    call: (t) => req('/v1/bills?limit=5', t),
    expect: [200, 200, 200, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: "GET /v1/bills/{id} (someone else's property's bill)",
    call: async (t) => req(`/v1/bills/${await matrixBill()}`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    // An owner of the property (or an admin) approves; the matrix's owner owns another.
    route: "POST /v1/bills/{id}/approval (someone else's property's bill)",
    call: async (t) => req(`/v1/bills/${await matrixBill()}/approval`, t, { method: 'POST' }),
    expect: [200, 403, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: "POST /v1/bills/{id}/payment (someone else's property's approved bill)",
    call: async (t) => req(`/v1/bills/${await matrixBill(true)}/payment`, t, { method: 'POST', json: { paidOn: today(), method: 'transfer' } }),
    expect: [200, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: "POST /v1/bills/{id}/void (someone else's property's bill)",
    call: async (t) => req(`/v1/bills/${await newMatrixBill()}/void`, t, { method: 'POST', json: { reason: 'matrix' } }),
    expect: [200, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: "POST /v1/management-agreements (someone else's property)",
    call: (t) =>
      req('/v1/management-agreements', t, {
        method: 'POST',
        json: { propertyId: property.id, feeBps: 800, reserve: { amountMinor: 0, currency: 'USD' }, approvalThreshold: { amountMinor: 0, currency: 'USD' }, startsOn: `20${String(10 + (++seq % 80)).padStart(2, '0')}-01-01` },
      }),
    expect: [201, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: "GET /v1/management-agreements (someone else's property)",
    call: (t) => req(`/v1/management-agreements?propertyId=${property.id}`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: "PUT /v1/properties/{id}/owners (someone else's property)",
    call: (t) => req(`/v1/properties/${property.id}/owners`, t, { method: 'PUT', json: { owners: [{ ownerId: propertyOwner.id, shareBps: 10_000 }] } }),
    expect: [200, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: "POST /v1/owners/{id}/contributions (someone else's property)",
    call: (t) =>
      req(`/v1/owners/${propertyOwner.id}/contributions`, t, {
        method: 'POST',
        json: { propertyId: property.id, amount: { amountMinor: 1_000, currency: 'USD' }, receivedOn: today() },
        headers: { 'idempotency-key': `contribution-${++seq}` },
      }),
    expect: [201, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // Scoped to what each may see: a manager or owner of nothing gets an empty roll; a tenant only their lease's ledger.
    route: 'GET /v1/reports/{kind}',
    call: (t) => req('/v1/reports/rent-roll', t),
    expect: [200, 200, 200, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: "GET /v1/owners/{id}/statements (someone else's)",
    call: (t) => req(`/v1/owners/${propertyOwner.id}/statements`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    route: "GET /v1/owners/{id}/statements/{month} (someone else's)",
    call: (t) => req(`/v1/owners/${propertyOwner.id}/statements/2026-01`, t),
    expect: [200, 404, 404, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  {
    // No reports worker runs here: the run is started (or, asked again, answered) and terminated at the end.
    route: 'POST /v1/report-runs',
    call: (t) => req('/v1/report-runs', t, { method: 'POST', json: { kind: 'rent-roll', period: '2026-01-01' } }),
    expect: [202, 403, 403, 403, 403, 403, 403, 403, 202, 401, 401, 401],
  },
  {
    route: 'GET /v1/report-runs/{workflowId} (no such run)',
    call: (t) => req(`/v1/report-runs/no-such-run-${randomUUID()}`, t),
    expect: [404, 403, 403, 403, 403, 403, 403, 403, 404, 401, 401, 401],
  },
  {
    route: 'GET /v1/report-runs',
    call: (t) => req('/v1/report-runs', t),
    expect: [200, 403, 403, 403, 403, 403, 403, 403, 200, 401, 401, 401],
  },
  // ---------------------------------------------------------------- inspections
  {
    // The property's manager or an admin schedules one; the matrix's manager manages another property.
    route: 'POST /v1/inspections (someone else\'s property)',
    call: async (t) => {
      const { propertyId } = await matrixInspections();
      const res = await req('/v1/inspections', t, { method: 'POST', json: { propertyId, kind: 'periodic', inspectorId: as.inspector.id, slotAt: inAWeek() } });
      if (res.status === 202) inspections.push(((await res.clone().json()) as { inspectionId: string }).inspectionId);
      return res;
    },
    expect: [202, 404, 403, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/inspections',
    call: (t) => req('/v1/inspections?limit=5', t),
    expect: [200, 200, 200, 200, 403, 403, 200, 403, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/inspections/{id} (someone else\'s)',
    call: async (t) => req(`/v1/inspections/${(await matrixInspections()).reported}`, t),
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/inspections/{id}/documents/{documentId} (someone else\'s report)',
    call: async (t) => {
      const { reported, documentId } = await matrixInspections();
      return req(`/v1/inspections/${reported}/documents/${documentId}`, t);
    },
    expect: [200, 404, 404, 404, 404, 404, 404, 404, 200, 401, 401, 401],
    contentType: /^application\/pdf/,
  },
  // The Updates, on someone else's cancelled inspection: an admin acts as staff where the route admits admins and the
  // finished workflow refuses (409) — a move-out's deductions are refused first, the inspection being periodic; roles a
  // route admits see nothing (404); the rest may never call it (403).
  ...(
    [
      ['reschedule', () => ({ at: inAWeek() }), [409, 404, 403, 403, 403, 403, 404, 403, 403]],
      ['missed', () => ({ reason: 'nobody home' }), [403, 404, 403, 403, 403, 403, 404, 403, 403]],
      ['cancel', () => ({ reason: 'matrix' }), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['report', () => reportBody('periodic'), [403, 403, 403, 403, 403, 403, 404, 403, 403]],
      ['reinspection', () => ({ results: [{ workOrderId: randomUUID(), passed: true }] }), [403, 403, 403, 403, 403, 403, 404, 403, 403]],
      ['move-out-deductions', () => ({}), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
    ] as const
  ).map(([action, body, statuses]): Row => ({
    route: `POST /v1/inspections/{id}/${action} (someone else's cancelled inspection)`,
    call: onCancelledInspection(action, body),
    expect: [...statuses, 401, 401, 401],
  })),
  // ---------------------------------------------------------------- construction projects
  {
    // The site's owner or manager (or an admin) sets one up; the matrix's owner and manager have nothing to do with it.
    route: 'POST /v1/projects (on someone else\'s property)',
    call: (t) => req('/v1/projects', t, { method: 'POST', json: projectBody() }),
    expect: [202, 404, 404, 403, 403, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    route: 'GET /v1/projects',
    call: (t) => req('/v1/projects?limit=5', t),
    expect: [200, 200, 200, 403, 403, 403, 200, 200, 200, 401, 401, 401],
  },
  {
    // Inspectors inspect any project's work: they see every project.
    route: 'GET /v1/projects/{id} (someone else\'s)',
    call: async (t) => req(`/v1/projects/${(await matrixProject()).id}`, t),
    expect: [200, 404, 404, 404, 404, 404, 200, 404, 200, 401, 401, 401],
  },
  {
    route: 'GET /v1/projects/{id}/documents/{documentId} (someone else\'s change order)',
    call: async (t) => {
      const { id, documentId } = await matrixProject();
      return req(`/v1/projects/${id}/documents/${documentId}`, t);
    },
    expect: [200, 404, 404, 404, 404, 404, 200, 404, 200, 401, 401, 401],
    contentType: /^application\/pdf/,
  },
  // The Updates, on someone else's project: an admin acts as staff, and what the body asks the workflow refuses (409)
  // (a permit is simply recorded: 200); an inspector sees every project, so on the inspection routes the workflow
  // answers them too; roles a route admits see nothing (404); the rest may never call it (403).
  ...(
    [
      ['commitments', () => ({ contractorId: as.contractor.id, description: 'x', originalContractSumMinor: 100, scheduleOfValues: [{ itemNo: '1', description: 'x', scheduledValueMinor: 100, costCode: '06-100' }], milestones: [{ milestoneId: `m-${++seq}`, name: 'half', plannedOn: inDays(30), shareBasisPoints: 5_000 }] }), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['change-orders', () => ({ commitmentId: 'nope', scope: 'x', lines: [{ itemNo: '1', changeMinor: 100 }], approveBy: inDays(5) }), [409, 404, 403, 403, 403, 403, 403, 404, 403]],
      ['pay-applications', () => ({ commitmentId: 'nope', periodTo: today(), lines: [{ itemNo: '1', workThisPeriodMinor: 100 }] }), [409, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['pay-application-submissions', () => ({ commitmentId: 'nope', applicationNo: 1 }), [409, 403, 403, 403, 403, 403, 403, 404, 403]],
      ['pay-application-reviews', () => ({ commitmentId: 'nope', applicationNo: 1, decision: 'approve' }), [409, 404, 404, 403, 403, 403, 403, 403, 403]],
      ['milestone-inspections', () => ({ commitmentId: 'nope', inspectedOn: today(), observedBasisPoints: { '1': 5_000 } }), [409, 404, 403, 403, 403, 403, 409, 403, 403]],
      ['lien-waivers', () => ({ commitmentId: 'nope', kind: 'conditional', applicationNo: 1 }), [409, 404, 403, 403, 403, 403, 403, 404, 403]],
      ['permits', () => ({ name: 'Matrix permit', status: 'applied' }), [200, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['substantial-completion', () => ({ on: inDays(30) }), [409, 404, 403, 403, 403, 403, 403, 403, 403]],
      ['final-inspections', () => ({ inspectedOn: today(), passed: true }), [409, 404, 403, 403, 403, 403, 409, 403, 403]],
    ] as const
  ).map(([action, body, statuses]): Row => ({
    route: `POST /v1/projects/{id}/${action} (someone else's project)`,
    call: onProject(action, body),
    expect: [...statuses, 401, 401, 401],
  })),
  {
    route: 'GET /healthz',
    call: (t) => req('/healthz', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    route: 'GET /readyz',
    call: (t) => req('/readyz', t),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
];

const operationOf = (route: string) => route.split(' (')[0]!;

const CELLS = ROWS.flatMap((row) => CALLERS.map((caller, i) => [row.route, caller, row.expect[i]!, row] as const));

test('the table has one expectation per caller in every row, and covers every documented operation', () => {
  expect(ROWS.filter((r) => r.expect.length !== CALLERS.length).map((r) => r.route)).toEqual([]);
  const documented = operationsOf(doc).map((o) => o.key).sort();
  expect([...new Set(ROWS.map((r) => operationOf(r.route)))].sort()).toEqual(documented);
});

describe('the role matrix', () => {
  test.each(CELLS)('%s as %s → %i', async (_route, caller, status, row) => {
    const res = await row.call(tokens[caller]);
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
    const contentType = res.headers.get('content-type') ?? '';
    if (status < 300) {
      expect(contentType).toMatch(row.contentType ?? /^application\/json/);
      return;
    }
    expect(contentType).toMatch(/^application\/problem\+json/);
    const p = JSON.parse(text) as ProblemBody;
    expect(p.status).toBe(status);
    const kinds: Record<number, string> = { 400: 'bad-signature', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'invalid-state', 422: 'validation-error' };
    expect(problemKind(p)).toBe(kinds[status]);
    if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    if (status === 422) expect(errorFields(p)).toEqual([row.field]);
  });
});

describe('refused credentials', () => {
  const claims = (extra: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub: randomUUID(), roles: ['admin'], iat: now, exp: now + 600, ...extra };
  };
  test.each<[string, () => Promise<string>]>([
    ['a Basic scheme', async () => 'Basic YWRtaW46YWRtaW4='],
    ['"Bearer" without a token', async () => 'Bearer'],
    ['a token that is not a JWT', async () => 'Bearer not.a.jwt'],
    ['a token signed with another secret', async () => `Bearer ${tokens['wrong secret']}`],
    ['an expired token', async () => `Bearer ${tokens.expired}`],
    ['a token without roles', async () => `Bearer ${await sign(claims({ roles: undefined }), h.config.api.jwtSecret, 'HS256')}`],
    ['a token with an unknown role', async () => `Bearer ${await sign(claims({ roles: ['superuser'] }), h.config.api.jwtSecret, 'HS256')}`],
    ['a token whose sub is not a user id', async () => `Bearer ${await sign(claims({ sub: 'root' }), h.config.api.jwtSecret, 'HS256')}`],
    ['an HS512 token with the right secret', async () => `Bearer ${await sign(claims({}), h.config.api.jwtSecret, 'HS512')}`],
  ])('%s is 401', async (_what, header) => {
    const res = await h.request('/v1/me', { headers: { authorization: await header() } });
    const p = await expectProblem(res, 401, 'unauthorized');
    expect(p.detail).toBeTruthy();
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('the scheme name is case-insensitive', async () => {
    const res = await h.request('/v1/me', { headers: { authorization: `bearer ${as.buyer.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userId: string }).userId).toBe(as.buyer.id);
  });
});

// ------------------------------------------------------------------------------------------------
// Whose resource it is.

describe('resource ownership', () => {
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
    return JSON.parse(text) as T;
  };

  test.each<[string, () => User, () => { path: string; method?: string; json?: unknown }, number]>([
    ['the owner reads their property', () => propertyOwner, () => ({ path: `/v1/properties/${property.id}` }), 200],
    ['the owner changes their property', () => propertyOwner, () => ({ path: `/v1/properties/${property.id}`, method: 'PATCH', json: { zoningCode: 'RL' } }), 200],
    ['the owner adds a unit to their property', () => propertyOwner, () => ({ path: `/v1/properties/${property.id}/units`, method: 'POST', json: { label: `O${++seq}` } }), 201],
    ['another owner reads it', () => otherOwner, () => ({ path: `/v1/properties/${property.id}` }), 404],
    ['another owner changes it', () => otherOwner, () => ({ path: `/v1/properties/${property.id}`, method: 'PATCH', json: { zoningCode: 'C' } }), 404],
    ['another owner lists its units', () => otherOwner, () => ({ path: `/v1/properties/${property.id}/units` }), 404],
    ['its manager reads it', () => propertyManager, () => ({ path: `/v1/properties/${property.id}` }), 200],
    ['its manager changes it', () => propertyManager, () => ({ path: `/v1/properties/${property.id}`, method: 'PATCH', json: { neighborhood: 'Somerset' } }), 200],
    ['its manager adds a unit', () => propertyManager, () => ({ path: `/v1/properties/${property.id}/units`, method: 'POST', json: { label: `G${++seq}` } }), 201],
    ['its manager lists its units', () => propertyManager, () => ({ path: `/v1/properties/${property.id}/units` }), 200],
    ['the owner reads a unit of their property', () => propertyOwner, () => ({ path: `/v1/properties/${property.id}/units/${unit.id}` }), 200],
    ['its manager reads a unit', () => propertyManager, () => ({ path: `/v1/properties/${property.id}/units/${unit.id}` }), 200],
    ['another owner reads a unit of it', () => otherOwner, () => ({ path: `/v1/properties/${property.id}/units/${unit.id}` }), 404],
    ['another owner reads the unit through their own property', () => otherOwner, () => ({ path: `/v1/properties/${otherProperty.id}/units/${unit.id}` }), 404],
    ['another manager reads it', () => otherManager, () => ({ path: `/v1/properties/${property.id}` }), 404],
    ['another manager changes it', () => otherManager, () => ({ path: `/v1/properties/${property.id}`, method: 'PATCH', json: { neighborhood: 'X' } }), 404],
    ['the owner reads their draft listing', () => propertyOwner, () => ({ path: `/v1/listings/${draftListing.id}` }), 200],
    ['the property\'s manager reads the draft listing', () => propertyManager, () => ({ path: `/v1/listings/${draftListing.id}` }), 200],
    ['a buyer reads the draft listing', () => as.buyer, () => ({ path: `/v1/listings/${draftListing.id}` }), 404],
    ['another owner reads the draft listing', () => otherOwner, () => ({ path: `/v1/listings/${draftListing.id}` }), 404],
    ['the owner changes their listing', () => propertyOwner, () => ({ path: `/v1/listings/${activeListing.id}`, method: 'PATCH', json: { features: ['porch'] } }), 200],
    ['the property\'s manager changes the listing', () => propertyManager, () => ({ path: `/v1/listings/${draftListing.id}`, method: 'PATCH', json: { description: 'by the manager' } }), 200],
    ['another owner changes the draft listing', () => otherOwner, () => ({ path: `/v1/listings/${draftListing.id}`, method: 'PATCH', json: { description: 'x' } }), 404],
    ['the owner lists their property\'s listings', () => propertyOwner, () => ({ path: `/v1/listings?propertyId=${property.id}` }), 200],
    ['the owner lists a unit-less listing for their property', () => propertyOwner, () => ({ path: '/v1/listings', method: 'POST', json: { propertyId: property.id, purpose: 'rent', price: { amountMinor: 200_000, currency: 'USD' } } }), 201],
    ['the property\'s manager lists it', () => propertyManager, () => ({ path: '/v1/listings', method: 'POST', json: { propertyId: property.id, purpose: 'sale', price: { amountMinor: 30_000_000, currency: 'USD' } } }), 201],
    ['another owner lists it', () => otherOwner, () => ({ path: '/v1/listings', method: 'POST', json: { propertyId: property.id, purpose: 'sale', price: { amountMinor: 1, currency: 'USD' } } }), 422],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body } = what();
    const res = await h.request(path, { method, json: body, token: who().token });
    if (status >= 400) {
      const p = await expectProblem(res, status);
      if (status === 404) expect(problemKind(p)).toBe('not-found');
      if (status === 422) expect(errorFields(p)).toEqual(['propertyId']);
    } else {
      await json(res, status);
    }
  });

  test('lists are scoped: an owner sees their properties, a manager the ones they manage, ops all', async () => {
    const ids = async (u: User) => (await json<{ items: { id: string }[] }>(await h.request('/v1/properties?limit=100', { token: u.token }), 200)).items.map((p) => p.id);
    expect(await ids(propertyOwner)).toContain(property.id);
    expect(await ids(propertyOwner)).not.toContain(otherProperty.id);
    // (The inspection rows give propertyOwner and propertyManager a second property: containment, not equality.)
    expect(await ids(propertyManager)).toContain(property.id);
    expect(await ids(propertyManager)).not.toContain(otherProperty.id);
    expect(await ids(otherOwner)).toContain(otherProperty.id);
    expect(await ids(otherOwner)).not.toContain(property.id);
    expect(await ids(otherManager)).toEqual([]);
    const all = await json<{ items: unknown[] }>(await h.request('/v1/properties?limit=1', { token: as.ops.token }), 200);
    expect(all.items).toHaveLength(1);
  });

  test('listing lists are scoped too: the owner sees the draft, another owner does not', async () => {
    const ids = async (u: User) =>
      (await json<{ items: { id: string }[] }>(await h.request(`/v1/listings?propertyId=${property.id}&limit=100`, { token: u.token }), 200)).items.map((l) => l.id);
    expect(await ids(propertyOwner)).toEqual(expect.arrayContaining([draftListing.id, activeListing.id]));
    expect(await ids(propertyManager)).toEqual(expect.arrayContaining([draftListing.id, activeListing.id]));
    expect(await ids(otherOwner)).toEqual([]);
  });

  test('an owner registering a property owns it; a manager registering one manages it', async () => {
    const mine = await json<{ ownerId: string; managerId: string | null }>(
      await h.request('/v1/properties', { method: 'POST', token: otherOwner.token, json: propertyBody() }),
      201,
    );
    expect(mine).toMatchObject({ ownerId: otherOwner.id, managerId: null });
    const managed = await json<{ ownerId: string; managerId: string | null }>(
      await h.request('/v1/properties', { method: 'POST', token: otherManager.token, json: propertyBody({ ownerId: otherOwner.id }) }),
      201,
    );
    expect(managed).toMatchObject({ ownerId: otherOwner.id, managerId: otherManager.id });
    const p = await expectProblem(
      await h.request('/v1/properties', { method: 'POST', token: otherManager.token, json: propertyBody({ ownerId: otherOwner.id, managerId: propertyManager.id }) }),
      422,
    );
    expect(errorFields(p)).toEqual(['managerId']);
  });

  test('nobody becomes a property\'s owner or manager without the role, the caller included', async () => {
    const before = async (u: User) => (await json<{ items: unknown[] }>(await h.request('/v1/properties?limit=100', { token: u.token }), 200)).items.length;
    const managerCount = await before(otherManager);
    // A manager (not an owner) naming themself as the owner.
    const selfOwned = await expectProblem(
      await h.request('/v1/properties', { method: 'POST', token: otherManager.token, json: propertyBody({ ownerId: otherManager.id }) }),
      422,
      'validation-error',
    );
    expect(errorFields(selfOwned)).toEqual(['ownerId']);
    expect(await before(otherManager)).toBe(managerCount);
    // An owner (not a manager) naming themself as the manager of their own property.
    const selfManaged = await expectProblem(
      await h.request('/v1/properties', { method: 'POST', token: otherOwner.token, json: propertyBody({ managerId: otherOwner.id }) }),
      422,
      'validation-error',
    );
    expect(errorFields(selfManaged)).toEqual(['managerId']);
    // Holding both roles, one may be both.
    const both = await h.user(['owner', 'manager'], 'owner-and-manager');
    const mine = await json<{ ownerId: string; managerId: string | null }>(
      await h.request('/v1/properties', { method: 'POST', token: both.token, json: propertyBody({ ownerId: both.id, managerId: both.id }) }),
      201,
    );
    expect(mine).toMatchObject({ ownerId: both.id, managerId: both.id });
  });

  test('PATCH exempts nobody either: the owner cannot make themself manager without the role, the manager cannot take ownership', async () => {
    const p = await expectProblem(
      await h.request(`/v1/properties/${property.id}`, { method: 'PATCH', token: propertyOwner.token, json: { managerId: propertyOwner.id } }),
      422,
      'validation-error',
    );
    expect(errorFields(p)).toEqual(['managerId']);
    // `ownerId` is not a field of the change: it is ignored, and the property keeps its owner.
    const changed = await json<{ ownerId: string; managerId: string | null }>(
      await h.request(`/v1/properties/${property.id}`, { method: 'PATCH', token: propertyManager.token, json: { ownerId: propertyManager.id, neighborhood: 'Somerset' } }),
      200,
    );
    expect(changed).toMatchObject({ ownerId: propertyOwner.id, managerId: propertyManager.id });
  });

  test('withdrawing a listing makes it private again', async () => {
    const l = await createListing(h, propertyOwner.token, property.id, { status: 'active' });
    expect((await h.request(`/v1/listings/${l.id}`, { token: as.buyer.token })).status).toBe(200);
    await json(await h.request(`/v1/listings/${l.id}`, { method: 'PATCH', token: propertyOwner.token, json: { status: 'withdrawn' } }), 200);
    await expectProblem(await h.request(`/v1/listings/${l.id}`, { token: as.buyer.token }), 404, 'not-found');
    expect((await h.request(`/v1/listings/${l.id}`, { token: as.ops.token })).status).toBe(200);
  });

  test.each(ROLE_CALLERS.map((r) => [r]))('a %s reads their own user record', async (role) => {
    const me = as[role];
    const u = await json<{ id: string; roles: string[] }>(await h.request(`/v1/users/${me.id}`, { token: me.token }), 200);
    expect(u).toMatchObject({ id: me.id, roles: [role] });
  });

  test('staff reading is not staff writing: ops + owner may read someone else\'s property but not change it (403)', async () => {
    const dual = await h.user(['ops', 'owner'], 'ops-and-owner');
    await json(await h.request(`/v1/properties/${property.id}`, { token: dual.token }), 200);
    await expectProblem(
      await h.request(`/v1/properties/${property.id}`, { method: 'PATCH', token: dual.token, json: { bedrooms: 1 } }),
      403,
      'forbidden',
    );
    await expectProblem(
      await h.request(`/v1/listings/${draftListing.id}`, { method: 'PATCH', token: dual.token, json: { description: 'ops edit' } }),
      403,
      'forbidden',
    );
  });

  test('a user may hold several roles: tenant + owner may register a property', async () => {
    const both = await h.user(['tenant', 'owner'], 'tenant-and-owner');
    const p = await created<{ id: string; ownerId: string }>(
      await h.request('/v1/properties', { method: 'POST', token: both.token, json: propertyBody() }),
      'property',
    );
    expect(p.ownerId).toBe(both.id);
  });
});

describe('lease ownership', () => {
  const pay = () => ({ method: 'POST', json: { amountMinor: 1_000, method: 'cash', receivedOn: today() }, headers: { 'idempotency-key': `own-${++seq}` } });
  test.each<[string, () => User, () => { path: string; method?: string; json?: unknown; headers?: Record<string, string> }, number]>([
    ['the lease\'s tenant reads it', () => leaseTenant, () => ({ path: `/v1/leases/${reviewLease}` }), 200],
    ['the lease\'s tenant reads its ledger', () => leaseTenant, () => ({ path: `/v1/leases/${reviewLease}/ledger` }), 200],
    ['the lease\'s tenant lists its documents', () => leaseTenant, () => ({ path: `/v1/leases/${signingLease}/documents` }), 200],
    ['the lease\'s tenant downloads its agreement', () => leaseTenant, () => ({ path: `/v1/documents/${agreementId}` }), 200],
    ['the property\'s owner reads it', () => propertyOwner, () => ({ path: `/v1/leases/${reviewLease}` }), 200],
    ['the property\'s manager reads it', () => propertyManager, () => ({ path: `/v1/leases/${reviewLease}` }), 200],
    ['the property\'s manager records a payment (not active yet: 409)', () => propertyManager, () => ({ path: `/v1/leases/${reviewLease}/payments`, ...pay() }), 409],
    ['another owner reads it', () => otherOwner, () => ({ path: `/v1/leases/${reviewLease}` }), 404],
    ['another manager records a payment', () => otherManager, () => ({ path: `/v1/leases/${reviewLease}/payments`, ...pay() }), 404],
    ['another owner downloads its agreement', () => otherOwner, () => ({ path: `/v1/documents/${agreementId}` }), 404],
    ['another owner offers a lease on the property', () => otherOwner, () => ({ path: '/v1/leases', method: 'POST', json: leaseBody(property.id, [leaseTenant.id]) }), 422],
    ['the property\'s manager offers a lease to a non-tenant', () => propertyManager, () => ({ path: '/v1/leases', method: 'POST', json: leaseBody(property.id, [as.buyer.id]) }), 422],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body, headers } = what();
    const res = await h.request(path, { method, json: body, headers, token: who().token });
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
  });

  test('staff reading is not managing: ops + owner may read someone else\'s lease but not decide on it (403)', async () => {
    const dual = await h.user(['ops', 'owner'], 'ops-and-owner-lease');
    expect((await h.request(`/v1/leases/${reviewLease}`, { token: dual.token })).status).toBe(200);
    await expectProblem(
      await h.request(`/v1/leases/${reviewLease}/screening-decision`, { method: 'POST', token: dual.token, json: { decision: 'approve', reason: 'x' } }),
      403,
      'forbidden',
    );
  });
});

describe('purchase ownership', () => {
  const titleRecord = () => ({ kind: 'encumbrance', instrument: `OWN-${RUN}-${++seq}`, recordedOn: '1998-04-01', type: 'easement', description: 'Drainage easement', blocksTransfer: false });
  test.each<[string, () => User, () => { path: string; method?: string; json?: unknown }, number]>([
    ['the purchase\'s buyer reads it', () => purchaseBuyer, () => ({ path: `/v1/purchases/${openPurchase}` }), 200],
    ['the property\'s owner (the seller) reads it', () => propertyOwner, () => ({ path: `/v1/purchases/${openPurchase}` }), 200],
    ['the property\'s manager (the seller\'s broker) reads it', () => propertyManager, () => ({ path: `/v1/purchases/${openPurchase}` }), 200],
    ['another owner reads it', () => otherOwner, () => ({ path: `/v1/purchases/${openPurchase}` }), 404],
    ['the seller sees the offers on their listing', () => propertyOwner, () => ({ path: `/v1/listings/${openListing.id}/offers` }), 200],
    ['the broker sees them', () => propertyManager, () => ({ path: `/v1/listings/${openListing.id}/offers` }), 200],
    ['the buyer does not see the offers on the listing', () => purchaseBuyer, () => ({ path: `/v1/listings/${openListing.id}/offers` }), 404],
    ['the buyer downloads their purchase agreement', () => purchaseBuyer, () => ({ path: `/v1/purchases/${contractPurchase}/documents/${purchaseAgreement}` }), 200],
    ['another manager downloads it', () => otherManager, () => ({ path: `/v1/purchases/${contractPurchase}/documents/${purchaseAgreement}` }), 404],
    ['the broker acts as staff: approves the agreement on the checklist', () => propertyManager, () => ({ path: `/v1/purchases/${contractPurchase}/document-reviews`, method: 'POST', json: { kind: 'purchase_agreement', decision: 'approve' } }), 200],
    ['the buyer may not review documents', () => purchaseBuyer, () => ({ path: `/v1/purchases/${contractPurchase}/document-reviews`, method: 'POST', json: { kind: 'purchase_agreement', decision: 'approve' } }), 403],
    ['the seller may not pay the earnest money', () => propertyOwner, () => ({ path: `/v1/purchases/${contractPurchase}/earnest-money`, method: 'POST', json: { paymentMethod: { customerId: 'cus_none', paymentMethodId: 'pm_none' } } }), 403],
    ['the seller may not walk away under the contract (the buyer\'s right)', () => propertyOwner, () => ({ path: `/v1/purchases/${contractPurchase}/termination`, method: 'POST', json: { reason: 'changed my mind' } }), 403],
    ['the broker enters a title record of the property', () => propertyManager, () => ({ path: `/v1/properties/${property.id}/title-records`, method: 'POST', json: titleRecord() }), 201],
    ['another manager enters one', () => otherManager, () => ({ path: `/v1/properties/${property.id}/title-records`, method: 'POST', json: titleRecord() }), 403],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body } = what();
    const res = await h.request(path, { method, json: body, token: who().token });
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
  });

  test('a buyer\'s list holds their purchases, not the competing buyers\'', async () => {
    const ids = async (u: User) => ((await (await h.request('/v1/purchases?limit=200', { token: u.token })).json()) as { purchases: { purchaseId: string }[] }).purchases.map((p) => p.purchaseId);
    expect(await ids(purchaseBuyer)).toEqual(expect.arrayContaining([openPurchase, contractPurchase]));
    expect(await ids(propertyOwner)).toEqual(expect.arrayContaining([openPurchase, contractPurchase]));
    expect(await ids(as.buyer)).not.toContain(openPurchase);
    expect(await ids(otherOwner)).toEqual([]);
  });
});

describe('work order ownership', () => {
  type Call = { path: string; method?: string; json?: unknown };
  let otherUnit: Promise<{ id: string }> | undefined;
  const unitNotRented = () => (otherUnit ??= (async () => created<{ id: string }>(await req(`/v1/properties/${property.id}/units`, propertyOwner.token, { method: 'POST', json: { label: `W${++seq}` } }), 'unit'))());

  test.each<[string, () => User, () => Promise<Call>, number]>([
    ['the requester reads it', () => woTenant, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}` }), 200],
    ['the property\'s owner reads it', () => propertyOwner, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}` }), 200],
    ['the property\'s manager reads it', () => propertyManager, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}` }), 200],
    ['another owner reads it', () => otherOwner, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}` }), 404],
    ['another manager reads it', () => otherManager, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}` }), 404],
    ['another manager cancels it', () => otherManager, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}/cancel`, method: 'POST', json: { reason: 'not mine' } }), 404],
    ['the property\'s owner may not triage it (the manager\'s step)', () => propertyOwner, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}/triage`, method: 'POST', json: { priority: 'routine', category: 'plumbing' } }), 403],
    ['its requester may not triage it', () => woTenant, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}/triage`, method: 'POST', json: { priority: 'emergency', category: 'plumbing' } }), 403],
    ['the property\'s manager may not answer for the contractor', () => propertyManager, async () => ({ path: `/v1/work-orders/${tenantWorkOrder}/respond`, method: 'POST', json: { accept: true } }), 403],
    ['the tenant raises a request for a unit they do not rent', () => woTenant, async () => ({ path: '/v1/maintenance-requests', method: 'POST', json: requestBody({ unitId: (await unitNotRented()).id }) }), 403],
    ['a tenant whose lease there is not active raises one', () => leaseTenant, async () => ({ path: '/v1/maintenance-requests', method: 'POST', json: requestBody() }), 404],
    ['a contractor reads their own directory entry', () => directoryContractor, async () => ({ path: `/v1/contractors/${directoryContractor.id}` }), 200],
    ['a contractor files their own document', () => directoryContractor, async () => ({ path: `/v1/contractors/${directoryContractor.id}/documents`, method: 'POST', json: { kind: 'tax_form_w9' } }), 201],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body } = await what();
    // Raising goes to this file's operations queue, like every request the matrix raises.
    const res = await requestVia(opsApp(), path, { method, json: body, token: who().token });
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
    if (res.status === 202) workOrders.push((JSON.parse(text) as { workOrderId: string }).workOrderId);
  });

  test('lists are scoped: the requester and the property\'s owner see the request, another owner does not', async () => {
    const ids = async (u: User, path: string) => ((await (await h.request(path, { token: u.token })).json()) as { items: { workOrderId: string }[] }).items.map((w) => w.workOrderId);
    // Lists read the row the workflow writes.
    await eventually(async () => (await workOrderStatus(tenantWorkOrder)) !== undefined, 60_000, 'the request recorded');
    expect(await ids(woTenant, '/v1/work-orders?limit=100')).toContain(tenantWorkOrder);
    expect(await ids(woTenant, '/v1/maintenance-requests?limit=100')).toContain(tenantWorkOrder);
    expect(await ids(propertyOwner, '/v1/maintenance-requests?limit=100')).toContain(tenantWorkOrder);
    expect(await ids(propertyManager, `/v1/work-orders?propertyId=${property.id}&limit=100`)).toEqual(expect.arrayContaining([tenantWorkOrder, cancelledWorkOrder]));
    expect(await ids(otherOwner, '/v1/work-orders?limit=100')).toEqual([]);
    expect(await ids(as.tenant, '/v1/maintenance-requests?limit=100')).toEqual([]);
    expect(await ids(directoryContractor, '/v1/contractors/me/work-orders?limit=100')).toEqual([]);
  });
});

describe('inspection ownership', () => {
  type Call = { path: string; method?: string; json?: unknown };
  const on = async (action = '') => `/v1/inspections/${(await matrixInspections()).reported}${action}`;

  test.each<[string, () => User, () => Promise<Call>, number]>([
    ['its inspector reads it', () => inspectionInspector, async () => ({ path: await on() }), 200],
    ['the property\'s manager reads it', () => propertyManager, async () => ({ path: await on() }), 200],
    ['the property\'s owner reads it', () => propertyOwner, async () => ({ path: await on() }), 200],
    ['the property\'s owner reads its report', () => propertyOwner, async () => ({ path: await on(`/documents/${(await matrixInspections()).documentId}`) }), 200],
    ['another owner reads it', () => otherOwner, async () => ({ path: await on() }), 404],
    ['another manager reads it', () => otherManager, async () => ({ path: await on() }), 404],
    ['another manager reschedules it', () => otherManager, async () => ({ path: await on('/reschedule'), method: 'POST', json: { at: inAWeek() } }), 404],
    ['another inspector reports on it', () => as.inspector, async () => ({ path: await on('/report'), method: 'POST', json: reportBody('periodic') }), 404],
    ['the property\'s manager may not report (the inspector\'s step)', () => propertyManager, async () => ({ path: await on('/report'), method: 'POST', json: reportBody('periodic') }), 403],
    ['its inspector may not cancel it', () => inspectionInspector, async () => ({ path: await on('/cancel'), method: 'POST', json: { reason: 'x' } }), 403],
    ['the property\'s owner may not settle deductions (the manager\'s)', () => propertyOwner, async () => ({ path: await on('/move-out-deductions'), method: 'POST', json: {} }), 403],
    ['a tenant with no lease there reads it', () => leaseTenant, async () => ({ path: await on() }), 404],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body } = await what();
    const res = await h.request(path, { method, json: body, token: who().token });
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
  });

  test('lists are scoped: the inspector and the property\'s people see its inspections, others do not', async () => {
    const { propertyId, cancelled, reported } = await matrixInspections();
    const ids = async (u: User, query = '') => ((await (await h.request(`/v1/inspections?limit=100${query}`, { token: u.token })).json()) as { items: { inspectionId: string }[] }).items.map((x) => x.inspectionId);
    expect(await ids(inspectionInspector)).toEqual(expect.arrayContaining([cancelled, reported]));
    expect(await ids(propertyManager, `&propertyId=${propertyId}`)).toEqual(expect.arrayContaining([cancelled, reported]));
    expect(await ids(propertyOwner, '&status=cancelled')).toContain(cancelled);
    expect(await ids(otherOwner)).toEqual([]);
    expect(await ids(otherManager)).toEqual([]);
    expect(await ids(leaseTenant)).toEqual([]);
  });
});

describe('project ownership', () => {
  type Call = { path: string; method?: string; json?: unknown };
  const on = async (action = '') => `/v1/projects/${(await matrixProject()).id}${action}`;

  test.each<[string, () => User, () => Promise<Call>, number]>([
    ['the property\'s owner (the project\'s) reads it', () => propertyOwner, async () => ({ path: await on() }), 200],
    ['the property\'s manager (the project\'s) reads it', () => propertyManager, async () => ({ path: await on() }), 200],
    ['the contractor of its contract reads it', () => projectContractor, async () => ({ path: await on() }), 200],
    ['the owner downloads the change order to sign', () => propertyOwner, async () => ({ path: await on(`/documents/${(await matrixProject()).documentId}`) }), 200],
    ['the contractor downloads it too', () => projectContractor, async () => ({ path: await on(`/documents/${(await matrixProject()).documentId}`) }), 200],
    ['another owner reads it', () => otherOwner, async () => ({ path: await on() }), 404],
    ['another manager reads it', () => otherManager, async () => ({ path: await on() }), 404],
    ['a contractor without a contract on it reads it', () => as.contractor, async () => ({ path: await on() }), 404],
    ['another manager lets a contract on it', () => otherManager, async () => ({ path: await on('/commitments'), method: 'POST', json: { contractorId: as.contractor.id, description: 'x', originalContractSumMinor: 100, scheduleOfValues: [{ itemNo: '1', description: 'x', scheduledValueMinor: 100, costCode: '06-100' }], milestones: [{ milestoneId: 'm-x', name: 'x', plannedOn: inDays(30), shareBasisPoints: 10_000 }] } }), 404],
    ['the project\'s owner may not let a contract (the manager\'s step)', () => propertyOwner, async () => ({ path: await on('/commitments'), method: 'POST', json: { contractorId: as.contractor.id, description: 'x', originalContractSumMinor: 100, scheduleOfValues: [{ itemNo: '1', description: 'x', scheduledValueMinor: 100, costCode: '06-100' }], milestones: [{ milestoneId: 'm-x', name: 'x', plannedOn: inDays(30), shareBasisPoints: 10_000 }] } }), 403],
    ['the contractor may not record a permit (the manager\'s)', () => projectContractor, async () => ({ path: await on('/permits'), method: 'POST', json: { name: 'x', status: 'applied' } }), 403],
    ['the project\'s owner reviews a pay application it does not have (the workflow refuses)', () => propertyOwner, async () => ({ path: await on('/pay-application-reviews'), method: 'POST', json: { commitmentId: 'gc-1', applicationNo: 9, decision: 'approve' } }), 409],
    ['another owner sets one up on the property', () => otherOwner, async () => ({ path: '/v1/projects', method: 'POST', json: projectBody() }), 404],
  ])('%s → %i', async (_what, who, what, status) => {
    const { path, method, json: body } = await what();
    const res = await h.request(path, { method, json: body, token: who().token });
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
  });

  test('lists are scoped: the project\'s owner, manager and contractor see it, others do not', async () => {
    const { id } = await matrixProject();
    const ids = async (u: User, query = '') => ((await (await h.request(`/v1/projects?limit=100${query}`, { token: u.token })).json()) as { items: { projectId: string }[] }).items.map((x) => x.projectId);
    expect(await ids(propertyOwner)).toContain(id);
    expect(await ids(propertyManager, `&propertyId=${property.id}`)).toContain(id);
    expect(await ids(projectContractor)).toEqual([id]);
    expect(await ids(as.inspector)).toContain(id);
    expect(await ids(otherOwner)).toEqual([]);
    expect(await ids(otherManager)).toEqual([]);
    expect(await ids(as.contractor)).toEqual([]);
  });
});
