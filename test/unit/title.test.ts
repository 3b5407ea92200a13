import {
  chainBreaks,
  isClearToClose,
  openEncumbrances,
  openLiens,
  ownersOfRecord,
  sameParties,
  satisfactionProblem,
  satisfyRequirement,
  titleChain,
  titleCommitment,
  unmetRequirements,
  updateForRecords,
  type CommitmentInput,
  type Satisfaction,
  type TitleCommitment,
  type TitleRecord,
} from '../../domain/purchase/title';

/**
 * One lot's recorded history: a builder sells to Alice (who mortgages it), Alice
 * sells to the Browns (her mortgage released, theirs recorded), the Browns sell
 * to Dana Diaz (theirs released, hers recorded). A utility easement runs with it.
 */
const LOT = 'Lot 7, Block 2, Prairie View Addition, Ames, Story County, Iowa';
const builderToAlice: TitleRecord = { kind: 'deed', instrument: '1998-001', recordedOn: '1998-04-10', grantors: ['Prairie Homes LLC'], grantees: ['Alice Adams'], considerationMinor: 15_000_000 };
const aliceMortgage: TitleRecord = { kind: 'lien', instrument: '1998-002', recordedOn: '1998-04-10', lienType: 'mortgage', holder: 'First Bank', amountMinor: 12_000_000 };
const easement: TitleRecord = { kind: 'encumbrance', instrument: '1999-050', recordedOn: '1999-02-01', type: 'easement', description: 'Ten-foot utility easement along the rear lot line', blocksTransfer: false };
const aliceToBrowns: TitleRecord = { kind: 'deed', instrument: '2005-100', recordedOn: '2005-06-01', grantors: ['Alice Adams'], grantees: ['Bob Brown', 'Carol Brown'], considerationMinor: 22_000_000 };
const aliceRelease: TitleRecord = { kind: 'release', instrument: '2005-101', recordedOn: '2005-06-01', releases: '1998-002' };
const brownMortgage: TitleRecord = { kind: 'lien', instrument: '2005-102', recordedOn: '2005-06-01', lienType: 'mortgage', holder: 'Ames Savings', amountMinor: 20_000_000 };
const brownsToDiaz: TitleRecord = { kind: 'deed', instrument: '2015-300', recordedOn: '2015-09-15', grantors: ['Bob Brown', 'Carol Brown'], grantees: ['Dana Diaz'], considerationMinor: 28_000_000 };
const brownRelease: TitleRecord = { kind: 'release', instrument: '2015-301', recordedOn: '2015-09-15', releases: '2005-102' };
const diazMortgage: TitleRecord = { kind: 'lien', instrument: '2015-302', recordedOn: '2015-09-15', lienType: 'mortgage', holder: 'Hawkeye Credit Union', amountMinor: 25_000_000 };

const beforeDiaz = [builderToAlice, aliceMortgage, easement, aliceToBrowns, aliceRelease, brownMortgage];
const history: TitleRecord[] = [...beforeDiaz, brownsToDiaz, brownRelease, diazMortgage];
/** Recording order must not depend on the order the search returned the records in. */
const shuffled = [diazMortgage, aliceToBrowns, easement, brownsToDiaz, aliceRelease, builderToAlice, brownRelease, aliceMortgage, brownMortgage];

const AT = '2030-01-15T09:00:00.000Z';
const saleToFord = (over: Partial<CommitmentInput> = {}): CommitmentInput => ({
  effectiveDate: '2024-05-01',
  proposedInsured: ['Evan Ford'],
  amountMinor: 31_000_000,
  currency: 'USD',
  legalDescription: LOT,
  sellers: ['Dana Diaz'],
  records: history,
  ...over,
});
const ids = (c: TitleCommitment): string[] => c.requirements.map((r) => r.id);
const requirement = (c: TitleCommitment, id: string) => c.requirements.find((r) => r.id === id)!;
const payoffLine: Satisfaction = { type: 'payoff_line', ref: 'settlement line 504', at: AT };
const document: Satisfaction = { type: 'document', ref: 'doc-42', at: AT };

