/**
 * One workflow per work order, id `workorder-<workOrderId>` (contracts/work-order.ts):
 *
 *   triage → assigning → awaiting_acceptance → quoting → awaiting_approval → scheduling
 *   → scheduled → in_progress → completed → awaiting_invoice_approval → awaiting_payment
 *   → closed → (14 days in which a failed repair reopens it) → the workflow ends
 *
 * People move it with Updates, each a transition in work-order-run.ts checked
 * by validators.ts. This loop does what nobody does by hand: asks the
 * directory's best contractor and lets an unanswered offer lapse to the next,
 * keeps the work order's row written, and ends the run when the reopen window
 * closes. The SLA watch (sla-watch.ts) runs beside it. A work order's history
 * stays small (tens of events), so it never continues as new.
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { PropertyIdKey, ProcessStatusKey, SlaBreachedKey, WorkOrderPriorityKey } from '../../domain/search-attributes';
import {
  accessRefusedUpdate,
  assignUpdate,
  cancelUpdate,
  completeWorkUpdate,
  decideInvoiceUpdate,
  decideQuoteUpdate,
  mergeUpdate,
  rateWorkUpdate,
  recordPaymentUpdate,
  reopenFromInspectionSignal,
  reopenUpdate,
  respondToAssignmentUpdate,
  scheduleVisitUpdate,
  startWorkUpdate,
  submitInvoiceUpdate,
  submitQuoteUpdate,
  triageUpdate,
  workOrderStateQuery,
  type WorkOrderInput,
  type WorkOrderState,
} from '../../contracts/work-order';
import { watchSla } from './sla-watch';
import * as validate from './validators';
import { WorkOrderRun } from './work-order-run';

export async function workOrderWorkflow(input: WorkOrderInput): Promise<WorkOrderState> {
  const run = new WorkOrderRun(input);
  registerHandlers(run);
  upsertSearchAttributes([
    { key: PropertyIdKey, value: input.property.propertyId },
    { key: WorkOrderPriorityKey, value: run.state.priority },
    { key: ProcessStatusKey, value: run.state.status },
    { key: SlaBreachedKey, value: false },
  ]);
  await run.notify('work_order_received', { description: input.request.description, next: run.state.next?.step ?? '' }, [input.requestedBy.email]);
  void watchSla(run);

  let recorded = -1;
  for (;;) {
    if (recorded !== run.changes) {
      recorded = run.changes;
      await run.record();
    }
    if (run.finished) break;
    const { status, assignment } = run.state;
    if (status === 'assigning') await run.askNextContractor();
    else if (status === 'awaiting_acceptance') {
      if (!(await run.waitForChange(Date.parse(assignment!.acceptBy))) && run.state.status === 'awaiting_acceptance') await run.lapse();
    } else if (status === 'closed') {
      if (!(await run.waitForChange(run.reopenWindowEnd)) && run.state.status === 'closed') break;
    } else await run.waitForChange();
  }
  // An Update that ended the work order finishes before the run does.
  await condition(allHandlersFinished);
  if (recorded !== run.changes) await run.record();
  return run.state;
}

function registerHandlers(run: WorkOrderRun) {
  const check = <T>(rule: (s: WorkOrderState, request: T) => void) => ({ validator: (request: T) => rule(run.state, request) });
  setHandler(workOrderStateQuery, () => run.state);
  setHandler(triageUpdate, (r) => run.triage(r), check(validate.validateTriage));
  setHandler(mergeUpdate, (r) => run.merge(r), check(validate.validateMerge));
  setHandler(assignUpdate, (r) => run.assign(r), check(validate.validateAssign));
  setHandler(respondToAssignmentUpdate, (r) => run.respond(r), check(validate.validateResponse));
  setHandler(submitQuoteUpdate, (r) => run.submitQuote(r), check(validate.validateQuote));
  setHandler(decideQuoteUpdate, (r) => run.decideQuote(r), check(validate.validateQuoteDecision));
  setHandler(scheduleVisitUpdate, (r) => run.schedule(r), check(validate.validateAppointment));
  setHandler(accessRefusedUpdate, (r) => run.accessRefused(r), check(validate.validateAccessRefused));
  setHandler(startWorkUpdate, (r) => run.startWork(r), check(validate.validateStart));
  setHandler(completeWorkUpdate, (r) => run.complete(r), check(validate.validateCompletion));
  setHandler(submitInvoiceUpdate, (r) => run.submitInvoice(r), check(validate.validateInvoice));
  setHandler(decideInvoiceUpdate, (r) => run.decideInvoice(r), check(validate.validateInvoiceDecision));
  setHandler(recordPaymentUpdate, (r) => run.pay(r), check(validate.validatePayment));
  setHandler(rateWorkUpdate, (r) => run.rate(r), check(validate.validateRating));
  setHandler(reopenUpdate, (r) => run.reopen(r), check(validate.validateReopen));
  setHandler(cancelUpdate, (r) => run.cancel(r), check(validate.validateCancel));
  setHandler(reopenFromInspectionSignal, async (r) => {
    try {
      validate.validateReopen(run.state, r);
    } catch (err) {
      run.log(`the inspection's reopen was not applied: ${(err as Error).message}`);
      return;
    }
    await run.reopen(r);
  });
}
