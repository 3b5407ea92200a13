/**
 * The reports' charts: Vega-Lite specs compiled to Vega and rendered headless
 * to SVG (no browser, no canvas), and to PNG through sharp for the PDFs
 * (pdf-lib draws no SVG). Months are ordinal labels, never parsed as dates,
 * so no time zone or clock reaches the picture: the same data gives the same
 * SVG string.
 *
 * vega and vega-lite are pinned to their last 5.x releases: 6.x ships as ES
 * modules only, which neither jest (CommonJS through swc) nor our CommonJS
 * build can require.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { currencyExponent } from '../../domain/money';
import type { OccupancyRow } from '../../contracts/reports.schema';

/** Per-property lines up to this many properties; beyond it one aggregate series (a legend of 20 addresses reads as noise). */
const MAX_SERIES = 6;
const FONT = 'DejaVu Sans';
const WIDTH = 440;
const HEIGHT = 200;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2026-03" → "Mar 2026": a label made from the string, so the reader's time zone never shifts a month. */
export const monthLabel = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1] ?? month.slice(5, 7)} ${month.slice(0, 4)}`;

/** One look for every chart: the PDFs' font, white background, titles left. */
const CONFIG = {
  background: 'white',
  font: FONT,
  padding: 8,
  title: { fontSize: 13, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 10, titleFontSize: 10.5, titlePadding: 8, labelColor: '#333', titleColor: '#222' },
  legend: { labelFontSize: 10, titleFontSize: 10.5, orient: 'bottom', direction: 'horizontal', labelLimit: 260, columns: 2 },
  view: { stroke: null },
} as const;

/** Renders a Vega-Lite spec to an SVG string, headless. */
async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile({ ...spec, config: CONFIG } as TopLevelSpec).spec), { renderer: 'none' });
  try {
    // Clip-path and gradient ids come from module-wide counters: reset them so the ids (and the string) repeat.
    (vega as unknown as { resetSVGDefIds(): void }).resetSVGDefIds(); // exported by vega 5, missing from its typings
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Minor units as a number of major units, for plotting only (printed amounts stay exact strings). */
const major = (minor: number, currency: string) => minor / 10 ** currencyExponent(currency);
const moneyFormat = (currency: string) => (currencyExponent(currency) === 0 ? ',.0f' : ',.2f');

/**
 * Physical and economic occupancy by month: grouped bars for one series (one
 * property, or all of them added up by unit-days and rent when there are more
 * than six), one line per property otherwise, a panel per measure.
 */
export function occupancyChartSvg(rows: OccupancyRow[]): Promise<string> {
  const properties = [...new Set(rows.map((r) => r.propertyAddress))].sort();
  const aggregate = properties.length > MAX_SERIES;
  type Point = { month: string; series: string; measure: string; pct: number };
  const points: Point[] = [];
  if (aggregate || properties.length <= 1) {
    const byMonth = new Map<string, { unitDays: number; occupied: number; potential: number; collected: number }>();
    for (const r of rows) {
      const m = byMonth.get(r.month) ?? { unitDays: 0, occupied: 0, potential: 0, collected: 0 };
      m.unitDays += r.unitDays;
      m.occupied += r.occupiedUnitDays;
      m.potential += r.potentialRentMinor;
      m.collected += r.collectedMinor;
      byMonth.set(r.month, m);
    }
    const series = aggregate ? `All ${properties.length} properties` : (properties[0] ?? '');
    for (const [month, m] of [...byMonth].sort(([a], [b]) => a.localeCompare(b))) {
      points.push({ month: monthLabel(month), series, measure: 'Physical', pct: m.unitDays ? (100 * m.occupied) / m.unitDays : 0 });
      points.push({ month: monthLabel(month), series, measure: 'Economic', pct: m.potential ? (100 * m.collected) / m.potential : 0 });
    }
  } else {
    for (const r of [...rows].sort((a, b) => a.month.localeCompare(b.month) || a.propertyAddress.localeCompare(b.propertyAddress))) {
      points.push({ month: monthLabel(r.month), series: r.propertyAddress, measure: 'Physical', pct: r.physicalBps / 100 });
      points.push({ month: monthLabel(r.month), series: r.propertyAddress, measure: 'Economic', pct: r.economicBps / 100 });
    }
  }
  const months = [...new Set([...rows].map((r) => r.month).sort())].map(monthLabel);
  const x = { field: 'month', type: 'ordinal', sort: months, title: 'Month', axis: { labelAngle: months.length > 6 ? -45 : 0 } } as const;
  const y = { field: 'pct', type: 'quantitative', title: 'Occupancy (%)', axis: { format: '.0f' } } as const;
  const single = aggregate || properties.length <= 1;
  const title = single ? `Occupancy by month: ${points[0]?.series ?? 'no properties'}` : 'Occupancy by month and property';
  if (single) {
    return render({
      title,
      width: WIDTH,
      height: HEIGHT,
      data: { values: points },
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset: { field: 'measure', sort: ['Physical', 'Economic'] },
        y,
        color: { field: 'measure', type: 'nominal', sort: ['Physical', 'Economic'], title: 'Occupancy', scale: { range: ['#3b6ea8', '#e0923a'] } },
      },
    });
  }
  return render({
    title,
    data: { values: points },
    facet: { column: { field: 'measure', type: 'nominal', sort: ['Physical', 'Economic'], title: null, header: { labelFontSize: 11, labelExpr: "datum.value + ' occupancy'" } } },
    spec: {
      width: (WIDTH - 40) / 2,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: { x, y, color: { field: 'series', type: 'nominal', title: 'Property', sort: properties } },
    },
  });
}

/** Rent charged against collected, month by month: grouped bars. */
export function collectionsChartSvg(points: { month: string; chargedMinor: number; collectedMinor: number }[], currency: string): Promise<string> {
  const sorted = [...points].sort((a, b) => a.month.localeCompare(b.month));
  const values = sorted.flatMap((p) => [
    { month: monthLabel(p.month), what: 'Charged', amount: major(p.chargedMinor, currency) },
    { month: monthLabel(p.month), what: 'Collected', amount: major(p.collectedMinor, currency) },
  ]);
  return render({
    title: 'Charged and collected by month',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'month', type: 'ordinal', sort: sorted.map((p) => monthLabel(p.month)), title: 'Month', axis: { labelAngle: sorted.length > 6 ? -45 : 0 } },
      xOffset: { field: 'what', sort: ['Charged', 'Collected'] },
      y: { field: 'amount', type: 'quantitative', title: `Amount (${currency})`, axis: { format: ',.0f' } },
      color: { field: 'what', type: 'nominal', sort: ['Charged', 'Collected'], title: null, scale: { range: ['#9aa9bd', '#2f8f5b'] } },
    },
  });
}

/** Expenses by category, largest first: horizontal bars with the amount at the end of each. */
export function expensesByCategoryChartSvg(items: { category: string; amountMinor: number }[], currency: string): Promise<string> {
  // Ties in amount fall back to the name, so the order never depends on the input's.
  const sorted = [...items].sort((a, b) => b.amountMinor - a.amountMinor || a.category.localeCompare(b.category));
  const values = sorted.map((i) => ({ category: i.category, amount: major(i.amountMinor, currency) }));
  const y = { field: 'category', type: 'nominal', sort: sorted.map((i) => i.category), title: 'Category', axis: { labelLimit: 150 } } as const;
  const xEnc = { field: 'amount', type: 'quantitative', title: `Amount (${currency})`, axis: { format: ',.0f' } } as const;
  return render({
    title: 'Expenses by category',
    width: WIDTH - 120,
    height: { step: 22 },
    data: { values },
    layer: [
      { mark: { type: 'bar', color: '#b5543c' }, encoding: { y, x: xEnc } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 9.5, color: '#222' },
        encoding: { y, x: xEnc, text: { field: 'amount', type: 'quantitative', format: moneyFormat(currency) } },
      },
    ],
  });
}

/**
 * librsvg (inside sharp) finds fonts through fontconfig, and the slim
 * production image has none: without this every label would vanish from
 * the PNG. Point fontconfig at the DejaVu Sans the PDFs embed (and at nothing
 * else, so every host draws the same glyphs), once, before the first render
 * (fontconfig reads its configuration once per process), unless the
 * environment already chose one.
 */
let fontsReady = false;
function ensureFonts() {
  if (fontsReady) return;
  fontsReady = true;
  if (process.env.FONTCONFIG_FILE) return;
  try {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const cache = path.join(os.tmpdir(), 'trilight-fontconfig');
    const conf = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${dir}</dir><cachedir>${cache}</cachedir></fontconfig>\n`;
    const file = path.join(os.tmpdir(), `trilight-fonts-${createHash('sha256').update(conf).digest('hex').slice(0, 12)}.conf`);
    // Written unless already there as written (a file of that name with other contents is replaced, or refused: then the catch).
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== conf) fs.writeFileSync(file, conf);
    process.env.FONTCONFIG_FILE = file;
  } catch {
    // No writable temp folder: the system's fonts, if any, will do.
  }
}

/** An SVG's own size in pixels (CSS px: one printed at 1 px = 1 pt reads at the sizes it was drawn for). */
export function svgSize(svg: string): { width: number; height: number } {
  const head = /<svg[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(head)?.[1] ?? 0);
  return { width: attr('width') || WIDTH, height: attr('height') || HEIGHT };
}

/**
 * An SVG as PNG bytes `width` pixels wide (three times the SVG's own width
 * unless told, sharp enough in print), rasterized at the density that gives
 * that width rather than scaled up afterwards.
 */
export async function svgToPng(svg: string, width?: number): Promise<Uint8Array> {
  ensureFonts();
  const own = svgSize(svg).width;
  const target = Math.round(width ?? own * 3);
  const png = await sharp(Buffer.from(svg), { density: (72 * target) / own })
    .resize({ width: target })
    .flatten({ background: '#ffffff' }) // the charts are drawn on white: no alpha channel to carry into the PDF
    .png({ compressionLevel: 9 })
    .toBuffer();
  return new Uint8Array(png);
}