describe('title search', () => {
  it('orders the chain of three deeds oldest first, whatever order the records came in', () => {
    expect(titleChain(shuffled)).toEqual([
      { instrument: '1998-001', recordedOn: '1998-04-10', from: ['Prairie Homes LLC'], to: ['Alice Adams'], considerationMinor: 15_000_000 },
      { instrument: '2005-100', recordedOn: '2005-06-01', from: ['Alice Adams'], to: ['Bob Brown', 'Carol Brown'], considerationMinor: 22_000_000 },
      { instrument: '2015-300', recordedOn: '2015-09-15', from: ['Bob Brown', 'Carol Brown'], to: ['Dana Diaz'], considerationMinor: 28_000_000 },
    ]);
  });

  it('breaks same-day ties by instrument', () => {
    const first: TitleRecord = { ...brownsToDiaz, instrument: '2015-299', grantees: ['Xavier Young'] };
    const second: TitleRecord = { ...brownsToDiaz, grantors: ['Xavier Young'] };
    expect(titleChain([second, first]).map((l) => l.instrument)).toEqual(['2015-299', '2015-300']);
    expect(ownersOfRecord([second, first])).toEqual(['Dana Diaz']);
  });

  it('gives the grantees of the latest deed as owners of record', () => {
    expect(ownersOfRecord(shuffled)).toEqual(['Dana Diaz']);
    expect(ownersOfRecord(beforeDiaz)).toEqual(['Bob Brown', 'Carol Brown']);
    expect(ownersOfRecord([aliceMortgage, easement])).toEqual([]);
  });

  it('does not count a released mortgage as open', () => {
    expect(openLiens([builderToAlice, aliceMortgage, aliceRelease]).map((l) => l.instrument)).toEqual([]);
    expect(openLiens(shuffled).map((l) => l.instrument)).toEqual(['2015-302']);
  });

  it('keeps an unreleased easement open, and drops a released one', () => {
    expect(openEncumbrances(history)).toEqual([easement]);
    expect(openEncumbrances([...history, { kind: 'release', instrument: '2020-001', recordedOn: '2020-01-02', releases: '1999-050' }])).toEqual([]);
  });

  it('finds no break in an unbroken chain, and the deed from someone who did not hold title', () => {
    expect(chainBreaks(history)).toEqual([]);
    const stranger: TitleRecord = { kind: 'deed', instrument: '2016-001', recordedOn: '2016-01-05', grantors: ['Zed Stranger'], grantees: ['Yolanda Young'], considerationMinor: null };
    expect(chainBreaks([...history, stranger]).map((l) => l.instrument)).toEqual(['2016-001']);
  });

  it('compares parties as sets, ignoring case and spacing', () => {
    expect(sameParties(['Carol  Brown', 'bob brown'], [' Bob Brown', 'CAROL BROWN'])).toBe(true);
    expect(sameParties(['Bob Brown'], ['Bob Brown', 'Carol Brown'])).toBe(false);
  });
});

