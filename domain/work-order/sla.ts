/**
 * Service levels of a work order: by when it must be acknowledged, attended
 * on site and resolved, by priority, per property (defaults below), with a
 * jurisdiction's legal repair deadline after written notice winning where it
 * is stricter. Each deadline has alerts at 50% and 80% of its window and an
 * escalation at 100%. The clock stops only while the work waits on the tenant
 * (access refused, rescheduled by them): every alert and the deadline move on
 * by the time it was stopped.
 *
 * Pure and workflow-safe: instants are epoch milliseconds (UTC), so a workflow
 * sets its timers from these and a route shows the same times.
 */
import { addBusinessDays, type HolidayCalendar } from '../business-days';
import { dateOfInstant, startOfDate } from '../calendar';

export const WORK_ORDER_PRIORITIES = ['emergency', 'urgent', 'routine'] as const;
export type WorkOrderPriority = (typeof WORK_ORDER_PRIORITIES)[number];

export const SLA_TARGETS = ['acknowledged', 'on_site', 'resolved'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** A window: elapsed hours, or business days (the same time of day, that many business days on). */
export type SlaWindow = { hours: number } | { businessDays: number };

/** What each priority must meet; a target not named has no deadline. */
export type SlaPolicy = Record<WorkOrderPriority, Partial<Record<SlaTarget, SlaWindow>>>;

export const DEFAULT_SLA: SlaPolicy = {
  emergency: { acknowledged: { hours: 1 }, on_site: { hours: 4 }, resolved: { hours: 24 } },
  urgent: { resolved: { hours: 72 } },
  routine: { acknowledged: { businessDays: 2 }, resolved: { businessDays: 10 } },
};

/** Shares of a window at which someone is told (the last one escalates to the manager). */
export const SLA_ALERT_SHARES = [0.5, 0.8, 1] as const;

const HOUR_MS = 3_600_000;

/** A stretch when the work waited on the tenant; `to` undefined while it still does. */
export interface SlaPause {
  from: number;
  to?: number;
}

/** When a window that starts at `start` ends, before any pause. */
export function windowEnd(start: number, window: SlaWindow, cal: HolidayCalendar): number {
  if ('hours' in window) return start + window.hours * HOUR_MS;
  const timeOfDay = start - startOfDate(dateOfInstant(start));
  return startOfDate(addBusinessDays(dateOfInstant(start), window.businessDays, cal)) + timeOfDay;
}

/**
 * The windows in force for this priority: the property's policy, with the
 * resolution window replaced by the jurisdiction's legal repair deadline
 * (counted from the written notice, which a request through the platform is)
 * where that ends sooner.
 */
export function windowsFor(priority: WorkOrderPriority, start: number, cal: HolidayCalendar, policy: SlaPolicy = DEFAULT_SLA, legalRepair?: SlaWindow): Partial<Record<SlaTarget, number>> {
  const out: Partial<Record<SlaTarget, number>> = {};
  for (const target of SLA_TARGETS) {
    const w = policy[priority][target];
    if (w) out[target] = windowEnd(start, w, cal) - start;
  }
  if (legalRepair) {
    const legal = windowEnd(start, legalRepair, cal) - start;
    out.resolved = out.resolved === undefined ? legal : Math.min(out.resolved, legal);
  }
  return out;
}

/**
 * The instant at which `activeMs` of running clock have passed since `start`,
 * the pauses not counting; undefined while a pause without an end holds it.
 */
export function afterActive(start: number, activeMs: number, pauses: readonly SlaPause[]): number | undefined {
  let at = start + activeMs;
  let counted = start; // stopped time before this is already accounted for (overlapping pauses count once)
  for (const p of [...pauses].sort((a, b) => a.from - b.from)) {
    const from = Math.max(p.from, counted);
    if (from >= at) break; // it began after the moment was reached
    if (p.to === undefined) return undefined;
    if (p.to > from) {
      at += p.to - from;
      counted = p.to;
    }
  }
  return at;
}

export interface SlaDeadline {
  target: SlaTarget;
  /** The window's length, running clock only (ms). */
  windowMs: number;
  /** When each share of the window is reached (SLA_ALERT_SHARES), pauses counted; undefined while paused before it. */
  alerts: { share: (typeof SLA_ALERT_SHARES)[number]; at: number | undefined }[];
  /** The deadline itself (the 100% alert). */
  dueAt: number | undefined;
}

/** Every deadline of a work order raised at `start`, moved on by its pauses. */
export function slaDeadlines(
  priority: WorkOrderPriority,
  start: number,
  pauses: readonly SlaPause[],
  cal: HolidayCalendar,
  policy: SlaPolicy = DEFAULT_SLA,
  legalRepair?: SlaWindow,
): SlaDeadline[] {
  const windows = windowsFor(priority, start, cal, policy, legalRepair);
  return SLA_TARGETS.filter((t) => windows[t] !== undefined).map((target) => {
    const windowMs = windows[target]!;
    const alerts = SLA_ALERT_SHARES.map((share) => ({ share, at: afterActive(start, Math.round(windowMs * share), pauses) }));
    return { target, windowMs, alerts, dueAt: alerts.at(-1)!.at };
  });
}

/** Whether a target met at `metAt` (or still open at `now`) is past its deadline. */
export function breached(deadline: SlaDeadline, metAt: number | undefined, now: number): boolean {
  if (deadline.dueAt === undefined) return false; // paused: the clock is not running
  return (metAt ?? now) > deadline.dueAt;
}
