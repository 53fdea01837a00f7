/**
 * A small page layout on pdf-lib for the reports handed to patients: title, headings, paragraphs,
 * label/value fields and tables, wrapped to A4 with a running header and a "page n / N" footer.
 *
 * Text uses the standard Helvetica fonts (WinAnsi encoding: é, è, à, ç, œ, ’, «, », € are
 * encoded as such). Characters WinAnsi lacks are mapped ({@link pdfSafe}): narrow spaces to
 * no-break spaces, ≤ ≥ → to ASCII, accented letters to their base letter, anything else to `?`.
 * Nothing is taken from the clock: the dates in the file come from the input, so the same input
 * gives the same bytes.
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

export type PdfBlock =
  | { readonly kind: 'title'; readonly text: string }
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'fields'; readonly rows: readonly (readonly [string, string])[] }
  | { readonly kind: 'table'; readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly widths?: readonly number[] };

export interface PdfSpec {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  /** Creation and modification date written in the file. */
  readonly date: Date;
  /** Running header (establishment). */
  readonly header: string;
  /** Running footer (patient). */
  readonly footer: string;
  readonly blocks: readonly PdfBlock[];
}

const PAGE = { width: 595.28, height: 841.89, margin: 50 } as const;
const SIZE = { title: 16, heading: 12, body: 10, small: 8 } as const;
const LINE = 1.35;
const GREY = rgb(0.35, 0.35, 0.35);

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u202F': '\u00A0',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u00D7': 'x',
  '\t': ' ',
};

/** Maps `text` onto the characters `font` can encode (see the module comment). */
export function pdfSafe(text: string, charset: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (charset.has(code)) {
      out += ch;
      continue;
    }
    const replaced = REPLACEMENTS[ch];
    if (replaced !== undefined) {
      out += replaced;
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every((c) => charset.has(c.codePointAt(0)!)) ? base : '?';
  }
  return out;
}

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly charset: ReadonlySet<number>;
}

/** Splits `text` into lines no wider than `width` (words longer than a line are cut). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

class Writer {
  page!: PDFPage;
  y = 0;
  readonly width = PAGE.width - 2 * PAGE.margin;

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin - 14;
  }

  ensure(height: number): void {
    if (this.y - height < PAGE.margin + 20) this.newPage();
  }

  text(value: string, x: number, size: number, font: PDFFont, color = rgb(0, 0, 0)): void {
    this.page.drawText(pdfSafe(value, this.fonts.charset), { x, y: this.y, size, font, color });
  }

  lines(value: string, size: number, font: PDFFont, x = PAGE.margin, width = this.width): void {
    for (const line of wrap(pdfSafe(value, this.fonts.charset), font, size, width)) {
      this.ensure(size * LINE);
      this.y -= size * LINE;
      this.text(line, x, size, font);
    }
  }

  block(block: PdfBlock): void {
    const { regular, bold } = this.fonts;
    switch (block.kind) {
      case 'title':
        this.lines(block.text, SIZE.title, bold);
        this.y -= 8;
        return;
      case 'heading':
        this.ensure(SIZE.heading * LINE * 3);
        this.y -= 6;
        this.lines(block.text, SIZE.heading, bold);
        this.page.drawLine({ start: { x: PAGE.margin, y: this.y - 3 }, end: { x: PAGE.margin + this.width, y: this.y - 3 }, thickness: 0.5, color: GREY });
        this.y -= 6;
        return;
      case 'paragraph':
        this.lines(block.text, SIZE.body, regular);
        this.y -= 4;
        return;
      case 'fields':
        this.table([], block.rows, [0.35, 0.65], true);
        this.y -= 4;
        return;
      case 'table':
        this.table(block.headers, block.rows, block.widths, false);
        this.y -= 4;
    }
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[], widths: readonly number[] | undefined, labelled: boolean): void {
    const columns = Math.max(headers.length, ...rows.map((r) => r.length), 1);
    const shares = widths ?? Array.from({ length: columns }, () => 1 / columns);
    const total = shares.reduce((a, b) => a + b, 0);
    const colWidths = shares.map((s) => (s / total) * this.width);
    const drawRow = (cells: readonly string[], header: boolean): void => {
      const wrapped = colWidths.map((w, i) => {
        const font = header || (labelled && i === 0) ? this.fonts.bold : this.fonts.regular;
        return { font, lines: wrap(pdfSafe(cells[i] ?? '', this.fonts.charset), font, SIZE.body, w - 6) };
      });
      const height = Math.max(...wrapped.map((c) => c.lines.length)) * SIZE.body * LINE + 4;
      this.ensure(height);
      if (header) this.page.drawRectangle({ x: PAGE.margin, y: this.y - height, width: this.width, height, color: rgb(0.92, 0.92, 0.92) });
      const top = this.y;
      let x = PAGE.margin;
      wrapped.forEach((cell, i) => {
        this.y = top;
        for (const line of cell.lines) {
          this.y -= SIZE.body * LINE;
          this.page.drawText(line, { x: x + 3, y: this.y, size: SIZE.body, font: cell.font });
        }
        x += colWidths[i]!;
      });
      this.y = top - height;
      this.page.drawLine({ start: { x: PAGE.margin, y: this.y }, end: { x: PAGE.margin + this.width, y: this.y }, thickness: 0.3, color: GREY });
    };
    if (headers.length > 0) drawRow(headers, true);
    for (const row of rows) drawRow(row, false);
  }
}

/** Lays out `spec` as an A4 PDF (PDF 1.7, fr-FR, title and author in the document information). */
export async function renderPdf(spec: PdfSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, charset: new Set(regular.getCharacterSet()) };
  doc.setTitle(pdfSafe(spec.title, fonts.charset), { showInWindowTitleBar: true });
  doc.setAuthor(pdfSafe(spec.author, fonts.charset));
  doc.setSubject(pdfSafe(spec.subject, fonts.charset));
  doc.setLanguage('fr-FR');
  doc.setCreator('Maternité Sainte Félicité');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(spec.date);
  doc.setModificationDate(spec.date);

  withFixedRandom(() => {
    const writer = new Writer(doc, fonts);
    for (const block of spec.blocks) writer.block(block);
    const pages = doc.getPages();
    pages.forEach((page, i) => {
      const header = pdfSafe(spec.header, fonts.charset);
      page.drawText(header, { x: PAGE.margin, y: PAGE.height - PAGE.margin + 10, size: SIZE.small, font: regular, color: GREY });
      const footer = pdfSafe(`${spec.footer} — page ${i + 1} / ${pages.length}`, fonts.charset);
      page.drawText(footer, { x: PAGE.margin, y: PAGE.margin - 20, size: SIZE.small, font: regular, color: GREY });
    });
  });
  return doc.save({ useObjectStreams: false });
}

/**
 * Runs synchronous drawing with `Math.random` replaced by a fixed-seed generator: pdf-lib names
 * each page's font resources with a random suffix, which would make every rendering differ.
 * Nothing else can run during a synchronous call, and the original is restored afterwards.
 */
function withFixedRandom(draw: () => void): void {
  const original = Math.random;
  let state = 0x2545f491;
  Math.random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    draw();
  } finally {
    Math.random = original;
  }
}
