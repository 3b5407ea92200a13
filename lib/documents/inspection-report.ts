/**
 * An inspection's report as a PDF: the summary, every room or area with each
 * item's condition and notes, the findings with their severity and who answers
 * for them, a move-out's comparison with the move-in and the deductions it
 * proposes, and the photos (thumbnails of the images, the rest listed by id).
 * The final report adds the repairs and the post-repair re-checks.
 */
import { formatMoney } from '../../domain/money';
import type { InspectionState, ReportFinding, ReportItem } from '../../contracts/inspection';
import { DocumentWriter, sha256, type PlacedImage, type RenderedDocument, type TableColumn, type TableRow } from './pdf';

/** A photo an item or finding names: its upload's type and, for an image, its thumbnail as JPEG or PNG. */
export interface ReportPhoto {
  id: string;
  contentType: string;
  thumbnail: { bytes: Uint8Array; format: 'jpg' | 'png' } | null;
}

export interface InspectionReportData {
  state: InspectionState;
  address: string;
  /** The unit's label, when the inspection is of one. */
  unitLabel: string | null;
  final: boolean;
  currency: string;
  /** By upload id; an id missing here is listed as not found. */
  photos: ReadonlyMap<string, ReportPhoto>;
}

const words = (s: string) => s.replaceAll('_', ' ');
const KIND_TITLES: Record<InspectionState['kind'], string> = {
  move_in: 'Move-in',
  move_out: 'Move-out',
  periodic: 'Periodic',
  pre_purchase: 'Pre-purchase',
  milestone: 'Milestone',
  post_repair: 'Post-repair',
};

/** The report's title, as printed and as the PDF's title. */
export const reportTitle = (s: Pick<InspectionState, 'kind'>, final: boolean) => `${KIND_TITLES[s.kind]} Inspection ${final ? 'Final Report' : 'Report'}`;

/** The photos of the report, in the order its items then its findings name them, each with what it shows. */
export function photosOf(report: { items: Pick<ReportItem, 'area' | 'item' | 'photoIds'>[]; findings: Pick<ReportFinding, 'area' | 'item' | 'photoIds'>[] }) {
  const seen = new Set<string>();
  const out: { id: string; of: string }[] = [];
  for (const x of [...report.items, ...report.findings]) {
    for (const id of x.photoIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, of: `${x.area}: ${x.item}` });
    }
  }
  return out;
}

