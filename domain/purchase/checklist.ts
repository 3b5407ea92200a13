/**
 * A purchase's transaction checklist. Which documents a deal needs follows
 * from its facts (where the property is, whether it is financed, its age, an
 * HOA, bare land), so the list is derived, never typed in by hand; each item
 * then moves required → submitted → approved (or back through returned).
 * Pure: times and actors are passed in, so the purchase workflow runs it as is.
 */

export interface DealFacts {
  /** US state (or territory) code of the property, e.g. 'IA', 'CA' */
  state: string;
  financed: boolean;
  /** null when unknown */
  yearBuilt: number | null;
  inHoa: boolean;
  land: boolean;
}

export interface RequiredDocument {
  kind: string;
  title: string;
  /** why this deal needs it, a sentence */
  why: string;
}

/** A state-specific document and the deals it applies to. */
interface StateDocument extends RequiredDocument {
  appliesTo: (facts: DealFacts) => boolean;
}

interface StateRules {
  /** The state's own form of the seller's property disclosure, replacing the generic title. */
  sellerDisclosure?: { title: string; why: string };
  documents: readonly StateDocument[];
}

const building = (facts: DealFacts): boolean => !facts.land;

/**
 * A few well-known state rules. Deliberately short: a state not listed gets
 * only the generic documents, and its agent adds what local practice needs.
 */
const STATE_RULES: Readonly<Record<string, StateRules>> = {
  CA: {
    sellerDisclosure: {
      title: 'Real Estate Transfer Disclosure Statement',
      why: 'California requires the seller of a 1–4 unit residence to give the Transfer Disclosure Statement (Civ. Code §1102).',
    },
    documents: [
      {
        kind: 'ca_natural_hazard_disclosure',
        title: 'Natural Hazard Disclosure Statement',
        why: 'California requires the seller to disclose whether the property lies in mapped flood, fire, seismic or earthquake fault zones (Civ. Code §1103).',
        appliesTo: building,
      },
    ],
  },
  TX: {
    sellerDisclosure: {
      title: "Seller's Disclosure Notice",
      why: "Texas requires the seller of a single-family residence to give the Seller's Disclosure Notice (Prop. Code §5.008).",
    },
    documents: [],
  },
  FL: {
    documents: [
      {
        kind: 'fl_radon_gas_notification',
        title: 'Radon gas notification',
        why: 'Florida requires the radon gas notification to be given at or before the contract for the sale of any building (Fla. Stat. §404.056(5)).',
        appliesTo: building,
      },
      {
        kind: 'fl_hoa_disclosure_summary',
        title: 'Homeowners’ association disclosure summary',
        why: 'Florida requires a purchaser in a community with a mandatory homeowners’ association to receive its disclosure summary before signing the contract (Fla. Stat. §720.401).',
        appliesTo: (facts) => facts.inHoa,
      },
    ],
  },
  IA: {
    sellerDisclosure: {
      title: 'Residential Property Seller Disclosure Statement',
      why: 'Iowa requires the seller of residential property with one to four dwelling units to give a disclosure statement (Iowa Code ch. 558A).',
    },
    documents: [
      {
        kind: 'ia_groundwater_hazard_statement',
        title: 'Groundwater hazard statement',
        why: 'Iowa requires a groundwater hazard statement (wells, disposal sites, storage tanks, burial sites) to be filed with the deed (Iowa Code §558.69).',
        appliesTo: () => true,
      },
    ],
  },
};

/** Houses built before this year are "target housing" under the federal lead-based paint rule. */
const LEAD_PAINT_CUTOFF_YEAR = 1978;

/**
 * A building of unknown age counts as possibly pre-1978: a missing lead-based
 * paint disclosure breaks federal law, an unneeded one costs a form.
 */
function mayBePre1978(facts: DealFacts): boolean {
  if (facts.land) return false;
  return facts.yearBuilt === null || facts.yearBuilt < LEAD_PAINT_CUTOFF_YEAR;
}

function leadPaintWhy(yearBuilt: number | null): string {
  const age = yearBuilt === null ? 'the year the house was built is unknown, so it may predate 1978' : `the house was built in ${yearBuilt}, before 1978`;
  return `Federal law requires a lead-based paint disclosure for housing built before 1978 (42 U.S.C. §4852d); ${age}.`;
}

function stateRulesFor(state: string): StateRules | undefined {
  return STATE_RULES[state.trim().toUpperCase()];
}

