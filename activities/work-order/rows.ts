/**
 * Pure mappings between the work-order workflow's state and Postgres rows:
 * the work_orders row a state is recorded as, and the vendor directory's
 * entry a contractor's rows make (documents and figures from its work
 * orders). Kept apart from the queries so they are unit-tested.
 */
import type { Currency } from '../../domain/money';
import type { DirectoryContractor, Trade } from '../../domain/work-order/contractor-choice';
import type { VendorDocument } from '../../domain/work-order/vendor-compliance';
import { workOrderWorkflowId, type ContractorCandidate, type WorkOrderState } from '../../contracts/work-order';

/** The work_orders columns of a state, in the order the upsert binds them. */
export function workOrderRow(state: WorkOrderState, currency: Currency) {
  const a = state.assignment;
  return {
    id: state.workOrderId,
    propertyId: state.propertyId,
    unitId: state.unitId,
    // The state names a lease only once a tenant-caused repair is charged to it.
    leaseId: state.invoice?.chargedToLeaseId ?? null,
    requestedBy: state.requestedBy.userId,
    status: state.status,
    priority: state.priority,
    category: state.category,
    contractorId: a?.contractorId ?? null,
    slaBreached: state.slaBreached,
    raisedAt: state.raisedAt,
    acceptedMinutes: a?.acceptedAt ? Math.max(0, Math.round((Date.parse(a.acceptedAt) - Date.parse(a.askedAt)) / 60_000)) : null,
    completedAt: state.completion?.at ?? null,
    reopenedInWarranty: state.reopened.some((r) => r.countsAgainstContractor),
    rating: state.rating?.stars ?? null,
    amountPaidMinor: state.invoice?.status === 'paid' ? state.invoice.amountMinor : null,
    currency,
    // The history grows with every event; the workflow (its query) is where it is read.
    state: { ...state, history: [] },
    workflowId: workOrderWorkflowId(state.workOrderId),
  };
}

/** A contractor as the directory query returns it (figures aggregated over its work_orders rows). */
export interface DirectoryRow {
  user_id: string;
  company: string;
  email: string;
  trades: string[];
  service_area: string[];
  hourly_rate_minor: string | number;
  documents: { kind: VendorDocument['kind']; expiresOn: string | null; coverageMinor: number | string | null }[] | null;
  completed: string | number;
  rating: string | number | null;
  first_time_fixes: string | number;
  median_response_minutes: string | number | null;
}

/**
 * The directory's entry: figures only for a contractor with completed work.
 * Rating is the average of the ratings given (0 when none was: completed work
 * without a rating ranks below rated work); first-time fixes are completed
 * work orders not reopened in warranty, in basis points of those completed.
 */
export function directoryContractor(r: DirectoryRow): DirectoryContractor {
  const completed = Number(r.completed);
  return {
    contractorId: r.user_id,
    trades: r.trades as Trade[],
    serviceArea: r.service_area,
    hourlyRateMinor: Number(r.hourly_rate_minor),
    documents: (r.documents ?? []).map((d) => ({
      kind: d.kind,
      expiresOn: d.expiresOn,
      ...(d.coverageMinor === null ? {} : { coverageMinor: Number(d.coverageMinor) }),
    })),
    ...(completed > 0
      ? {
          figures: {
            rating: r.rating === null ? 0 : Math.round(Number(r.rating) * 100) / 100,
            firstTimeFixBasisPoints: Math.round((Number(r.first_time_fixes) * 10_000) / completed),
            medianResponseMinutes: r.median_response_minutes === null ? 0 : Math.round(Number(r.median_response_minutes)),
          },
        }
      : {}),
  };
}

export const candidateOf = (r: DirectoryRow): ContractorCandidate => ({
  contractorId: r.user_id,
  name: r.company,
  email: r.email,
  hourlyRateMinor: Number(r.hourly_rate_minor),
});

/**
 * The period index of a repair's charge on a lease: lease_charges is unique
 * per (lease, kind, period, day), and a repair belongs to no rent period, so
 * each work order gets its own negative index (from its id; rent periods are
 * 0 and up, move-out damages 0). Negative indexes never raise a rent period's
 * number where fees read the highest.
 */
export function repairChargePeriodIndex(workOrderId: string): number {
  const hex = workOrderId.replace(/-/g, '').slice(0, 7);
  if (!/^[0-9a-f]{7}$/i.test(hex)) throw new Error(`work order id ${workOrderId} is not a uuid`);
  return -(Number.parseInt(hex, 16) + 1);
}
