/**
 * The lease workflow's Update validators (workflows/lease/validators.ts), run
 * as the pure functions they are: a LeaseView built from initialLeaseState
 * plus what each case needs, a request, and either nothing (accepted) or the
 * exact message the API returns as the 409's detail.
 *
 * Every date and instant is a fixed literal: nothing here reads the clock.
 */
import { initialLeaseState, type LeaseParty, type LeaseState, type LeaseStatus } from '../../contracts/lease';
import { MAX_DEDUCTIONS_MINOR, MAX_NOTE_LENGTH, MAX_NOTES } from '../../domain/lease';
import {
  validateCancellation,
  validateManualPayment,
  validateMoveOut,
  validateNote,
  validatePaymentMethod,
  validateRenewalDecision,
  validateScreeningDecision,
  validateSignature,
  validateTermination,
  type LeaseView,
} from '../../workflows/lease/validators';

const TODAY = '2031-03-15';
const NOON_MS = Date.parse('2031-03-15T12:00:00.000Z');
const TERM_END = '2031-08-31';
const SHA = 'a'.repeat(64);
const STALE_SHA = 'b'.repeat(64);

const TENANT: LeaseParty = { userId: '6b1f9a52-3c1e-4d7a-9a35-0f1c2d3e4f51', name: 'Zoë Ångström', email: 'zoe@example.com', role: 'tenant' };
const CO_TENANT: LeaseParty = { userId: '6b1f9a52-3c1e-4d7a-9a35-0f1c2d3e4f52', name: 'Ola Nordmann', email: 'ola@example.com', role: 'tenant' };
const LANDLORD: LeaseParty = { userId: '6b1f9a52-3c1e-4d7a-9a35-0f1c2d3e4f53', name: 'Νίκος Παπαδόπουλος', email: 'nikos@example.com', role: 'landlord' };
const STRANGER = '6b1f9a52-3c1e-4d7a-9a35-0f1c2d3e4f99';

const FINISHED: LeaseStatus[] = ['rejected', 'expired', 'cancelled', 'closed'];

/** A LeaseView: the initial state of lease-1 with `state` laid over it, and the view's other fields. */
function view(state: Partial<LeaseState> = {}, rest: Partial<Omit<LeaseView, 'state'>> = {}): LeaseView {
  return {
    state: { ...initialLeaseState('lease-1'), ...state },
    parties: [TENANT, CO_TENANT, LANDLORD],
    today: TODAY,
    nowMs: NOON_MS,
    cancelling: false,
    waitingForDepositCard: false,
    moveOutRecorded: false,
    ...rest,
  };
}

/** The validator throws an Error with exactly this message. */
function expectRejected(run: () => void, message: string) {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(Error);
  expect((thrown as Error).message).toBe(message);
}

const notes = (n: number) => Array.from({ length: n }, (_, i) => ({ at: '2031-03-01T09:00:00.000Z', by: LANDLORD.userId, text: `note ${i + 1}` }));

describe('validateNote', () => {
  const note = { by: LANDLORD.userId, text: 'The boiler was serviced.' };

  it('accepts a note on an active lease, and on one that has ended', () => {
    expect(validateNote(view({ status: 'active' }), note)).toBeUndefined();
    expect(validateNote(view({ status: 'ended' }), note)).toBeUndefined();
    expect(validateNote(view({ status: 'screening' }), note)).toBeUndefined();
  });

  it('accepts a note on a state from before notes were kept (notes undefined)', () => {
    expect(validateNote(view({ status: 'active', notes: undefined }), note)).toBeUndefined();
  });

  it.each(FINISHED)('refuses a note once the lease is %s', (status) => {
    expectRejected(() => validateNote(view({ status }), note), `the lease is ${status}; it takes no more notes`);
  });

  it.each(['', '   ', '\n\t '])('refuses a note without text (%j)', (text) => {
    expectRejected(() => validateNote(view({ status: 'active' }), { by: LANDLORD.userId, text }), 'a note needs text');
  });

  it('accepts a note of exactly MAX_NOTE_LENGTH characters and refuses one more', () => {
    expect(MAX_NOTE_LENGTH).toBe(4000);
    expect(validateNote(view({ status: 'active' }), { by: LANDLORD.userId, text: 'x'.repeat(MAX_NOTE_LENGTH) })).toBeUndefined();
    expectRejected(
      () => validateNote(view({ status: 'active' }), { by: LANDLORD.userId, text: 'x'.repeat(MAX_NOTE_LENGTH + 1) }),
      'a note is at most 4000 characters',
    );
  });

  it('accepts the 200th note and refuses the 201st', () => {
    expect(MAX_NOTES).toBe(200);
    expect(validateNote(view({ status: 'active', notes: notes(MAX_NOTES - 1) }), note)).toBeUndefined();
    expectRejected(() => validateNote(view({ status: 'active', notes: notes(MAX_NOTES) }), note), 'a lease keeps at most 200 notes');
  });
});

