/**
 * The work-order workflow's world in memory, for workflow tests: the vendor
 * directory chosen from with the same rule as the Postgres activity
 * (`candidates`), payments kept as the ledger's lines would be, rows and
 * e-mails listed.
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '../../domain/calendar';
import { postingLines, type LedgerLine } from '../../domain/ledger';
import { candidates, type DirectoryContractor } from '../../domain/work-order/contractor-choice';
import { complianceProblems } from '../../domain/work-order/vendor-compliance';
import type { WorkOrderActivities, WorkOrderState } from '../../contracts/work-order';

export const person = (name: string) => ({ userId: randomUUID(), name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` });
export const tenant = person('Tess Tenant');
export const manager = person('Max Manager');
export const owner = person('Olga Owner');
export const POSTAL = '50010';

/** A contractor who holds every document the default rules ask, valid for a year from `today`. */
export function contractor(name: string, today: string, o: Partial<DirectoryContractor> = {}): DirectoryContractor & { name: string; email: string } {
  const { userId, email } = person(name);
  return {
    contractorId: userId,
    name,
    email,
    trades: ['plumbing', 'electrical', 'general'],
    serviceArea: [POSTAL],
    hourlyRateMinor: 9_500,
    documents: [
      { kind: 'general_liability_insurance', expiresOn: addDays(today, 365), coverageMinor: 200_000_000 },
      { kind: 'trade_license', expiresOn: addDays(today, 365) },
      { kind: 'tax_form_w9', expiresOn: null },
    ],
    ...o,
  };
}

/** The world the activities touch, in memory: the directory, the ledger's lines per book, the e-mails. */
export function fakeWorkOrderWorld(directory: (DirectoryContractor & { name: string; email: string })[]) {
  const lines = new Map<string, LedgerLine[]>();
  const payments: { workOrderId: string; leaseId: string | null; amountMinor: number }[] = [];
  const mails: { template: string; to: string[]; data: Record<string, string | number> }[] = [];
  const rows = new Map<string, WorkOrderState>();
  const post = (book: string, kind: Parameters<typeof postingLines>[0], amountMinor: number) => lines.set(book, [...(lines.get(book) ?? []), ...postingLines(kind, amountMinor)]);
  const asCandidate = (c: (typeof directory)[number]) => ({ contractorId: c.contractorId, name: c.name, email: c.email, hourlyRateMinor: c.hourlyRateMinor });
  const activities: WorkOrderActivities = {
    async recordWorkOrder({ state }) {
      rows.set(state.workOrderId, state);
    },
    async eligibleContractors({ trade, postalCode, on, passedOver, rules }) {
      const { eligible, refused } = candidates(directory, { trade, postalCode, on, passedOver }, rules);
      const named = (id: string) => asCandidate(directory.find((d) => d.contractorId === id)!);
      return { eligible: eligible.map((c) => named(c.contractorId)), refused: refused.map((r) => ({ ...r, name: named(r.contractorId).name })) };
    },
    async contractorProblems({ contractorId, on, rules }) {
      const c = directory.find((d) => d.contractorId === contractorId);
      if (!c) return { candidate: null, reasons: ['not in the vendor directory'] };
      return { candidate: asCandidate(c), reasons: complianceProblems(c.documents, on, rules) };
    },
    async postWorkOrderPayment({ workOrderId, propertyId, leaseId, amountMinor }) {
      if (payments.some((p) => p.workOrderId === workOrderId)) return; // once per work order, as the ledger's keys make it
      payments.push({ workOrderId, leaseId, amountMinor });
      post(`property:${propertyId}`, 'repair_paid', amountMinor);
      if (leaseId) post(`lease:${leaseId}`, 'repair_charged', amountMinor);
    },
    async notifyWorkOrder({ template, to, data }) {
      mails.push({ template, to, data });
    },
  };
  return { activities, lines, payments, mails, rows };
}

export type WorkOrderWorld = ReturnType<typeof fakeWorkOrderWorld>;

