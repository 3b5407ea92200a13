/**
 * One workflow per lease, id `lease-<leaseId>` (contracts/lease.ts), from
 * application to closed. Read it top to bottom:
 *
 *   1-2 screening        application.ts   rules, then a manager's decision when they do not approve
 *   3-4 signatures       application.ts   the agreement PDF, signed by every party before a deadline
 *                                        through a signing envelope (workflows/envelope/, a child)
 *   5   move-in          application.ts   the deposit, held as a liability
 *   6-7 terms of rent    term.ts          each period billed and collected (collection.ts); a renewal
 *                                        or month-to-month continues as new with the state carried over
 *   8   move-out         move-out.ts      deductions settle the deposit; closed
 *
 * The state and the flags the steps wait on live in one object (lease-run.ts)
 * beside the handlers that set them; the Update validators are pure
 * functions (validators.ts); the patch ids are listed in patches.ts.
 */
import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { PropertyIdKey, TenantIdsKey } from '../../domain/search-attributes';
import { envelopeSignedSignal } from '../../contracts/envelope';
import {
  addNoteUpdate,
  cancelUpdate,
  leaseStateQuery,
  manualPaymentUpdate,
  moveOutUpdate,
  paymentMethodUpdatedUpdate,
  paymentReversedSignal,
  renewalDecisionUpdate,
  rentCollectedSignal,
  screeningDecisionUpdate,
  signUpdate,
  terminateUpdate,
  type LeaseInput,
  type LeaseState,
} from '../../contracts/lease';
import { moveIn, screen, signAgreement } from './application';
import { LeaseRun } from './lease-run';
import { runTerm } from './term';
import * as validate from './validators';

export async function leaseWorkflow(input: LeaseInput): Promise<LeaseState> {
  const lease = new LeaseRun(input);
  registerHandlers(lease);
  if (input.continuation) return runTerm(lease); // a renewal or a long history continued as new: already active

  upsertSearchAttributes([
    { key: PropertyIdKey, value: input.terms.propertyId },
    { key: TenantIdsKey, value: lease.tenants.map((t) => t.userId) },
  ]);
  if (!(await screen(lease))) return lease.state;
  if (!(await signAgreement(lease))) return lease.state;
  if (!(await moveIn(lease))) return lease.state;
  await lease.setStatus('active');
  return runTerm(lease);
}

function registerHandlers(lease: LeaseRun) {
  const check = <T>(rule: (v: validate.LeaseView, request: T) => void) => ({ validator: (request: T) => rule(lease.view(), request) });
  setHandler(leaseStateQuery, () => lease.state);
  setHandler(addNoteUpdate, (r) => lease.addNote(r), check(validate.validateNote));
  setHandler(rentCollectedSignal, (r) => lease.rentCollected(r));
  setHandler(paymentReversedSignal, (r) => lease.paymentReversed(r));
  setHandler(envelopeSignedSignal, (r) => lease.envelopeSigned(r));
  setHandler(cancelUpdate, (r) => lease.cancel(r), check(validate.validateCancellation));
  setHandler(terminateUpdate, (r) => lease.terminate(r), check(validate.validateTermination));
  setHandler(screeningDecisionUpdate, (r) => lease.decideScreening(r), check(validate.validateScreeningDecision));
  setHandler(signUpdate, (r) => lease.sign(r), check(validate.validateSignature));
  setHandler(manualPaymentUpdate, (r) => lease.recordManualPayment(r), check(validate.validateManualPayment));
  setHandler(paymentMethodUpdatedUpdate, (r) => lease.updatePaymentMethod(r), check(validate.validatePaymentMethod));
  setHandler(renewalDecisionUpdate, (r) => lease.decideRenewal(r), check(validate.validateRenewalDecision));
  setHandler(moveOutUpdate, (r) => lease.recordMoveOut(r), check(validate.validateMoveOut));
}
