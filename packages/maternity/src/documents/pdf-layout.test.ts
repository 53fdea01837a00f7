import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { pdfSafe, renderPdf, type PdfSpec } from './pdf-layout.js';
import { pdfStrings, pdfText } from './test-support/pdf-text.js';

async function helveticaCharset(): Promise<Set<number>> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  return new Set(font.getCharacterSet());
}

const spec = (blocks: PdfSpec['blocks']): PdfSpec => ({
  title: 'Compte rendu d’accouchement',
  author: 'Dr Claire LEFÈVRE',
  subject: 'Test',
  date: new Date('2024-03-12T09:15:00Z'),
  header: 'Maternité Sainte Félicité',
  footer: 'Mme Hélène MARTIN',
  blocks,
});

describe('PDF layout', () => {
  it('keeps the French characters WinAnsi has and maps the others', async () => {
    const charset = await helveticaCharset();
    expect(pdfSafe('é è à ç œ Œ ’ « » € … – —', charset)).toBe('é è à ç œ Œ ’ « » € … – —');
    expect(pdfSafe('3\u202F250 g ≥ 500 ml → ok', charset)).toBe('3\u00A0250 g >= 500 ml -> ok');
    expect(pdfSafe('Ăcel Łódź 漢字', charset)).toBe('Acel ?ódz ??');
    expect(pdfSafe('e\u0301', charset)).toBe('é');
  });

  it('writes a PDF whose text reads back with its accents', async () => {
    const pdf = await renderPdf(
      spec([
        { kind: 'title', text: 'Compte rendu d’accouchement' },
        { kind: 'fields', rows: [['Périnée', 'Déchirure du 1er degré'], ['Œuf', 'Cœur à l’ouvrage, ça va']] },
        { kind: 'table', headers: ['Rang', 'Poids'], rows: [['1', '2\u202F450 g']] },
      ]),
    );
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of ['Compte rendu d’accouchement', 'Périnée', 'Déchirure du 1er degré', 'Cœur à l’ouvrage, ça va', '2\u00A0450 g', 'Maternité Sainte Félicité', 'page 1 / 1']) {
      expect(text).toContain(expected);
    }
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getTitle()).toBe('Compte rendu d’accouchement');
    expect(doc.getAuthor()).toBe('Dr Claire LEFÈVRE');
    expect(doc.getCreationDate()?.toISOString()).toBe('2024-03-12T09:15:00.000Z');
  });

  it('wraps long text and breaks pages, numbering them', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `mot${i}`).join(' ');
    const pdf = await renderPdf(spec([{ kind: 'paragraph', text: long }, { kind: 'paragraph', text: long }, { kind: 'paragraph', text: 'x'.repeat(300) }]));
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBeGreaterThan(1);
    const strings = pdfStrings(pdf);
    expect(strings).toContain(`Mme Hélène MARTIN — page ${doc.getPageCount()} / ${doc.getPageCount()}`);
    expect(strings.join(' ')).toContain('mot399');
  });

  it('gives the same bytes for the same input', async () => {
    const blocks: PdfSpec['blocks'] = [{ kind: 'paragraph', text: 'Même contenu, mêmes octets.' }];
    const [a, b] = await Promise.all([renderPdf(spec(blocks)), renderPdf(spec(blocks))]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
