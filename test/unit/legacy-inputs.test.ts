/**
 * Activities that still accept the positional arguments workflows recorded
 * before activities took one input object (activities/legacy-inputs.ts), and
 * the lease's adapters (activities/lease/legacy-inputs.ts).
 *
 * For each lease activity, the positional arguments are those the old
 * workflow passed (workflows/lease.ts before the split: e.g.
 * `act.chargeDeposit(input, today())`, `mail.notify(leaseId, template, data, to)`),
 * and the expected object is the one the new workflow (workflows/lease/*.ts)
 * passes for the same call. Every value is distinct, so an adapter that
 * dropped, misnamed or swapped a field fails.
 */
import type { CollectionOutcome, LeaseActivities, LeaseInput, ManualPayment, PaymentMethodRef, Signature } from '../../contracts/lease';
import type { RentPeriod } from '../../domain/rent-schedule';
import { acceptLegacyInputs, isLegacyCall } from '../../activities/legacy-inputs';
import { LEASE_LEGACY_INPUTS } from '../../activities/lease/legacy-inputs';

type AnyFn = (...args: unknown[]) => unknown;
/** Calls an activity the way an old workflow task would: with its recorded positional arguments. */
const callPositional = (fn: unknown, ...args: unknown[]) => (fn as AnyFn)(...args);
/** What a worker decodes from a history: the arguments as JSON. */
const asRecorded = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('isLegacyCall', () => {
  it('takes exactly one plain object for a new-style call', () => {
    expect(isLegacyCall([{ leaseId: 'lease-1', status: 'active' }])).toBe(false);
    expect(isLegacyCall([{}])).toBe(false);
  });

  it('takes anything else for the old positional shape', () => {
    expect(isLegacyCall(['lease-1', 'active'])).toBe(true); // several arguments
    expect(isLegacyCall([{ leaseId: 'lease-1' }, '2031-03-15'])).toBe(true); // an object and more
    expect(isLegacyCall([{ a: 1 }, { b: 2 }])).toBe(true); // several objects
    expect(isLegacyCall(['lease-1'])).toBe(true); // a string
    expect(isLegacyCall([42])).toBe(true); // a number
    expect(isLegacyCall([['a', 'b']])).toBe(true); // an array
    expect(isLegacyCall([null])).toBe(true);
    expect(isLegacyCall([undefined])).toBe(true);
    expect(isLegacyCall([true])).toBe(true);
    expect(isLegacyCall([])).toBe(true); // no argument at all
  });
});

describe('acceptLegacyInputs', () => {
  function toyActivities() {
    const calls: { name: string; args: unknown[] }[] = [];
    const activities = {
      greet(input: { name: string; times: number }) {
        calls.push({ name: 'greet', args: [input] });
        return `hello ${input.name} x${input.times}`;
      },
      count(...args: unknown[]) {
        calls.push({ name: 'count', args });
        return args.length;
      },
    };
    return { activities, calls };
  }
  const greetAdapter = (name: string, times: number) => ({ name, times });

  it('passes a new-style call its object untouched (the same object)', () => {
    const { activities, calls } = toyActivities();
    const wrapped = acceptLegacyInputs(activities, { greet: greetAdapter });
    const input = { name: 'Ada', times: 2 };
    expect(wrapped.greet(input)).toBe('hello Ada x2');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('greet');
    expect(calls[0]!.args).toHaveLength(1);
    expect(calls[0]!.args[0]).toBe(input);
  });

  it('converts an old-style call with its adapter', () => {
    const { activities, calls } = toyActivities();
    const wrapped = acceptLegacyInputs(activities, { greet: greetAdapter });
    expect(callPositional(wrapped.greet, 'Grace', 3)).toBe('hello Grace x3');
    expect(calls).toEqual([{ name: 'greet', args: [{ name: 'Grace', times: 3 }] }]);
  });

  it('leaves an activity without an adapter untouched', () => {
    const { activities, calls } = toyActivities();
    const wrapped = acceptLegacyInputs(activities, { greet: greetAdapter });
    expect(wrapped.count).toBe(activities.count);
    expect(wrapped.count('a', 1, null)).toBe(3);
    expect(calls).toEqual([{ name: 'count', args: ['a', 1, null] }]);
  });

  it('does not change the activities it wraps', () => {
    const { activities } = toyActivities();
    const greet = activities.greet;
    const wrapped = acceptLegacyInputs(activities, { greet: greetAdapter });
    expect(wrapped).not.toBe(activities);
    expect(activities.greet).toBe(greet);
    expect(Object.keys(wrapped).sort()).toEqual(['count', 'greet']);
  });
});

