/** The daily rent run's progress, as its Query and its search attributes report it. */
export interface RentRunCounts {
  /** Periods with a recorded first-charge outcome. */
  processed: number;
  charged: number;
  /** Hard declines: the tenant is asked for a new card. */
  failed: number;
  /** Soft declines: the lease retries on its dunning days. */
  retrying: number;
  /** Paid already (by hand, or by an earlier charge of the open balance). */
  nothingDue: number;
}

export interface RentRunProgress extends RentRunCounts {
  runDate: string | null;
  status: 'running' | 'completed';
  batches: number;
}
