/**
 * What the requester's timeline shows as the next step of a work order, and
 * by when it is expected: pure, from the state alone (the SLA deadlines and
 * the contractor's acceptance window are in it).
 */
import type { WorkOrderState } from '../../contracts/work-order';
import type { SlaTarget } from '../../domain/work-order/sla';

const due = (s: WorkOrderState, target: SlaTarget) => s.sla.find((d) => d.target === target && !d.metAt)?.dueAt ?? null;

export function nextStep(s: WorkOrderState): WorkOrderState['next'] {
  switch (s.status) {
    case 'triage':
      return { step: 'a manager reviews the request', by: due(s, 'acknowledged') };
    case 'assigning':
    case 'unassigned':
      return { step: 'a contractor is found', by: due(s, 'on_site') };
    case 'awaiting_acceptance':
      return { step: `${s.assignment!.name} accepts the work`, by: s.assignment!.acceptBy };
    case 'quoting':
      return { step: 'the contractor sends a quote', by: due(s, 'on_site') };
    case 'awaiting_approval':
      return { step: 'the owner approves the quote', by: null };
    case 'scheduling':
      return { step: 'a visit is scheduled', by: due(s, 'on_site') };
    case 'scheduled':
      return { step: 'the contractor visits', by: s.appointment!.at };
    case 'in_progress':
      return { step: 'the work is completed', by: due(s, 'resolved') };
    case 'completed':
      return { step: 'the contractor sends the invoice', by: null };
    case 'awaiting_invoice_approval':
      return { step: 'the owner approves the invoice', by: null };
    case 'awaiting_payment':
      return { step: 'the contractor is paid', by: null };
    case 'closed':
      return s.rating ? null : { step: 'the requester rates the work', by: null };
    case 'merged':
    case 'cancelled':
      return null;
  }
}
