/**
 * Title search and the title commitment. The recorded instruments of a
 * property (deeds, liens, encumbrances and their releases) tell who owns it
 * and what stands against it; the commitment turns that into what the insurer
 * will insure (Schedule A), what must happen before closing (Schedule B-I
 * requirements) and what the policy will not cover (Schedule B-II exceptions).
 * Pure: records and times are passed in, so a workflow can run it as is.
 */
import { compareDates, type IsoDate } from '../calendar';
import { formatMoney, type Currency } from '../money';

export type TitleRecord =
  | { kind: 'deed'; instrument: string; recordedOn: IsoDate; grantors: string[]; grantees: string[]; considerationMinor: number | null }
  | { kind: 'lien'; instrument: string; recordedOn: IsoDate; lienType: 'mortgage' | 'tax' | 'mechanics' | 'judgment' | 'hoa'; holder: string; amountMinor: number }
  | {
      kind: 'encumbrance';
      instrument: string;
      recordedOn: IsoDate;
      type: 'easement' | 'covenant' | 'restriction' | 'lis_pendens';
      description: string;
      /** must be cleared before the property can transfer (a lis pendens); others become exceptions */
      blocksTransfer: boolean;
    }
  | {
      kind: 'release';
      instrument: string;
      recordedOn: IsoDate;
      /** the instrument of the lien or encumbrance it releases */
      releases: string;
    };

type Deed = Extract<TitleRecord, { kind: 'deed' }>;
type Lien = Extract<TitleRecord, { kind: 'lien' }>;
type Encumbrance = Extract<TitleRecord, { kind: 'encumbrance' }>;

export interface ChainLink {
  instrument: string;
  recordedOn: IsoDate;
  from: string[];
  to: string[];
  considerationMinor: number | null;
}

/** Code-unit order, not locale order: the same on every machine and in replay. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Recording order: by date, same-day ties by instrument number. */
function byRecording(a: TitleRecord, b: TitleRecord): number {
  return compareDates(a.recordedOn, b.recordedOn) || compareText(a.instrument, b.instrument);
}

function inRecordingOrder<K extends TitleRecord['kind']>(records: readonly TitleRecord[], kind: K): Extract<TitleRecord, { kind: K }>[] {
  return records.filter((r): r is Extract<TitleRecord, { kind: K }> => r.kind === kind).sort(byRecording);
}

/** The ownership chain, oldest first (deeds in recording order; same-day ties by instrument). */
export function titleChain(records: readonly TitleRecord[]): ChainLink[] {
  return inRecordingOrder(records, 'deed').map((d) => ({
    instrument: d.instrument,
    recordedOn: d.recordedOn,
    from: [...d.grantors],
    to: [...d.grantees],
    considerationMinor: d.considerationMinor,
  }));
}

/** The grantees of the latest deed, or [] when there is none. */
export function ownersOfRecord(records: readonly TitleRecord[]): string[] {
  const chain = titleChain(records);
  return chain.length === 0 ? [] : chain[chain.length - 1]!.to;
}

/** A name as compared: case and runs of whitespace do not make a different person. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The same parties, compared as sets of normalised names. */
export function sameParties(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(normalizeName));
  const right = new Set(b.map(normalizeName));
  return left.size === right.size && [...left].every((name) => right.has(name));
}

/**
 * Links whose grantors did not all hold title under the link before: a break
 * in the chain for the examiner to explain (the first deed starts the chain).
 */
export function chainBreaks(records: readonly TitleRecord[]): ChainLink[] {
  const chain = titleChain(records);
  return chain.filter((link, i) => {
    const previous = chain[i - 1];
    if (!previous) return false;
    const holders = new Set(previous.to.map(normalizeName));
    return !link.from.every((name) => holders.has(normalizeName(name)));
  });
}

function releasedInstruments(records: readonly TitleRecord[]): Set<string> {
  return new Set(inRecordingOrder(records, 'release').map((r) => r.releases));
}

