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
import { createListing, createProperty, expectProblem, offerTerms, stripeCard } from '../support/api-scenarios';
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

async function purchaseWhen(token: string, id: string, ok: (s: PurchaseState) => boolean, what: string): Promise<PurchaseState> {
  let last: PurchaseState | undefined;
  try {
    return await eventually(
      async () => {
        const res = await h.request(`/v1/purchases/${id}`, { token });
        if (res.status !== 200) return undefined;
        const s = (await res.json()) as PurchaseState & { source: string };
        if (s.source !== 'workflow') return undefined;
        last = s;
        return ok(s) ? s : undefined;
      },
      90_000,
      what,
    );
  } catch (err) {
    // Where it stood when we gave up: the stage, what blocked it, its last events.
    const where = last ? ` (stage ${last.stage}; blocking ${JSON.stringify(last.blocking)}; last events ${JSON.stringify(last.history.slice(-4))})` : '';
    throw new Error(`${(err as Error).message}${where}`);
  }
}

const post = (path: string, token: string, json: unknown) => h.request(path, { method: 'POST', token, json });

test('two offers, one accepted and the other kept as backup, through escrow, contingency, checklist, title and signatures to a recorded deed; title, ledger and listing agree', async () => {
  const seller = await h.user(['owner'], 'Ada Seller');
  // The listing's manager is the seller's broker: it enters title records, reviews documents and records escrow steps.
  const [buyer, rival, staff, tenant] = [await h.user(['buyer'], 'Bo Buyer'), await h.user(['buyer'], 'Cy Rival'), await h.user(['manager'], 'Mo Broker'), await h.user(['tenant'])];
  const property = await createProperty(h, seller.token, {
    managerId: staff.id,
    county: 'Story',
    legalDescription: 'Lot 4, Block 2, Duff Addition, Ames, Story County, Iowa',
    annualPropertyTaxMinor: 360_000,
    monthlyHoaDuesMinor: 25_000,
  });
  const listing = await createListing(h, seller.token, property.id, { status: 'active', price: { amountMinor: 21_500_000, currency: 'USD' } });

  // The public record before the sale: the seller's deed and an open mortgage.
  expect((await post(`/v1/properties/${property.id}/title-records`, staff.token, { kind: 'deed', instrument: 'STORY-2011-4411', recordedOn: '2011-06-01', grantors: ['Earl Yore'], grantees: ['Ada Seller'], considerationMinor: 15_000_000 })).status).toBe(201);
  expect((await post(`/v1/properties/${property.id}/title-records`, staff.token, { kind: 'lien', instrument: 'STORY-2011-4412', recordedOn: '2011-06-01', lienType: 'mortgage', holder: 'Ames Savings Bank', amountMinor: 9_800_000 })).status).toBe(201);
  await expectProblem(await post(`/v1/properties/${property.id}/title-records`, buyer.token, { kind: 'release', instrument: 'X-1', recordedOn: '2012-01-01', releases: 'STORY-2011-4412' }), 403, 'forbidden');

  // Offers: a tenant may not make one; a bad one names its field; two buyers make theirs.
  await expectProblem(await post(`/v1/listings/${listing.id}/offers`, tenant.token, { terms: offerTerms(21_000_000) }), 403, 'forbidden');
  const bad = await expectProblem(await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: { ...offerTerms(21_000_000), earnestMoneyMinor: 30_000_000 } }), 422, 'validation-error');
  expect(JSON.stringify(bad)).toMatch(/earnestMoneyMinor/);
  const made = await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: offerTerms(21_000_000) });
  expect(made.status).toBe(202);
  const { purchaseId } = (await made.json()) as { purchaseId: string };
  const rivalMade = await post(`/v1/listings/${listing.id}/offers`, rival.token, { terms: offerTerms(20_500_000) });
  const rivalId = ((await rivalMade.json()) as { purchaseId: string }).purchaseId;
  await expectProblem(await post(`/v1/listings/${listing.id}/offers`, buyer.token, { terms: offerTerms(21_100_000) }), 409);

  // The seller sees both side by side; a competing buyer sees neither the list nor the other's purchase.
  const side = await eventually(async () => {
    const list = (await (await h.request(`/v1/listings/${listing.id}/offers`, { token: seller.token })).json()) as { offers: { purchaseId: string; terms: { priceMinor: number }; whoseTurn: string }[] };
    return list.offers.length === 2 ? list : undefined;
  }, 60_000, 'both offers recorded');
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
  const contract = await purchaseWhen(buyer.token, purchaseId, (s) => s.title !== null && s.closing.documents.length > 0, 'the contract drawn up');
  expect(contract.title!.requirements.map((r) => r.id)).toEqual(['payoff:STORY-2011-4412', 'record_deed']);
  expect(contract.title!.scheduleA.legalDescription).toBe('Lot 4, Block 2, Duff Addition, Ames, Story County, Iowa');
  expect(contract.checklist.map((c) => c.kind)).toContain('hoa_resale_certificate'); // it has HOA dues
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
  expect(closed.closing.deed).toMatchObject({ status: 'recorded', instrument: expect.stringMatching(/^STOR-\d{4}-\d{6}$/) });
  // The year's tax (unpaid) and the month's HOA dues (paid) are split at the closing date.
  expect(closed.closing.statement!.sections.find((s) => s.id === 'prorations')!.lines.map((l) => l.description)).toEqual([
    expect.stringMatching(/^Property tax/),
    expect.stringMatching(/^HOA dues/),
  ]);
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

