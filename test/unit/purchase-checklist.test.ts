import {
  applyChecklist,
  blockingItems,
  checklistFor,
  checklistProblem,
  isChecklistComplete,
  requiredDocuments,
  type ChecklistItem,
  type DealFacts,
} from '../../domain/purchase/checklist';

/** A cash purchase of a 1995 house in a state with no table entry: the smallest building checklist. */
const plain: DealFacts = { state: 'OH', financed: false, yearBuilt: 1995, inHoa: false, land: false };
const kinds = (facts: DealFacts): string[] => requiredDocuments(facts).map((d) => d.kind);

describe('requiredDocuments', () => {
  it('needs the purchase agreement and the seller disclosure for any building', () => {
    expect(kinds(plain)).toEqual(['purchase_agreement', 'seller_disclosure']);
  });

  it('adds the loan commitment and the appraisal when financed', () => {
    expect(kinds({ ...plain, financed: true })).toEqual(['purchase_agreement', 'seller_disclosure', 'loan_commitment', 'appraisal_report']);
  });

  it('needs the lead-based paint disclosure before 1978 only', () => {
    expect(kinds({ ...plain, yearBuilt: 1977 })).toContain('lead_paint_disclosure');
    expect(kinds({ ...plain, yearBuilt: 1978 })).not.toContain('lead_paint_disclosure');
    const why = requiredDocuments({ ...plain, yearBuilt: 1950 }).find((d) => d.kind === 'lead_paint_disclosure')!.why;
    expect(why).toMatch(/4852d/);
    expect(why).toMatch(/1950/);
  });

  it('treats a building of unknown age as possibly pre-1978', () => {
    const lead = requiredDocuments({ ...plain, yearBuilt: null }).find((d) => d.kind === 'lead_paint_disclosure');
    expect(lead?.why).toMatch(/unknown/);
  });

  it('needs the HOA resale certificate in an HOA', () => {
    expect(kinds({ ...plain, inHoa: true })).toContain('hoa_resale_certificate');
  });

  it('needs a survey for land, and neither a seller disclosure nor lead paint (even of unknown age)', () => {
    expect(kinds({ ...plain, land: true, yearBuilt: null })).toEqual(['purchase_agreement', 'boundary_survey']);
  });

  it('gives every document a title and a reason', () => {
    const all = requiredDocuments({ state: 'FL', financed: true, yearBuilt: null, inHoa: true, land: false });
    for (const doc of all) {
      expect(doc.title).not.toBe('');
      expect(doc.why).toMatch(/\.$/);
    }
    expect(new Set(all.map((d) => d.kind)).size).toBe(all.length);
  });

  describe('state rules', () => {
    it('adds the California natural hazard disclosure and names its transfer disclosure statement', () => {
      const docs = requiredDocuments({ ...plain, state: 'CA' });
      expect(docs.map((d) => d.kind)).toEqual(['purchase_agreement', 'seller_disclosure', 'ca_natural_hazard_disclosure']);
      expect(docs[1]!.title).toBe('Real Estate Transfer Disclosure Statement');
    });

    it("uses Texas's Seller's Disclosure Notice as the seller disclosure", () => {
      const docs = requiredDocuments({ ...plain, state: 'TX' });
      expect(docs.map((d) => d.kind)).toEqual(['purchase_agreement', 'seller_disclosure']);
      expect(docs[1]!.title).toBe("Seller's Disclosure Notice");
    });

    it('adds the Florida radon notification for buildings and the HOA summary in an HOA', () => {
      expect(kinds({ ...plain, state: 'FL' })).toEqual(['purchase_agreement', 'seller_disclosure', 'fl_radon_gas_notification']);
      expect(kinds({ ...plain, state: 'FL', inHoa: true })).toContain('fl_hoa_disclosure_summary');
      expect(kinds({ ...plain, state: 'FL', land: true })).not.toContain('fl_radon_gas_notification');
    });

    it('adds the Iowa groundwater hazard statement, land included', () => {
      expect(kinds({ ...plain, state: 'IA' })).toContain('ia_groundwater_hazard_statement');
      expect(kinds({ ...plain, state: 'IA', land: true })).toEqual(['purchase_agreement', 'boundary_survey', 'ia_groundwater_hazard_statement']);
    });

    it('reads the state code case- and space-insensitively', () => {
      expect(kinds({ ...plain, state: ' ca ' })).toEqual(kinds({ ...plain, state: 'CA' }));
    });

    it('gives an unknown state no state documents', () => {
      expect(kinds({ ...plain, state: 'ZZ' })).toEqual(kinds(plain));
      expect(requiredDocuments(plain)[1]!.title).toBe("Seller's property disclosure");
    });
  });
});