/** Liens not released by a recorded release, in recording order. */
export function openLiens(records: readonly TitleRecord[]): Lien[] {
  const released = releasedInstruments(records);
  return inRecordingOrder(records, 'lien').filter((l) => !released.has(l.instrument));
}

/** Encumbrances not released by a recorded release, in recording order. */
export function openEncumbrances(records: readonly TitleRecord[]): Encumbrance[] {
  const released = releasedInstruments(records);
  return inRecordingOrder(records, 'encumbrance').filter((e) => !released.has(e.instrument));
}

export const REQUIREMENT_KINDS = ['payoff', 'cure', 'seller_authority', 'record_deed'] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

export interface Satisfaction {
  type: 'payoff_line' | 'recorded_release' | 'document';
  ref: string;
  at: string;
}

export interface Requirement {
  id: string;
  kind: RequirementKind;
  description: string;
  instrument: string | null;
  amountMinor: number | null;
  satisfiedBy: Satisfaction | null;
}

export interface TitleCommitment {
  effectiveDate: IsoDate;
  scheduleA: { proposedInsured: string[]; amountMinor: number; currency: Currency; legalDescription: string; vestedIn: string[] };
  requirements: Requirement[];
  exceptions: { instrument: string | null; description: string }[];
}

export interface CommitmentInput {
  effectiveDate: IsoDate;
  proposedInsured: string[];
  amountMinor: number;
  currency: Currency;
  legalDescription: string;
  sellers: string[];
  records: readonly TitleRecord[];
}

/** Which satisfactions can meet each kind of requirement. */
const SATISFIED_BY: Record<RequirementKind, readonly Satisfaction['type'][]> = {
  payoff: ['payoff_line', 'recorded_release'],
  cure: ['recorded_release'],
  seller_authority: ['document'],
  record_deed: ['document'],
};

/** Exceptions every owner's policy carries, whatever the records say. */
export const STANDARD_EXCEPTIONS: readonly string[] = [
  'Taxes and assessments not yet due and payable.',
  'Rights or claims of parties in possession not shown by the public records.',
  'Encroachments, overlaps, boundary line disputes and other matters an accurate survey would show.',
];

const names = (parties: readonly string[]): string => parties.join(', ') || 'nobody';

function payoffRequirement(lien: Lien, currency: Currency): Requirement {
  return {
    id: `payoff:${lien.instrument}`,
    kind: 'payoff',
    description: `Pay off and release the ${lien.lienType} lien ${lien.instrument} held by ${lien.holder} (${formatMoney(lien.amountMinor, currency)}, recorded ${lien.recordedOn}).`,
    instrument: lien.instrument,
    amountMinor: lien.amountMinor,
    satisfiedBy: null,
  };
}

function cureRequirement(e: Encumbrance): Requirement {
  return {
    id: `cure:${e.instrument}`,
    kind: 'cure',
    description: `Record a release of ${e.type.replace('_', ' ')} ${e.instrument} (${e.description}), which blocks the transfer.`,
    instrument: e.instrument,
    amountMinor: null,
    satisfiedBy: null,
  };
}

function sellerAuthorityRequirement(sellers: readonly string[], owners: readonly string[]): Requirement {
  const problem = owners.length === 0 ? 'no recorded deed vests title in anyone' : `title is vested in ${names(owners)}`;
  return {
    id: 'seller_authority',
    kind: 'seller_authority',
    description: `The sellers (${names(sellers)}) are not the owners of record: ${problem}. Record evidence of their authority to convey (a power of attorney, a corrective deed).`,
    instrument: null,
    amountMinor: null,
    satisfiedBy: null,
  };
}

function recordDeedRequirement(sellers: readonly string[], insured: readonly string[]): Requirement {
  return {
    id: 'record_deed',
    kind: 'record_deed',
    description: `Record the deed from ${names(sellers)} to ${names(insured)}.`,
    instrument: null,
    amountMinor: null,
    satisfiedBy: null,
  };
}