/** One cash purchase of a listing through the API, from the offer to the recorded deed, by the people whose part each step is. */
async function buyWithCash(listingId: string, buyer: { id: string; token: string }, seller: { token: string }, broker: { token: string }, priceMinor: number): Promise<PurchaseState> {
  const res = await post(`/v1/listings/${listingId}/offers`, buyer.token, { terms: { ...offerTerms(priceMinor), contingencies: [] } });
  expect(res.status).toBe(202);
  const { purchaseId } = (await res.json()) as { purchaseId: string };
  await purchaseWhen(seller.token, purchaseId, (s) => s.negotiation.rounds.length === 1, 'the offer recorded');
  expect((await post(`/v1/purchases/${purchaseId}/acceptance`, seller.token, { others: 'reject' })).status).toBe(200);
  const contract = await purchaseWhen(buyer.token, purchaseId, (s) => s.title !== null && s.closing.documents.length > 0, 'the contract drawn up');
  expect((await post(`/v1/purchases/${purchaseId}/earnest-money`, buyer.token, { paymentMethod: await stripeCard(h) })).status).toBe(200);
  expect((await post(`/v1/purchases/${purchaseId}/wire-instructions`, seller.token, { bankName: 'Ames Savings Bank', accountLast4: '4321' })).status).toBe(200);
  for (const item of contract.checklist) {
    if (item.status !== 'submitted') expect((await post(`/v1/purchases/${purchaseId}/documents`, seller.token, { kind: item.kind, documentId: `upload-${item.kind}` })).status).toBe(200);
    expect((await post(`/v1/purchases/${purchaseId}/document-reviews`, broker.token, { kind: item.kind, decision: 'approve' })).status).toBe(200);
  }
  const closing = await purchaseWhen(buyer.token, purchaseId, (s) => s.stage === 'closing' && !!s.closing.envelopeId, 'the closing documents out for signature');
  const envelopeId = closing.closing.envelopeId!;
  const envelope = await eventually(async () => {
    const r = await h.request(`/v1/envelopes/${envelopeId}`, { token: buyer.token });
    const body = r.status === 200 ? ((await r.json()) as { documents: { documentId: string; sha256: string }[]; signers: { status: string }[] }) : undefined;
    return body?.signers.every((s) => s.status === 'to_sign') ? body : undefined;
  }, 60_000, 'the envelope to ask its signers');
  for (const who of [seller, buyer]) {
    expect((await post(`/v1/envelopes/${envelopeId}/signatures`, who.token, { documents: envelope.documents.map(({ documentId, sha256 }) => ({ documentId, sha256 })) })).status).toBe(200);
  }
  await purchaseWhen(buyer.token, purchaseId, (s) => s.closing.deed?.status === 'approved', 'the deed approved');
  expect((await post(`/v1/purchases/${purchaseId}/funds`, broker.token, { reference: `WIRE-${purchaseId.slice(0, 8)}` })).status).toBe(200);
  return purchaseWhen(buyer.token, purchaseId, (s) => s.stage === 'closed', 'closed');
}