export async function renderInspectionReport(d: InspectionReportData): Promise<RenderedDocument> {
  const s = d.state;
  const money = (m: number | undefined) => (m === undefined ? '' : formatMoney(m, d.currency));
  const w = await DocumentWriter.create(`${reportTitle(s, d.final)} ${s.inspectionId}`);
  const cols = (...spec: [string, number, ('left' | 'right')?][]): TableColumn[] => {
    // The last column takes whatever width is left.
    const fixed = spec.slice(0, -1).reduce((n, [, width]) => n + width, 0);
    return spec.map(([header, width, align], i) => ({ header, width: i === spec.length - 1 ? w.contentWidth - fixed : width, ...(align ? { align } : {}) }));
  };

  w.heading(reportTitle(s, d.final), 16);
  const report = s.report;
  w.fields([
    ['Inspection', s.inspectionId],
    ['Premises', d.address.slice(0, 70)],
    ...(d.unitLabel ? ([['Unit', d.unitLabel]] as [string, string][]) : []),
    ...(s.leaseId ? ([['Lease', s.leaseId]] as [string, string][]) : []),
    ['Inspector', s.inspector.name],
    ['Visit', s.slotAt],
    ['Reported', report ? report.submittedAt : 'not yet'],
  ]);
  if (s.missed.length) {
    w.heading('Missed visits', 12);
    w.table(cols(['Slot', 150], ['Recorded', 150], ['Reason', 0]), s.missed.map((m) => ({ cells: [m.slotAt, m.recordedAt, m.reason] })));
  }
  if (s.cancelled) w.paragraph(`Cancelled on ${s.cancelled.at} by ${s.cancelled.by}: ${s.cancelled.reason}`);
  if (!report) {
    const bytes = await w.bytes();
    return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
  }

  w.rule();
  w.heading('Summary', 12);
  w.paragraph(report.summary);

  // A milestone inspection's finding: how complete the contract's work is, line by line, as the project receives it.
  if (report.observedBasisPoints) {
    w.heading('Work in place', 12);
    if (s.project) w.paragraph(`Project ${s.project.projectId}, contract ${s.project.commitmentId}.`);
    w.table(
      cols(['Schedule of values item', 300], ['Complete', 0, 'right']),
      Object.entries(report.observedBasisPoints).map(([itemNo, bp]) => ({ cells: [itemNo, `${(bp / 100).toFixed(2)}%`] })),
    );
  }

  // Rooms and areas, in the order the report gives them, each a shaded heading over its items (a milestone inspection has none).
  if (report.items.length) w.heading('Rooms and areas', 12);
  const areas = [...new Set(report.items.map((i) => i.area))];
  const itemRows: TableRow[] = areas.flatMap((area) => [
    { cells: [area, '', '', '', '', ''], bold: true, shaded: true, keepWithNext: true },
    ...report.items
      .filter((i) => i.area === area)
      .map((i) => ({ cells: [i.item, i.condition, i.responsibility ?? '', money(i.estimatedCostMinor), i.notes, i.photoIds.length ? String(i.photoIds.length) : ''] })),
  ]);
  if (report.items.length) w.table(cols(['Item', 110], ['Condition', 52], ['Paid by', 62], ['Estimate', 66, 'right'], ['Notes', 150], ['Photos', 0]), itemRows);

  w.heading('Findings', 12);
  if (report.findings.length) {
    w.table(
      cols(['Area / item', 100], ['Description', 150], ['Severity', 52], ['Paid by', 62], ['Work', 56], ['Estimate', 0, 'right']),
      report.findings.map((f) => ({
        cells: [`${f.area} / ${f.item}`, f.description, f.severity, f.responsibility, f.needsWork ? `yes (${words(f.category)})` : 'no', money(f.estimatedCostMinor)],
      })),
    );
  } else {
    w.paragraph('None.');
  }

  if (s.comparison) {
    w.heading('Compared with the move-in', 12);
    w.paragraph(`Move-in inspection ${s.comparison.moveInInspectionId}.`);
    if (s.comparison.changes.length) {
      w.table(
        cols(['Area / item', 200], ['At move-in', 90], ['At move-out', 90], ['Change', 0, 'right']),
        s.comparison.changes.map((c) => ({ cells: [`${c.area} / ${c.item}`, c.from, c.to, c.steps > 0 ? `${c.steps} worse` : `${-c.steps} better`] })),
      );
    } else {
      w.paragraph('No item changed condition.');
    }
    w.heading('Proposed deductions', 11);
    const deductions = s.comparison.proposedDeductions;
    if (deductions.length) {
      w.table(cols(['Description', 380], ['Amount', 0, 'right']), [
        ...deductions.map((x) => ({ cells: [x.description, x.amountMinor ? money(x.amountMinor) : 'to be priced'] })),
        { cells: ['Total', money(deductions.reduce((n, x) => n + x.amountMinor, 0))], bold: true, ruleAbove: true },
      ]);
    } else {
      w.paragraph('None: nothing the tenant answers for got worse.');
    }
  }

  if (d.final) {
    w.heading('Repairs', 12);
    if (s.repairs.length) {
      w.table(
        cols(['Work order', 150], ['Finding', 130], ['Priority', 55], ['Paid by', 50], ['Status', 0]),
        s.repairs.map((r) => ({
          cells: [r.workOrderId, r.findingRef, r.priority, r.responsibility, `${r.workOrderStatus ? words(r.workOrderStatus) : r.status}${r.reopened ? `, reopened ${r.reopened}×` : ''}`],
        })),
      );
    } else {
      w.paragraph('None were needed.');
    }
    if (s.reinspections.length) {
      w.heading('Post-repair inspections', 12);
      const findingOf = new Map(s.repairs.map((r) => [r.workOrderId, r.findingRef]));
      s.reinspections.forEach((x, n) => {
        w.paragraph(`Re-check ${n + 1}: ${x.at} by ${x.by}`, 9.5);
        w.table(
          cols(['Finding', 170], ['Work order', 150], ['Result', 50], ['Notes', 0]),
          x.results.map((r) => ({ cells: [findingOf.get(r.workOrderId) ?? '', r.workOrderId, r.passed ? 'passed' : 'failed', r.notes] })),
        );
      });
    }
  }

  // The photos: a thumbnail of each image, under what it shows; anything else listed by id.
  const photos = photosOf(report);
  if (photos.length) {
    w.heading('Photos', 12);
    const pictures: PlacedImage[] = [];
    const listed: string[] = [];
    for (const { id, of } of photos) {
      const photo = d.photos.get(id);
      if (photo?.thumbnail) pictures.push({ ...photo.thumbnail, caption: `${of} (${id.slice(0, 8)})` });
      else listed.push(`${of}: ${id} ${photo ? `(${photo.contentType}, no thumbnail)` : '(not found)'}`);
    }
    if (pictures.length) await w.images(pictures);
    for (const line of listed) w.paragraph(line, 9);
  }

  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
