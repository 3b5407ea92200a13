/**
 * A purchase through the API on the real services (Postgres, Temporal,
 * localstripe, the purchase worker): two buyers offer on a listing, the
 * seller sees both side by side and accepts one, keeping the other as a
 * backup; the earnest money is charged into escrow; the contingency,
 * checklist, title (a mortgage paid off at closing) and signatures are done
 * by the people whose part each is; the deed is recorded and title moves.
 * Checked where it lands: the ledger's purchase book, the title records and
 * chain, the property's owner, the listing (sold), the PDFs. And who may not:
 * a tenant, a competing buyer, a buyer acting as staff.
 */
import { QueryTypes } from 'sequelize';
import { ledgerBalances, ledgerInvariantViolations } from '../../lib/ledger';
import { purchaseBook } from '../../domain/ledger';
import type { PurchaseState } from '../../contracts/purchase';
import { createListing, createProperty, expectProblem, stripeCard } from '../support/api-scenarios';
import { createHarness, eventually, type Harness } from '../support/harness';
import { readPdf } from '../support/pdf-text';
import { startPurchaseWorkers, type RunningWorkers } from '../support/workers';

let h: Harness;
let workers: RunningWorkers;

beforeAll(async () => {
  h = await createHarness('purchases');
  workers = await startPurchaseWorkers(h);
});

afterAll(async () => {
  if (h) {
    const open = await h.db.query<{ workflow_id: string }>(`select workflow_id from purchases where stage not in ('closed','rejected','withdrawn','expired','terminated')`, { type: QueryTypes.SELECT });
    for (const p of open) await h.client.workflow.getHandle(p.workflow_id).terminate('test over').catch(() => undefined);
    await workers?.stop();
    await h.close();
  }
});

const today = () => new Date().toISOString().slice(0, 10);

function cashTerms(priceMinor: number) {
  return {
    priceMinor,
    currency: 'USD',
    earnestMoneyMinor: 500_000,
    earnestMoneyDueBusinessDays: 3,
    financing: { type: 'cash', downPaymentMinor: priceMinor },
    contingencies: [{ kind: 'inspection', days: 10, count: 'calendar' }],
    onMissedDeadline: 'waived',
    closingDate: today(),
    sellerCreditMinor: 0,
    expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  };
}

async function purchaseWhen(token: string, id: string, ok: (s: PurchaseState) => boolean, what: string): Promise<PurchaseState> {
  return eventually(
    async () => {
      const res = await h.request(`/v1/purchases/${id}`, { token });
      if (res.status !== 200) return undefined;
      const s = (await res.json()) as PurchaseState & { source: string };
      return s.source === 'workflow' && ok(s) ? s : undefined;
    },
    90_000,
    what,
  );
}

const post = (path: string, token: string, json: unknown) => h.request(path, { method: 'POST', token, json });