// ---------------------------------------------------------------- the lease's adapters

const TODAY = '2031-03-15';
const OLD_CARD: PaymentMethodRef = { customerId: 'cus_old', paymentMethodId: 'pm_old' };
const NEW_CARD: PaymentMethodRef = { customerId: 'cus_new', paymentMethodId: 'pm_new' };

const input: LeaseInput = {
  terms: {
    leaseId: '0c6f2d0e-8a59-4c64-9a3e-7d2b1f0a1111',
    propertyId: '0c6f2d0e-8a59-4c64-9a3e-7d2b1f0a2222',
    propertyAddress: '12 Quillfeather Lane, Ames, IA',
    unitLabel: '2B',
    parties: [
      { userId: '0c6f2d0e-8a59-4c64-9a3e-7d2b1f0a3333', name: 'Zoë Ångström', email: 'zoe@example.com', role: 'tenant' },
      { userId: '0c6f2d0e-8a59-4c64-9a3e-7d2b1f0a4444', name: 'Ola Nordmann', email: 'ola@example.com', role: 'tenant' },
      { userId: '0c6f2d0e-8a59-4c64-9a3e-7d2b1f0a5555', name: 'Νίκος Παπαδόπουλος', email: 'nikos@example.com', role: 'landlord' },
    ],
    startDate: '2031-01-01',
    termMonths: 12,
    monthlyRent: { amountMinor: 150_000, currency: 'EUR' },
    dueDay: 3,
    deposit: { amountMinor: 225_000, currency: 'EUR' },
    lateFeePolicy: { graceDays: 2, oneTime: { type: 'flat', amountMinor: 7_500 }, dailyMinor: 0, capMinor: null, returnedPaymentFeeMinor: 0 },
    earlyTerminationFee: { amountMinor: 99_000, currency: 'EUR' },
    clauses: ['No pets.'],
  },
  application: {
    monthlyIncomeMinor: 600_000,
    employment: { status: 'employed', employer: 'Iowa State University' },
    references: [{ name: 'Previous landlord', contact: 'landlord@example.com' }],
    householdSize: 2,
    bedrooms: 2,
  },
  paymentMethod: OLD_CARD,
  signingDays: 7,
};
const { terms } = input;
const leaseId = terms.leaseId;
const currency = terms.monthlyRent.currency;

const period: RentPeriod = { index: 7, from: '2031-07-03', to: '2031-08-02', dueOn: '2031-07-03', amountMinor: 150_000, prorated: false };
const periods: RentPeriod[] = [
  period,
  { index: 8, from: '2031-08-03', to: '2031-08-20', dueOn: '2031-08-03', amountMinor: 87_097, prorated: true },
];
const signatures: Signature[] = [
  { userId: terms.parties[0]!.userId, name: 'Zoë Ångström', role: 'tenant', signedAt: '2031-01-01T10:00:00.000Z', ip: '203.0.113.7', userAgent: 'ua-1', documentSha256: 'c'.repeat(64) },
  { userId: terms.parties[2]!.userId, name: 'Νίκος Παπαδόπουλος', role: 'landlord', signedAt: '2031-01-01T11:00:00.000Z', ip: '198.51.100.4', userAgent: 'ua-2', documentSha256: 'c'.repeat(64) },
];
const history = [
  { at: '2031-01-01T09:00:00.000Z', event: 'status: awaiting_signatures' },
  { at: '2031-01-01T11:00:00.000Z', event: 'Νίκος Παπαδόπουλος signed' },
];
const fees = [
  { forDay: '2031-07-06', kind: 'one_time' as const, amountMinor: 7_500 },
  { forDay: '2031-07-07', kind: 'daily' as const, amountMinor: 500 },
];
const payment: ManualPayment = { idempotencyKey: 'manual-42', amountMinor: 40_000, method: 'bank_transfer', receivedOn: '2031-07-05', recordedBy: terms.parties[2]!.userId };
const deductions = [
  { description: 'Broken blind', amountMinor: 4_200 },
  { description: 'Cleaning', amountMinor: 15_000 },
];
const tenantEmails = ['zoe@example.com', 'ola@example.com'];

interface LegacyCase {
  /** The activity. */
  name: keyof LeaseActivities;
  /** The old workflow's call, for the test's name. */
  call: string;
  /** The positional arguments it recorded. */
  old: unknown[];
  /** The object the new workflow passes for the same call. */
  expected: object;
}

