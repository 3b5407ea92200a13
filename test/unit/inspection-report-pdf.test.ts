/** An inspection's report as a PDF, parsed back: its rooms, findings, comparison, repairs and photo thumbnails; and the rows it is recorded as. */
import { createHash } from 'node:crypto';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { baselineItems, inspectionRow, thumbnailFormat } from '../../activities/inspection/rows';
import type { InspectionState } from '../../contracts/inspection';
import { CHECKLIST_TEMPLATES } from '../../domain/inspection/report';
import { photosOf, renderInspectionReport, reportTitle, type ReportPhoto } from '../../lib/documents/inspection-report';
import { readPdf } from '../support/pdf-text';

const PHOTO_JPG = '0b7e4f6a-1111-4c2a-9e5f-000000000001';
const PHOTO_PNG = '0b7e4f6a-2222-4c2a-9e5f-000000000002';
const PHOTO_PDF = '0b7e4f6a-3333-4c2a-9e5f-000000000003';
const PHOTO_BAD = '0b7e4f6a-4444-4c2a-9e5f-000000000004';
const PHOTO_GONE = '0b7e4f6a-5555-4c2a-9e5f-000000000005';

const items = CHECKLIST_TEMPLATES.move_out.areas.flatMap(({ area, items: names }) =>
  names.map((item) => ({ area, item, condition: 'good' as const, notes: '', photoIds: [] as string[] })),
);
const worse = items.map((i) =>
  i.area === 'Kitchen' && i.item === 'Countertop'
    ? { ...i, condition: 'damaged' as const, notes: 'burn mark by the hob', responsibility: 'tenant' as const, estimatedCostMinor: 45_000, photoIds: [PHOTO_JPG, PHOTO_PDF] }
    : i.area === 'Bathroom' && i.item === 'Tub or shower'
      ? { ...i, condition: 'poor' as const, notes: 'cracked tile', responsibility: 'tenant' as const, photoIds: [PHOTO_PNG, PHOTO_BAD, PHOTO_GONE] }
      : i,
);

const state: InspectionState = {
  inspectionId: '7a1c0e52-9d3b-4f8e-a6c1-2b4d6f8a0c1e',
  kind: 'move_out',
  propertyId: 'p-1',
  unitId: 'u-1',
  leaseId: 'l-1',
  status: 'closed',
  inspector: { userId: 'i-1', name: 'Zoë Ångström', email: 'zoe@example.com' },
  slotAt: '2026-12-07T10:00:00.000Z',
  missed: [{ slotAt: '2026-12-06T10:00:00.000Z', recordedAt: '2026-12-06T11:00:00.000Z', reason: 'nobody home' }],
  report: {
    items: worse,
    findings: [
      {
        area: 'Kitchen',
        item: 'Countertop',
        description: 'Replace the scorched laminate section',
        severity: 'routine',
        responsibility: 'tenant',
        needsWork: true,
        category: 'other',
        photoIds: [PHOTO_JPG],
        estimatedCostMinor: 45_000,
      },
    ],
    summary: 'Unit left clean; two items damaged.',
    submittedAt: '2026-12-07T11:00:00.000Z',
    by: 'i-1',
  },
  documents: [],
  comparison: {
    moveInInspectionId: 'm-1',
    changes: [
      { area: 'Kitchen', item: 'Countertop', from: 'good', to: 'damaged', steps: 3 },
      { area: 'Bathroom', item: 'Tub or shower', from: 'good', to: 'poor', steps: 2 },
    ],
    proposedDeductions: [
      { area: 'Kitchen', item: 'Countertop', description: 'Kitchen: Countertop, good at move-in, damaged at move-out (burn mark by the hob)', amountMinor: 45_000 },
      { area: 'Bathroom', item: 'Tub or shower', description: 'Bathroom: Tub or shower, good at move-in, poor at move-out (cracked tile)', amountMinor: 0 },
    ],
  },
  repairs: [
    { workOrderId: '5d0e9a3b-0000-4000-8000-00000000000a', findingRef: 'Kitchen / Countertop', priority: 'routine', responsibility: 'tenant', status: 'done', workOrderStatus: 'closed', reopened: 1 },
  ],
  reinspections: [
    { at: '2026-12-10T09:00:00.000Z', by: 'i-1', results: [{ workOrderId: '5d0e9a3b-0000-4000-8000-00000000000a', passed: false, notes: 'seam lifts' }] },
    { at: '2026-12-12T09:00:00.000Z', by: 'i-1', results: [{ workOrderId: '5d0e9a3b-0000-4000-8000-00000000000a', passed: true, notes: '' }] },
  ],
  cancelled: null,
  history: [{ at: '2026-12-01T09:00:00.000Z', event: 'scheduled' }],
};

