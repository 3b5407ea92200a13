/**
 * A lease's vocabulary and fixed rules: its statuses, renewal defaults and the
 * bounds that keep its workflow state small. Pure and dependency-free, so the
 * lease workflow runs them directly (its contract is contracts/lease.ts).
 */

export const LEASE_STATUSES = [
  'screening',
  'awaiting_decision',
  'awaiting_signatures',
  'awaiting_move_in',
  'active',
  'ended',
  'closed',
  'rejected',
  'expired',
  'cancelled',
  'declined',
] as const;
export type LeaseStatus = (typeof LEASE_STATUSES)[number];

export const LEASE_PARTY_ROLES = ['tenant', 'landlord', 'manager'] as const;
export type LeasePartyRole = (typeof LEASE_PARTY_ROLES)[number];

/** Statuses after which the workflow ends: nothing more is recorded on it. */
export const FINISHED_STATUSES: readonly LeaseStatus[] = ['rejected', 'expired', 'cancelled', 'declined', 'closed'];

/** Statuses from which a lease can still be cancelled: nobody has moved in. */
export const CANCELLABLE_STATUSES: readonly LeaseStatus[] = ['screening', 'awaiting_decision', 'awaiting_signatures', 'awaiting_move_in'];

export interface RenewalPolicy {
  /** Days before the end of the term that the offer is made (default 60). */
  noticeDays: number;
  /** Days the tenant has to answer (default 30). */
  responseDays: number;
  /** Rent change offered, in basis points (300 = +3%). */
  rentChangeBps: number;
  /** Term offered, in months. */
  termMonths: number;
  /** Without an answer: go month-to-month at a premium, or end at the term's end. */
  noAnswer: 'month_to_month' | 'end';
  monthToMonthPremiumBps: number;
}

export const DEFAULT_RENEWAL: RenewalPolicy = {
  noticeDays: 60,
  responseDays: 30,
  rentChangeBps: 300,
  termMonths: 12,
  noAnswer: 'month_to_month',
  monthToMonthPremiumBps: 1000,
};

/** Days the parties have to sign before an offer expires, unless the lease says otherwise. */
export const DEFAULT_SIGNING_DAYS = 7;

/** Days before each due date the tenant is reminded (a lease's input may say otherwise; 0 sends none). */
export const DEFAULT_REMINDER_DAYS = 3;

/** Hours into a period's due day (UTC) the lease waits for the rent run before collecting by itself. */
export const RENT_RUN_WAIT_HOURS = 30;

/** Days after the end of the lease within which the deposit is settled (statutes commonly allow 14-30). */
export const MOVE_OUT_DAYS = 21;

/** Notes live in the workflow's state, carried across continue-as-new: keep them bounded. */
export const MAX_NOTES = 200;
export const MAX_NOTE_LENGTH = 4000;

/** Deductions are charged as one amount: keep it far inside exact integers. */
export const MAX_DEDUCTIONS_MINOR = 1_000_000_000_000;

/** `minor` changed by `bps` basis points, rounded half up, in integer arithmetic. */
export function withBps(minor: number, bps: number): number {
  return Number((BigInt(minor) * BigInt(10_000 + bps) + 5_000n) / 10_000n);
}