function exceptionFor(e: Encumbrance): { instrument: string; description: string } {
  return { instrument: e.instrument, description: `${e.type.replace('_', ' ')}: ${e.description} (recorded ${e.recordedOn}).` };
}

/** The sellers can convey only what is vested in them; no owner of record at all is a problem too. */
function sellersNeedAuthority(sellers: readonly string[], owners: readonly string[]): boolean {
  return owners.length === 0 || !sameParties(sellers, owners);
}

/**
 * The commitment as of its effective date. The search runs through that date:
 * records recorded later are ignored here and brought in by updateForRecords.
 */
export function titleCommitment(input: CommitmentInput): TitleCommitment {
  const searched = input.records.filter((r) => compareDates(r.recordedOn, input.effectiveDate) <= 0);
  const owners = ownersOfRecord(searched);
  const encumbrances = openEncumbrances(searched);
  const requirements = [
    ...openLiens(searched).map((l) => payoffRequirement(l, input.currency)),
    ...encumbrances.filter((e) => e.blocksTransfer).map(cureRequirement),
    ...(sellersNeedAuthority(input.sellers, owners) ? [sellerAuthorityRequirement(input.sellers, owners)] : []),
    recordDeedRequirement(input.sellers, input.proposedInsured),
  ];
  return {
    effectiveDate: input.effectiveDate,
    scheduleA: {
      proposedInsured: [...input.proposedInsured],
      amountMinor: input.amountMinor,
      currency: input.currency,
      legalDescription: input.legalDescription,
      vestedIn: [...owners],
    },
    requirements,
    exceptions: [
      ...STANDARD_EXCEPTIONS.map((description) => ({ instrument: null, description })),
      ...encumbrances.filter((e) => !e.blocksTransfer).map(exceptionFor),
    ],
  };
}

/** Why the requirement cannot be satisfied this way, or undefined when it can. */
export function satisfactionProblem(c: TitleCommitment, requirementId: string, by: Satisfaction): string | undefined {
  const requirement = c.requirements.find((r) => r.id === requirementId);
  if (!requirement) return `the commitment has no requirement ${requirementId}`;
  if (requirement.satisfiedBy) return `${requirementId} is already satisfied by ${requirement.satisfiedBy.type} ${requirement.satisfiedBy.ref}`;
  const allowed = SATISFIED_BY[requirement.kind];
  if (!allowed.includes(by.type)) return `a ${requirement.kind} requirement is satisfied by ${allowed.join(' or ')}, not ${by.type}`;
  if (by.ref.trim() === '') return 'a satisfaction needs a ref';
  if (by.at.trim() === '') return 'a satisfaction needs a time';
  return undefined;
}

function withSatisfied(c: TitleCommitment, requirementId: string, by: Satisfaction): TitleCommitment {
  return { ...c, requirements: c.requirements.map((r) => (r.id === requirementId ? { ...r, satisfiedBy: { ...by } } : r)) };
}

/** The commitment with the requirement met; throws RangeError with the problem when it cannot be. */
export function satisfyRequirement(c: TitleCommitment, requirementId: string, by: Satisfaction): TitleCommitment {
  const problem = satisfactionProblem(c, requirementId, by);
  if (problem) throw new RangeError(problem);
  return withSatisfied(c, requirementId, by);
}

/** Adds the requirement unless one with its id is already there (so updates are idempotent). */
function withRequirement(c: TitleCommitment, requirement: Requirement): TitleCommitment {
  if (c.requirements.some((r) => r.id === requirement.id)) return c;
  return { ...c, requirements: [...c.requirements, requirement] };
}

/**
 * A deed after the effective date to anyone but the proposed insured means the
 * sellers may have conveyed away what they are selling: seller_authority is
 * (re)opened, naming that deed so the same deed never reopens it twice. The
 * deed to the proposed insured is the closing itself, not a problem.
 */
