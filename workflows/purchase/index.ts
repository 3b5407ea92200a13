/**
 * One workflow per purchase, id `purchase-<purchaseId>` (contracts/purchase.ts),
 * from the buyer's offer to recorded title. Read it top to bottom:
 *
 *   1-2 offers and negotiation   negotiation.ts   rounds with expiries; accepted, or a backup that may step up
 *   3-6 under contract           contract.ts      earnest money, contingencies, checklist, title → clear to close
 *   7-8 closing and recording    closing.ts       statement, signatures, TRID wait, funds, postings, deed, title
 *       falling through          fall-through.ts  the saga's compensations; the next backup steps up
 *
 * The state, the flags the steps wait on and the handlers that set them live
 * in one object (purchase-run.ts); the Updates' validators are pure
 * functions (validators.ts). The listing's side — one contract at a time,
 * ordered backups — is the offer book, applied under a row lock by an
 * activity; its effects on other purchases arrive here as signals.
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { ListingIdKey, PartyIdsKey, PropertyIdKey, PurchaseStageKey } from '../../domain/search-attributes';
import {
  acceptOfferUpdate,
  closingDisclosureUpdate,
  contingencyUpdate,
  counterOfferUpdate,
  depositEarnestMoneyUpdate,
  offerBookSignal,
  purchaseStateQuery,
  recordFundsUpdate,
  rejectOfferUpdate,
  reviewDocumentUpdate,
  satisfyTitleRequirementUpdate,
  submitDocumentUpdate,
  terminateUpdate,
  titleRecordedSignal,
  withdrawOfferUpdate,
  recordInspectionUpdate,
  recordAppraisalUpdate,
  proposeAmendmentUpdate,
  answerAmendmentUpdate,
  wireInstructionsUpdate,
  wireCallbackUpdate,
  approveReleaseUpdate,
  type PurchaseInput,
  type PurchaseState,
} from '../../contracts/purchase';
import { close } from './closing';
import { underContract } from './contract';
import { fallThrough } from './fall-through';
import { negotiate } from './negotiation';
import { act } from './proxies';
import { PurchaseRun } from './purchase-run';
import * as validate from './validators';

export async function purchaseWorkflow(input: PurchaseInput): Promise<PurchaseState> {
  const run = new PurchaseRun(input);
  registerHandlers(run);
  const { parties } = input;
  upsertSearchAttributes([
    { key: PropertyIdKey, value: input.subject.propertyId },
    { key: ListingIdKey, value: input.subject.listingId },
    { key: PurchaseStageKey, value: 'negotiating' },
    { key: PartyIdsKey, value: [...parties.buyers, ...parties.sellers, ...parties.buyerAgents, ...parties.sellerAgents].map((p) => p.userId) },
  ]);
  const joined = await act.offerBookEvent({ listingId: input.subject.listingId, event: { type: 'offered', purchaseId: input.purchaseId } });
  await run.carryOut(joined);
  await run.record();
  await run.notify('purchase_offer_received', { priceMinor: input.offer.priceMinor, currency: input.offer.currency }, run.emails('sellers', 'sellerAgents'));

  if ((await negotiate(run)) && (!(await underContract(run)) || !(await close(run))) && run.ending) await fallThrough(run);
  // An Update that ended the purchase (a withdrawal, a rejection) finishes recording it before the run completes.
  await condition(allHandlersFinished);
  return run.state;
}

function registerHandlers(run: PurchaseRun) {
  const check = <T>(rule: (s: PurchaseState, request: T) => void) => ({ validator: (request: T) => rule(run.state, request) });
  setHandler(purchaseStateQuery, () => run.state);
  setHandler(counterOfferUpdate, (r) => run.counter(r), check(validate.validateCounter));
  setHandler(acceptOfferUpdate, (r) => run.accept(r), check(validate.validateAccept));
  setHandler(rejectOfferUpdate, (r) => run.reject(r), check(validate.validateReject));
  setHandler(withdrawOfferUpdate, (r) => run.withdraw(r), check(validate.validateWithdraw));
  setHandler(depositEarnestMoneyUpdate, (r) => run.depositEarnestMoney(r), check(validate.validateEarnestMoney));
  setHandler(contingencyUpdate, (r) => run.decideContingency(r), check(validate.validateContingency));
  setHandler(submitDocumentUpdate, (r) => run.submitDocument(r), check(validate.validateSubmission));
  setHandler(reviewDocumentUpdate, (r) => run.reviewDocument(r), check(validate.validateReview));
  setHandler(satisfyTitleRequirementUpdate, (r) => run.satisfyTitleRequirement(r), check(validate.validateTitleRequirement));
  setHandler(closingDisclosureUpdate, (r) => run.closingDisclosure(r), check(validate.validateDisclosure));
  setHandler(recordFundsUpdate, (r) => run.recordFunds(r), check(validate.validateFunds));
  setHandler(terminateUpdate, (r) => run.terminate(r), check(validate.validateTermination));
  setHandler(recordInspectionUpdate, (r) => run.recordInspection(r), check(validate.validateInspection));
  setHandler(recordAppraisalUpdate, (r) => run.recordAppraisal(r), check(validate.validateAppraisal));
  setHandler(proposeAmendmentUpdate, (r) => run.proposeAmendment(r), check(validate.validateAmendment));
  setHandler(answerAmendmentUpdate, (r) => run.answerAmendment(r), check(validate.validateAmendmentAnswer));
  setHandler(wireInstructionsUpdate, (r) => run.setWireInstructions(r), check(validate.validateWireInstructions));
  setHandler(wireCallbackUpdate, (r) => run.recordWireCallback(r), check(validate.validateWireCallback));
  setHandler(approveReleaseUpdate, (r) => run.approveRelease(r), check(validate.validateRelease));
  setHandler(offerBookSignal, (r) => run.offerBook(r));
  setHandler(titleRecordedSignal, () => run.titleRecorded());
}
