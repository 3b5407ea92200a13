/**
 * The alert watch: runs beside the project, sleeping (a durable timer) until
 * the next timed alert — a milestone past its planned date and not reached
 * (a schedule slip), a permit's reminders before its last day, a permit
 * expired — and waking early whenever the project changes, since an
 * inspection, a change order or a permit moves or removes what it waits for.
 * The budget overrun is not timed: the loop checks it after every change.
 */
import { condition } from '@temporalio/workflow';
import { addDays, startOfDate } from '../../domain/calendar';
import type { ProjectAlert } from '../../contracts/project';
import type { ProjectRun } from './project-run';

export interface TimedAlert {
  kind: ProjectAlert['kind'];
  key: string;
  at: number;
  message: string;
}

/** Every timed alert of the project as it stands, raised or not. */
export function timedAlerts(run: ProjectRun): TimedAlert[] {
  const s = run.state;
  const out: TimedAlert[] = [];
  if (s.status === 'active') {
    for (const m of s.milestones.filter((x) => x.status !== 'reached')) {
      out.push({ kind: 'schedule_slip', key: `slip:${m.milestoneId}:${m.plannedOn}`, at: startOfDate(addDays(m.plannedOn, 1)), message: `milestone "${m.name}" was planned for ${m.plannedOn} and has not been reached` });
    }
  }
  if (s.status !== 'completed') {
    for (const p of s.permits.filter((x) => x.status === 'issued' && x.expiresOn)) {
      const expires = p.expiresOn!;
      for (const days of run.reminderDays) {
        const at = startOfDate(addDays(expires, -days));
        // A reminder whose day had passed when the permit was recorded is not sent late.
        if (at <= Date.parse(p.recordedAt)) continue;
        out.push({ kind: 'permit_expiring', key: `permit:${p.name}:${expires}:${days}`, at, message: `permit "${p.name}" expires on ${expires}, in ${days} days` });
      }
      out.push({ kind: 'permit_expired', key: `permit-expired:${p.name}:${expires}`, at: startOfDate(addDays(expires, 1)), message: `permit "${p.name}" expired on ${expires}: draws that depend on it wait until it is renewed` });
    }
  }
  return out;
}

/** The earliest alert not yet raised. */
export function nextAlert(run: ProjectRun): TimedAlert | undefined {
  const raised = new Set(run.state.alerts.map((a) => a.key));
  return timedAlerts(run)
    .filter((a) => !raised.has(a.key))
    .reduce<TimedAlert | undefined>((next, a) => (!next || a.at < next.at ? a : next), undefined);
}

export async function watchAlerts(run: ProjectRun): Promise<void> {
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
    await run.alert(next.kind, next.key, next.message);
  }
}
