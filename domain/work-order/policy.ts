/**
 * A property's maintenance policy: what the owner lets a manager approve
 * alone, the service levels its work orders keep, the jurisdiction's repair
 * deadline and what a contractor must hold. Each property may override any
 * part (properties.maintenance_policy); the rest is the platform's default.
 * Pure and workflow-safe.
 */
import type { Currency } from '../money';
import { DEFAULT_SLA, type SlaPolicy, type SlaWindow } from './sla';
import { DEFAULT_COMPLIANCE, type ComplianceRules } from './vendor-compliance';

export interface MaintenancePolicy {
  /** A quote at or under this is approved without the owner (AppFolio and Buildium call it the approval limit). */
  approvalThresholdMinor: number;
  currency: Currency;
  sla: SlaPolicy;
  /** The jurisdiction's repair deadline after written notice; null where it sets none. */
  legalRepairWindow: SlaWindow | null;
  compliance: ComplianceRules;
  /** Notice the occupants get before someone enters (hours). */
  entryNoticeHours: number;
}

export type MaintenancePolicyOverride = Partial<Omit<MaintenancePolicy, 'sla'>> & { sla?: Partial<SlaPolicy> };

/** USD 500.00: a common default approval limit for repairs in management agreements. */
export const DEFAULT_MAINTENANCE_POLICY: MaintenancePolicy = {
  approvalThresholdMinor: 50_000,
  currency: 'USD',
  sla: DEFAULT_SLA,
  legalRepairWindow: null,
  compliance: DEFAULT_COMPLIANCE,
  entryNoticeHours: 24,
};

export function maintenancePolicy(override: MaintenancePolicyOverride | null | undefined): MaintenancePolicy {
  const o = override ?? {};
  return {
    ...DEFAULT_MAINTENANCE_POLICY,
    ...o,
    sla: { ...DEFAULT_SLA, ...(o.sla ?? {}) },
    compliance: { ...DEFAULT_COMPLIANCE, ...(o.compliance ?? {}) },
  };
}
