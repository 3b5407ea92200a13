/**
 * A small layout helper over pdf-lib: pages of wrapped text in an embedded
 * Unicode font (DejaVu Sans: Latin with accents, Greek, Cyrillic), so names
 * like Zoë Ångström or Дмитрий render as written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';

const FONT_DIR = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));
const REGULAR = fs.readFileSync(path.join(FONT_DIR, 'ttf/DejaVuSans.ttf'));
const BOLD = fs.readFileSync(path.join(FONT_DIR, 'ttf/DejaVuSans-Bold.ttf'));

const PAGE = { width: 612, height: 792, margin: 64 }; // US Letter, points

/**
 * Text widths at size 1 by font, shared by every document. Measuring runs
 * fontkit's shaping, which was most of a document's CPU when every candidate
 * line was measured whole; words are measured once and lines summed (the
 * fonts kern nothing across a space).
 */
const UNIT_WIDTHS = { regular: new Map<string, number>(), bold: new Map<string, number>() };
const UNIT_WIDTHS_MAX = 50_000;

/**
 * Glyph positioning (GPOS) turned off: pdf-lib draws glyph ids with their own
 * advances and never uses the positions, so shaping them only cost time
 * (a third of a document's); substitutions (GSUB) still apply.
 */
const FONT_FEATURES = { kern: false, mark: false, mkmk: false };

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A rendered PDF and what identifies it. */
export interface RenderedDocument {
  bytes: Uint8Array;
  sha256: string;
  pages: number;
}

/** A table column: its width in points and how its cells align (right for money, so the decimals line up). */
export interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'right';
  bold?: boolean;
}

/** One table row: a cell per column ('' leaves it blank). */
export interface TableRow {
  cells: string[];
  bold?: boolean;
  /** A light grey band behind the row (a heading inside the table). */
  shaded?: boolean;
  /** A line above the row (before subtotals and totals). */
  ruleAbove?: boolean;
  /** Never the last row on a page (a heading row stays with the first row under it). */
  keepWithNext?: boolean;
}

export interface TableOptions {
  size?: number;
  /** Space around each cell's text, in points (3 unless told; 0 lines a label/value table up with fields()). */
  padding?: number;
  /** Labels over groups of adjacent columns ("Seller" over its debit and credit columns); spans add up to the columns. */
  groups?: { label: string; span: number }[];
}

/** A picture to place in a document: JPEG or PNG bytes, and the caption printed under it. */
export interface PlacedImage {
  bytes: Uint8Array;
  format: 'jpg' | 'png';
  caption: string;
}

export class DocumentWriter {
  private page!: PDFPage;
  private y = 0;