const squash = (s: string) => s.replace(/\s+/g, '');
let photos: Map<string, ReportPhoto>;

beforeAll(async () => {
  const picture = (channels: 3 | 4) => sharp({ create: { width: 320, height: 200, channels, background: { r: 200, g: 80, b: 40, alpha: 1 } } });
  photos = new Map<string, ReportPhoto>([
    [PHOTO_JPG, { id: PHOTO_JPG, contentType: 'image/jpeg', thumbnail: { bytes: new Uint8Array(await picture(3).jpeg().toBuffer()), format: 'jpg' } }],
    [PHOTO_PNG, { id: PHOTO_PNG, contentType: 'image/png', thumbnail: { bytes: new Uint8Array(await picture(4).png().toBuffer()), format: 'png' } }],
    [PHOTO_PDF, { id: PHOTO_PDF, contentType: 'application/pdf', thumbnail: null }],
    [PHOTO_BAD, { id: PHOTO_BAD, contentType: 'image/jpeg', thumbnail: { bytes: new TextEncoder().encode('not a jpeg at all'), format: 'jpg' } }],
  ]);
});

/** The image XObjects a PDF holds. */
async function imagesIn(bytes: Uint8Array): Promise<number> {
  const doc = await PDFDocument.load(bytes);
  return doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')).length;
}

const data = (final: boolean) => ({ state, address: '1247 Ridgewood Avenue, Ames, IA 50010', unitLabel: '2B', final, currency: 'USD', photos });

test('the report: every room with each item\'s condition and notes, the findings, the comparison with the move-in, and a thumbnail per image', async () => {
  const doc = await renderInspectionReport(data(false));
  expect(doc.sha256).toBe(createHash('sha256').update(doc.bytes).digest('hex'));
  const { pages, text } = await readPdf(doc.bytes);
  expect(pages).toBe(doc.pages);
  const all = squash(text.join(' '));
  for (const s of [
    reportTitle(state, false),
    'Zoë Ångström',
    'Unit left clean; two items damaged.',
    '2B',
    'nobody home',
    // Rooms and areas, each item's condition and notes.
    ...CHECKLIST_TEMPLATES.move_out.areas.map((a) => a.area),
    'Countertop',
    'damaged',
    'burn mark by the hob',
    'Tub or shower',
    'cracked tile',
    'Smoke detectors',
    // The finding, its severity, who pays and its work.
    'Replace the scorched laminate section',
    'routine',
    'yes (other)',
    'USD 450.00',
    // The comparison and its deductions (an unpriced one says so).
    'Compared with the move-in',
    '3 worse',
    'to be priced',
    // Photos: thumbnails captioned, the rest listed by id.
    `Kitchen: Countertop (${PHOTO_JPG.slice(0, 8)})`,
    `${PHOTO_PDF} (application/pdf, no thumbnail)`,
    `${PHOTO_GONE} (not found)`,
    '(not readable)',
  ]) {
    expect(all).toContain(squash(s));
  }
  expect(all).not.toContain(squash('Post-repair inspections'));
  // The JPEG and the PNG (its transparency a second image, the soft mask); the unreadable one only framed.
  expect(await imagesIn(doc.bytes)).toBeGreaterThanOrEqual(2);
  // The same report renders to the same bytes.
  expect((await renderInspectionReport(data(false))).sha256).toBe(doc.sha256);
});

