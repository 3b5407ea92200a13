/**
 * The SLA watch: runs beside the work order, sleeping until the next alert
 * of a deadline not yet met (50%, 80%, then 100%, which escalates), and
 * waking early whenever the work order changes, since a triage, a pause or
 * a met target moves or removes what it waits for. All durable timers.
 */
import { condition } from '@temporalio/workflow';
import type { WorkOrderRun } from './work-order-run';

/** The earliest alert still to come: of a target not met, a share not yet announced, at a known time (none while paused). */
function nextAlert(run: WorkOrderRun) {
  let next: { target: (typeof run.state.sla)[number]['target']; share: number; at: number; dueAt: number } | undefined;
  for (const d of run.deadlines()) {
    const s = run.state.sla.find((x) => x.target === d.target);
    if (!s || s.metAt || d.dueAt === undefined) continue;
    for (const a of d.alerts) {
      if (a.at === undefined || s.alerted.includes(a.share)) continue;
      if (!next || a.at < next.at) next = { target: d.target, share: a.share, at: a.at, dueAt: d.dueAt };
      break; // the earliest share of this target not yet announced
    }
  }
  return next;
}

export async function watchSla(run: WorkOrderRun): Promise<void> {
  while (!run.finished) {
    const seen = run.changes;
    const next = nextAlert(run);
    if (!next) {
      await condition(() => run.changes !== seen);
      continue;
    }
    const ms = next.at - Date.now();
    if (ms > 0 && (await condition(() => run.changes !== seen, ms))) continue;
    if (run.finished) return;
    await run.slaAlert(next.target, next.share, next.dueAt);
  }
}
