/**
 * Checks made before any XML parser sees a document: size, and no DOCTYPE (a CDA document has
 * none; refusing it rules out external entities, entity expansion bombs and DTD loading).
 */

/** The default largest document accepted, in bytes (the DMP accepts request bodies up to 20 MB). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Why the document is refused before parsing, or undefined. Looks at the prolog only (BOM, XML
 * declaration, comments, processing instructions, white space): a DOCTYPE can appear nowhere else.
 */
export function refusal(xml: string, maxBytes: number = DEFAULT_MAX_BYTES): string | undefined {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) return `Document refused: ${bytes} bytes, more than the ${maxBytes} accepted`;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < xml.length && /\s/.test(xml[i] as string)) i++;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return undefined; // malformed: the parser reports it
      i = end + 3;
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (/^<!DOCTYPE/i.test(xml.slice(i, i + 9))) {
      return 'Document refused: a DOCTYPE declaration is not allowed (no DTD, no entity declarations, no external entities)';
    } else {
      return undefined;
    }
  }
}