const CASES: LegacyCase[] = [
  {
    name: 'recordLeaseStatus',
    call: 'act.recordLeaseStatus(terms.leaseId, status)',
    old: [leaseId, 'awaiting_move_in'],
    expected: { leaseId, status: 'awaiting_move_in' },
  },
  {
    name: 'storeSignedAgreement',
    call: 'act.storeSignedAgreement(terms.leaseId, agreement.documentId, state.signatures, state.history)',
    old: [leaseId, 'doc-agreement-1', signatures, history],
    expected: { leaseId, documentId: 'doc-agreement-1', signatures, audit: history },
  },
  {
    name: 'chargeDeposit',
    call: 'act.chargeDeposit(input, today())',
    old: [input, TODAY],
    expected: { leaseId, deposit: { amountMinor: 225_000, currency: 'EUR' }, paymentMethod: OLD_CARD, today: TODAY },
  },
  {
    name: 'chargeDeposit',
    call: 'act.chargeDeposit({ ...input, paymentMethod }, today(), 2)',
    old: [{ ...input, paymentMethod: NEW_CARD }, TODAY, 2],
    expected: { leaseId, deposit: { amountMinor: 225_000, currency: 'EUR' }, paymentMethod: NEW_CARD, today: TODAY, attempt: 2 },
  },
  {
    name: 'issueReceipt',
    call: 'act.issueReceipt(terms.leaseId, paymentId, { propertyAddress, payers })',
    old: [leaseId, 'pay-9', { propertyAddress: terms.propertyAddress, payers: ['Zoë Ångström', 'Ola Nordmann'] }],
    expected: { leaseId, paymentId: 'pay-9', propertyAddress: '12 Quillfeather Lane, Ames, IA', payers: ['Zoë Ångström', 'Ola Nordmann'] },
  },
  {
    name: 'billRentPeriod',
    call: 'act.billRentPeriod(terms.leaseId, terms.monthlyRent.currency, period)',
    old: [leaseId, currency, period],
    expected: { leaseId, currency: 'EUR', period },
  },
  {
    name: 'scheduleRentPeriods',
    call: 'act.scheduleRentPeriods(terms.leaseId, terms.monthlyRent.currency, paymentMethod, periods)',
    old: [leaseId, currency, NEW_CARD, periods],
    expected: { leaseId, currency: 'EUR', paymentMethod: NEW_CARD, periods },
  },
  {
    name: 'scheduleRentPeriods',
    call: 'act.scheduleRentPeriods(terms.leaseId, terms.monthlyRent.currency, paymentMethod, periods.slice(k), true)',
    old: [leaseId, currency, NEW_CARD, periods.slice(1), true],
    expected: { leaseId, currency: 'EUR', paymentMethod: NEW_CARD, periods: periods.slice(1), replace: true },
  },
  {
    name: 'savePaymentMethod',
    call: 'act.savePaymentMethod(terms.leaseId, paymentMethod)',
    old: [leaseId, NEW_CARD],
    expected: { leaseId, paymentMethod: NEW_CARD },
  },
  {
    name: 'collectRentPeriod',
    call: 'act.collectRentPeriod(terms.leaseId, period.index, today())',
    old: [leaseId, 7, TODAY],
    expected: { leaseId, periodIndex: 7, today: TODAY },
  },
  {
    name: 'chargeEarlyTerminationFee',
    call: 'act.chargeEarlyTerminationFee(terms.leaseId, terms.monthlyRent.currency, fee.amountMinor, today())',
    old: [leaseId, currency, 99_000, TODAY],
    expected: { leaseId, currency: 'EUR', amountMinor: 99_000, today: TODAY },
  },
  {
    name: 'collectBalance',
    call: 'act.collectBalance({ ...input, paymentMethod }, period.index, attempt, today())',
    old: [{ ...input, paymentMethod: NEW_CARD }, 7, 3, TODAY],
    expected: { leaseId, currency: 'EUR', paymentMethod: NEW_CARD, periodIndex: 7, attempt: 3, today: TODAY },
  },
  {
    name: 'applyLateFees',
    call: 'act.applyLateFees(terms.leaseId, terms.monthlyRent.currency, period.index, fees)',
    old: [leaseId, currency, 7, fees],
    expected: { leaseId, currency: 'EUR', periodIndex: 7, fees },
  },
  {
    name: 'recordManualPayment',
    call: 'act.recordManualPayment(terms.leaseId, terms.monthlyRent.currency, payment)',
    old: [leaseId, currency, payment],
    expected: { leaseId, currency: 'EUR', payment },
  },
  {
    name: 'periodOpenMinor',
    call: 'act.periodOpenMinor(terms.leaseId, period.index)',
    old: [leaseId, 7],
    expected: { leaseId, periodIndex: 7 },
  },
  {
    name: 'notify',
    call: 'mail.notify(terms.leaseId, template, { currency, ...data }, to)',
    old: [leaseId, 'late_fee_applied', { currency: 'EUR', period: 7, amountMinor: 8_000 }, tenantEmails],
    expected: { leaseId, template: 'late_fee_applied', data: { currency: 'EUR', period: 7, amountMinor: 8_000 }, to: tenantEmails },
  },
  {
    name: 'settleDeposit',
    call: 'act.settleDeposit(input, moveOut?.deductions ?? [], today())',
    old: [input, deductions, TODAY],
    expected: { terms, deductions, today: TODAY },
  },
];