  private constructor(
    readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {}

  static async create(title: string): Promise<DocumentWriter> {
    return DocumentWriter.start(await PDFDocument.create(), title, true);
  }

  /** Continues an existing PDF on a new page (a signature page after the signed content). */
  static async append(bytes: Uint8Array, title: string): Promise<DocumentWriter> {
    return DocumentWriter.start(await PDFDocument.load(bytes), title, false);
  }

  private numberPages = true;

  private static async start(doc: PDFDocument, title: string, numberPages: boolean): Promise<DocumentWriter> {
    doc.registerFontkit(fontkit);
    // Subset: only the glyphs used are embedded, keeping documents small.
    const font = await doc.embedFont(REGULAR, { subset: true, features: FONT_FEATURES });
    const bold = await doc.embedFont(BOLD, { subset: true, features: FONT_FEATURES });
    doc.setTitle(title);
    doc.setProducer('TriLight Homes');
    // Fixed dates keep the bytes (and so the hash) a function of the content alone.
    doc.setCreationDate(new Date(0));
    doc.setModificationDate(new Date(0));
    const writer = new DocumentWriter(doc, font, bold);
    writer.numberPages = numberPages;
    writer.newPage();
    return writer;
  }

  /** Characters the embedded font cannot draw (they would print as empty boxes). */
  unsupported(text: string): string[] {
    const supported = new Set(this.font.getCharacterSet());
    return [...new Set([...text].filter((ch) => !/\s/.test(ch) && !supported.has(ch.codePointAt(0)!)))];
  }

  newPage() {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }

  private ensure(height: number) {
    if (this.y - height < PAGE.margin) this.newPage();
  }

  heading(text: string, size = 16) {
    this.ensure(size * 2);
    this.y -= size;
    this.page.drawText(text, { x: PAGE.margin, y: this.y, size, font: this.bold });
    this.y -= size * 0.8;
  }

  /** A paragraph, word-wrapped to the page width. */
  paragraph(text: string, size = 10.5) {
    const lineHeight = size * 1.45;
    for (const line of this.wrap(text, this.font, size, this.contentWidth)) this.line(line, size, lineHeight);
    this.y -= size * 0.6;
  }

  /** The width of `text` in `font` at `size`, points. */
  private widthOf(text: string, font: PDFFont, size: number): number {
    const cache = font === this.bold ? UNIT_WIDTHS.bold : UNIT_WIDTHS.regular;
    let unit = cache.get(text);
    if (unit === undefined) {
      if (cache.size >= UNIT_WIDTHS_MAX) cache.clear();
      unit = font.widthOfTextAtSize(text, 1);
      cache.set(text, unit);
    }
    return unit * size;
  }

  /**
   * Word-wraps text to `width`; a word longer than the width is broken, so
   * nothing runs past the margin or into the next column.
   */
  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const space = this.widthOf(' ', font, size);
    const out: string[] = [];
    for (const raw of text.split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (let word of raw.split(/\s+/).filter(Boolean)) {
        let wordWidth = this.widthOf(word, font, size);
        const candidateWidth = line ? lineWidth + space + wordWidth : wordWidth;
        // A sum within rounding of the edge is settled by measuring the whole line, as it will be drawn.
        const fits = Math.abs(candidateWidth - width) < 0.5 ? font.widthOfTextAtSize(line ? `${line} ${word}` : word, size) <= width : candidateWidth <= width;
        if (fits) {
          line = line ? `${line} ${word}` : word;
          lineWidth = candidateWidth;
          continue;
        }
        if (line) out.push(line);
        while (wordWidth > width && word.length > 1) {
          let n = word.length - 1;
          while (n > 1 && font.widthOfTextAtSize(word.slice(0, n), size) > width) n--;
          out.push(word.slice(0, n));
          word = word.slice(n);
          wordWidth = this.widthOf(word, font, size);
        }
        line = word;
        lineWidth = wordWidth;
      }
      out.push(line);
    }
    return out;
  }

  /** Label: value rows. */
  fields(rows: [string, string][], size = 10.5) {
    for (const [label, value] of rows) {
      this.ensure(size * 1.6);
      this.y -= size * 1.45;
      this.page.drawText(label, { x: PAGE.margin, y: this.y, size, font: this.bold });
      this.page.drawText(value, { x: PAGE.margin + 150, y: this.y, size, font: this.font });
    }
    this.y -= size * 0.8;
  }