describe('titleCommitment', () => {
  const commitment = titleCommitment(saleToFord());

  it('fills Schedule A with the insured, the amount and the owners of record', () => {
    expect(commitment.effectiveDate).toBe('2024-05-01');
    expect(commitment.scheduleA).toEqual({ proposedInsured: ['Evan Ford'], amountMinor: 31_000_000, currency: 'USD', legalDescription: LOT, vestedIn: ['Dana Diaz'] });
  });

  it('requires a payoff of the open mortgage only, and the deed to be recorded', () => {
    expect(ids(commitment)).toEqual(['payoff:2015-302', 'record_deed']);
    expect(requirement(commitment, 'payoff:2015-302')).toMatchObject({ kind: 'payoff', instrument: '2015-302', amountMinor: 25_000_000, satisfiedBy: null });
    expect(requirement(commitment, 'payoff:2015-302').description).toContain('USD 250,000.00');
    expect(requirement(commitment, 'record_deed').description).toBe('Record the deed from Dana Diaz to Evan Ford.');
  });

  it('lists the standard exceptions and the easement with its instrument', () => {
    expect(commitment.exceptions).toHaveLength(4);
    expect(commitment.exceptions.slice(0, 3).every((e) => e.instrument === null)).toBe(true);
    expect(commitment.exceptions.map((e) => e.description).join(' ')).toMatch(/not yet due and payable.*parties in possession.*accurate survey/);
    expect(commitment.exceptions[3]).toEqual({ instrument: '1999-050', description: 'easement: Ten-foot utility easement along the rear lot line (recorded 1999-02-01).' });
  });

  it('is clear to close once the payoff line and the approved deed are in', () => {
    expect(isClearToClose(commitment)).toBe(false);
    const paid = satisfyRequirement(commitment, 'payoff:2015-302', payoffLine);
    expect(requirement(paid, 'payoff:2015-302').satisfiedBy).toEqual(payoffLine);
    expect(unmetRequirements(paid).map((r) => r.id)).toEqual(['record_deed']);
    const done = satisfyRequirement(paid, 'record_deed', document);
    expect(isClearToClose(done)).toBe(true);
    expect(requirement(commitment, 'payoff:2015-302').satisfiedBy).toBeNull();
  });

  it('searches only through the effective date', () => {
    const earlier = titleCommitment(saleToFord({ effectiveDate: '2010-01-01', sellers: ['Bob Brown', 'Carol Brown'] }));
    expect(earlier.scheduleA.vestedIn).toEqual(['Bob Brown', 'Carol Brown']);
    expect(ids(earlier)).toEqual(['payoff:2005-102', 'record_deed']);
  });

  it('accepts sellers named with other case and spacing', () => {
    expect(ids(titleCommitment(saleToFord({ sellers: ['  dana   DIAZ '] })))).not.toContain('seller_authority');
  });

  describe('a lis pendens', () => {
    const lisPendens: TitleRecord = { kind: 'encumbrance', instrument: '2023-777', recordedOn: '2023-11-20', type: 'lis_pendens', description: 'Quiet title action, Story County case CVCV012345', blocksTransfer: true };
    const pending = titleCommitment(saleToFord({ records: [...history, lisPendens] }));

    it('needs a cure, not an exception', () => {
      expect(ids(pending)).toEqual(['payoff:2015-302', 'cure:2023-777', 'record_deed']);
      expect(pending.exceptions.map((e) => e.instrument)).not.toContain('2023-777');
      expect(requirement(pending, 'cure:2023-777').description).toContain('lis pendens 2023-777');
    });

    it('is cured by a recorded release only', () => {
      expect(satisfactionProblem(pending, 'cure:2023-777', payoffLine)).toBe('a cure requirement is satisfied by recorded_release, not payoff_line');
      expect(satisfactionProblem(pending, 'cure:2023-777', document)).toBe('a cure requirement is satisfied by recorded_release, not document');
      const cured = satisfyRequirement(pending, 'cure:2023-777', { type: 'recorded_release', ref: '2024-123', at: AT });
      expect(unmetRequirements(cured).map((r) => r.id)).toEqual(['payoff:2015-302', 'record_deed']);
    });

    it('blocks until its release is recorded after the effective date', () => {
      const release: TitleRecord = { kind: 'release', instrument: '2024-610', recordedOn: '2024-06-03', releases: '2023-777' };
      const updated = updateForRecords(pending, [...history, lisPendens, release], AT);
      expect(requirement(updated, 'cure:2023-777').satisfiedBy).toEqual({ type: 'recorded_release', ref: '2024-610', at: AT });
      expect(updateForRecords(updated, [...history, lisPendens, release], AT)).toBe(updated);
    });

    it('is not required when it was released before the search', () => {
      const release: TitleRecord = { kind: 'release', instrument: '2024-010', recordedOn: '2024-02-01', releases: '2023-777' };
      expect(ids(titleCommitment(saleToFord({ records: [...history, lisPendens, release] })))).not.toContain('cure:2023-777');
    });
  });

  describe('a seller who is not the owner of record', () => {
    const wrongSeller = titleCommitment(saleToFord({ sellers: ['Bob Brown'] }));

    it('needs evidence of authority', () => {
      expect(ids(wrongSeller)).toEqual(['payoff:2015-302', 'seller_authority', 'record_deed']);
      expect(requirement(wrongSeller, 'seller_authority').description).toContain('title is vested in Dana Diaz');
    });

    it('is satisfied by a document, not a payoff line', () => {
      expect(satisfactionProblem(wrongSeller, 'seller_authority', payoffLine)).toBe('a seller_authority requirement is satisfied by document, not payoff_line');
      const poa = satisfyRequirement(wrongSeller, 'seller_authority', { type: 'document', ref: 'recorded POA 2024-400', at: AT });
      expect(requirement(poa, 'seller_authority').satisfiedBy?.ref).toBe('recorded POA 2024-400');
    });

    it('counts co-owners: one of two is not enough', () => {
      expect(ids(titleCommitment(saleToFord({ effectiveDate: '2010-01-01', sellers: ['Carol Brown'] })))).toContain('seller_authority');
    });

    it('is a problem when no deed vests title at all', () => {
      const noDeed = titleCommitment(saleToFord({ records: [aliceMortgage] }));
      expect(noDeed.scheduleA.vestedIn).toEqual([]);
      expect(requirement(noDeed, 'seller_authority').description).toContain('no recorded deed vests title');
    });
  });

  describe('satisfactionProblem', () => {
    it('refuses an unknown requirement', () => {
      expect(satisfactionProblem(commitment, 'payoff:1998-002', payoffLine)).toBe('the commitment has no requirement payoff:1998-002');
      expect(() => satisfyRequirement(commitment, 'nope', payoffLine)).toThrow(RangeError);
    });

    it('refuses a second satisfaction', () => {
      const paid = satisfyRequirement(commitment, 'payoff:2015-302', payoffLine);
      expect(satisfactionProblem(paid, 'payoff:2015-302', { type: 'recorded_release', ref: '2024-700', at: AT })).toBe(
        'payoff:2015-302 is already satisfied by payoff_line settlement line 504',
      );
    });

    it('fits the satisfaction to the kind', () => {
      expect(satisfactionProblem(commitment, 'payoff:2015-302', { type: 'recorded_release', ref: '2024-700', at: AT })).toBeUndefined();
      expect(satisfactionProblem(commitment, 'payoff:2015-302', document)).toBe('a payoff requirement is satisfied by payoff_line or recorded_release, not document');
      expect(satisfactionProblem(commitment, 'record_deed', payoffLine)).toBe('a record_deed requirement is satisfied by document, not payoff_line');
    });

    it('needs a ref', () => {
      expect(satisfactionProblem(commitment, 'record_deed', { ...document, ref: ' ' })).toBe('a satisfaction needs a ref');
    });
  });
});

