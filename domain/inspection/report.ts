/**
 * An inspection report: a checklist by room or area from the template of the
 * inspection's kind, each item's condition, and findings with severity and
 * responsibility. What a complete report is, and which findings become work
 * orders at which priority. Pure and workflow-safe.
 */
import type { Condition, InspectedItem, Responsibility } from './comparison';
import type { WorkOrderPriority } from '../work-order/sla';

export const INSPECTION_KINDS = ['move_in', 'move_out', 'periodic', 'pre_purchase', 'milestone', 'post_repair'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const SEVERITIES = ['emergency', 'urgent', 'routine', 'cosmetic'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ChecklistTemplate {
  areas: { area: string; items: string[] }[];
}

const UNIT_AREAS: ChecklistTemplate['areas'] = [
  { area: 'Entry', items: ['Door and lock', 'Floor', 'Walls', 'Lighting'] },
  { area: 'Kitchen', items: ['Countertop', 'Cabinets', 'Sink and faucet', 'Oven', 'Refrigerator', 'Floor', 'Walls'] },
  { area: 'Living room', items: ['Floor', 'Walls', 'Windows', 'Lighting'] },
  { area: 'Bathroom', items: ['Toilet', 'Sink and faucet', 'Tub or shower', 'Ventilation', 'Floor'] },
  { area: 'Bedroom', items: ['Floor', 'Walls', 'Windows', 'Closet'] },
  { area: 'Safety', items: ['Smoke detectors', 'Carbon monoxide detector'] },
];
const SYSTEMS: ChecklistTemplate['areas'] = [
  { area: 'Structure', items: ['Foundation', 'Roof', 'Attic'] },
  { area: 'Systems', items: ['Electrical panel', 'Plumbing supply and drains', 'Water heater', 'Heating', 'Cooling'] },
];

/** The checklist each kind starts from (a milestone inspection checks the project's lines instead, so it has none). */
export const CHECKLIST_TEMPLATES: Record<InspectionKind, ChecklistTemplate> = {
  move_in: { areas: UNIT_AREAS },
  move_out: { areas: UNIT_AREAS },
  periodic: { areas: [...UNIT_AREAS, ...SYSTEMS] },
  pre_purchase: { areas: [...SYSTEMS, ...UNIT_AREAS] },
  milestone: { areas: [] },
  post_repair: { areas: [] }, // the items of the findings it re-checks
};

export interface Finding {
  area: string;
  item: string;
  description: string;
  severity: Severity;
  responsibility: Responsibility;
  /** Whether someone has to do work (a cosmetic note may need none). */
  needsWork: boolean;
  estimatedCostMinor?: number;
}

export interface InspectionReport {
  items: InspectedItem[];
  findings: Finding[];
}

const key = (area: string, item: string) => `${area.trim().toLowerCase()}\u0000${item.trim().toLowerCase()}`;
const WORSE: readonly Condition[] = ['poor', 'damaged'];

/** Why this report is not complete for its template, or an empty list. */
export function reportProblems(template: ChecklistTemplate, report: InspectionReport): string[] {
  const problems: string[] = [];
  const items = new Map(report.items.map((i) => [key(i.area, i.item), i]));
  for (const { area, items: names } of template.areas) {
    for (const name of names) if (!items.has(key(area, name))) problems.push(`${area}: ${name} has no condition`);
  }
  for (const i of report.items) {
    if (WORSE.includes(i.condition) && !i.notes.trim()) problems.push(`${i.area}: ${i.item} is ${i.condition}: say what is wrong in its notes`);
  }
  for (const f of report.findings) {
    if (!f.description.trim()) problems.push(`${f.area}: ${f.item}: a finding needs a description`);
    if (f.estimatedCostMinor !== undefined && (!Number.isSafeInteger(f.estimatedCostMinor) || f.estimatedCostMinor < 0)) problems.push(`${f.area}: ${f.item}: the estimate must be whole minor units, not negative`);
  }
  return problems;
}

/** The work-order priority a finding's severity asks for (cosmetic work is routine). */
export const priorityOf = (severity: Severity): WorkOrderPriority => (severity === 'emergency' || severity === 'urgent' ? severity : 'routine');

/** The findings that start a work order each, most severe first, with its priority. */
export function workOrdersFor(report: InspectionReport): { finding: Finding; priority: WorkOrderPriority }[] {
  return report.findings
    .filter((f) => f.needsWork)
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))
    .map((finding) => ({ finding, priority: priorityOf(finding.severity) }));
}
