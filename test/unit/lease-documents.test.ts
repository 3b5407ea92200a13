/** Lease documents are real PDFs: parsed back, their text and hashes checked. */
import { createHash, randomUUID } from 'node:crypto';
import type { LeaseTerms, Signature } from '../../contracts/lease';
import { LeaseTermsSchema } from '../../contracts/lease.schema';
import { appendSignaturePage, renderLeaseAgreement } from '../../lib/documents/lease-agreement';
import { readPdf } from '../support/pdf-text';

const tenant = { userId: randomUUID(), name: 'Zoë Ångström-Ødegård', email: 'zoe@example.com', role: 'tenant' as const };
const coTenant = { userId: randomUUID(), name: 'Дмитрий Иванов', email: 'dmitri@example.com', role: 'tenant' as const };
const landlord = { userId: randomUUID(), name: 'Νίκος Παπαδόπουλος', email: 'nikos@example.com', role: 'landlord' as const };

const terms: LeaseTerms = LeaseTermsSchema.parse({
  leaseId: randomUUID(),
  propertyId: randomUUID(),
  propertyAddress: '1247 Ridgewood Avenue, Ames, IA 50010',
  unitLabel: '2B',
  parties: [tenant, coTenant, landlord],
  startDate: '2026-01-15',
  termMonths: 12,
  monthlyRent: { amountMinor: 185_000, currency: 'USD' },
  dueDay: 1,
  deposit: { amountMinor: 185_000, currency: 'USD' },
  lateFeePolicy: { graceDays: 5, oneTime: { type: 'percent', basisPoints: 500 }, dailyMinor: 1_000, capMinor: 20_000 },
  clauses: ['Pets: one cat is permitted.', ...Array.from({ length: 25 }, (_, i) => `Additional covenant ${i + 1}: ${'the tenant shall observe the house rules as posted. '.repeat(4)}`)],
});

const squash = (s: string) => s.replace(/\s+/g, '');

test('the agreement is a multi-page PDF naming every party, with accents and non-Latin scripts intact', async () => {
  const doc = await renderLeaseAgreement(terms);
  expect(doc.unsupportedCharacters).toEqual([]);
  expect(doc.sha256).toBe(createHash('sha256').update(doc.bytes).digest('hex'));
  const { pages, text } = await readPdf(doc.bytes);
  expect(pages).toBe(doc.pages);
  expect(pages).toBeGreaterThan(1);
  const all = squash(text.join(' '));
  for (const name of [tenant.name, coTenant.name, landlord.name]) expect(all).toContain(squash(name));
  expect(all).toContain(squash('USD 1,850.00'));
  expect(all).toContain(squash('2027-01-14')); // the last day of a 12-month term from 2026-01-15
  expect(all).toContain(squash('5% of the overdue rent'));
  expect(all).toContain(squash(`Page ${pages} of ${pages}`));
});

test('the same terms render the same bytes, so the hash identifies the content', async () => {
  const a = await renderLeaseAgreement(terms);
  const b = await renderLeaseAgreement(terms);
  expect(a.sha256).toBe(b.sha256);
  const changed = await renderLeaseAgreement({ ...terms, monthlyRent: { amountMinor: 185_100, currency: 'USD' } });
  expect(changed.sha256).not.toBe(a.sha256);
});

test('the signed PDF carries the signed content and a signature page with each signer, time, IP, user agent and hash', async () => {
  const agreement = await renderLeaseAgreement(terms);
  const signatures: Signature[] = [tenant, coTenant, landlord].map((p, i) => ({
    userId: p.userId,
    name: p.name,
    role: p.role,
    signedAt: `2026-01-0${i + 2}T10:00:00.000Z`,
    ip: `203.0.113.${10 + i}`,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    documentSha256: agreement.sha256,
  }));
  const signed = await appendSignaturePage(agreement.bytes, signatures, [
    { at: '2026-01-01T09:00:00.000Z', event: 'signature requested from all parties' },
    ...signatures.map((s) => ({ at: s.signedAt, event: `${s.name} signed` })),
  ]);
  const { pages, text } = await readPdf(signed.bytes);
  expect(pages).toBe(agreement.pages + 1);
  const last = squash(text[pages - 1]!);
  expect(last).toContain(squash(`SHA-256 of the signed content: ${agreement.sha256}`));
  for (const s of signatures) {
    expect(last).toContain(squash(s.name));
    expect(last).toContain(s.ip);
    expect(last).toContain(squash(s.signedAt));
  }
  expect(last).toContain(squash('Audit trail'));
  // The pages before the signature page are the agreement as signed.
  const before = await readPdf(agreement.bytes);
  expect(text.slice(0, -1)).toEqual(before.text);
});

test('characters the embedded font cannot draw are reported, not silently dropped', async () => {
  const cjk = await renderLeaseAgreement({ ...terms, parties: [{ ...tenant, name: '王小明' }, landlord] });
  expect(cjk.unsupportedCharacters.sort()).toEqual(['小', '明', '王']);
});
