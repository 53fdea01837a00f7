import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** A one-page A4 PDF report with a title and paragraphs, as the demo's document contents. */
export async function reportPdf(title: string, lines: readonly string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator('DMP demo');
  const page = pdf.addPage([595.28, 841.89]);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(title, { x: 56, y: 780, size: 16, font: bold, color: rgb(0, 0, 0.57) });
  let y = 750;
  for (const line of lines) {
    page.drawText(line, { x: 56, y, size: 11, font: regular, maxWidth: 480, lineHeight: 14 });
    y -= 18 * Math.max(1, Math.ceil(regular.widthOfTextAtSize(line, 11) / 480));
  }
  // Fixed dates keep the demo's contents (and so their hashes) the same from one start to the next.
  pdf.setCreationDate(new Date('2026-11-20T14:00:00Z'));
  pdf.setModificationDate(new Date('2026-11-20T14:00:00Z'));
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
