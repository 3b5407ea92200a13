/**
 * One workflow per project, id `project-<projectId>` (contracts/project.ts):
 *
 *   active                  contracts let (addCommitment); change orders proposed and sent to the
 *                           owners as an envelope (a child workflow): signed → the contract, its
 *                           schedule of values, the budget and the schedule change in one step;
 *                           pay applications drafted → under review → revise and resubmit or
 *                           approved; an approved draw is paid once the milestone inspection, the
 *                           conditional lien waiver and the permits allow it
 *   substantially_complete  the last draws; the final inspection; each contract's retainage
 *                           released with its unconditional final waiver
 *   completed               the property's record updated, the final report; the workflow ends
 *
 * People move it with Updates, each a transition in project-run.ts checked
 * by validators.ts. This loop does what nobody does by hand: pays the draws
 * nothing blocks, releases retainage, checks the projection against budget +
 * contingency after every change, keeps the project's row written, and
 * completes the project. The alert watch (alerts.ts) runs beside it. Every
 * Update returns the whole state, which grows with each application, so a
 * year of monthly draws outgrows one history: when the server suggests it,
 * the run continues as new with its state (never while a change order's
 * envelope is out: the child would be lost with the run).
 */
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { ProcessStatusKey, PropertyIdKey } from '../../domain/search-attributes';
import { envelopeSignedSignal } from '../../contracts/envelope';
import {
  addCommitmentUpdate,
  preparePayApplicationUpdate,
  projectStateQuery,
  proposeChangeOrderUpdate,
  recordFinalInspectionUpdate,
  recordLienWaiverUpdate,
  recordMilestoneInspectionUpdate,
  recordPermitUpdate,
  recordSubstantialCompletionUpdate,
  reviewPayApplicationUpdate,
  submitPayApplicationUpdate,
  type ProjectInput,
  type ProjectState,
} from '../../contracts/project';
import { watchAlerts } from './alerts';
import { ProjectRun } from './project-run';
import * as validate from './validators';

export async function projectWorkflow(input: ProjectInput): Promise<ProjectState> {
  const problem = validate.projectInputProblem(input);
  if (problem) throw ApplicationFailure.create({ message: problem, type: 'InvalidProject', nonRetryable: true });
  const run = new ProjectRun(input);
  registerHandlers(run);
  const propertyId = run.state.site.propertyId;
  upsertSearchAttributes([...(propertyId ? [{ key: PropertyIdKey, value: propertyId }] : []), { key: ProcessStatusKey, value: run.state.status }]);
  if (!input.continuation) await run.notify('project_started', { plannedCompletion: input.plannedCompletion }, [...run.managerEmails, ...run.ownerEmails]);
  void watchAlerts(run);

  let recorded = -1;
  for (;;) {
    await run.checkOverrun();
    await run.payDrawsDue();
    await run.releaseRetainageDue();
    if (run.readyToComplete) await run.complete();
    // Note what has been seen before recording: an Update that lands while the row is written must wake the wait below.
    const seen = run.changes;
    if (recorded !== seen) {
      recorded = seen;
      await run.record();
    }
    if (run.finished) break;
    if (workflowInfo().continueAsNewSuggested && run.deciding === 0) {
      // Keep the history bounded: carry the state into a fresh run, once no Update is half done.
      await condition(allHandlersFinished);
      if (run.changes === seen && run.deciding === 0) return continueAsNew<typeof projectWorkflow>({ ...input, continuation: { state: run.state } });
      continue;
    }
    await condition(() => run.changes !== seen);
  }
  // An Update that arrived as the project completed finishes before the run does.
  await condition(allHandlersFinished);
  if (recorded !== run.changes) await run.record();
  return run.state;
}

function registerHandlers(run: ProjectRun) {
  const check = <T>(rule: (s: ProjectState, request: T) => void) => ({ validator: (request: T) => rule(run.state, request) });
  setHandler(projectStateQuery, () => run.state);
  setHandler(addCommitmentUpdate, (r) => run.addCommitment(r), check(validate.validateCommitment));
  setHandler(proposeChangeOrderUpdate, (r) => run.proposeChangeOrder(r), check(validate.validateChangeOrder));
  setHandler(preparePayApplicationUpdate, (r) => run.prepare(r), check(validate.validatePrepare));
  setHandler(submitPayApplicationUpdate, (r) => run.submit(r), check(validate.validateSubmit));
  setHandler(reviewPayApplicationUpdate, (r) => run.review(r), check(validate.validateReview));
  setHandler(recordMilestoneInspectionUpdate, (r) => run.recordInspection(r), check(validate.validateMilestoneInspection));
  setHandler(recordLienWaiverUpdate, (r) => run.recordWaiver(r), check(validate.validateLienWaiver));
  setHandler(recordPermitUpdate, (r) => run.recordPermit(r), check(validate.validatePermit));
  setHandler(recordSubstantialCompletionUpdate, (r) => run.substantialCompletion(r), check(validate.validateSubstantialCompletion));
  setHandler(recordFinalInspectionUpdate, (r) => run.finalInspection(r), check(validate.validateFinalInspection));
  // The owners' envelopes tell the project of each signature as it comes (the outcome arrives as the envelope's result).
  setHandler(envelopeSignedSignal, ({ envelopeId, signature }) => {
    const co = run.state.changeOrders.find((x) => x.envelopeId === envelopeId);
    if (co) run.log(`${signature.name} signed change order ${co.number}`);
  });
}