describe('validateCancellation', () => {
  const request = { by: TENANT.userId, reason: 'Found another flat' };

  it.each(['screening', 'awaiting_decision', 'awaiting_signatures'] as const)('accepts a cancellation while %s', (status) => {
    expect(validateCancellation(view({ status }), request)).toBeUndefined();
  });

  it('accepts a cancellation while awaiting_move_in only when the lease waits for a new card after a failed deposit', () => {
    expect(validateCancellation(view({ status: 'awaiting_move_in' }, { waitingForDepositCard: true }), request)).toBeUndefined();
    expectRejected(
      () => validateCancellation(view({ status: 'awaiting_move_in' }, { waitingForDepositCard: false }), request),
      'the lease is awaiting_move_in; only a lease not yet moved into can be cancelled',
    );
  });

  it.each(['active', 'ended', 'closed', 'rejected', 'expired', 'cancelled'] as const)('refuses a cancellation once the lease is %s', (status) => {
    expectRejected(() => validateCancellation(view({ status }), request), `the lease is ${status}; only a lease not yet moved into can be cancelled`);
  });

  it('refuses an active lease even while it would be waiting for a card', () => {
    expectRejected(
      () => validateCancellation(view({ status: 'active' }, { waitingForDepositCard: true }), request),
      'the lease is active; only a lease not yet moved into can be cancelled',
    );
  });

  it('refuses a second cancellation while the first is being carried out', () => {
    expectRejected(() => validateCancellation(view({ status: 'awaiting_signatures' }, { cancelling: true }), request), 'the lease is already being cancelled');
  });

  it.each(['', '  '])('refuses a cancellation without a reason (%j)', (reason) => {
    expectRejected(() => validateCancellation(view({ status: 'screening' }), { by: TENANT.userId, reason }), 'give a reason for the cancellation');
  });
});