test('the final report adds the repairs and every post-repair re-check', async () => {
  const doc = await renderInspectionReport(data(true));
  const all = squash((await readPdf(doc.bytes)).text.join(' '));
  for (const s of [reportTitle(state, true), 'Repairs', 'Kitchen / Countertop', 'reopened 1×', 'Post-repair inspections', 'Re-check 1', 'failed', 'seam lifts', 'Re-check 2', 'passed']) {
    expect(all).toContain(squash(s));
  }
});

test("a milestone inspection's report shows the work in place per line of the contract", async () => {
  const milestone: InspectionState = {
    ...state,
    kind: 'milestone',
    comparison: null,
    project: { projectId: 'p-1', commitmentId: 'gc-1', outcome: null },
    report: { ...state.report!, items: [], findings: [], observedBasisPoints: { '1': 4_850, '3': 10_000 } },
  };
  const all = squash((await readPdf((await renderInspectionReport({ ...data(false), state: milestone })).bytes)).text.join(' '));
  for (const s of ['Work in place', 'Project p-1, contract gc-1.', '48.50%', '100.00%']) expect(all).toContain(squash(s));
  expect(all).not.toContain(squash('Rooms and areas'));
});

test('an inspection not reported yet prints what it is and its slot', async () => {
  const doc = await renderInspectionReport({ ...data(false), state: { ...state, status: 'cancelled', report: null, comparison: null, cancelled: { at: '2026-12-05T00:00:00.000Z', by: 'm-1', reason: 'unit sold' } } });
  const all = squash((await readPdf(doc.bytes)).text.join(' '));
  expect(all).toContain(squash('not yet'));
  expect(all).toContain(squash('unit sold'));
  expect(all).not.toContain(squash('Rooms and areas'));
});

test('photos are listed once each, items first, with what they show', () => {
  expect(photosOf(state.report!)).toEqual([
    { id: PHOTO_JPG, of: 'Kitchen: Countertop' },
    { id: PHOTO_PDF, of: 'Kitchen: Countertop' },
    { id: PHOTO_PNG, of: 'Bathroom: Tub or shower' },
    { id: PHOTO_BAD, of: 'Bathroom: Tub or shower' },
    { id: PHOTO_GONE, of: 'Bathroom: Tub or shower' },
  ]);
});

test('the row an inspection is recorded as, without its history; the move-in items a move-out compares with', () => {
  const row = inspectionRow(state);
  expect(row).toMatchObject({ id: state.inspectionId, propertyId: 'p-1', unitId: 'u-1', leaseId: 'l-1', kind: 'move_out', status: 'closed', inspectorId: 'i-1', slotAt: state.slotAt, workflowId: `inspection-${state.inspectionId}` });
  expect(row.state.history).toEqual([]);
  expect(row.state.report).toEqual(state.report);
  const baseline = baselineItems(state);
  expect(baseline).toHaveLength(items.length);
  expect(baseline.find((i) => i.item === 'Countertop')).toEqual({ area: 'Kitchen', item: 'Countertop', condition: 'damaged', notes: 'burn mark by the hob', responsibility: 'tenant', estimatedCostMinor: 45_000 });
  expect(baselineItems({ report: null })).toEqual([]);
});

test('a thumbnail is embedded as JPEG or PNG; WebP is converted first; none without a key', () => {
  expect(thumbnailFormat('uploads/x/thumbnail.jpg')).toBe('jpg');
  expect(thumbnailFormat('uploads/x/thumbnail.png')).toBe('png');
  expect(thumbnailFormat('uploads/x/thumbnail.webp')).toBe('convert');
  expect(thumbnailFormat(null)).toBeNull();
});
