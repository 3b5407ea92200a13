/**
 * The deed that conveys the property at closing: a recording box left blank
 * for the county, the conveyance (general warranty, special warranty or
 * quitclaim), unsigned lines for the grantors, and room for the notary's
 * acknowledgment. Grantors sign before the notary, on paper.
 */
import { formatMoney } from '../../domain/money';
import { DocumentWriter, sha256, type RenderedDocument } from './pdf';

export type DeedKind = 'warranty' | 'special_warranty' | 'quitclaim';

export interface DeedData {
  purchaseId: string;
  kind: DeedKind;
  grantors: string[];
  grantees: string[];
  legalDescription: string;
  propertyAddress: string;
  considerationMinor: number;
  currency: string;
  county: string;
  state: string;
  /** YYYY-MM-DD */
  date: string;
}

const TITLES: Record<DeedKind, string> = {
  warranty: 'Warranty Deed',
  special_warranty: 'Special Warranty Deed',
  quitclaim: 'Quitclaim Deed',
};

/** "Ann", "Ann and Bo", "Ann, Bo and Cy". */
function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** "Grantor's", "Grantors'". */
const possessive = (word: string) => (word.endsWith('s') ? `${word}'` : `${word}'s`);

const countyName = (county: string) => (/\bcounty$/i.test(county.trim()) ? county.trim() : `${county.trim()} County`);

export async function renderDeed(d: DeedData): Promise<RenderedDocument> {
  const w = await DocumentWriter.create(`${TITLES[d.kind]} ${d.purchaseId}`);
  const county = countyName(d.county);
  const consideration = formatMoney(d.considerationMinor, d.currency);
  const grantor = d.grantors.length > 1 ? 'Grantors' : 'Grantor';
  const grantee = d.grantees.length > 1 ? 'Grantees' : 'Grantee';

  w.box(120, ['Recording information (for the county recorder\'s use)', 'Instrument number:', 'Recorded on:', 'Book / page:']);
  w.table(
    [
      { header: '', width: 150, bold: true },
      { header: '', width: w.contentWidth - 150 },
    ],
    [
      { cells: ['Return to', names(d.grantees)] },
      { cells: ['Tax statements to', `${names(d.grantees)}, ${d.propertyAddress}`] },
      { cells: ['File', d.purchaseId] },
    ],
    { size: 9, padding: 0 },
  );

  w.heading(TITLES[d.kind].toUpperCase(), 18);
  const plural = d.grantors.length > 1;
  const verb = (singular: string) => (plural ? singular.replace(/s$/, '') : singular);
  const verbs: Record<DeedKind, string> = {
    warranty: `${verb('conveys')} and ${verb('warrants')}`,
    special_warranty: `${verb('conveys')} and specially ${verb('warrants')}`,
    quitclaim: `${verb('releases')} and ${verb('quitclaims')}`,
  };
  const what = d.kind === 'quitclaim' ? `all of the ${possessive(grantor)} right, title and interest in the real estate` : 'the real estate';
  const conveyance =
    `${names(d.grantors)} (the ${grantor}), for the consideration of ${consideration} and other good and valuable consideration, ` +
    `the receipt of which is acknowledged, ${verbs[d.kind]} to ${names(d.grantees)} (the ${grantee}) ${what} in ${county}, ${d.state}, described as follows:`;
  w.paragraph(conveyance);

  w.heading('Legal description', 11);
  w.paragraph(d.legalDescription);
  w.paragraph(`Commonly known as ${d.propertyAddress}.`, 9.5);

  const covenants: Record<DeedKind, string> = {
    warranty: `The ${grantor} ${verb('covenants')} with the ${grantee} and the ${possessive(grantee)} successors in interest that the ${grantor} ${verb('holds')} the real estate in fee simple; that the ${grantor} ${plural ? 'have' : 'has'} good and lawful authority to sell and convey it; that it is free and clear of all liens and encumbrances, except easements, covenants and restrictions of record and real estate taxes not yet due and payable; and that the ${grantor} will warrant and defend the title to the real estate against the lawful claims of all persons, except as stated here.`,
    special_warranty: `The ${grantor} ${verb('covenants')} to warrant and defend the title to the real estate against the lawful claims of persons claiming by, through or under the ${grantor}, and against no others, subject to easements, covenants and restrictions of record and real estate taxes not yet due and payable.`,
    quitclaim: `This deed is given without any covenant or warranty of title, express or implied.`,
  };
  w.paragraph(covenants[d.kind]);
  w.paragraph(
    `Each ${grantor.replace(/s$/, '')} releases all rights of homestead and any marital rights in the real estate. Words and phrases in this deed are construed as singular or plural, and as masculine, feminine or neuter, as the context requires.`,
  );
  w.paragraph(`Dated ${d.date}.`);

  // Unsigned lines: the grantors sign on paper before the notary.
  for (let i = 0; i < d.grantors.length; i += 2) {
    w.blanks(d.grantors.slice(i, i + 2).map((name) => `${name}, ${grantor.replace(/s$/, '')}`));
  }

  // The acknowledgment stays on one page with its seal box.
  w.keepTogether(250);
  w.heading('Acknowledgment', 12);
  w.fields([
    ['State of', d.state],
    ['County of', county],
  ], 10);
  w.paragraph(`This record was acknowledged before me on ____________________ by ${names(d.grantors)}.`);
  w.blanks(['Signature of notary public', 'Printed name of notary public']);
  w.blanks(['My commission expires', 'Commission number']);
  w.space(6);
  w.box(72, ['Notary seal'], 8, 160);

  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
