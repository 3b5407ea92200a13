/**
 * One workflow per inspection, id `inspection-<inspectionId>` (contracts/inspection.ts):
 *
 *   scheduled   the occupants get their notice; reschedule or cancel (Updates); a visit
 *               missed (recorded, or no report a day after the slot) moves to the next slot
 *   report      the inspector's checklist and findings (an Update); a move-out is compared
 *               with the unit's move-in and proposes deductions; then its PDF; a milestone
 *               inspection's result goes to its project
 *   repairs     a work order per finding that needs work (children); waits for all
 *   reinspection the repairs re-checked; a failed one reopens its work order → repairs
 *   closed      with the final report
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { PropertyIdKey, ProcessStatusKey } from '../../domain/search-attributes';
import {
  cancelInspectionUpdate,
  inspectionStateQuery,
  MISSED_AFTER_HOURS,
  recordMissedUpdate,
  recordReinspectionUpdate,
  REPAIRING_KINDS,
  rescheduleInspectionUpdate,
  submitReportUpdate,
  type InspectionInput,
  type InspectionState,
} from '../../contracts/inspection';
import { repairDoneSignal } from '../../contracts/work-order';
import { InspectionRun } from './inspection-run';
import * as validate from './validators';

export async function inspectionWorkflow(input: InspectionInput): Promise<InspectionState> {
  const run = new InspectionRun(input);
  registerHandlers(run);
  upsertSearchAttributes([
    { key: PropertyIdKey, value: input.propertyId },
    { key: ProcessStatusKey, value: 'scheduled' },
  ]);
  await run.record();
  await run.noticeOfEntry();

  // Scheduled: until the report, a cancellation, or a slot left a day without a report (missed, moved on).
  for (;;) {
    const slot = run.state.slotAt;
    const settled = await run.waitUntil(() => run.state.report !== null || run.state.status === 'cancelled' || run.state.slotAt !== slot, Date.parse(slot) + MISSED_AFTER_HOURS * 3_600_000);
    if (run.state.report || run.state.status === 'cancelled') break;
    if (!settled) await run.missed({ by: 'system', reason: `no report within ${MISSED_AFTER_HOURS} hours of the slot` });
  }
  if (run.state.status === 'cancelled') return finish(run);

  // A move-out's report carries the deductions its comparison with the move-in proposes.
  if (input.kind === 'move_out') await run.compareWithMoveIn();
  await run.render(false);
  await run.record();
  // Only runs started with a project (none before this step existed) take it: replay is unchanged.
  if (input.project) {
    await run.reportToProject();
    await run.record();
  }

  if (REPAIRING_KINDS.includes(input.kind)) {
    await run.startRepairs();
    while (run.state.repairs.length > 0) {
      await run.setStatus('repairs', `waiting for ${run.state.repairs.filter((r) => r.status === 'open').length} repairs`);
      await condition(() => !run.repairsOpen);
      if (!run.state.repairs.some((r) => r.status === 'done')) break; // every work order ended without a repair
      const checks = run.state.reinspections.length;
      await run.setStatus('reinspection', 'repairs done: the post-repair inspection is due');
      await run.notify('inspection_reinspection_due', { count: run.state.repairs.filter((r) => r.status === 'done').length }, [input.inspector.email]);
      await condition(() => run.state.reinspections.length > checks);
      if (!run.repairsOpen) break;
    }
  }
  await run.render(true);
  await run.setStatus('closed', 'closed with the final report');
  return finish(run);
}

async function finish(run: InspectionRun) {
  await condition(allHandlersFinished);
  await run.record();
  return run.state;
}

function registerHandlers(run: InspectionRun) {
  const check = <T>(rule: (s: InspectionState, request: T) => void) => ({ validator: (request: T) => rule(run.state, request) });
  setHandler(inspectionStateQuery, () => run.state);
  setHandler(rescheduleInspectionUpdate, (r) => run.reschedule(r), { validator: (r) => validate.validateReschedule(run.state, r, run.input.noticeHours) });
  setHandler(recordMissedUpdate, (r) => run.missed(r), check(validate.validateMissed));
  setHandler(cancelInspectionUpdate, (r) => run.cancel(r), check(validate.validateCancel));
  setHandler(submitReportUpdate, (r) => run.submitReport(r), check(validate.validateReport));
  setHandler(recordReinspectionUpdate, (r) => run.reinspect(r), check(validate.validateReinspection));
  setHandler(repairDoneSignal, (r) => run.repairDone(r));
}