describe('validateTermination', () => {
  const active = (state: Partial<LeaseState> = {}) => view({ status: 'active', termEnd: TERM_END, ...state });
  const on = (moveOutOn: string) => ({ by: TENANT.userId, moveOutOn, reason: 'Relocating for work' });

  it('accepts a move-out today, on the last day of the term, and between', () => {
    expect(validateTermination(active(), on(TODAY))).toBeUndefined();
    expect(validateTermination(active(), on(TERM_END))).toBeUndefined();
    expect(validateTermination(active(), on('2031-05-31'))).toBeUndefined();
  });

  it('refuses a move-out yesterday', () => {
    expectRejected(() => validateTermination(active(), on('2031-03-14')), 'moveOutOn cannot be in the past');
  });

  it('refuses a move-out the day after the end of the term', () => {
    expectRejected(() => validateTermination(active(), on('2031-09-01')), 'moveOutOn must be on or before the end of the term (2031-08-31)');
  });

  it('has no upper bound while the term has no end recorded', () => {
    expect(validateTermination(active({ termEnd: null }), on('2040-01-01'))).toBeUndefined();
  });

  it.each(['15/03/2031', '2031-3-15', '2031-03-15T00:00:00Z', 'next tuesday', ''])('refuses a moveOutOn that is not YYYY-MM-DD (%j)', (moveOutOn) => {
    expectRejected(() => validateTermination(active(), on(moveOutOn)), 'moveOutOn must be a date YYYY-MM-DD');
  });

  it('refuses a request without moveOutOn at all', () => {
    const request = { by: TENANT.userId, reason: 'Relocating' } as unknown as Parameters<typeof validateTermination>[1];
    expectRejected(() => validateTermination(active(), request), 'moveOutOn must be a date YYYY-MM-DD');
  });

  it('refuses a date of the right shape that is not on the calendar (the calendar says why)', () => {
    // The API's schema turns this away first (422); the validator still refuses it, with calendar.ts's message.
    expect(() => validateTermination(active(), on('2031-02-30'))).toThrow(RangeError);
    expectRejected(() => validateTermination(active(), on('2031-02-30')), 'not a calendar date: 2031-02-30');
  });

  it.each(['screening', 'awaiting_signatures', 'awaiting_move_in', 'ended', 'closed'] as const)('refuses a lease that is %s', (status) => {
    expectRejected(() => validateTermination(active({ status }), on('2031-05-31')), `the lease is ${status}; only an active lease can be terminated early`);
  });

  it('refuses a second termination', () => {
    const termination = { requestedBy: TENANT.userId, requestedOn: '2031-03-01', moveOutOn: '2031-04-30', reason: 'Relocating', feeMinor: 150_000 };
    expectRejected(() => validateTermination(active({ termination }), on('2031-05-31')), 'the lease is already terminating on 2031-04-30');
  });

  it.each(['', ' \t'])('refuses a termination without a reason (%j)', (reason) => {
    expectRejected(() => validateTermination(active(), { by: TENANT.userId, moveOutOn: '2031-05-31', reason }), 'give a reason for the termination');
  });
});

describe('validateScreeningDecision', () => {
  it.each(['approve', 'reject'] as const)('accepts %s while awaiting a decision', (decision) => {
    expect(validateScreeningDecision(view({ status: 'awaiting_decision' }), { decision, by: LANDLORD.userId, reason: 'Checked references' })).toBeUndefined();
  });

  it.each(['screening', 'awaiting_signatures', 'rejected'] as const)('refuses a decision while %s', (status) => {
    expectRejected(
      () => validateScreeningDecision(view({ status }), { decision: 'approve', by: LANDLORD.userId, reason: 'ok' }),
      `the lease is ${status}, not awaiting a screening decision`,
    );
  });

  it('refuses a decision other than approve or reject', () => {
    const request = { decision: 'maybe', by: LANDLORD.userId, reason: 'unsure' } as unknown as Parameters<typeof validateScreeningDecision>[1];
    expectRejected(() => validateScreeningDecision(view({ status: 'awaiting_decision' }), request), 'decision must be approve or reject');
  });

  it('refuses a decision without a reason', () => {
    expectRejected(
      () => validateScreeningDecision(view({ status: 'awaiting_decision' }), { decision: 'reject', by: LANDLORD.userId, reason: '  ' }),
      'give a reason for the decision',
    );
  });
});

describe('validateSignature', () => {
  const signing = (state: Partial<LeaseState> = {}) => view({ status: 'awaiting_signatures', document: { documentId: 'doc-1', sha256: SHA }, ...state });
  const by = (userId: string, documentSha256 = SHA) => ({ userId, signedAt: '2031-03-15T10:00:00.000Z', ip: '203.0.113.7', userAgent: 'test', documentSha256 });
  const signed = (party: LeaseParty) => ({ ...by(party.userId), name: party.name, role: party.role });

  it('accepts a party signing the current document', () => {
    expect(validateSignature(signing(), by(TENANT.userId))).toBeUndefined();
    expect(validateSignature(signing(), by(LANDLORD.userId))).toBeUndefined();
  });

  it('accepts the next party after another has signed', () => {
    expect(validateSignature(signing({ signatures: [signed(TENANT)] }), by(CO_TENANT.userId))).toBeUndefined();
  });

  it('refuses a signature by someone who is not a party', () => {
    expectRejected(() => validateSignature(signing(), by(STRANGER)), 'the signer is not a party to this lease');
  });

  it('refuses a second signature by the same party', () => {
    expectRejected(() => validateSignature(signing({ signatures: [signed(TENANT)] }), by(TENANT.userId)), 'this party has already signed');
  });

  it('refuses a signature on a stale document', () => {
    expectRejected(() => validateSignature(signing(), by(TENANT.userId, STALE_SHA)), 'the document you signed is not the current one');
  });

  it.each(['awaiting_decision', 'awaiting_move_in', 'expired'] as const)('refuses a signature while %s', (status) => {
    expectRejected(() => validateSignature(signing({ status }), by(TENANT.userId)), `the lease is ${status}, not awaiting signatures`);
  });
});

