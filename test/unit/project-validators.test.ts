/**
 * The project workflow's Update validators (workflows/project/validators.ts),
 * run as the pure functions they are: a ProjectState built here (one
 * contract, its applications priced by the domain's own G702 arithmetic), a
 * request, and either nothing (accepted) or the exact message the API
 * returns as the 409's detail. Every date is a fixed literal: the day is
 * passed in, nothing here reads the clock.
 */
import { budgetSummary } from '../../domain/project/budget';
import { applyChangeOrder } from '../../domain/project/change-order';
import { nextPayApplication, type BilledLine } from '../../domain/project/pay-application';
import type { CommitmentRequest, CommitmentState, PayApplicationState, ProjectInput, ProjectState } from '../../contracts/project';
import {
  lastCertified,
  openApplication,
  projectInputProblem,
  retainagePolicyOf,
  validateChangeOrder,
  validateCommitment,
  validateFinalInspection,
  validateLienWaiver,
  validateMilestoneInspection,
  validatePermit,
  validatePrepare,
  validateReview,
  validateSubmit,
  validateSubstantialCompletion,
} from '../../workflows/project/validators';

const TODAY = '2031-03-15';
const GIA = { contractorId: 'c-gia', name: 'Gia Builders', email: 'gia@example.com' };
const asGia = { by: GIA.contractorId, as: 'contractor' as const };
const asOther = { by: 'c-otto', as: 'contractor' as const };
const asManager = { by: 'u-max', as: 'manager' as const };
const asOwner = { by: 'u-olga', as: 'owner' as const };
const asInspector = { by: 'u-ines', as: 'inspector' as const };

function commitment(o: Partial<CommitmentState> = {}): CommitmentState {
  return {
    commitmentId: 'gc-1',
    contractor: GIA,
    description: 'general contract',
    contract: {
      originalContractSumMinor: 8_800_000,
      netChangeOrdersMinor: 0,
      scheduleOfValues: [
        { itemNo: '1', description: 'Framing', scheduledValueMinor: 3_800_000, costCode: '06-100' },
        { itemNo: '2', description: 'Drywall and paint', scheduledValueMinor: 3_000_000, costCode: '09-200' },
        { itemNo: '3', description: 'Plumbing rough-in', scheduledValueMinor: 2_000_000, costCode: '22-000' },
      ],
      retainage: { kind: 'flat', basisPoints: 1_000 },
    },
    permitNames: ['Building permit'],
    addedAt: '2031-03-01T12:00:00.000Z',
    addedBy: 'u-max',
    retainage: { heldMinor: 0, status: 'held', releasedMinor: 0, releasedOn: null, blockers: [] },
    ...o,
  };
}

/** A project with Gia's contract, nothing billed; `o` laid over it. */
function project(o: Partial<ProjectState> = {}): ProjectState {
  return {
    projectId: 'p-1',
    kind: 'renovation',
    name: 'Elm St kitchen and bath',
    site: { propertyId: 'prop-1', parcelId: null, address: '12 Elm St' },
    currency: 'USD',
    status: 'active',
    schedule: { plannedStart: '2031-03-01', originalPlannedCompletion: '2031-06-30', plannedCompletion: '2031-06-30', substantialCompletionOn: null, completedOn: null },
    budget: [
      { costCode: '06-100', description: 'Framing and carpentry', originalMinor: 4_000_000, changesMinor: 0 },
      { costCode: '09-200', description: 'Drywall and finishes', originalMinor: 3_000_000, changesMinor: 0 },
      { costCode: '22-000', description: 'Plumbing', originalMinor: 2_000_000, changesMinor: 0 },
    ],
    contingencyMinor: 500_000,
    commitments: [commitment()],
    milestones: [],
    changeOrders: [],
    payApplications: [],
    inspections: [],
    finalInspections: [],
    lienWaivers: [],
    permits: [],
    alerts: [],
    overrun: false,
    improvements: { addedLivingAreaSqft: 0, newFeatures: [] },
    substantialCompletion: null,
    documents: [],
    summary: budgetSummary({ budget: [], contingencyMinor: 0, commitments: [], pending: [] }),
    pendingApprovals: [],
    criticalDates: [],
    history: [],
    ...o,
  };
}

