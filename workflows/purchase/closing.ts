/**
 * 7-8. Closing: the settlement statement from the agreed terms, the deed
 * and the statement signed by both sides through a signing envelope (a
 * child workflow), the TRID wait for a financed purchase, the funds,
 * the balanced postings, the deed recorded by the county, and title
 * transferred with the listing sold.
 */
import { condition, startChild, uuid4 } from '@temporalio/workflow';
import { compareDates } from '../../domain/calendar';
import { settlementInputFor } from '../../domain/purchase/closing-costs';
import { settlementProblem, settlementStatement } from '../../domain/purchase/settlement';
import { openLiens, satisfyRequirement, unmetRequirements } from '../../domain/purchase/title';
import { ENVELOPE_WORKFLOW_TYPE, envelopeWorkflowId, voidEnvelopeSignal, type EnvelopeWorkflow } from '../../contracts/envelope';
import { act } from './proxies';
import { today, type PurchaseRun } from './purchase-run';
import { nowIso } from './validators';
import { msUntilEndOf, waitUntil } from './contract';

/** Whether the purchase closed (otherwise it waits on people: see state.blocking). */
export async function close(run: PurchaseRun): Promise<boolean> {
  const { state, input } = run;
  const terms = state.contract!;
  await run.setStage('clear_to_close');
  await run.notify('purchase_clear_to_close', { closingDate: terms.closingDate });

  // The statement pays off every open lien the commitment lists; each payoff line meets its requirement.
  const records = await act.titleRecords({ propertyId: state.propertyId });
  const payoffs = openLiens(records).map((l) => ({ description: `Payoff: ${l.lienType} to ${l.holder}`, amountMinor: l.amountMinor, reference: l.instrument }));
  const closingDate = compareDates(terms.closingDate, today()) > 0 ? terms.closingDate : today();
  const settlement = settlementInputFor({ terms, closingDate, earnestMoneyMinor: state.escrow.receivedMinor, annualPropertyTaxMinor: input.subject.annualPropertyTaxMinor, monthlyHoaDuesMinor: input.subject.monthlyHoaDuesMinor, payoffs });
  const problem = settlementProblem(settlement);
  if (problem) {
    state.blocking = [`settlement: ${problem}`];
    await run.record();
    await condition(() => run.ending !== null);
    return false;
  }
  state.closing.statement = settlementStatement(settlement);
  for (const p of payoffs) {
    const id = `payoff:${p.reference}`;
    if (state.title!.requirements.some((r) => r.id === id && !r.satisfiedBy)) state.title = satisfyRequirement(state.title!, id, { type: 'payoff_line', ref: p.reference, at: nowIso() });
  }
  const statementDoc = await act.renderPurchaseDocument({ purchaseId: run.id, kind: 'settlement_statement', state, subject: input.subject, settlement });
  const deedDoc = await act.renderPurchaseDocument({ purchaseId: run.id, kind: 'deed', state, subject: input.subject });
  state.closing.documents.push({ kind: 'settlement_statement', ...statementDoc }, { kind: 'deed', ...deedDoc });
  state.closing.deed = { status: 'prepared', instrument: null, recordedOn: null, reason: null };
  await run.setStage('closing');

  if (!(await signClosingDocuments(run, statementDoc, deedDoc))) return false;
  state.closing.deed.status = 'approved';
  if (state.title!.requirements.some((r) => r.id === 'record_deed' && !r.satisfiedBy)) state.title = satisfyRequirement(state.title!, 'record_deed', { type: 'document', ref: deedDoc.documentId, at: nowIso() });

  // Financed: not before three business days after the buyer received the closing disclosure (TRID).
  const financed = terms.financing.type !== 'cash';
  for (;;) {
    const blocking: string[] = [];
    if (financed && !state.closing.disclosure) blocking.push('closing disclosure not yet received by the buyer');
    const earliest = state.closing.disclosure?.earliestClosing;
    if (financed && earliest && compareDates(today(), earliest) < 0) blocking.push(`TRID waiting period: closing not before ${earliest}`);
    if (compareDates(today(), closingDate) < 0) blocking.push(`closing is set for ${closingDate}`);
    if (!state.closing.fundsReceived) blocking.push('closing funds not received');
    if (state.wire?.heldForCallback) blocking.push('wire instructions changed near closing: held until a call-back to the seller');
    for (const r of unmetRequirements(state.title!)) blocking.push(`title: ${r.description}`);
    state.blocking = blocking;
    if (run.ending) return false;
    if (blocking.length === 0) break;
    // Note what has been seen before recording: an Update that lands while the row is written must wake the wait below.
    const seen = run.changes;
    await run.record();
    // Wake at the start of the next day that unblocks something: the closing date, or the TRID wait's end.
    const dates = [closingDate, ...(financed && earliest ? [earliest] : [])].filter((d) => compareDates(today(), d) < 0).sort();
    const waitFor = dates[0] ? msUntilEndOf(dates[0]) - 86_400_000 : undefined;
    await waitUntil(() => run.changes !== seen || run.ending !== null, waitFor);
  }

  await act.postClosing({ purchaseId: run.id, propertyId: state.propertyId, statement: state.closing.statement, today: today() });
  state.escrow.disposition = 'applied';
  run.log('settled: funds received, earnest money applied, payoffs, commissions and proceeds posted');
  return record(run, deedDoc.documentId, payoffs.map((p) => p.reference));
}