describe('validateManualPayment', () => {
  const payment = (amountMinor: number) => ({
    idempotencyKey: 'manual-1',
    amountMinor,
    method: 'check' as const,
    receivedOn: '2031-03-14',
    recordedBy: LANDLORD.userId,
  });

  it.each(['active', 'ended'] as const)('accepts a payment on a lease that is %s', (status) => {
    expect(validateManualPayment(view({ status }), payment(150_000))).toBeUndefined();
    expect(validateManualPayment(view({ status }), payment(1))).toBeUndefined();
  });

  it.each(['awaiting_move_in', 'screening', 'closed', 'cancelled'] as const)('refuses a payment while %s', (status) => {
    expectRejected(() => validateManualPayment(view({ status }), payment(150_000)), `the lease is ${status}; payments are taken once it is active`);
  });

  it.each([0, -100, 12.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses an amount of %p', (amountMinor) => {
    expectRejected(() => validateManualPayment(view({ status: 'active' }), payment(amountMinor)), 'amountMinor must be a positive whole number');
  });
});

describe('validatePaymentMethod', () => {
  it('accepts a card with its payment method id', () => {
    expect(validatePaymentMethod(view({ status: 'active' }), { customerId: 'cus_1', paymentMethodId: 'pm_2' })).toBeUndefined();
  });

  it('refuses a card without a payment method id', () => {
    expectRejected(() => validatePaymentMethod(view({ status: 'active' }), { customerId: 'cus_1', paymentMethodId: '' }), 'paymentMethodId is required');
  });
});

describe('validateRenewalDecision', () => {
  const RESPOND_BY = '2031-04-14';
  const DEADLINE_MS = Date.parse('2031-04-14T00:00:00.000Z');
  const offer = { monthlyRentMinor: 154_500, termMonths: 12, offeredOn: TODAY, respondBy: RESPOND_BY, answer: null };
  const offered = (nowMs: number, renewalOffer: LeaseState['renewalOffer'] = offer) => view({ status: 'active', renewalOffer }, { nowMs });

  it('accepts a tenant accepting or declining 1 ms before respondBy 00:00 UTC', () => {
    expect(validateRenewalDecision(offered(DEADLINE_MS - 1), { accept: true, by: TENANT.userId })).toBeUndefined();
    expect(validateRenewalDecision(offered(DEADLINE_MS - 1), { accept: false, by: CO_TENANT.userId })).toBeUndefined();
    expect(validateRenewalDecision(offered(NOON_MS), { accept: true, by: TENANT.userId })).toBeUndefined();
  });

  it('refuses an answer at exactly respondBy 00:00 UTC, and after it', () => {
    expectRejected(() => validateRenewalDecision(offered(DEADLINE_MS), { accept: true, by: TENANT.userId }), 'the renewal offer has expired');
    expectRejected(() => validateRenewalDecision(offered(DEADLINE_MS + 86_400_000), { accept: true, by: TENANT.userId }), 'the renewal offer has expired');
  });

  it('refuses an answer by the landlord or by a stranger', () => {
    expectRejected(() => validateRenewalDecision(offered(NOON_MS), { accept: true, by: LANDLORD.userId }), 'only a tenant of the lease answers its renewal offer');
    expectRejected(() => validateRenewalDecision(offered(NOON_MS), { accept: true, by: STRANGER }), 'only a tenant of the lease answers its renewal offer');
  });

  it('refuses an answer when no offer was made, or the offer is already answered', () => {
    expectRejected(() => validateRenewalDecision(offered(NOON_MS, null), { accept: true, by: TENANT.userId }), 'there is no open renewal offer');
    expectRejected(
      () => validateRenewalDecision(offered(NOON_MS, { ...offer, answer: 'accepted' }), { accept: false, by: TENANT.userId }),
      'there is no open renewal offer',
    );
    expectRejected(
      () => validateRenewalDecision(offered(NOON_MS, { ...offer, answer: 'declined' }), { accept: true, by: TENANT.userId }),
      'there is no open renewal offer',
    );
  });
});