test('a land parcel bought twice through the same purchase workflow: its survey on the checklist, its legal description on the deed, the chain of title right after both sales', async () => {
  const seller = await h.user(['owner'], 'Ada Seller');
  const broker = await h.user(['manager'], 'Mo Broker');
  const first = await h.user(['buyer', 'owner'], 'Bo Buyer');
  const second = await h.user(['buyer'], 'Cy Second');
  const parcelRes = await h.request('/v1/parcels', {
    method: 'POST',
    token: seller.token,
    json: {
      address: { city: 'Ames', region: 'IA', postalCode: '50010', country: 'US' },
      managerId: broker.id,
      jurisdiction: 'ames-ia',
      apn: `P-${Date.now()}`,
      zoningCode: 'RL',
      boundary: { type: 'Polygon', coordinates: [[[-93.64, 42.02], [-93.6395, 42.02], [-93.6395, 42.0203], [-93.64, 42.0203], [-93.64, 42.02]]] },
      utilities: { water: 'municipal', sewer: 'municipal', electric: true, gas: true, internet: true },
      roadAccess: 'paved',
      legalDescription: 'Lot 7, Block 3, Sunset Ridge Subdivision, Ames, Story County, Iowa',
    },
  });
  expect(parcelRes.status).toBe(201);
  const parcel = (await parcelRes.json()) as { propertyId: string };
  expect((await post(`/v1/properties/${parcel.propertyId}/title-records`, broker.token, { kind: 'deed', instrument: 'STORY-2019-0077', recordedOn: '2019-04-02', grantors: ['Prairie Land LLC'], grantees: ['Ada Seller'], considerationMinor: 6_000_000 })).status).toBe(201);

  const listing1 = await createListing(h, seller.token, parcel.propertyId, { status: 'active', price: { amountMinor: 9_000_000, currency: 'USD' } });
  const sale1 = await buyWithCash(listing1.id, first, seller, broker, 9_000_000);
  expect(sale1.checklist.map((c) => c.kind)).toEqual(expect.arrayContaining(['boundary_survey']));
  expect(sale1.checklist.map((c) => c.kind)).not.toContain('lead_paint_disclosure');
  expect(sale1.title!.scheduleA.legalDescription).toBe('Lot 7, Block 3, Sunset Ridge Subdivision, Ames, Story County, Iowa');

  // The first buyer, now the owner of record, lists and sells it on.
  const listing2 = await createListing(h, first.token, parcel.propertyId, { status: 'active', price: { amountMinor: 9_900_000, currency: 'USD' } });
  const sale2 = await buyWithCash(listing2.id, second, first, broker, 9_900_000);
  expect(sale2.title!.scheduleA.vestedIn).toEqual(['Bo Buyer']);
  const title = (await (await h.request(`/v1/properties/${parcel.propertyId}/title-records`, { token: second.token })).json()) as { chain: { from: string[]; to: string[]; considerationMinor: number | null }[] };
  expect(title.chain.map((l) => [l.from, l.to, l.considerationMinor])).toEqual([
    [['Prairie Land LLC'], ['Ada Seller'], 6_000_000],
    [['Ada Seller'], ['Bo Buyer'], 9_000_000],
    [['Bo Buyer'], ['Cy Second'], 9_900_000],
  ]);
  const [owner] = await h.db.query<{ owner_id: string }>('select owner_id from properties where id = $1', { bind: [parcel.propertyId], type: QueryTypes.SELECT });
  expect(owner!.owner_id).toBe(second.id);
  for (const p of [sale1, sale2]) expect(await ledgerInvariantViolations(h.db, purchaseBook(p.purchaseId))).toEqual([]);
}, 240_000);

test('the seller accepts two offers at the same moment, each rejecting the others: the listing\'s row lock lets one hold the contract; the other is told it came second and is rejected', async () => {
  const seller = await h.user(['owner'], 'Ada Seller');
  const buyers = [await h.user(['buyer'], 'Bo One'), await h.user(['buyer'], 'Cy Two')];
  const property = await createProperty(h, seller.token);
  const listing = await createListing(h, seller.token, property.id, { status: 'active', price: { amountMinor: 21_500_000, currency: 'USD' } });
  const ids: string[] = [];
  for (const b of buyers) ids.push(((await (await post(`/v1/listings/${listing.id}/offers`, b.token, { terms: offerTerms(21_000_000) })).json()) as { purchaseId: string }).purchaseId);
  for (const id of ids) await purchaseWhen(seller.token, id, (s) => s.negotiation.rounds.length === 1, 'the offer on the book');
  const answers = await Promise.all(ids.map((id) => post(`/v1/purchases/${id}/acceptance`, seller.token, { others: 'reject' })));
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  const loser = await answers.find((r) => r.status === 409)!.json();
  // Told in its own words: it came second, or (when the first acceptance finished before it arrived) it was already rejected.
  expect(JSON.stringify(loser)).toMatch(/another offer first|rejected/);
  const stages = await Promise.all(ids.map((id) => purchaseWhen(seller.token, id, (s) => s.stage === 'under_contract' || s.stage === 'rejected', 'placed')));
  expect(stages.map((s) => s.stage).sort()).toEqual(['rejected', 'under_contract']);
  const winner = ids[stages.findIndex((s) => s.stage === 'under_contract')];
  const [book] = await h.db.query<{ primary_purchase_id: string; backup_ids: string[]; open_ids: string[] }>('select primary_purchase_id, backup_ids, open_ids from listing_offer_books where listing_id = $1', {
    bind: [listing.id],
    type: QueryTypes.SELECT,
  });
  expect(book).toEqual({ primary_purchase_id: winner, backup_ids: [], open_ids: [] });
}, 120_000);