  rule() {
    this.ensure(12);
    this.y -= 6;
    this.page.drawLine({
      start: { x: PAGE.margin, y: this.y },
      end: { x: PAGE.width - PAGE.margin, y: this.y },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 6;
  }

  /** The width between the margins, in points. */
  get contentWidth(): number {
    return PAGE.width - 2 * PAGE.margin;
  }

  /** Starts a new page unless `height` points are left on this one (keeps a block together). */
  keepTogether(height: number) {
    this.ensure(height);
  }

  /** Vertical space. */
  space(points: number) {
    this.ensure(points);
    this.y -= points;
  }

  /** An empty box at the left margin, the page's width unless told (space for someone else to fill in), with small captions inside at the top. */
  box(height: number, captions: string[] = [], size = 8, width = this.contentWidth) {
    this.ensure(height + 8);
    const top = this.y;
    this.page.drawRectangle({
      x: PAGE.margin,
      y: top - height,
      width,
      height,
      borderColor: rgb(0.35, 0.35, 0.35),
      borderWidth: 0.75,
    });
    captions.forEach((caption, i) =>
      this.page.drawText(caption, { x: PAGE.margin + 6, y: top - 6 - size - i * size * 1.5, size, font: i === 0 ? this.bold : this.font }),
    );
    this.y = top - height - 8;
  }

  /** Blank lines side by side, to be filled in by hand, each with its caption underneath (unsigned signature or date lines). */
  blanks(captions: string[], size = 8) {
    const gap = 24;
    const width = (this.contentWidth - gap * (captions.length - 1)) / captions.length;
    this.ensure(size * 6);
    this.y -= size * 3.5;
    captions.forEach((caption, i) => {
      const x = PAGE.margin + i * (width + gap);
      this.page.drawLine({ start: { x, y: this.y }, end: { x: x + width, y: this.y }, thickness: 0.6, color: rgb(0.2, 0.2, 0.2) });
      this.page.drawText(caption, { x, y: this.y - size * 1.4, size, font: this.font });
    });
    this.y -= size * 2.5;
  }

  /**
   * A table: wrapped cells, right-aligned columns where asked, the header
   * repeated at the top of each page the table continues on.
   */
  table(columns: TableColumn[], rows: TableRow[], options: TableOptions = {}) {
    const size = options.size ?? 8.5;
    const pad = options.padding ?? 3;
    const lineHeight = size * 1.35;
    const total = columns.reduce((n, c) => n + c.width, 0);
    if (total > this.contentWidth + 0.01) throw new Error(`table is ${total}pt wide; the page has ${this.contentWidth}pt`);
    const xs = columns.map((_, i) => PAGE.margin + columns.slice(0, i).reduce((n, c) => n + c.width, 0));
    const headers = columns.map((c) => this.wrap(c.header, this.bold, size, c.width - 2 * pad));
    const hasHeader = headers.some((h) => h.some(Boolean));
    const headerLines = Math.max(...headers.map((h) => h.length));
    const groupHeight = options.groups ? lineHeight + pad : 0;
    const headerHeight = hasHeader ? groupHeight + headerLines * lineHeight + pad + 2 : 0;

    const drawHeader = () => {
      if (!hasHeader) return;
      let top = this.y;
      if (options.groups) {
        let col = 0;
        for (const g of options.groups) {
          const x0 = xs[col]!;
          const x1 = xs[col + g.span - 1]! + columns[col + g.span - 1]!.width;
          if (g.label) {
            const w = this.widthOf(g.label, this.bold, size);
            this.page.drawText(g.label, { x: (x0 + x1 - w) / 2, y: top - pad / 2 - size * 1.05, size, font: this.bold });
            this.page.drawLine({ start: { x: x0 + pad, y: top - groupHeight + 1 }, end: { x: x1 - pad, y: top - groupHeight + 1 }, thickness: 0.5, color: rgb(0.4, 0.4, 0.4) });
          }
          col += g.span;
        }
        top -= groupHeight;
      }
      columns.forEach((c, i) => {
        // Header lines sit at the bottom of the header band, so one-line headers line up with the last line of longer ones.
        const lines = headers[i]!;
        lines.forEach((text, j) => {
          const baseline = top - pad / 2 - (headerLines - lines.length + j) * lineHeight - size * 1.05;
          this.drawCell(text, this.bold, size, xs[i]!, c, pad, baseline);
        });
      });
      this.y = top - headerLines * lineHeight - pad;
      this.page.drawLine({ start: { x: PAGE.margin, y: this.y }, end: { x: PAGE.margin + total, y: this.y }, thickness: 1, color: rgb(0.15, 0.15, 0.15) });
      this.y -= 2;
    };

    const wrapped = rows.map((r) =>
      columns.map((c, i) => this.wrap(r.cells[i] ?? '', r.bold || c.bold ? this.bold : this.font, size, c.width - 2 * pad)),
    );
    const heights = wrapped.map((cells) => Math.max(1, ...cells.map((l) => l.length)) * lineHeight + pad);
    // The header never ends a page on its own.
    this.ensure(headerHeight + (heights[0] ?? 0));
    drawHeader();
    rows.forEach((row, r) => {
      const height = heights[r]!;
      const needed = height + (row.keepWithNext && r + 1 < rows.length ? heights[r + 1]! : 0);
      if (this.y - needed < PAGE.margin) {
        this.newPage();
        drawHeader();
      }
      const top = this.y;
      if (row.shaded) {
        this.page.drawRectangle({ x: PAGE.margin, y: top - height, width: total, height, color: rgb(0.91, 0.91, 0.91) });
      }
      if (row.ruleAbove) {
        this.page.drawLine({ start: { x: PAGE.margin, y: top }, end: { x: PAGE.margin + total, y: top }, thickness: 0.6, color: rgb(0.3, 0.3, 0.3) });
      }
      columns.forEach((c, i) => {
        const font = row.bold || c.bold ? this.bold : this.font;
        wrapped[r]![i]!.forEach((text, j) => this.drawCell(text, font, size, xs[i]!, c, pad, top - pad / 2 - j * lineHeight - size * 1.05));
      });
      this.y = top - height;
    });
    this.y -= size * 0.8;
  }

  /**
   * Pictures in rows across the page (photo thumbnails), each scaled to fit a
   * square of `side` points, a wrapped caption under each; a row never splits
   * across pages. A picture that does not decode is drawn as an empty frame
   * captioned as such, so one bad file never stops a document.
   */
  async images(images: PlacedImage[], side = 108, size = 7) {
    const gap = 12;
    const perRow = Math.max(1, Math.floor((this.contentWidth + gap) / (side + gap)));
    const lineHeight = size * 1.3;
    for (let i = 0; i < images.length; i += perRow) {
      // One at a time, so the objects are numbered (and the bytes hashed) the same on every render.
      const row: { embedded: PDFImage | undefined; lines: string[] }[] = [];
      for (const img of images.slice(i, i + perRow)) {
        const embedded = await (img.format === 'jpg' ? this.doc.embedJpg(img.bytes) : this.doc.embedPng(img.bytes)).catch(() => undefined);
        row.push({ embedded, lines: this.wrap(embedded ? img.caption : `(not readable) ${img.caption}`, this.font, size, side) });
      }
      const captionHeight = Math.max(...row.map((r) => r.lines.length)) * lineHeight;
      this.ensure(side + captionHeight + 10);
      const top = this.y;
      row.forEach(({ embedded, lines }, j) => {
        const x = PAGE.margin + j * (side + gap);
        if (embedded) {
          const scale = Math.min(side / embedded.width, side / embedded.height);
          const width = embedded.width * scale;
          const height = embedded.height * scale;
          this.page.drawImage(embedded, { x: x + (side - width) / 2, y: top - height, width, height });
        } else {
          this.page.drawRectangle({ x, y: top - side, width: side, height: side, borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.5 });
        }
        lines.forEach((text, k) => {
          if (text) this.page.drawText(text, { x, y: top - side - lineHeight * (k + 1), size, font: this.font });
        });
      });
      this.y = top - side - captionHeight - 10;
    }
  }

  /**
   * One picture across the page at its own proportions (a chart, a scanned
   * bill), centred: `width` points wide unless told (the page's), smaller when
   * that would be taller than `maxHeight` or a page; on the next page when it
   * does not fit on this one, unless `fitHere` scales it into what is left.
   */
  async figure(image: { bytes: Uint8Array; format: 'jpg' | 'png' }, options: { width?: number; maxHeight?: number; fitHere?: boolean } = {}) {
    const embedded = await (image.format === 'jpg' ? this.doc.embedJpg(image.bytes) : this.doc.embedPng(image.bytes));
    const gap = 8;
    const room = options.fitHere ? this.y - PAGE.margin - gap : PAGE.height - 2 * PAGE.margin - gap;
    const scale = Math.min((options.width ?? this.contentWidth) / embedded.width, Math.min(options.maxHeight ?? room, room) / embedded.height);
    const width = embedded.width * scale;
    const height = embedded.height * scale;
    this.ensure(height + gap);
    this.page.drawImage(embedded, { x: PAGE.margin + (this.contentWidth - width) / 2, y: this.y - height, width, height });
    this.y -= height + gap;
  }

  private drawCell(text: string, font: PDFFont, size: number, x: number, column: TableColumn, pad: number, baseline: number) {
    if (!text) return;
    const left = column.align === 'right' ? x + column.width - pad - this.widthOf(text, font, size) : x + pad;
    this.page.drawText(text, { x: left, y: baseline, size, font });
  }

  private line(text: string, size: number, lineHeight: number) {
    this.ensure(lineHeight);
    this.y -= lineHeight;
    if (text) this.page.drawText(text, { x: PAGE.margin, y: this.y, size, font: this.font });
  }

  async bytes(): Promise<Uint8Array> {
    // Page numbers last, once the page count is known.
    const pages = this.doc.getPages();
    if (this.numberPages) {
      pages.forEach((p, i) =>
        p.drawText(`Page ${i + 1} of ${pages.length}`, { x: PAGE.width - PAGE.margin - 70, y: PAGE.margin / 2, size: 8, font: this.font }),
      );
    }
    return this.doc.save({ useObjectStreams: false });
  }
}