/** Every activity of the lease: those called positionally before, and createAgreement, which took one object. */
const POSITIONAL_BEFORE: (keyof LeaseActivities)[] = [
  'recordLeaseStatus',
  'storeSignedAgreement',
  'chargeDeposit',
  'issueReceipt',
  'billRentPeriod',
  'scheduleRentPeriods',
  'savePaymentMethod',
  'collectRentPeriod',
  'chargeEarlyTerminationFee',
  'collectBalance',
  'applyLateFees',
  'recordManualPayment',
  'periodOpenMinor',
  'notify',
  'settleDeposit',
];
const ALL_ACTIVITIES: (keyof LeaseActivities)[] = [...POSITIONAL_BEFORE, 'createAgreement'];

/** Lease activities that record the one input each call reaches them with. */
function recordingActivities() {
  const received: { name: string; args: unknown[] }[] = [];
  const outcome: CollectionOutcome = { status: 'nothing_due' };
  const activities = Object.fromEntries(
    ALL_ACTIVITIES.map((name) => [
      name,
      async (...args: unknown[]) => {
        received.push({ name, args });
        return outcome;
      },
    ]),
  ) as unknown as LeaseActivities;
  return { activities, received };
}

describe('LEASE_LEGACY_INPUTS', () => {
  it('has an adapter for every activity the old workflow called with positional arguments, and for no other', () => {
    expect(Object.keys(LEASE_LEGACY_INPUTS).sort()).toEqual([...POSITIONAL_BEFORE].sort());
  });

  it('is exercised below for every adapter', () => {
    expect([...new Set(CASES.map((c) => c.name))].sort()).toEqual(Object.keys(LEASE_LEGACY_INPUTS).sort());
  });

  describe.each(CASES.map((c) => [c.call, c] as const))('%s', (_call, c) => {
    it('the adapter yields the input the new workflow passes', () => {
      const adapt = LEASE_LEGACY_INPUTS[c.name]!;
      expect(adapt).toBeInstanceOf(Function);
      // toEqual: a key left undefined (chargeDeposit's attempt, scheduleRentPeriods' replace) counts as absent,
      // as the new workflow leaves it out and the activity defaults it.
      expect(adapt(...c.old)).toEqual(c.expected);
    });

    it('does so from the arguments as recorded in a history (JSON)', () => {
      expect(LEASE_LEGACY_INPUTS[c.name]!(...asRecorded(c.old))).toEqual(asRecorded(c.expected));
    });

    it('reaches the activity as that one input when called through acceptLegacyInputs', async () => {
      const { activities, received } = recordingActivities();
      const wrapped = acceptLegacyInputs(activities, LEASE_LEGACY_INPUTS);
      await callPositional(wrapped[c.name], ...c.old);
      expect(received).toHaveLength(1);
      expect(received[0]!.name).toBe(c.name);
      expect(received[0]!.args).toHaveLength(1);
      expect(received[0]!.args[0]).toEqual(c.expected);
    });

    it('passes the new workflow’s own call through untouched', async () => {
      const { activities, received } = recordingActivities();
      const wrapped = acceptLegacyInputs(activities, LEASE_LEGACY_INPUTS);
      const newInput = structuredClone(c.expected);
      await callPositional(wrapped[c.name], newInput);
      expect(received).toEqual([{ name: c.name, args: [newInput] }]);
      expect(received[0]!.args[0]).toBe(newInput);
    });
  });

  it('leaves createAgreement as it is: its old call, act.createAgreement(input), was already one object and reaches it with the terms', async () => {
    const { activities, received } = recordingActivities();
    const wrapped = acceptLegacyInputs(activities, LEASE_LEGACY_INPUTS);
    expect(wrapped.createAgreement).toBe(activities.createAgreement);
    await wrapped.createAgreement(input);
    expect(received).toEqual([{ name: 'createAgreement', args: [input] }]);
    // The activity reads `terms` from its input: the old call's object has the very terms the new call ({ terms }) passes.
    expect((received[0]!.args[0] as { terms: unknown }).terms).toBe(terms);
  });
});
