/**
 * Test support: the text drawn in a PDF written by pdf-lib with the standard fonts (Flate content
 * streams, `<hex> Tj` strings in WinAnsiEncoding), decoded back to Unicode.
 */
import { inflateSync } from 'node:zlib';

/** WinAnsi (cp1252) bytes 0x80-0x9F; the other bytes are Latin-1. */
const WIN_ANSI_HIGH: Readonly<Record<number, string>> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž',
  0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

function decodeWinAnsi(hex: string): string {
  let out = '';
  for (let i = 0; i < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    out += WIN_ANSI_HIGH[byte] ?? String.fromCharCode(byte);
  }
  return out;
}

/** Every string shown in the PDF's content streams, in drawing order. */
export function pdfStrings(pdf: Uint8Array): string[] {
  const bytes = Buffer.from(pdf);
  const latin = bytes.toString('latin1');
  const strings: string[] = [];
  const marker = /stream\r?\n/g;
  for (let m = marker.exec(latin); m !== null; m = marker.exec(latin)) {
    const start = m.index + m[0].length;
    const end = latin.indexOf('endstream', start);
    let content: string;
    try {
      content = inflateSync(bytes.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const t of content.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) strings.push(decodeWinAnsi(t[1]!));
  }
  return strings;
}

/** All the PDF's text joined by spaces (lines may be cut anywhere a line wraps). */
export function pdfText(pdf: Uint8Array): string {
  return pdfStrings(pdf).join(' ');
}
