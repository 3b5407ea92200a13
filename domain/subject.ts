/**
 * What a shared record is about: the process instance its documents,
 * notifications and envelopes are filed under (a lease, a purchase…).
 */
export const SUBJECT_TYPES = ['lease', 'purchase', 'work_order', 'inspection', 'project'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface Subject {
  type: SubjectType;
  id: string;
}

/**
 * What a notification or stored document is filed under: a process's record,
 * a vendor directory entry (its document reminders), an owner (their
 * statements), or a stored report (report_documents).
 */
export type NotificationSubject = Subject | { type: 'contractor' | 'owner' | 'report'; id: string };

/** A lease id alone still means the lease (how the lease's activities have always called). */
export const asSubject = (s: Subject | string): Subject => (typeof s === 'string' ? { type: 'lease', id: s } : s);
/** The lease column of a row about this subject (null when it is not a lease's). */
export const leaseIdOf = (s: NotificationSubject): string | null => (s.type === 'lease' ? s.id : null);
