/**
 * A small layout helper over pdf-lib: pages of wrapped text in an embedded
 * Unicode font (DejaVu Sans: Latin with accents, Greek, Cyrillic), so names
 * like Zoë Ångström or Дмитрий render as written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

const FONT_DIR = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));
const REGULAR = fs.readFileSync(path.join(FONT_DIR, 'ttf/DejaVuSans.ttf'));
const BOLD = fs.readFileSync(path.join(FONT_DIR, 'ttf/DejaVuSans-Bold.ttf'));

const PAGE = { width: 612, height: 792, margin: 64 }; // US Letter, points

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A rendered PDF and what identifies it. */
export interface RenderedDocument {
  bytes: Uint8Array;
  sha256: string;
  pages: number;
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
    const font = await doc.embedFont(REGULAR, { subset: true });
    const bold = await doc.embedFont(BOLD, { subset: true });
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
    const width = PAGE.width - 2 * PAGE.margin;
    const lineHeight = size * 1.45;
    for (const raw of text.split('\n')) {
      let line = '';
      for (const word of raw.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.font.widthOfTextAtSize(candidate, size) > width && line) {
          this.line(line, size, lineHeight);
          line = word;
        } else {
          line = candidate;
        }
      }
      this.line(line, size, lineHeight);
    }
    this.y -= size * 0.6;
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