describe('updateForRecords', () => {
  const commitment = titleCommitment(saleToFord());
  const judgment: TitleRecord = { kind: 'lien', instrument: '2024-900', recordedOn: '2024-05-10', lienType: 'judgment', holder: 'Story County Clerk', amountMinor: 750_000 };

  it('returns the commitment unchanged when nothing is new', () => {
    expect(updateForRecords(commitment, history, AT)).toBe(commitment);
    expect(updateForRecords(commitment, [], AT)).toBe(commitment);
  });

  it('reopens a clear commitment for a lien recorded after the effective date', () => {
    const clear = satisfyRequirement(satisfyRequirement(commitment, 'payoff:2015-302', payoffLine), 'record_deed', document);
    expect(isClearToClose(clear)).toBe(true);
    const reopened = updateForRecords(clear, [...history, judgment], AT);
    expect(isClearToClose(reopened)).toBe(false);
    expect(unmetRequirements(reopened)).toEqual([
      expect.objectContaining({ id: 'payoff:2024-900', kind: 'payoff', instrument: '2024-900', amountMinor: 750_000, satisfiedBy: null }),
    ]);
    expect(updateForRecords(reopened, [...history, judgment], AT)).toBe(reopened);
  });

  it('takes a lien on the effective date as already searched', () => {
    expect(updateForRecords(commitment, [{ ...judgment, recordedOn: '2024-05-01' }], AT)).toBe(commitment);
  });

  it('does not add a lien released in the same records', () => {
    const release: TitleRecord = { kind: 'release', instrument: '2024-950', recordedOn: '2024-05-20', releases: '2024-900' };
    expect(ids(updateForRecords(commitment, [...history, judgment, release], AT))).toEqual(['payoff:2015-302', 'record_deed']);
  });

  it('satisfies an open payoff by a recorded release, but leaves one already paid alone', () => {
    const release: TitleRecord = { kind: 'release', instrument: '2024-960', recordedOn: '2024-06-01', releases: '2015-302' };
    const released = updateForRecords(commitment, [...history, release], AT);
    expect(requirement(released, 'payoff:2015-302').satisfiedBy).toEqual({ type: 'recorded_release', ref: '2024-960', at: AT });
    const paid = satisfyRequirement(commitment, 'payoff:2015-302', payoffLine);
    expect(updateForRecords(paid, [...history, release], AT)).toBe(paid);
  });

  it('adds a new easement as an exception, and drops a released one', () => {
    const sewer: TitleRecord = { kind: 'encumbrance', instrument: '2024-920', recordedOn: '2024-07-01', type: 'easement', description: 'Sanitary sewer easement', blocksTransfer: false };
    const withSewer = updateForRecords(commitment, [...history, sewer], AT);
    expect(withSewer.exceptions.map((e) => e.instrument)).toEqual([null, null, null, '1999-050', '2024-920']);
    expect(withSewer.requirements).toEqual(commitment.requirements);
    const vacated: TitleRecord = { kind: 'release', instrument: '2024-930', recordedOn: '2024-07-02', releases: '1999-050' };
    expect(updateForRecords(withSewer, [...history, sewer, vacated], AT).exceptions.map((e) => e.instrument)).toEqual([null, null, null, '2024-920']);
  });

  it('adds a cure for a new blocking encumbrance', () => {
    const lisPendens: TitleRecord = { kind: 'encumbrance', instrument: '2024-940', recordedOn: '2024-08-01', type: 'lis_pendens', description: 'Partition suit', blocksTransfer: true };
    expect(ids(updateForRecords(commitment, [...history, lisPendens], AT))).toEqual(['payoff:2015-302', 'record_deed', 'cure:2024-940']);
  });

  it('makes a deed to someone else a seller_authority problem, once', () => {
    const toOther: TitleRecord = { kind: 'deed', instrument: '2024-980', recordedOn: '2024-05-15', grantors: ['Dana Diaz'], grantees: ['Gina Hall'], considerationMinor: null };
    const updated = updateForRecords(commitment, [...history, toOther], AT);
    expect(requirement(updated, 'seller_authority')).toMatchObject({ kind: 'seller_authority', instrument: '2024-980', satisfiedBy: null });
    expect(requirement(updated, 'seller_authority').description).toContain('Gina Hall');
    expect(updateForRecords(updated, [...history, toOther], AT)).toBe(updated);
  });

  it('reopens a satisfied seller_authority for a later deed away', () => {
    const poa = satisfyRequirement(titleCommitment(saleToFord({ sellers: ['Bob Brown'] })), 'seller_authority', document);
    const toOther: TitleRecord = { kind: 'deed', instrument: '2024-981', recordedOn: '2024-05-16', grantors: ['Dana Diaz'], grantees: ['Gina Hall'], considerationMinor: null };
    const reopened = updateForRecords(poa, [...history, toOther], AT);
    expect(requirement(reopened, 'seller_authority')).toMatchObject({ instrument: '2024-981', satisfiedBy: null });
    expect(reopened.requirements.filter((r) => r.id === 'seller_authority')).toHaveLength(1);
  });

  it("leaves what follows the closing deed to the insured: their own mortgage, their own resale", () => {
    const closingDeed: TitleRecord = { kind: 'deed', instrument: '2024-990', recordedOn: '2024-06-30', grantors: ['Dana Diaz'], grantees: ['Evan Ford'], considerationMinor: 31_000_000 };
    const fordMortgage: TitleRecord = { kind: 'lien', instrument: '2024-991', recordedOn: '2024-06-30', lienType: 'mortgage', holder: 'Cyclone Bank', amountMinor: 24_000_000 };
    const resale: TitleRecord = { kind: 'deed', instrument: '2028-001', recordedOn: '2028-03-01', grantors: ['Evan Ford'], grantees: ['Ivy James'], considerationMinor: 35_000_000 };
    expect(updateForRecords(commitment, [...history, closingDeed, fordMortgage, resale], AT)).toBe(commitment);
    const beforeClosing = { ...judgment, instrument: '2024-989', recordedOn: '2024-06-30' };
    expect(ids(updateForRecords(commitment, [...history, closingDeed, beforeClosing], AT))).toContain('payoff:2024-989');
  });

  it('takes the deed to the proposed insured as the closing, not a problem', () => {
    const closingDeed: TitleRecord = { kind: 'deed', instrument: '2024-990', recordedOn: '2024-06-30', grantors: ['Dana Diaz'], grantees: ['evan  ford'], considerationMinor: 31_000_000 };
    expect(updateForRecords(commitment, [...history, closingDeed], AT)).toBe(commitment);
  });
});