/** Applications on Gia's contract, each after the one before, with these statuses. */
function applications(c: CommitmentState, ...apps: [PayApplicationState['status'], BilledLine[]][]): PayApplicationState[] {
  const out: PayApplicationState[] = [];
  for (const [status, billed] of apps) {
    const previous = out.filter((a) => a.status === 'approved' || a.status === 'paid').at(-1);
    const application = nextPayApplication(c.contract, previous?.application, billed);
    out.push({ commitmentId: c.commitmentId, applicationNo: application.applicationNo, periodTo: '2031-03-10', status, billed, application, preparedAt: '', submittedAt: null, reviews: [], approvedAt: null, blockers: [], payment: null });
  }
  return out;
}

const framingHalf: BilledLine[] = [{ itemNo: '1', workThisPeriodMinor: 1_900_000, materialsStoredMinor: 0 }];
const refuses = (fn: () => void, message: string) => expect(fn).toThrow(new Error(message));

describe('projectInputProblem', () => {
  const input: ProjectInput = {
    projectId: 'p-1',
    kind: 'renovation',
    name: 'x',
    site: { propertyId: 'prop-1', parcelId: null, address: '12 Elm St' },
    currency: 'USD',
    budget: [{ costCode: '06-100', description: 'Framing', amountMinor: 100 }],
    contingencyMinor: 0,
    plannedStart: '2031-03-01',
    plannedCompletion: '2031-06-30',
    improvements: { addedLivingAreaSqft: 0, newFeatures: [] },
    owners: [{ userId: 'u-olga', name: 'Olga', email: 'olga@example.com' }],
    managers: [],
    createdAt: '2031-03-01T00:00:00.000Z',
    createdBy: 'u-max',
  };
  it.each([
    [{}, undefined],
    [{ kind: 'new_construction' as const, site: { propertyId: null, parcelId: 'parcel-1', address: 'Lot 7' } }, undefined],
    [{ site: { propertyId: null, parcelId: 'parcel-1', address: 'Lot 7' } }, 'a renovation is of a property on record'],
    [{ site: { propertyId: null, parcelId: null, address: '?' } }, 'a project is on a property or a parcel'],
    [{ budget: [] }, 'the budget has no cost codes'],
    [{ budget: [input.budget[0]!, input.budget[0]!] }, 'cost code 06-100 appears twice in the budget'],
    [{ contingencyMinor: -1 }, 'the contingency must be a whole, non-negative number of minor units'],
    [{ plannedCompletion: '2031-02-28' }, 'the planned completion is before the planned start'],
    [{ owners: [] }, 'a project needs an owner to approve its change orders'],
  ])('%j → %s', (o, problem) => {
    expect(projectInputProblem({ ...input, ...o })).toBe(problem);
  });
});

