import { holidayCalendar } from '../../domain/business-days';
import { afterActive, breached, slaDeadlines, windowsFor, type SlaDeadline } from '../../domain/work-order/sla';

const cal = holidayCalendar(2026, 2026);
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));
const HOUR = 3_600_000;
const byTarget = (ds: SlaDeadline[]) => Object.fromEntries(ds.map((d) => [d.target, { due: iso(d.dueAt), alerts: d.alerts.map((a) => iso(a.at)) }]));

describe('deadlines by priority (the default policy)', () => {
  test('an emergency: acknowledged in 1 h, on site in 4 h, resolved in 24 h, each with alerts at 50% and 80%', () => {
    expect(byTarget(slaDeadlines('emergency', at('2026-03-02T10:00:00Z'), [], cal))).toEqual({
      acknowledged: { due: '2026-03-02T11:00:00Z', alerts: ['2026-03-02T10:30:00Z', '2026-03-02T10:48:00Z', '2026-03-02T11:00:00Z'] },
      on_site: { due: '2026-03-02T14:00:00Z', alerts: ['2026-03-02T12:00:00Z', '2026-03-02T13:12:00Z', '2026-03-02T14:00:00Z'] },
      resolved: { due: '2026-03-03T10:00:00Z', alerts: ['2026-03-02T22:00:00Z', '2026-03-03T05:12:00Z', '2026-03-03T10:00:00Z'] },
    });
  });

  test('routine work counts business days, at the same time of day: a Friday request is acknowledged by Tuesday', () => {
    const d = byTarget(slaDeadlines('routine', at('2026-03-06T15:00:00Z'), [], cal));
    expect(d.acknowledged!.due).toBe('2026-03-10T15:00:00Z');
    expect(d.resolved!.due).toBe('2026-03-20T15:00:00Z');
    // Memorial Day (Monday 2026-05-25) is not a business day.
    expect(byTarget(slaDeadlines('routine', at('2026-05-22T09:30:00Z'), [], cal)).acknowledged!.due).toBe('2026-05-27T09:30:00Z');
  });

  test('urgent work has only a resolution deadline (72 h)', () => {
    expect(Object.keys(windowsFor('urgent', at('2026-03-02T09:00:00Z'), cal))).toEqual(['resolved']);
    expect(windowsFor('urgent', at('2026-03-02T09:00:00Z'), cal).resolved).toBe(72 * HOUR);
  });
});

describe('the jurisdiction\'s legal repair deadline', () => {
  const start = at('2026-03-02T09:00:00Z');
  test('wins where it ends sooner, and only then', () => {
    expect(windowsFor('urgent', start, cal, undefined, { hours: 48 }).resolved).toBe(48 * HOUR);
    expect(windowsFor('urgent', start, cal, undefined, { hours: 720 }).resolved).toBe(72 * HOUR);
    // 7 business days from Monday 2 March end on Wednesday 11 March, before the policy's 10 (Monday 16 March).
    expect(iso(start + windowsFor('routine', start, cal, undefined, { businessDays: 7 }).resolved!)).toBe('2026-03-11T09:00:00Z');
  });
});

describe('the clock stops while the work waits on the tenant', () => {
  const start = at('2026-03-02T09:00:00Z');
  const refused = { from: at('2026-03-03T09:00:00Z'), to: at('2026-03-03T21:00:00Z') }; // 12 h

  test('every alert after the pause and the deadline move on by its length', () => {
    const [resolved] = slaDeadlines('urgent', start, [refused], cal);
    expect(resolved!.alerts.map((a) => iso(a.at))).toEqual([
      '2026-03-04T09:00:00Z', // 36 h of running clock: 24 before the pause, 12 after
      '2026-03-05T06:36:00Z', // 57.6 h + 12 h
      '2026-03-05T21:00:00Z', // 72 h + 12 h
    ]);
  });

  test('a pause after an alert leaves that alert; a pause after the deadline changes nothing', () => {
    expect(afterActive(start, 12 * HOUR, [refused])).toBe(at('2026-03-02T21:00:00Z'));
    expect(afterActive(start, 72 * HOUR, [{ from: at('2026-03-06T00:00:00Z'), to: at('2026-03-07T00:00:00Z') }])).toBe(at('2026-03-05T09:00:00Z'));
  });

  test('while still paused, nothing after the pause is due and nothing is breached', () => {
    const [resolved] = slaDeadlines('urgent', start, [{ from: refused.from }], cal);
    expect(resolved!.alerts.map((a) => iso(a.at))).toEqual([undefined, undefined, undefined]);
    expect(breached(resolved!, undefined, at('2026-04-01T00:00:00Z'))).toBe(false);
  });

  test('pauses that overlap or began before the request count once', () => {
    const overlapping = [
      { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T10:00:00Z') }, // 1 h of it after the start
      { from: at('2026-03-02T12:00:00Z'), to: at('2026-03-02T14:00:00Z') }, // 2 h
    ];
    expect(afterActive(start, 4 * HOUR, overlapping)).toBe(start + 7 * HOUR);
    // 10:00-12:00 and 11:00-13:00 stop the clock for 3 h, not 4.
    expect(afterActive(start, 4 * HOUR, [{ from: at('2026-03-02T11:00:00Z'), to: at('2026-03-02T13:00:00Z') }, { from: at('2026-03-02T10:00:00Z'), to: at('2026-03-02T12:00:00Z') }])).toBe(start + 7 * HOUR);
    // One inside another counts once.
    expect(afterActive(start, 4 * HOUR, [{ from: at('2026-03-02T10:00:00Z'), to: at('2026-03-02T13:00:00Z') }, { from: at('2026-03-02T11:00:00Z'), to: at('2026-03-02T12:00:00Z') }])).toBe(start + 7 * HOUR);
  });
});

test('breached: met after its deadline, or still open past it', () => {
  const [ack] = slaDeadlines('emergency', at('2026-03-02T10:00:00Z'), [], cal);
  expect(breached(ack!, at('2026-03-02T10:59:00Z'), at('2026-03-02T12:00:00Z'))).toBe(false);
  expect(breached(ack!, at('2026-03-02T11:01:00Z'), at('2026-03-02T12:00:00Z'))).toBe(true);
  expect(breached(ack!, undefined, at('2026-03-02T11:00:01Z'))).toBe(true);
  expect(breached(ack!, undefined, at('2026-03-02T10:59:59Z'))).toBe(false);
});