describe('checklist transitions', () => {
  const AT = '2030-03-01T10:00:00.000Z';
  const fresh = (): ChecklistItem[] => checklistFor({ ...plain, financed: true });
  const item = (items: ChecklistItem[], kind: string): ChecklistItem => items.find((i) => i.kind === kind)!;
  const submit = (kind: string, documentId = 'doc-1') => ({ type: 'submit' as const, kind, documentId, by: 'buyer-agent', at: AT });
  const approve = (kind: string) => ({ type: 'approve' as const, kind, by: 'closer', at: AT });
  const giveBack = (kind: string, reason = 'unsigned page 3') => ({ type: 'return' as const, kind, by: 'closer', at: AT, reason });

  it('starts every item required, with no document and no history', () => {
    for (const i of fresh()) expect(i).toMatchObject({ status: 'required', documentId: null, reason: null, history: [] });
  });

  it('goes required → submitted → approved, recording who and when', () => {
    let items = applyChecklist(fresh(), submit('appraisal_report', 'doc-9'));
    expect(item(items, 'appraisal_report')).toMatchObject({ status: 'submitted', documentId: 'doc-9' });
    items = applyChecklist(items, approve('appraisal_report'));
    expect(item(items, 'appraisal_report').status).toBe('approved');
    expect(item(items, 'appraisal_report').history).toEqual([
      { at: AT, status: 'submitted', by: 'buyer-agent' },
      { at: AT, status: 'approved', by: 'closer' },
    ]);
  });

  it('returns a submission with a reason, and takes a new one after', () => {
    let items = applyChecklist(fresh(), submit('loan_commitment', 'doc-1'));
    items = applyChecklist(items, giveBack('loan_commitment', '  expired commitment  '));
    expect(item(items, 'loan_commitment')).toMatchObject({ status: 'returned', reason: 'expired commitment', documentId: 'doc-1' });
    expect(item(items, 'loan_commitment').history[1]).toEqual({ at: AT, status: 'returned', by: 'closer', reason: 'expired commitment' });
    items = applyChecklist(items, submit('loan_commitment', 'doc-2'));
    expect(item(items, 'loan_commitment')).toMatchObject({ status: 'submitted', documentId: 'doc-2', reason: null });
    expect(item(items, 'loan_commitment').history.map((h) => h.status)).toEqual(['submitted', 'returned', 'submitted']);
  });

  it('does not change the list it was given', () => {
    const before = fresh();
    const copy = structuredClone(before);
    applyChecklist(before, submit('purchase_agreement'));
    expect(before).toEqual(copy);
  });

  it('refuses an unknown kind', () => {
    expect(checklistProblem(fresh(), submit('boundary_survey'))).toBe('the checklist has no boundary_survey item');
    expect(() => applyChecklist(fresh(), submit('boundary_survey'))).toThrow(RangeError);
  });

  it('refuses a submission without a document, and a return without a reason', () => {
    expect(checklistProblem(fresh(), submit('purchase_agreement', ' '))).toBe('a submission needs a documentId');
    const submitted = applyChecklist(fresh(), submit('purchase_agreement'));
    expect(checklistProblem(submitted, giveBack('purchase_agreement', ''))).toBe('a return needs a reason');
  });

  it('refuses approving or returning what was not submitted', () => {
    expect(checklistProblem(fresh(), approve('purchase_agreement'))).toBe('purchase_agreement is required: it cannot be approved');
    expect(checklistProblem(fresh(), giveBack('purchase_agreement'))).toBe('purchase_agreement is required: it cannot be returned');
    const returned = applyChecklist(applyChecklist(fresh(), submit('purchase_agreement')), giveBack('purchase_agreement'));
    expect(checklistProblem(returned, approve('purchase_agreement'))).toBe('purchase_agreement is returned: it cannot be approved');
  });

  it('refuses submitting twice', () => {
    const submitted = applyChecklist(fresh(), submit('purchase_agreement'));
    expect(checklistProblem(submitted, submit('purchase_agreement', 'doc-2'))).toBe('purchase_agreement is submitted: it cannot be submitted');
  });

  it('keeps approved final', () => {
    const approved = applyChecklist(applyChecklist(fresh(), submit('purchase_agreement')), approve('purchase_agreement'));
    for (const action of [submit('purchase_agreement'), approve('purchase_agreement'), giveBack('purchase_agreement')]) {
      expect(checklistProblem(approved, action)).toBe('purchase_agreement is approved, which is final');
    }
  });

  it('refuses an action without an actor', () => {
    expect(checklistProblem(fresh(), { ...submit('purchase_agreement'), by: '' })).toBe('who acts must be given');
  });

  it('blocks closing until every item is approved', () => {
    let items = fresh();
    expect(blockingItems(items)).toHaveLength(items.length);
    for (const { kind } of items.slice(0, -1)) items = applyChecklist(applyChecklist(items, submit(kind)), approve(kind));
    expect(blockingItems(items).map((i) => i.kind)).toEqual(['appraisal_report']);
    expect(isChecklistComplete(items)).toBe(false);
    items = applyChecklist(items, submit('appraisal_report'));
    expect(blockingItems(items).map((i) => i.kind)).toEqual(['appraisal_report']);
    items = applyChecklist(items, approve('appraisal_report'));
    expect(blockingItems(items)).toEqual([]);
    expect(isChecklistComplete(items)).toBe(true);
  });
});
