/** The lease agreement PDF (its signature page is appended by ./signature-page.ts once every party has signed). */
import { leaseEndDate } from '../../domain/rent-schedule';
import { formatMoney } from '../../domain/money';
import type { LeaseTerms } from '../../contracts/lease';
import { DocumentWriter, sha256, type RenderedDocument } from './pdf';


const STANDARD_CLAUSES = [
  'Use and occupancy. The premises are to be used only as a private residence by the tenants named here and their household.',
  'Maintenance. Tenants keep the premises clean and report needed repairs promptly; the landlord makes repairs not caused by the tenants.',
  'Entry. The landlord may enter with at least 24 hours\' notice, except in an emergency.',
  'Security deposit. The deposit is held for the term and returned within the period the law requires, less itemized deductions for unpaid amounts and damage beyond normal wear and tear, with a written statement.',
];

export async function renderLeaseAgreement(terms: LeaseTerms): Promise<RenderedDocument & { unsupportedCharacters: string[] }> {
  const w = await DocumentWriter.create(`Residential lease agreement ${terms.leaseId}`);
  const rent = formatMoney(terms.monthlyRent.amountMinor, terms.monthlyRent.currency);
  const policy = terms.lateFeePolicy;
  const oneTime =
    policy.oneTime.type === 'flat'
      ? formatMoney(policy.oneTime.amountMinor, terms.monthlyRent.currency)
      : `${policy.oneTime.basisPoints / 100}% of the overdue rent`;
  const daily = policy.dailyMinor > 0 ? ` and ${formatMoney(policy.dailyMinor, terms.monthlyRent.currency)} for each further day` : '';
  const cap = policy.capMinor !== null ? `, at most ${formatMoney(policy.capMinor, terms.monthlyRent.currency)} per month` : '';

  w.heading('Residential Lease Agreement', 18);
  w.paragraph(`Lease ${terms.leaseId}`);
  w.rule();
  w.heading('Parties', 13);
  w.fields(terms.parties.map((p) => [p.role[0]!.toUpperCase() + p.role.slice(1), `${p.name} <${p.email}>`]));
  w.heading('Premises', 13);
  w.paragraph(terms.unitLabel ? `${terms.propertyAddress}, unit ${terms.unitLabel}` : terms.propertyAddress);
  w.heading('Term and rent', 13);
  w.fields([
    ['Start', terms.startDate],
    ['End', leaseEndDate(terms.startDate, terms.termMonths)],
    ['Term', `${terms.termMonths} months`],
    ['Monthly rent', rent],
    ['Due', `on day ${terms.dueDay} of each month; first and last months prorated by days`],
    ['Security deposit', formatMoney(terms.deposit.amountMinor, terms.deposit.currency)],
  ]);
  w.heading('Late payment', 13);
  w.paragraph(
    `Rent unpaid ${policy.graceDays} day(s) after its due date incurs a late fee of ${oneTime}${daily}${cap}.` +
      (policy.returnedPaymentFeeMinor > 0
        ? ` A payment that is returned or reversed incurs a fee of ${formatMoney(policy.returnedPaymentFeeMinor, terms.monthlyRent.currency)}.`
        : ''),
  );
  w.heading('Terms', 13);
  [...STANDARD_CLAUSES, ...terms.clauses].forEach((clause, i) => w.paragraph(`${i + 1}. ${clause}`));
  w.heading('Signatures', 13);
  w.paragraph('Each party signs electronically; the signature page appended to this document records who signed, when and from where, and the SHA-256 of the content signed.');

  const allText = JSON.stringify(terms);
  const unsupportedCharacters = w.unsupported(allText);
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount(), unsupportedCharacters };
}

export { appendSignaturePage } from './signature-page';