describe('validateMoveOut', () => {
  const termination = { requestedBy: TENANT.userId, requestedOn: '2031-03-01', moveOutOn: TODAY, reason: 'Relocating', feeMinor: 150_000 };
  const deductions = (...amounts: number[]) => ({ by: LANDLORD.userId, deductions: amounts.map((amountMinor, i) => ({ description: `item ${i + 1}`, amountMinor })) });

  it('accepts the checklist of an ended lease, with or without deductions', () => {
    expect(validateMoveOut(view({ status: 'ended' }), deductions(12_000, 3_500))).toBeUndefined();
    expect(validateMoveOut(view({ status: 'ended' }), deductions())).toBeUndefined();
  });

  it('accepts the checklist of an active lease that is ending early', () => {
    expect(validateMoveOut(view({ status: 'active', termination }), deductions(5_000))).toBeUndefined();
  });

  it('refuses an active lease that is not terminating, and a lease not yet active or already closed', () => {
    expectRejected(() => validateMoveOut(view({ status: 'active' }), deductions(5_000)), 'the lease is active; move-out follows the end of the lease or an early termination');
    expectRejected(() => validateMoveOut(view({ status: 'awaiting_move_in' }), deductions()), 'the lease is awaiting_move_in; move-out follows the end of the lease or an early termination');
    expectRejected(() => validateMoveOut(view({ status: 'closed' }), deductions()), 'the lease is closed; move-out follows the end of the lease or an early termination');
  });

  it('refuses a second move-out', () => {
    expectRejected(() => validateMoveOut(view({ status: 'ended' }, { moveOutRecorded: true }), deductions(5_000)), 'the move-out has already been recorded');
  });

  it('accepts deductions totalling exactly MAX_DEDUCTIONS_MINOR, in one or several', () => {
    expect(MAX_DEDUCTIONS_MINOR).toBe(1_000_000_000_000);
    expect(validateMoveOut(view({ status: 'ended' }), deductions(MAX_DEDUCTIONS_MINOR))).toBeUndefined();
    expect(validateMoveOut(view({ status: 'ended' }), deductions(MAX_DEDUCTIONS_MINOR - 1, 1))).toBeUndefined();
  });

  it('refuses deductions totalling one more than MAX_DEDUCTIONS_MINOR', () => {
    expectRejected(() => validateMoveOut(view({ status: 'ended' }), deductions(MAX_DEDUCTIONS_MINOR + 1)), 'the deductions add up to more than can be charged');
    expectRejected(() => validateMoveOut(view({ status: 'ended' }), deductions(MAX_DEDUCTIONS_MINOR, 1)), 'the deductions add up to more than can be charged');
  });

  it('refuses deductions that are each safe but add up past exact integers', () => {
    expectRejected(
      () => validateMoveOut(view({ status: 'ended' }), deductions(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
      'the deductions add up to more than can be charged',
    );
  });

  it.each([0, -500, 12.5, Number.NaN])('refuses a deduction of %p', (amountMinor) => {
    expectRejected(() => validateMoveOut(view({ status: 'ended' }), deductions(1_000, amountMinor)), 'each deduction needs a positive whole amountMinor');
  });

  it.each(['', '   '])('refuses a deduction with a blank description (%j)', (description) => {
    expectRejected(
      () => validateMoveOut(view({ status: 'ended' }), { by: LANDLORD.userId, deductions: [{ description, amountMinor: 5_000 }] }),
      'each deduction needs a description',
    );
  });
});