describe('validateCommitment', () => {
  const request = (o: Partial<CommitmentRequest> = {}): CommitmentRequest => ({
    ...asManager,
    commitmentId: 'elec-1',
    contractor: { contractorId: 'c-eli', name: 'Eli Electric', email: 'eli@example.com' },
    description: 'electrical',
    originalContractSumMinor: 1_000_000,
    scheduleOfValues: [{ itemNo: '1', description: 'Rough-in', scheduledValueMinor: 1_000_000, costCode: '22-000' }],
    milestones: [
      { milestoneId: 'e-rough', name: 'Rough-in', plannedOn: '2031-04-01', shareBasisPoints: 6_000 },
      { milestoneId: 'e-trim', name: 'Trim-out', plannedOn: '2031-05-01', shareBasisPoints: 4_000 },
    ],
    permitNames: ['Electrical permit'],
    ...o,
  });

  it('accepts a contract under the budget with milestones making up the whole of it', () => {
    expect(() => validateCommitment(project(), request(), TODAY)).not.toThrow();
  });

  it.each([
    [{ as: 'contractor' as const }, 'only owner or manager or staff may do this'],
    [{ commitmentId: 'gc-1' }, 'contract gc-1 is already on the project'],
    [{ scheduleOfValues: [{ itemNo: '1', description: 'Rough-in', scheduledValueMinor: 1_000_000, costCode: '26-000' }] }, 'item 1: cost code 26-000 is not in the budget'],
    [{ milestones: [] }, 'a contract needs at least one milestone'],
    [{ milestones: [{ milestoneId: 'e-rough', name: 'Rough-in', plannedOn: '2031-04-01', shareBasisPoints: 6_000 }] }, "the milestones' shares sum to 6000 basis points, not the whole contract (10000)"],
    [{ milestones: [{ milestoneId: 'e', name: 'All', plannedOn: '2031-03-14', shareBasisPoints: 10_000 }] }, 'milestone e is planned in the past'],
    [{ milestones: [{ milestoneId: 'b', name: 'B', plannedOn: '2031-05-01', shareBasisPoints: 5_000 }, { milestoneId: 'a', name: 'A', plannedOn: '2031-04-01', shareBasisPoints: 5_000 }] }, 'list the milestones in the order they are planned'],
    [{ originalContractSumMinor: 1_000_001 }, 'the schedule of values sums to 1000000, the contract sum to date is 1000001'],
    [{ retainage: { kind: 'step_down_at_milestone' as const, basisPoints: 1_000, reducedBasisPoints: 500, milestoneId: 'nope' } }, "the retainage steps down at milestone nope, which is not one of this contract's"],
    [{ retainage: { kind: 'flat' as const, basisPoints: 10_001 } }, 'the retainage rate must be whole basis points from 0 to 10000'],
    [{ permitNames: ['Electrical permit', 'Electrical permit'] }, 'name each permit the work depends on once'],
  ])('refuses %j: %s', (o, message) => {
    refuses(() => validateCommitment(project(), request(o), TODAY), message);
  });

  it('refuses once the project is substantially complete', () => {
    refuses(() => validateCommitment(project({ status: 'substantially_complete' }), request(), TODAY), 'the project is substantially complete: this needs it active');
  });
});

describe('retainagePolicyOf', () => {
  const milestones = [
    { milestoneId: 'a', name: 'A', plannedOn: '2031-04-01', shareBasisPoints: 3_000 },
    { milestoneId: 'b', name: 'B', plannedOn: '2031-05-01', shareBasisPoints: 2_500 },
    { milestoneId: 'c', name: 'C', plannedOn: '2031-06-01', shareBasisPoints: 4_500 },
  ];
  it('is 10% flat by default, a policy as given, and steps down at the completion a milestone marks', () => {
    expect(retainagePolicyOf(undefined, milestones)).toEqual({ kind: 'flat', basisPoints: 1_000 });
    expect(retainagePolicyOf({ kind: 'capped', basisPoints: 1_000, capMinor: 50_000 }, milestones)).toEqual({ kind: 'capped', basisPoints: 1_000, capMinor: 50_000 });
    expect(retainagePolicyOf({ kind: 'step_down_at_milestone', basisPoints: 1_000, reducedBasisPoints: 500, milestoneId: 'b' }, milestones)).toEqual({ kind: 'step_down', basisPoints: 1_000, reducedBasisPoints: 500, atCompleteBasisPoints: 5_500 });
  });
});