function withDeedProblem(c: TitleCommitment, deed: Deed): TitleCommitment {
  const existing = c.requirements.find((r) => r.id === 'seller_authority');
  if (existing?.instrument === deed.instrument) return c;
  const requirement: Requirement = {
    id: 'seller_authority',
    kind: 'seller_authority',
    description: `Deed ${deed.instrument} recorded ${deed.recordedOn} conveys the property from ${names(deed.grantors)} to ${names(deed.grantees)}, after the effective date. Show the sellers' authority to convey (a corrective deed, a reconveyance).`,
    instrument: deed.instrument,
    amountMinor: null,
    satisfiedBy: null,
  };
  const requirements = existing ? c.requirements.map((r) => (r.id === 'seller_authority' ? requirement : r)) : [...c.requirements, requirement];
  return { ...c, requirements };
}

/** A recorded release meets an unmet payoff or cure of the instrument it releases, and drops an exception for it. */
function withRelease(c: TitleCommitment, release: Extract<TitleRecord, { kind: 'release' }>, at: string): TitleCommitment {
  let next = c;
  for (const id of [`payoff:${release.releases}`, `cure:${release.releases}`]) {
    const requirement = next.requirements.find((r) => r.id === id);
    if (requirement && !requirement.satisfiedBy) next = withSatisfied(next, id, { type: 'recorded_release', ref: release.instrument, at });
  }
  if (next.exceptions.some((e) => e.instrument === release.releases)) {
    next = { ...next, exceptions: next.exceptions.filter((e) => e.instrument !== release.releases) };
  }
  return next;
}

function withException(c: TitleCommitment, e: Encumbrance): TitleCommitment {
  if (c.exceptions.some((x) => x.instrument === e.instrument)) return c;
  return { ...c, exceptions: [...c.exceptions, exceptionFor(e)] };
}

/**
 * Records recorded after the commitment's effective date reopen it: a new open lien adds a payoff requirement,
 * a new blocking encumbrance a cure requirement (a new non-blocking one an exception), a deed to someone else a
 * seller_authority problem; a release of a lien or encumbrance satisfies its payoff/cure requirement (type
 * 'recorded_release') whenever it was recorded. Records after the deed to the proposed insured (the closing
 * itself) are the insured's own and change nothing. Returns the commitment unchanged when nothing is new, so
 * passing the same records again changes nothing.
 */
export function updateForRecords(c: TitleCommitment, records: readonly TitleRecord[], at: string): TitleCommitment {
  const closingDeed = inRecordingOrder(records, 'deed').find(
    (d) => compareDates(d.recordedOn, c.effectiveDate) > 0 && sameParties(d.grantees, c.scheduleA.proposedInsured),
  );
  // Once the deed to the insured is recorded, what follows it (their own mortgage, say) is theirs, not the sellers' problem.
  const isNew = (r: TitleRecord): boolean =>
    compareDates(r.recordedOn, c.effectiveDate) > 0 && (!closingDeed || byRecording(r, closingDeed) < 0);
  const fresh = records.filter(isNew);
  let next = c;
  for (const lien of openLiens(records).filter(isNew)) next = withRequirement(next, payoffRequirement(lien, c.scheduleA.currency));
  for (const e of openEncumbrances(records).filter(isNew)) {
    next = e.blocksTransfer ? withRequirement(next, cureRequirement(e)) : withException(next, e);
  }
  const outsideDeeds = inRecordingOrder(fresh, 'deed').filter((d) => !sameParties(d.grantees, c.scheduleA.proposedInsured));
  const latestOutside = outsideDeeds[outsideDeeds.length - 1];
  if (latestOutside) next = withDeedProblem(next, latestOutside);
  for (const release of inRecordingOrder(records, 'release')) next = withRelease(next, release, at);
  return next;
}

export function unmetRequirements(c: TitleCommitment): Requirement[] {
  return c.requirements.filter((r) => r.satisfiedBy === null);
}

/** Clear to close: every requirement met. */
export function isClearToClose(c: TitleCommitment): boolean {
  return unmetRequirements(c).length === 0;
}