describe('two successive sales of the same lot', () => {
  it('gives the second buyer a correct chain through the first sale', () => {
    // First sale: the Browns to Dana Diaz, searched before her deed was recorded.
    const first = titleCommitment({
      effectiveDate: '2015-08-01',
      proposedInsured: ['Dana Diaz'],
      amountMinor: 28_000_000,
      currency: 'USD',
      legalDescription: LOT,
      sellers: ['Bob Brown', 'Carol Brown'],
      records: history,
    });
    expect(first.scheduleA.vestedIn).toEqual(['Bob Brown', 'Carol Brown']);
    expect(ids(first)).toEqual(['payoff:2005-102', 'record_deed']);
    const closed = updateForRecords(satisfyRequirement(first, 'record_deed', { type: 'document', ref: 'deed 2015-300', at: AT }), history, AT);
    expect(requirement(closed, 'payoff:2005-102').satisfiedBy).toEqual({ type: 'recorded_release', ref: '2015-301', at: AT });
    expect(ids(closed)).not.toContain('seller_authority');
    expect(isClearToClose(closed)).toBe(true);

    // Second sale: Dana Diaz to Evan Ford, over the same records.
    const second = titleCommitment(saleToFord());
    expect(titleChain(history).map((l) => l.to)).toEqual([['Alice Adams'], ['Bob Brown', 'Carol Brown'], ['Dana Diaz']]);
    expect(second.scheduleA.vestedIn).toEqual(['Dana Diaz']);
    expect(chainBreaks(history)).toEqual([]);
    expect(ids(second)).toEqual(['payoff:2015-302', 'record_deed']);

    // Once the second closing deed is recorded, the chain ends with the second buyer.
    const toFord: TitleRecord = { kind: 'deed', instrument: '2024-990', recordedOn: '2024-06-30', grantors: ['Dana Diaz'], grantees: ['Evan Ford'], considerationMinor: 31_000_000 };
    expect(titleChain([...history, toFord]).map((l) => l.instrument)).toEqual(['1998-001', '2005-100', '2015-300', '2024-990']);
    expect(ownersOfRecord([...history, toFord])).toEqual(['Evan Ford']);
  });
});
