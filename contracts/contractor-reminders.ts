/**
 * The daily reminders of expiring vendor documents (the vendor directory's
 * insurance certificates and licences): started by a Temporal Schedule
 * (workers/schedules.ts) on the operations task queue. One activity finds the
 * reminders due (domain/work-order/vendor-compliance.ts: 30 and 3 days before
 * a document expires), records each as sent and its e-mail in the outbox in
 * one transaction, so a rerun of the day, or of the activity, sends nothing
 * twice.
 *
 * Workflow-safe: types only. Names are forever: they are in every run's history.
 */
import type { IsoDate } from '../domain/calendar';

export const CONTRACTOR_REMINDERS_WORKFLOW_TYPE = 'contractorDocumentRemindersWorkflow';

/** The schedule that starts a run every day, on the operations task queue. */
export function contractorRemindersScheduleId(operationsQueue: string) {
  return `${operationsQueue}-daily-contractor-document-reminders`;
}

/** A run started by hand (or a test): `contractor-document-reminders-<asOf>-<suffix>`. */
export function contractorRemindersWorkflowId(asOf: IsoDate, suffix: string) {
  return `contractor-document-reminders-${asOf}-${suffix}`;
}

/** 14:00 UTC: the start of the working day on the US east coast, so a contractor reads it before the day's jobs. */
export const CONTRACTOR_REMINDERS_SCHEDULE = { hour: 14, minute: 0, timeZone: 'UTC' } as const;

export interface ContractorRemindersInput {
  /** The day the reminders are for; without it, the schedule's nominal day (UTC), or the day the run started. */
  asOf?: IsoDate;
}

/** One reminder sent: which document, whose, and how many days it had left. */
export interface SentReminder {
  documentId: string;
  contractorId: string;
  kind: string;
  expiresOn: IsoDate;
  daysLeft: number;
  /** The reminders (days before expiry) this e-mail stands for: [30], [3], or both for a document that arrived late. */
  covers: number[];
  /** The contractor and the managers of the properties they worked for in the last year. */
  recipients: string[];
}

export interface ContractorRemindersResult {
  asOf: IsoDate;
  sent: SentReminder[];
}

export type ContractorRemindersWorkflow = (input?: ContractorRemindersInput) => Promise<ContractorRemindersResult>;

export interface ContractorRemindersActivities {
  /** Records and queues every reminder due on `asOf` that was not sent before; returns those it sent now. */
  sendDocumentExpiryReminders(a: { asOf: IsoDate }): Promise<SentReminder[]>;
}