test('two offers, one accepted and the other kept as backup, through escrow, contingency, checklist, title and signatures to a recorded deed; title, ledger and listing agree', async () => {
  const seller = await h.user(['owner'], 'Ada Seller');
  // The listing's manager is the seller's broker: it enters title records, reviews documents and records escrow steps.
  const [buyer, rival, staff, tenant] = [await h.user(['buyer'], 'Bo Buyer'), await h.user(['buyer'], 'Cy Rival'), await h.user(['manager'], 'Mo Broker'), await h.user(['tenant'])];
  const property = await createProperty(h, seller.token, { managerId: staff.id });
  const listing = await createListing(h, seller.token, property.id, { status: 'active', price: { amountMinor: 21_500_000, currency: 'USD' } });

  // The public record before the sale: the seller's deed and an open mortgage.
  expect((await post(`/v1/properties/${property.id}/title-records`, staff.token, { kind: 'deed', instrument: 'STORY-2011-4411', recordedOn: '2011-06-01', grantors: ['Earl Yore'], grantees: ['Ada Seller'], considerationMinor: 15_000_000 })).status).toBe(201);
  expect((await post(`/v1/properties/${property.id}/title-records`, staff.token, { kind: 'lien', instrument: 'STORY-2011-4412', recordedOn: '2011-06-01', lienType: 'mortgage', holder: 'Ames Savings Bank', amountMinor: 9_800_000 })).status).toBe(201);
  await expectProblem(await post(`/v1/properties/${property.id}/title-records`, buyer.token, { kind: 'release', instrument: 'X-1', recordedOn: '2012-01-01', releases: 'STORY-2011-4412' }), 403, 'forbidden');

  // Offers: a tenant may not make one; a bad one names its field; two buyers make theirs.
  await expectProblem(await post(`/v1/listings/${listing.id}/offers`, tenant.token, { terms: cashTerms(21_000_000) }), 403, 'forbidden');
  const bad = await expectProblem(await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: { ...cashTerms(21_000_000), earnestMoneyMinor: 30_000_000 } }), 422, 'validation-error');
  expect(JSON.stringify(bad)).toMatch(/earnestMoneyMinor/);
  const made = await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: cashTerms(21_000_000) });
  expect(made.status).toBe(202);
  const { purchaseId } = (await made.json()) as { purchaseId: string };
  const rivalMade = await post(`/v1/listings/${listing.id}/offers`, rival.token, { terms: cashTerms(20_500_000) });
  const rivalId = ((await rivalMade.json()) as { purchaseId: string }).purchaseId;
  await expectProblem(await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: cashTerms(21_100_000) }), 409);

  // The seller sees both side by side; a competing buyer sees neither the list nor the other's purchase.
  for (const id of [purchaseId, rivalId]) await purchaseWhen(seller.token, id, (s) => s.negotiation.rounds.length === 1, 'the offer recorded');
  const side = (await (await h.request(`/v1/listings/${listing.id}/offers`, { token: seller.token })).json()) as { offers: { purchaseId: string; terms: { priceMinor: number }; whoseTurn: string }[] };
  expect(side.offers.map((o) => [o.terms.priceMinor, o.whoseTurn]).sort()).toEqual([[20_500_000, 'seller'], [21_000_000, 'seller']]);
  await expectProblem(await h.request(`/v1/listings/${listing.id}/offers`, { token: rival.token }), 404);
  await expectProblem(await h.request(`/v1/purchases/${purchaseId}`, { token: rival.token }), 404);

  // Only the side whose turn it is accepts; the seller accepts, keeping the rival as backup.
  await expectProblem(await post(`/v1/purchases/${purchaseId}/acceptance`, buyer.token, { others: 'reject' }), 409, 'invalid-state');
  const accepted = await post(`/v1/purchases/${purchaseId}/acceptance`, seller.token, { others: 'backup' });
  expect(accepted.status).toBe(200);
  await purchaseWhen(rival.token, rivalId, (s) => s.stage === 'backup' && s.backupPosition === 1, 'the rival a backup');
  expect(((await (await h.request(`/v1/listings/${listing.id}`, { token: seller.token })).json()) as { status: string }).status).toBe('under_contract');

  // Earnest money into escrow, the inspection satisfied, every checklist document submitted and approved by staff.
  const contract = await purchaseWhen(buyer.token, purchaseId, (s) => s.title !== null && s.checklist.length > 0, 'the contract drawn up');
  expect(contract.title!.requirements.map((r) => r.id)).toEqual(['payoff:STORY-2011-4412', 'record_deed']);
  await expectProblem(await post(`/v1/purchases/${purchaseId}/earnest-money`, seller.token, { paymentMethod: await stripeCard(h) }), 403, 'forbidden');
  expect((await post(`/v1/purchases/${purchaseId}/earnest-money`, buyer.token, { paymentMethod: await stripeCard(h) })).status).toBe(200);
  expect((await ledgerBalances(h.db, purchaseBook(purchaseId))).escrow_held).toBe(500_000);
  expect((await post(`/v1/purchases/${purchaseId}/contingencies`, buyer.token, { kind: 'inspection', action: 'satisfy', note: 'report clean' })).status).toBe(200);
  await expectProblem(await post(`/v1/purchases/${purchaseId}/wire-instructions`, buyer.token, { bankName: 'Mine', accountLast4: '1111' }), 409, 'invalid-state');
  expect((await post(`/v1/purchases/${purchaseId}/wire-instructions`, seller.token, { bankName: 'Ames Savings Bank', accountLast4: '4321' })).status).toBe(200);
  for (const item of contract.checklist) {
    if (item.status !== 'submitted') expect((await post(`/v1/purchases/${purchaseId}/documents`, seller.token, { kind: item.kind, documentId: `upload-${item.kind}` })).status).toBe(200);
    await expectProblem(await post(`/v1/purchases/${purchaseId}/document-reviews`, buyer.token, { kind: item.kind, decision: 'approve' }), 403, 'forbidden');
    expect((await post(`/v1/purchases/${purchaseId}/document-reviews`, staff.token, { kind: item.kind, decision: 'approve' })).status).toBe(200);
  }

  // Closing: both sides sign the statement and the deed; escrow records the funds; the county records the deed.
  const closing = await purchaseWhen(buyer.token, purchaseId, (s) => s.stage === 'closing' && !!s.closing.envelopeId, 'the closing documents out for signature');
  const envelopeId = closing.closing.envelopeId!;
  const envelope = await eventually(async () => {
    const res = await h.request(`/v1/envelopes/${envelopeId}`, { token: buyer.token });
    const body = res.status === 200 ? ((await res.json()) as { documents: { documentId: string; sha256: string }[]; signers: { status: string }[] }) : undefined;
    return body?.signers.every((s) => s.status === 'to_sign') ? body : undefined;
  }, 60_000, 'the envelope to ask its signers');
  for (const who of [seller, buyer]) {
    expect((await post(`/v1/envelopes/${envelopeId}/signatures`, who.token, { documents: envelope.documents.map(({ documentId, sha256 }) => ({ documentId, sha256 })) })).status).toBe(200);
  }
  await purchaseWhen(buyer.token, purchaseId, (s) => s.closing.deed?.status === 'approved', 'the deed approved');
  expect((await post(`/v1/purchases/${purchaseId}/funds`, staff.token, { reference: 'WIRE-20931' })).status).toBe(200);
  const closed = await purchaseWhen(buyer.token, purchaseId, (s) => s.stage === 'closed', 'closed');

  // What it left behind: a balanced book at zero, the chain, the owner, the listing, the rival released, the PDFs.
  expect(closed.closing.deed).toMatchObject({ status: 'recorded', instrument: expect.stringMatching(/-\d{4}-\d{6}$/) });
  const balances = await ledgerBalances(h.db, purchaseBook(purchaseId));
  expect(Object.values(balances).every((v) => v === 0)).toBe(true);
  expect(await ledgerInvariantViolations(h.db, purchaseBook(purchaseId))).toEqual([]);
  const statement = closed.closing.statement!;
  const [posted] = await h.db.query<{ out: string }>(
    `select coalesce(sum(amount_minor), 0) as out from ledger_transactions where book_type = 'purchase' and book_id = $1 and kind like '%_allocated'`,
    { bind: [purchaseId], type: QueryTypes.SELECT },
  );
  // What escrow paid out equals what the statement says comes in: the earnest money, the buyer's funds.
  expect(Number(posted!.out)).toBe(500_000 + statement.totals.dueFromBuyerMinor);
  const title = (await (await h.request(`/v1/properties/${property.id}/title-records`, { token: rival.token })).json()) as { chain: { to: string[] }[]; records: { kind: string; releases?: string }[] };
  expect(title.chain.map((l) => l.to)).toEqual([['Ada Seller'], ['Bo Buyer']]);
  expect(title.records.some((r) => r.kind === 'release' && r.releases === 'STORY-2011-4412')).toBe(true);
  const [owner] = await h.db.query<{ owner_id: string }>('select owner_id from properties where id = $1', { bind: [property.id], type: QueryTypes.SELECT });
  expect(owner!.owner_id).toBe(buyer.id);
  const soldListing = (await (await h.request(`/v1/listings/${listing.id}`, { token: buyer.token })).json()) as { status: string; soldPrice: { amountMinor: number } | null };
  expect(soldListing).toMatchObject({ status: 'sold', soldPrice: { amountMinor: 21_000_000 } });
  expect((await purchaseWhen(rival.token, rivalId, (s) => s.stage === 'rejected', 'the backup released')).stage).toBe('rejected');
  const statementDoc = closed.closing.documents.find((d) => d.kind === 'settlement_statement')!;
  const pdf = await h.request(`/v1/purchases/${purchaseId}/documents/${statementDoc.documentId}`, { token: seller.token });
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  const text = (await readPdf(new Uint8Array(await pdf.arrayBuffer()))).text.join('\n');
  expect(text).toMatch(/Due to Seller/);
  expect(text).toMatch(/Ames Savings Bank/);
  await expectProblem(await h.request(`/v1/purchases/${purchaseId}/documents/${statementDoc.documentId}`, { token: rival.token }), 404);
}, 240_000);
