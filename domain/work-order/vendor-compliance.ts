/**
 * Whether a contractor may be assigned work: the documents the vendor
 * directory keeps (insurance certificates, licences, tax forms) checked on the
 * day of assignment, and the reminders that go out before one expires. Pure
 * and workflow-safe: dates are ISO days (UTC).
 */
import { compareDates, daysBetween, type IsoDate } from '../calendar';
import { formatMoney, type Currency } from '../money';

export const VENDOR_DOCUMENT_KINDS = ['general_liability_insurance', 'workers_comp_insurance', 'trade_license', 'tax_form_w9'] as const;
export type VendorDocumentKind = (typeof VENDOR_DOCUMENT_KINDS)[number];

export interface VendorDocument {
  kind: VendorDocumentKind;
  /** The last day it is valid; a tax form has none. */
  expiresOn: IsoDate | null;
  /** An insurance certificate's per-occurrence limit. */
  coverageMinor?: number;
}

export interface ComplianceRules {
  /** Documents a contractor must hold to be assigned work. */
  required: readonly VendorDocumentKind[];
  /** The least general liability cover accepted (per occurrence). */
  minGeneralLiabilityMinor: number;
  currency: Currency;
}

/** What a property manager would ask of any contractor by default: insurance of 1,000,000.00, a licence, a W-9. */
export const DEFAULT_COMPLIANCE: ComplianceRules = {
  required: ['general_liability_insurance', 'trade_license', 'tax_form_w9'],
  minGeneralLiabilityMinor: 100_000_000,
  currency: 'USD',
};

/** Days before a document expires that the contractor and the manager are reminded. */
export const EXPIRY_REMINDER_DAYS = [30, 3] as const;

const LABELS: Record<VendorDocumentKind, string> = {
  general_liability_insurance: 'general liability insurance certificate',
  workers_comp_insurance: "workers' compensation certificate",
  trade_license: 'trade licence',
  tax_form_w9: 'tax form (W-9)',
};

/** Every reason this contractor cannot be assigned work on `on` (empty: it can). */
export function complianceProblems(documents: readonly VendorDocument[], on: IsoDate, rules: ComplianceRules = DEFAULT_COMPLIANCE): string[] {
  const problems: string[] = [];
  for (const kind of rules.required) {
    const held = documents.filter((d) => d.kind === kind);
    const valid = held.filter((d) => d.expiresOn === null || compareDates(on, d.expiresOn) <= 0);
    if (held.length === 0) {
      problems.push(`no ${LABELS[kind]} on file`);
    } else if (valid.length === 0) {
      const latest = held.map((d) => d.expiresOn!).sort().at(-1)!;
      problems.push(`the ${LABELS[kind]} expired on ${latest}`);
    } else if (kind === 'general_liability_insurance' && !valid.some((d) => (d.coverageMinor ?? 0) >= rules.minGeneralLiabilityMinor)) {
      const best = Math.max(...valid.map((d) => d.coverageMinor ?? 0));
      problems.push(`general liability cover of ${formatMoney(best, rules.currency)} is below the required ${formatMoney(rules.minGeneralLiabilityMinor, rules.currency)}`);
    }
  }
  return problems;
}

/** A document the reminder run looks at: its id, when it expires, and the reminders already sent for it (days before). */
export interface ExpiringDocument {
  id: string;
  expiresOn: IsoDate;
  sent: readonly number[];
}

/** One e-mail to send about one document: how many days are left, and every reminder (days before) it stands for. */
export interface DueReminder {
  documentId: string;
  expiresOn: IsoDate;
  daysLeft: number;
  covers: number[];
}

/**
 * The reminders due on `asOf`: for each document not yet expired, the
 * reminders whose day has come and that were not sent. A run that missed a
 * day catches up, and a document that arrives already inside both windows
 * (expiring in 2 days) gets one e-mail, not two: it covers both reminders,
 * so neither goes out again. The e-mail says the days actually left.
 */
export function dueExpiryReminders(documents: readonly ExpiringDocument[], asOf: IsoDate): DueReminder[] {
  const due: DueReminder[] = [];
  for (const d of documents) {
    const daysLeft = daysBetween(asOf, d.expiresOn);
    if (daysLeft < 0) continue;
    const covers = EXPIRY_REMINDER_DAYS.filter((before) => daysLeft <= before && !d.sent.includes(before));
    if (covers.length) due.push({ documentId: d.id, expiresOn: d.expiresOn, daysLeft, covers: [...covers] });
  }
  return due;
}

/** How a document is named in a reminder. */
export function vendorDocumentLabel(kind: VendorDocumentKind): string {
  return LABELS[kind];
}