describe('validateChangeOrder', () => {
  const request = { ...asManager, changeOrderId: 'co-1', commitmentId: 'gc-1', scope: 'second bathroom', lines: [{ itemNo: '4', description: 'Fixtures', costCode: '22-000', changeMinor: 900_000 }], scheduleImpactDays: 10, approveBy: '2031-03-25' };

  it("accepts one from the manager or from the contract's own contractor", () => {
    expect(() => validateChangeOrder(project(), request, TODAY)).not.toThrow();
    expect(() => validateChangeOrder(project(), { ...request, ...asGia }, TODAY)).not.toThrow();
    expect(() => validateChangeOrder(project(), { ...request, approveBy: TODAY }, TODAY)).not.toThrow();
  });

  it.each([
    [{ ...asOwner }, 'only manager or staff or contractor may do this'],
    [{ ...asOther }, 'this contract is not yours'],
    [{ commitmentId: 'gc-9' }, 'no contract gc-9 on this project'],
    [{ scope: ' ' }, 'describe the change in scope'],
    [{ scheduleImpactDays: 1.5 }, 'the schedule impact is a whole number of days'],
    [{ approveBy: '2031-03-14' }, 'the approval deadline has passed'],
    [{ approveBy: '2031-02-30' }, 'the approval deadline must be a YYYY-MM-DD date'],
    [{ lines: [{ itemNo: '4', description: 'Fixtures', changeMinor: 900_000 }] }, "item 4: a new line needs one of the budget's cost codes"],
  ])('refuses %j: %s', (o, message) => {
    refuses(() => validateChangeOrder(project(), { ...request, ...o }, TODAY), message);
  });

  it('refuses an id already used, a contract closed, and a cut below the work certified', () => {
    const proposed = project({ changeOrders: [{ changeOrderId: 'co-1' } as ProjectState['changeOrders'][number]] });
    refuses(() => validateChangeOrder(proposed, request, TODAY), 'change order co-1 was already proposed');
    const closed = project({ commitments: [commitment({ retainage: { heldMinor: 0, status: 'released', releasedMinor: 1, releasedOn: TODAY, blockers: [] } })] });
    refuses(() => validateChangeOrder(closed, request, TODAY), "Gia Builders's contract is closed: its retainage was released");
    const billed = project({ payApplications: applications(commitment(), ['paid', framingHalf]) });
    refuses(() => validateChangeOrder(billed, { ...request, lines: [{ itemNo: '1', changeMinor: -2_000_000 }] }, TODAY), 'item 1: its scheduled value (1800000) is below the work already billed (1900000)');
  });
});

describe('pay applications', () => {
  const prepare = { ...asGia, commitmentId: 'gc-1', periodTo: '2031-03-14', lines: framingHalf };

  it('drafts the first, and replaces a draft or one sent back', () => {
    expect(() => validatePrepare(project(), prepare)).not.toThrow();
    for (const status of ['draft', 'revise_and_resubmit'] as const) {
      const s = project({ payApplications: applications(commitment(), [status, framingHalf]) });
      expect(openApplication(s, 'gc-1')?.status).toBe(status);
      expect(() => validatePrepare(s, prepare)).not.toThrow();
    }
  });

  it.each([
    [{ ...asOther }, 'this contract is not yours'],
    [{ ...asManager }, 'only contractor or staff may do this'],
    [{ lines: [] }, 'the application bills nothing'],
    [{ lines: [{ itemNo: '1', workThisPeriodMinor: 0, materialsStoredMinor: 0 }] }, 'the application bills nothing'],
    [{ lines: [{ itemNo: '1', workThisPeriodMinor: 3_800_001, materialsStoredMinor: 0 }] }, 'item 1: completed and stored (3800001) would be more than the scheduled value (3800000)'],
    [{ lines: [{ itemNo: '7', workThisPeriodMinor: 1, materialsStoredMinor: 0 }] }, 'item 7: not in the schedule of values'],
    [{ periodTo: '2031-3-14' }, 'the end of the period must be a YYYY-MM-DD date'],
  ])('refuses %j: %s', (o, message) => {
    refuses(() => validatePrepare(project(), { ...prepare, ...o }), message);
  });

  it('follows the last certified application: never during a review, never for an earlier period, never taking stored materials away', () => {
    const underReview = project({ payApplications: applications(commitment(), ['under_review', framingHalf]) });
    refuses(() => validatePrepare(underReview, prepare), 'application 1 is under review: wait for its review');
    const stored = project({ payApplications: applications(commitment(), ['approved', [{ itemNo: '3', workThisPeriodMinor: 0, materialsStoredMinor: 300_000 }]]) });
    expect(lastCertified(stored, 'gc-1')?.applicationNo).toBe(1);
    refuses(() => validatePrepare(stored, { ...prepare, periodTo: '2031-03-09' }), "the period cannot end before application 1's (2031-03-10)");
    // The stored fixtures are no longer on site, and only 1,000.00 of work is billed in their place.
    refuses(() => validatePrepare(stored, { ...prepare, lines: [{ itemNo: '1', workThisPeriodMinor: 100_000, materialsStoredMinor: 0 }] }), "completed and stored to date (100000) would fall below the last application's (300000)");
  });

  it('submits a draft only, by its contractor', () => {
    const s = project({ payApplications: applications(commitment(), ['draft', framingHalf]) });
    expect(() => validateSubmit(s, { ...asGia, commitmentId: 'gc-1', applicationNo: 1 })).not.toThrow();
    refuses(() => validateSubmit(s, { ...asOther, commitmentId: 'gc-1', applicationNo: 1 }), 'this contract is not yours');
    refuses(() => validateSubmit(s, { ...asGia, commitmentId: 'gc-1', applicationNo: 2 }), "no application 2 on Gia Builders's contract");
    const submitted = project({ payApplications: applications(commitment(), ['under_review', framingHalf]) });
    refuses(() => validateSubmit(submitted, { ...asGia, commitmentId: 'gc-1', applicationNo: 1 }), 'application 1 is under review: only a draft is submitted');
  });

  it('reviews one under review: the owner or manager approves, or sends it back saying why; approval re-prices under the contract as it now stands', () => {
    const ref = { commitmentId: 'gc-1', applicationNo: 1 };
    const s = project({ payApplications: applications(commitment(), ['under_review', framingHalf]) });
    expect(() => validateReview(s, { ...asOwner, ...ref, decision: 'approve' })).not.toThrow();
    expect(() => validateReview(s, { ...asManager, ...ref, decision: 'revise', reason: 'attach the invoice' })).not.toThrow();
    refuses(() => validateReview(s, { ...asGia, ...ref, decision: 'approve' }), 'only owner or manager or staff may do this');
    refuses(() => validateReview(s, { ...asOwner, ...ref, decision: 'revise', reason: ' ' }), 'say what to revise');
    refuses(() => validateReview(project({ payApplications: applications(commitment(), ['draft', framingHalf]) }), { ...asOwner, ...ref, decision: 'approve' }), 'application 1 is draft: this needs it under review');
    // An approved change order took framing below what the application (not yet certified) bills.
    const cut = commitment();
    cut.contract = applyChangeOrder(cut.contract, [{ itemNo: '1', changeMinor: -2_000_000 }]);
    const stale = project({ commitments: [cut], payApplications: applications(commitment(), ['under_review', framingHalf]) });
    refuses(() => validateReview(stale, { ...asOwner, ...ref, decision: 'approve' }), 'it no longer fits the contract: item 1: completed and stored (1900000) would be more than the scheduled value (1800000)');
  });
});