async function signClosingDocuments(run: PurchaseRun, statement: { documentId: string; sha256: string }, deed: { documentId: string; sha256: string }): Promise<boolean> {
  const { state, input } = run;
  const envelopeId = uuid4();
  state.closing.envelopeId = envelopeId;
  await run.record();
  const signers = [...state.parties.sellers.map((p) => ({ ...p, role: 'seller' })), ...state.parties.buyers.map((p) => ({ ...p, role: 'buyer' }))];
  const envelope = await startChild<EnvelopeWorkflow>(ENVELOPE_WORKFLOW_TYPE, {
    workflowId: envelopeWorkflowId(envelopeId),
    args: [
      {
        envelopeId,
        subject: { type: 'purchase', id: run.id },
        title: `the closing of ${input.subject.address}`,
        documents: [
          { documentId: statement.documentId, sha256: statement.sha256, name: 'Settlement statement', signedKind: 'settlement_statement_signed' },
          { documentId: deed.documentId, sha256: deed.sha256, name: 'Deed', signedKind: 'deed_signed' },
        ],
        signers: signers.map(({ userId, name, email, role }) => ({ userId, name, email, role })),
        ordered: false,
        sender: { userId: null, name: 'TriLight Homes escrow' },
      },
    ],
    memo: { summary: `Closing documents for ${input.subject.address}` },
  });
  const result = await Promise.race([envelope.result(), condition(() => run.ending !== null).then(() => null)]);
  if (!result) {
    // The contract ended while the documents were out: withdraw them.
    await envelope.signal(voidEnvelopeSignal, { by: run.ending!.by, reason: run.ending!.reason });
    return false;
  }
  if (result.status !== 'completed') {
    run.endContract({ reason: `the closing documents were not signed (${result.status})`, by: 'envelope', earnestMoneyTo: 'buyer' });
    return false;
  }
  run.log('closing documents signed by every party');
  return true;
}

async function record(run: PurchaseRun, deedDocumentId: string, releasedLiens: string[]): Promise<boolean> {
  const { state, input } = run;
  const terms = state.contract!;
  const deed = state.closing.deed!;
  deed.status = 'submitted';
  await run.setStage('recording');
  const recorded = await act.recordDeed({
    purchaseId: run.id,
    propertyId: state.propertyId,
    county: input.subject.county,
    state: input.subject.state,
    grantors: state.parties.sellers.map((s) => s.name),
    grantees: state.parties.buyers.map((b) => b.name),
    documentId: deedDocumentId,
    considerationMinor: terms.priceMinor,
    today: today(),
  });
  if (recorded.status === 'rejected') {
    deed.status = 'rejected';
    deed.reason = recorded.reason;
    state.blocking = [`the county rejected the deed: ${recorded.reason}`];
    run.log(`deed rejected by the county: ${recorded.reason}`);
    await run.record();
    return false;
  }
  Object.assign(deed, { status: 'recorded', instrument: recorded.instrument, recordedOn: recorded.recordedOn });
  await act.transferTitle({
    purchaseId: run.id,
    listingId: state.listingId,
    propertyId: state.propertyId,
    grantors: state.parties.sellers.map((s) => s.name),
    buyers: state.parties.buyers,
    instrument: recorded.instrument,
    recordedOn: recorded.recordedOn,
    priceMinor: terms.priceMinor,
    currency: terms.currency,
    releasedLiens,
  });
  state.blocking = [];
  run.log(`deed recorded as ${recorded.instrument}: title transferred`);
  const outcome = await act.offerBookEvent({ listingId: state.listingId, event: { type: 'closed', purchaseId: run.id } });
  await run.carryOut(outcome);
  await run.setStage('closed');
  await run.notify('purchase_closed', { instrument: recorded.instrument, recordedOn: recorded.recordedOn });
  return true;
}
