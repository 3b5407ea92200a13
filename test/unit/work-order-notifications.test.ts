import { renderNotification } from '../../domain/notifications';

const address = '12 Elm St, Ames';

test('the requester is told the request was received and what comes next', () => {
  expect(renderNotification('work_order_received', { address, category: 'plumbing', next: 'a contractor is asked' })).toEqual({
    subject: `We received your request: ${address}`,
    text: `Your plumbing request at ${address} was received. Next: a contractor is asked.`,
  });
});

test('an update names the event, and the next step when there is one', () => {
  expect(renderNotification('work_order_update', { address, event: 'The visit is set for 2026-12-08 09:00.', next: 'the repair' })).toEqual({
    subject: `Work order update: ${address}`,
    text: 'The visit is set for 2026-12-08 09:00. Next: the repair.',
  });
  expect(renderNotification('work_order_update', { address, event: 'The work order was closed.' }).text).toBe('The work order was closed.');
});

test('a contractor is offered the work with its priority and when to accept by', () => {
  const m = renderNotification('work_order_offered', { address, category: 'hvac', priority: 'emergency', acceptBy: '2026-12-07 10:30 UTC' });
  expect(m.subject).toBe(`New hvac work at ${address}`);
  expect(m.text).toBe(`New hvac work at ${address} (emergency priority). Please accept it by 2026-12-07 10:30 UTC, or it goes to another contractor.`);
});

test('owners are asked to approve a quote or an invoice, in money', () => {
  const quote = renderNotification('work_order_approval_needed', { address, what: 'quote', amountMinor: 125_000, currency: 'USD', category: 'electrical' });
  expect(quote.subject).toBe(`Approval needed: quote for ${address}`);
  expect(quote.text).toMatch(/^A quote of USD 1,250\.00 for electrical work at 12 Elm St, Ames needs your approval\.$/);
  const invoice = renderNotification('work_order_approval_needed', { address, what: 'invoice', amountMinor: 60_000, currency: 'USD' });
  expect(invoice.text).toMatch(/^An invoice of USD 600\.00 for the work at/);
});

test('service-level alerts and escalations name the target in words and the deadline', () => {
  expect(renderNotification('work_order_sla_alert', { address, percent: 80, target: 'on_site', dueAt: '2026-12-07 14:00 UTC' }).text).toBe(
    `80% of the on-site window has passed on the work order at ${address}; it is due 2026-12-07 14:00 UTC.`,
  );
  const escalated = renderNotification('work_order_sla_escalated', { address, target: 'resolved', dueAt: '2026-12-08 10:00 UTC' });
  expect(escalated.subject).toBe(`Deadline missed: ${address}`);
  expect(escalated.text).toBe(`The work order at ${address} missed its resolution deadline (2026-12-08 10:00 UTC): it is escalated to the manager.`);
});

test('no contractor may take it: the reasons are given', () => {
  const m = renderNotification('work_order_unassigned', { address, reasons: 'Acme: the trade licence expired on 2026-11-30' });
  expect(m.subject).toBe(`No contractor available: ${address}`);
  expect(m.text).toContain('No contractor may take the work order at 12 Elm St, Ames: Acme: the trade licence expired on 2026-11-30.');
});