describe('what the draws wait for', () => {
  const inspection = { ...asInspector, inspectionId: 'insp-1', kind: 'milestone' as const, commitmentId: 'gc-1', inspectedOn: TODAY, observedBasisPoints: { '1': 4_000 } };

  it('records a milestone inspection of the contract’s own lines, on or before today', () => {
    expect(() => validateMilestoneInspection(project(), inspection, TODAY)).not.toThrow();
    refuses(() => validateMilestoneInspection(project(), { ...inspection, kind: 'post_repair' }, TODAY), 'only a milestone inspection counts toward a draw, not a post repair one');
    refuses(() => validateMilestoneInspection(project(), { ...inspection, observedBasisPoints: { '9': 100 } }, TODAY), "item 9 is not in Gia Builders's schedule of values");
    refuses(() => validateMilestoneInspection(project(), { ...inspection, observedBasisPoints: { '1': 10_001 } }, TODAY), 'item 1: percent complete is 0 to 10000 basis points');
    refuses(() => validateMilestoneInspection(project(), { ...inspection, observedBasisPoints: {} }, TODAY), 'the inspection observed no line of the schedule of values');
    refuses(() => validateMilestoneInspection(project(), { ...inspection, inspectedOn: '2031-03-16' }, TODAY), 'the inspection date cannot be in the future');
    refuses(() => validateMilestoneInspection(project(), { ...inspection, as: 'manager' }, TODAY), 'only inspector or staff may do this');
    const recorded = project({ inspections: [{ inspectionId: 'insp-1', commitmentId: 'gc-1', inspectedOn: TODAY, observedBasisPoints: {}, completionBasisPoints: 0, notes: null, recordedBy: 'u-ines' }] });
    refuses(() => validateMilestoneInspection(recorded, inspection, TODAY), 'inspection insp-1 is already recorded');
  });

  it('records a conditional waiver for an application, an unconditional one after payment or as the final one, each once', () => {
    const s = project({ payApplications: applications(commitment(), ['approved', framingHalf]) });
    const waiver = { ...asGia, commitmentId: 'gc-1', kind: 'conditional' as const, applicationNo: 1 };
    expect(() => validateLienWaiver(s, waiver)).not.toThrow();
    expect(() => validateLienWaiver(s, { ...waiver, kind: 'unconditional', applicationNo: undefined })).not.toThrow();
    refuses(() => validateLienWaiver(s, { ...waiver, applicationNo: undefined }), 'a conditional waiver is for an application: name it');
    refuses(() => validateLienWaiver(s, { ...waiver, applicationNo: 2 }), "no application 2 on Gia Builders's contract");
    refuses(() => validateLienWaiver(s, { ...waiver, kind: 'unconditional' }), 'an unconditional waiver follows payment: application 1 is not paid');
    refuses(() => validateLienWaiver(s, { ...waiver, ...asOther }), 'this contract is not yours');
    const signed = project({ ...s, lienWaivers: [{ commitmentId: 'gc-1', kind: 'conditional', applicationNo: 1, documentId: null, signedAt: '', recordedBy: 'c-gia' }] });
    refuses(() => validateLienWaiver(signed, waiver), 'that conditional waiver is already signed');
  });

  it('records a permit applied for, issued with its last day, or revoked', () => {
    const permit = { ...asManager, name: 'Building permit', status: 'issued' as const, expiresOn: '2031-09-30' };
    expect(() => validatePermit(project(), permit)).not.toThrow();
    expect(() => validatePermit(project(), { ...permit, status: 'applied', expiresOn: null })).not.toThrow();
    refuses(() => validatePermit(project(), { ...permit, expiresOn: null }), 'an issued permit has a last day');
    refuses(() => validatePermit(project(), { ...permit, status: 'pending' as never }), 'a permit is applied, issued or revoked');
    refuses(() => validatePermit(project(), { ...permit, name: '' }), 'name the permit');
    refuses(() => validatePermit(project({ status: 'completed' }), permit), 'the project is completed');
  });
});

