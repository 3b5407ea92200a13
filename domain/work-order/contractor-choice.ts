/**
 * Which contractor a work order goes to next: of the directory's contractors,
 * those of the right trade who serve the property's area, are compliant on
 * the day (vendor-compliance.ts) and have not already declined or let this
 * work order lapse; best figures first (rating, first-time fixes, response
 * time), then the lower rate. Pure and workflow-safe: the work-order workflow
 * asks again when one declines or does not accept in time.
 */
import type { IsoDate } from '../calendar';
import { complianceProblems, DEFAULT_COMPLIANCE, type ComplianceRules, type VendorDocument } from './vendor-compliance';
import type { WorkOrderPriority } from './sla';

export const TRADES = ['plumbing', 'electrical', 'hvac', 'appliance', 'pest', 'structural', 'general'] as const;
export type Trade = (typeof TRADES)[number];

export interface DirectoryContractor {
  contractorId: string;
  trades: readonly Trade[];
  /** Postal codes served. */
  serviceArea: readonly string[];
  hourlyRateMinor: number;
  documents: readonly VendorDocument[];
  /** The directory's figures; undefined for a contractor without history yet. */
  figures?: { rating: number; firstTimeFixBasisPoints: number; medianResponseMinutes: number };
}

/**
 * How long a contractor has to accept before the next is asked: 30 minutes for
 * an emergency, otherwise 4 hours. The issue asks 4 business hours; those need
 * the property's time zone and office hours, which the platform does not hold
 * yet, so this counts elapsed hours for now.
 */
export function acceptanceWindowMinutes(priority: WorkOrderPriority): number {
  return priority === 'emergency' ? 30 : 4 * 60;
}

/** The contractors this work may go to, in the order they are asked, with why each of the others may not. */
export function candidates(
  directory: readonly DirectoryContractor[],
  need: { trade: Trade; postalCode: string; on: IsoDate; passedOver: readonly string[] },
  rules: ComplianceRules = DEFAULT_COMPLIANCE,
) {
  const eligible: DirectoryContractor[] = [];
  const refused: { contractorId: string; reasons: string[] }[] = [];
  for (const c of directory) {
    const reasons = [
      ...(c.trades.includes(need.trade) ? [] : [`not a ${need.trade} contractor`]),
      ...(c.serviceArea.includes(need.postalCode) ? [] : [`does not serve ${need.postalCode}`]),
      ...(need.passedOver.includes(c.contractorId) ? ['already declined or did not accept this work order'] : []),
      ...complianceProblems(c.documents, need.on, rules),
    ];
    if (reasons.length) refused.push({ contractorId: c.contractorId, reasons });
    else eligible.push(c);
  }
  // Those with a record first, best first; newcomers after them; ties on the lower rate, then the id (a stable order).
  eligible.sort(
    (a, b) =>
      Number(!a.figures) - Number(!b.figures) ||
      (b.figures?.rating ?? 0) - (a.figures?.rating ?? 0) ||
      (b.figures?.firstTimeFixBasisPoints ?? 0) - (a.figures?.firstTimeFixBasisPoints ?? 0) ||
      (a.figures?.medianResponseMinutes ?? 0) - (b.figures?.medianResponseMinutes ?? 0) ||
      a.hourlyRateMinor - b.hourlyRateMinor ||
      a.contractorId.localeCompare(b.contractorId),
  );
  return { eligible, refused };
}
