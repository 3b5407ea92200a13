/** The e-mails the processes send (leases, envelopes, purchases, work orders), rendered from a template name and its data. */
import { formatMoney } from './money';

export type NotificationData = Record<string, string | number>;

const money = (data: NotificationData, key: string) =>
  typeof data[key] === 'number' ? formatMoney(data[key] as number, String(data.currency ?? 'USD')) : '';

/** A work order's service-level target (domain/work-order/sla.ts) as a reader says it. */
const SLA_TARGET_WORDS: Record<string, string> = { acknowledged: 'acknowledgement', on_site: 'on-site', resolved: 'resolution' };
const slaTarget = (d: NotificationData) => SLA_TARGET_WORDS[String(d.target)] ?? String(d.target);

const TEMPLATES: Record<string, (d: NotificationData) => { subject: string; text: string }> = {
  signature_requested: (d) => ({
    subject: d.title ? `Ready to sign: ${d.title}` : 'Your lease is ready to sign',
    text: `${d.title ? `${d.title} is` : 'Your lease agreement is'} ready. Please review and sign it by ${d.deadline}.`,
  }),
  signature_reminder: (d) => ({
    subject: `Reminder: please sign${d.title ? ` ${d.title}` : ''}`,
    text: `Your signature is still needed${d.title ? ` on ${d.title}` : ''}. Please review and sign by ${d.deadline}.`,
  }),
  lease_declined: (d) => ({
    subject: 'The lease offer was declined',
    text: `${d.by} declined to sign the lease${d.reason ? `: ${d.reason}` : ''}. The offer is closed.`,
  }),
  offer_expired: () => ({ subject: 'Your lease offer has expired', text: 'The lease was not signed by every party before the deadline, so the offer has expired.' }),
  application_rejected: () => ({ subject: 'Your rental application', text: 'We are sorry: your application was not approved.' }),
  payment_received: (d) => ({
    subject: 'Payment received',
    text: `Thank you: we received your payment of ${money(d, 'amountMinor')}.${d.receiptDocumentId ? ' Your receipt is in your lease documents.' : ''}`,
  }),
  rent_due_reminder: (d) => ({
    subject: 'Rent is due soon',
    text: `A reminder: rent of ${money(d, 'amountMinor')} is due on ${d.dueOn}. It will be charged to your saved card.`,
  }),
  payment_returned: (d) => ({
    subject: 'A payment was returned',
    text: `Your payment of ${money(d, 'amountMinor')} was ${d.reason === 'refunded' ? 'refunded' : 'returned by your bank or disputed'}, so it is owed again${
      typeof d.feeMinor === 'number' && d.feeMinor > 0 ? `, with a returned-payment fee of ${money(d, 'feeMinor')}` : ''
    }. We will charge your saved card.`,
  }),
  lease_cancelled: (d) => ({ subject: 'Your lease was cancelled', text: `The lease was cancelled before move-in: ${d.reason}.` }),
  payment_failed: (d) => ({
    subject: 'Your payment did not go through',
    text: `We could not collect your payment${d.period ? ` for period ${d.period}` : ''}. We will try again; you can also update your card.`,
  }),
  payment_method_needed: (d) => ({
    subject: 'Please update your payment method',
    text: `Your card was declined${d.period ? ` for period ${d.period}` : ''} and cannot be charged again. Please add a new payment method.`,
  }),
  late_fee_applied: (d) => ({ subject: 'A late fee was applied', text: `A late fee of ${money(d, 'amountMinor')} was added for period ${d.period}.` }),
  renewal_offer: (d) => ({
    subject: 'Your lease renewal offer',
    text: `We would like to renew your lease: ${money(d, 'monthlyRentMinor')} a month for ${d.termMonths} months. Please answer by ${d.respondBy}.`,
  }),
  deposit_statement: (d) => ({
    subject: 'Your security deposit statement',
    text: `Your deposit has been settled; ${money(d, 'refundedMinor')} is being refunded to your card. The itemized statement is available in your documents.`,
  }),
  purchase_offer_received: (d) => ({ subject: `New offer on ${d.address}`, text: `An offer of ${money(d, 'priceMinor')} was made on ${d.address}. Review it with the other offers.` }),
  purchase_under_contract: (d) => ({
    subject: `Under contract: ${d.address}`,
    text: `The offer on ${d.address} was accepted. Earnest money is due by ${d.earnestMoneyDueOn}; closing is set for ${d.closingDate}.`,
  }),
  purchase_deadline_reminder: (d) => ({ subject: `Coming up: ${d.what} for ${d.address}`, text: `A reminder: ${d.what} is due by the end of ${d.deadline} (the contract's deadline).` }),
  purchase_clear_to_close: (d) => ({ subject: `Clear to close: ${d.address}`, text: `Every contingency, document and title requirement is met. Closing is set for ${d.closingDate}.` }),
  purchase_terminated: (d) => ({ subject: `The purchase of ${d.address} ended`, text: `The contract ended: ${d.reason}.` }),
  purchase_closed: (d) => ({ subject: `Closed: ${d.address}`, text: `The deed was recorded as instrument ${d.instrument} on ${d.recordedOn}. Title has transferred.` }),
  work_order_received: (d) => ({
    subject: `We received your request: ${d.address}`,
    text: `Your ${d.category} request at ${d.address} was received.${d.next ? ` Next: ${d.next}.` : ''}`,
  }),
  work_order_update: (d) => ({ subject: `Work order update: ${d.address}`, text: `${d.event}${d.next ? ` Next: ${d.next}.` : ''}` }),
  work_order_offered: (d) => ({
    subject: `New ${d.category} work at ${d.address}`,
    text: `New ${d.category} work at ${d.address} (${d.priority} priority)${d.description ? `: ${d.description}` : ''}. Please accept it by ${d.acceptBy}, or it goes to another contractor.`,
  }),
  work_order_approval_needed: (d) => ({
    subject: `Approval needed: ${d.what === 'invoice' ? 'invoice' : 'quote'} for ${d.address}`,
    text: `${d.what === 'invoice' ? 'An invoice' : 'A quote'} of ${money(d, 'amountMinor')} for ${d.category ? `${d.category} work` : 'the work'} at ${d.address} needs your approval.`,
  }),
  work_order_sla_alert: (d) => ({
    subject: `Running late: ${d.address}`,
    text: `${d.percent}% of the ${slaTarget(d)} window has passed on the work order at ${d.address}; it is due ${d.dueAt}.`,
  }),
  work_order_sla_escalated: (d) => ({
    subject: `Deadline missed: ${d.address}`,
    text: `The work order at ${d.address} missed its ${slaTarget(d)} deadline (${d.dueAt}): it is escalated to the manager.`,
  }),
  work_order_unassigned: (d) => ({
    subject: `No contractor available: ${d.address}`,
    text: `No contractor may take the work order at ${d.address}: ${d.reasons}. Add or renew a contractor and assign it again.`,
  }),
  owner_statement_ready: (d) => ({
    subject: `Your owner statement for ${d.monthName}`,
    text:
      `Your statement for ${d.monthName} is ready: ${d.properties} propert${Number(d.properties) === 1 ? 'y' : 'ies'}, ` +
      `closing balance ${money(d, 'closingMinor')}, distributions to you ${money(d, 'distributedMinor')}. ` +
      `Download it (PDF) at ${d.path}.`,
  }),
  report_withheld: (d) => ({
    subject: `Report withheld: ${d.kind} as of ${d.period}`,
    text: `The ${d.kind} report for ${d.period} was not released because it does not reconcile with the ledger: ${d.reason}. Please investigate the books and run it again.`,
  }),
  deposits_trust_shortfall: (d) => ({
    subject: `Deposits not covered on ${d.period}`,
    text: `The daily trust check found a property whose cash does not cover the tenants' deposits it holds. ${d.reason}. Please move funds to cover it.`,
  }),
  contractor_document_expiring: (d) => ({
    subject: `${d.company}: your ${d.document} expires ${Number(d.daysLeft) === 0 ? 'today' : `on ${d.expiresOn}`}`,
    text:
      `The ${d.document} of ${d.company} on file with us expires on ${d.expiresOn}` +
      `${Number(d.daysLeft) === 0 ? ' (today)' : `, in ${d.daysLeft} day${Number(d.daysLeft) === 1 ? '' : 's'}`}. ` +
      `Please upload the renewed one before then: without it, ${d.company} cannot be assigned new work from the day after.`,
  }),
  inspection_scheduled: (d) => ({
    subject: `Notice of entry: ${d.kind} inspection at ${d.address}`,
    text: `${d.inspector} will inspect ${d.address} on ${d.slotAt} (${d.kind} inspection). This is your ${d.noticeHours} hours' notice of entry.`,
  }),
  inspection_project_refused: (d) => ({
    subject: `Milestone inspection not recorded: ${d.address}`,
    text: `The project did not record the milestone inspection's result: ${d.reason}. Record it on the project by hand if it should count toward a draw.`,
  }),
  inspection_missed: (d) => ({ subject: `Inspection missed: ${d.address}`, text: `The inspection visit did not happen (${d.reason}). It is rescheduled for ${d.slotAt}.` }),
  inspection_cancelled: (d) => ({ subject: `Inspection cancelled: ${d.address}`, text: `The ${d.kind} inspection of ${d.address} was cancelled: ${d.reason}.` }),
  inspection_deductions_proposed: (d) => ({
    subject: `Move-out deductions proposed: ${d.address}`,
    text: `The move-out inspection compared with the move-in proposes ${d.count} deductions totalling ${money(d, 'totalMinor')}. Review and edit them before the move-out settles.`,
  }),
  inspection_reinspection_due: (d) => ({ subject: `Post-repair inspection due: ${d.address}`, text: `All ${d.count} repairs are done. Please re-check them and record the results.` }),
  project_started: (d) => ({ subject: `Project set up: ${d.project}`, text: `${d.project} at ${d.address} is set up. Its planned completion is ${d.plannedCompletion}.` }),
  project_alert: (d) => ({ subject: `Project alert: ${d.project}`, text: `${d.project} at ${d.address}: ${d.message}.` }),
  project_contract_added: (d) => ({ subject: `Contract let: ${d.project}`, text: `${d.contractor}'s contract of ${money(d, 'amountMinor')} is on ${d.project} at ${d.address}.` }),
  project_change_order_decided: (d) => ({
    subject: `Change order ${d.number} ${d.status}: ${d.project}`,
    text: `Change order ${d.number} on ${d.project} was ${d.status}${d.reason ? `: ${d.reason}` : ''}.`,
  }),
  project_pay_application_submitted: (d) => ({
    subject: `Pay application to review: ${d.project}`,
    text: `${d.contractor} submitted application ${d.applicationNo} on ${d.project}: ${money(d, 'amountMinor')} due. Please review it.`,
  }),
  project_pay_application_reviewed: (d) => ({
    subject: `Pay application ${d.applicationNo} ${d.decision === 'approve' ? 'approved' : 'sent back'}: ${d.project}`,
    text:
      d.decision === 'approve'
        ? `Application ${d.applicationNo} on ${d.project} is approved; it is paid once nothing blocks it${d.blockers ? ` (now: ${d.blockers})` : ''}.`
        : `Application ${d.applicationNo} on ${d.project} was sent back to revise: ${d.reason}.`,
  }),
  project_draw_paid: (d) => ({ subject: `Draw paid: ${d.project}`, text: `Application ${d.applicationNo} of ${d.contractor} on ${d.project} was paid: ${money(d, 'amountMinor')}.` }),
  project_substantially_complete: (d) => ({
    subject: `Substantially complete: ${d.project}`,
    text: `${d.project} at ${d.address} was substantially complete on ${d.on}. The final inspection and the release of retainage follow.`,
  }),
  project_retainage_released: (d) => ({ subject: `Retainage released: ${d.project}`, text: `${d.contractor}'s retainage of ${money(d, 'amountMinor')} on ${d.project} was released.` }),
  project_completed: (d) => ({
    subject: `Project completed: ${d.project}`,
    text: `${d.project} at ${d.address} is complete: ${money(d, 'paidMinor')} paid. The property's record is updated and the final report is in the project's documents.`,
  }),
};

export function renderNotification(template: string, data: NotificationData): { subject: string; text: string } {
  const render = TEMPLATES[template];
  if (!render) throw new Error(`no e-mail template named ${template}`);
  return render(data);
}
