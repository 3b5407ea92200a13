/**
 * Every `patched()` id the lease workflow uses, in one place. A patch marks
 * logic added while leases were running: histories recorded before it take
 * the old path on replay, new runs the new one.
 *
 * When one can go: once no lease started (or continued as new) before the
 * patch's release is still running and no recorded history in
 * test/fixtures/histories predates it, replace `patched(id)` by
 * `deprecatePatch(id)` for one release, then delete the old branch. Leases
 * live for years, so expect these to stay a long time; the ids never change.
 */
export const LeasePatch = {
  /** Renewal offers before the end of a term (leases from before could not renew). */
  renewalOffers: 'lease-renewal-offers',
  /** Periods written to rent_periods and collected by the daily rent run; the lease collects only as a fallback. */
  rentRunCollection: 'rent-run-collection',
  /** A receipt PDF for every payment received, e-mailed with the thanks. */
  paymentReceipts: 'payment-receipts',
  /** A reminder some days before each due date. */
  rentDueReminders: 'rent-due-reminders',
  /** The agreement signed through a signing envelope (a child workflow), not by Updates on the lease. */
  signingEnvelopes: 'signing-envelopes',
  /** One reminder per period: a termination on a reminder day redraws the schedule without reminding again. */
  oneReminderPerPeriod: 'one-reminder-per-period',
} as const;