/** The documents this deal needs, in the order a closing file usually lists them. */
export function requiredDocuments(facts: DealFacts): RequiredDocument[] {
  const rules = stateRulesFor(facts.state);
  const docs: RequiredDocument[] = [
    { kind: 'purchase_agreement', title: 'Purchase agreement', why: 'Every purchase rests on the signed agreement between buyer and seller.' },
  ];
  if (building(facts)) {
    docs.push({
      kind: 'seller_disclosure',
      title: rules?.sellerDisclosure?.title ?? "Seller's property disclosure",
      why: rules?.sellerDisclosure?.why ?? 'The seller discloses the known condition and defects of the building to the buyer.',
    });
  }
  if (mayBePre1978(facts)) {
    docs.push({ kind: 'lead_paint_disclosure', title: 'Lead-based paint disclosure', why: leadPaintWhy(facts.yearBuilt) });
  }
  if (facts.financed) {
    docs.push(
      { kind: 'loan_commitment', title: "Lender's loan commitment", why: 'The purchase is financed: the lender must commit to the loan before closing.' },
      { kind: 'appraisal_report', title: 'Appraisal report', why: 'The purchase is financed: the lender needs an appraisal that supports the loan.' },
    );
  }
  if (facts.inHoa) {
    docs.push({
      kind: 'hoa_resale_certificate',
      title: 'HOA resale certificate and documents',
      why: 'The property is in a homeowners’ association: its resale certificate shows dues, assessments and rules the buyer takes on.',
    });
  }
  if (facts.land) {
    docs.push({ kind: 'boundary_survey', title: 'Boundary survey', why: 'The purchase is of land: a survey fixes its boundaries, access and encroachments.' });
  }
  for (const { appliesTo, ...doc } of rules?.documents ?? []) {
    if (appliesTo(facts)) docs.push(doc);
  }
  return docs;
}

export const CHECKLIST_STATUSES = ['required', 'submitted', 'approved', 'returned'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

export interface ChecklistItem extends RequiredDocument {
  status: ChecklistStatus;
  /** The document last submitted (kept when it is returned, so the return can be traced to it). */
  documentId: string | null;
  /** Why the item was last returned; cleared when a document is submitted again. */
  reason: string | null;
  history: { at: string; status: ChecklistStatus; by: string; reason?: string }[];
}

export function checklistFor(facts: DealFacts): ChecklistItem[] {
  return requiredDocuments(facts).map((doc) => ({ ...doc, status: 'required', documentId: null, reason: null, history: [] }));
}

export type ChecklistAction =
  | { type: 'submit'; kind: string; documentId: string; by: string; at: string }
  | { type: 'approve'; kind: string; by: string; at: string }
  | { type: 'return'; kind: string; by: string; at: string; reason: string };

/** The status each action leads to, and the statuses it may start from. */
const ACTION_RULES: Record<ChecklistAction['type'], { from: readonly ChecklistStatus[]; to: ChecklistStatus }> = {
  submit: { from: ['required', 'returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
};

const isBlank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

/** Why the action cannot be applied to the checklist, or undefined when it can. */
export function checklistProblem(items: ChecklistItem[], action: ChecklistAction): string | undefined {
  const item = items.find((i) => i.kind === action.kind);
  if (!item) return `the checklist has no ${action.kind} item`;
  if (isBlank(action.by)) return 'who acts must be given';
  const rule = ACTION_RULES[action.type];
  if (item.status === 'approved') return `${action.kind} is approved, which is final`;
  if (!rule.from.includes(item.status)) return `${action.kind} is ${item.status}: it cannot be ${rule.to}`;
  if (action.type === 'submit' && isBlank(action.documentId)) return 'a submission needs a documentId';
  if (action.type === 'return' && isBlank(action.reason)) return 'a return needs a reason';
  return undefined;
}

function applyToItem(item: ChecklistItem, action: ChecklistAction): ChecklistItem {
  const status = ACTION_RULES[action.type].to;
  const entry = { at: action.at, status, by: action.by, ...(action.type === 'return' ? { reason: action.reason.trim() } : {}) };
  const history = [...item.history, entry];
  switch (action.type) {
    case 'submit':
      return { ...item, status, documentId: action.documentId, reason: null, history };
    case 'return':
      return { ...item, status, reason: action.reason.trim(), history };
    case 'approve':
      return { ...item, status, history };
  }
}

/** The checklist after the action; throws RangeError with the problem when it is not allowed. */
export function applyChecklist(items: ChecklistItem[], action: ChecklistAction): ChecklistItem[] {
  const problem = checklistProblem(items, action);
  if (problem) throw new RangeError(problem);
  return items.map((item) => (item.kind === action.kind ? applyToItem(item, action) : item));
}

/** Items that block closing: every required item not yet approved. */
export function blockingItems(items: ChecklistItem[]): ChecklistItem[] {
  return items.filter((item) => item.status !== 'approved');
}

/** Every item approved: the checklist no longer holds up closing. */
export function isChecklistComplete(items: ChecklistItem[]): boolean {
  return blockingItems(items).length === 0;
}
