/**
 * Text written into XML (METADATA.XML) and HTML (INDEX.HTM): escaped, and stripped of the characters
 * XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), so that no input can
 * break the document or inject markup.
 */

const FORBIDDEN_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets). */
export function stripForbiddenXmlChars(text: string): string {
  return text.replace(FORBIDDEN_XML_CHARS, '');
}

/**
 * Escapes text for an XML (or HTML) element's content or a double- or single-quoted attribute value.
 * Tab, LF and CR become character references so attribute values keep them (XML attribute-value
 * normalisation would turn them into spaces).
 *
 * @example escapeXml('a < b & "c"') === 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return stripForbiddenXmlChars(text).replace(/[&<>"'\t\n\r]/g, (char) => XML_ENTITIES[char] ?? char);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