describe('completion', () => {
  const completion = { ...asManager, on: TODAY };

  it('is declared on or before today, with no change order waiting for the owner, the work as built valid', () => {
    expect(() => validateSubstantialCompletion(project(), completion, TODAY)).not.toThrow();
    refuses(() => validateSubstantialCompletion(project(), { ...completion, on: '2031-03-16' }, TODAY), 'the substantial completion date cannot be in the future');
    refuses(() => validateSubstantialCompletion(project(), { ...completion, on: '2031-02-28' }, TODAY), 'the work cannot be complete before it started');
    refuses(() => validateSubstantialCompletion(project({ commitments: [] }), completion, TODAY), 'no contract has been let: there is no work to complete');
    refuses(() => validateSubstantialCompletion(project({ changeOrders: [{ number: 2, status: 'pending_approval' } as ProjectState['changeOrders'][number]] }), completion, TODAY), 'change order 2 waits for the owner: it is decided first');
    refuses(() => validateSubstantialCompletion(project(), { ...completion, improvements: { addedLivingAreaSqft: -5, newFeatures: [] } }, TODAY), 'the added living area is a whole, non-negative number of square feet');
    refuses(() => validateSubstantialCompletion(project(), { ...completion, as: 'contractor' }, TODAY), 'only owner or manager or staff may do this');
  });

  it('takes the final inspection after substantial completion, until one passes', () => {
    const done = project({ status: 'substantially_complete', substantialCompletion: { on: '2031-03-12', by: 'u-max', punchList: [] } });
    const final = { ...asInspector, inspectionId: 'final-1', inspectedOn: TODAY, passed: true };
    expect(() => validateFinalInspection(done, final, TODAY)).not.toThrow();
    refuses(() => validateFinalInspection(project(), final, TODAY), 'the project is active: this needs it substantially complete');
    refuses(() => validateFinalInspection(done, { ...final, inspectedOn: '2031-03-11' }, TODAY), 'the final inspection follows substantial completion');
    const passed = project({ ...done, finalInspections: [{ inspectionId: 'final-0', passed: true, notes: null, inspectedOn: TODAY, recordedBy: 'u-ines' }] });
    refuses(() => validateFinalInspection(passed, final, TODAY), 'the final inspection has passed already');
  });
});
