/**
 * IHE XDM packaging (ITI TF-1 §16, TF-3 §3.32.4.1.2 and §4.2): the zip that travels as the MSSanté
 * attachment `IHE_XDM.ZIP`.
 *
 * ```
 * README.TXT                       who made the media and how to reach them (French and English)
 * INDEX.HTM                        a browsable list of the content
 * IHE_XDM/SUBSET01/METADATA.XML    the submission set's ebRIM metadata
 * IHE_XDM/SUBSET01/DOC00001.XML    the documents, named by the `URI` slot of their DocumentEntry
 * ```
 */
import { createHash } from 'node:crypto';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { buildXdmMetadata, nameBasedUuid, type PackagedDocument } from './xdm-metadata.js';
import type { XdmDocument, XdmSubmission } from './xdm-types.js';
import { escapeXml } from './xml-text.js';

/** The folder of the (single) submission set inside the package. */
export const XDM_SUBSET_FOLDER = 'IHE_XDM/SUBSET01';
/** The name MSSanté gives the XDM attachment. */
export const XDM_ATTACHMENT_NAME = 'IHE_XDM.ZIP';

/** File extensions (ISO 9660, 3 upper-case letters) by MIME type; `BIN` otherwise. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'text/xml': 'XML',
  'application/xml': 'XML',
  'application/hl7-v3+xml': 'XML',
  'application/pdf': 'PDF',
  'text/plain': 'TXT',
  'text/html': 'HTM',
  'image/jpeg': 'JPG',
  'image/png': 'PNG',
  'image/tiff': 'TIF',
  'application/fhir+json': 'JSN',
  'application/fhir+xml': 'XML',
};

const ISO_9660_NAME = /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{1,3}$/;

/**
 * Builds the XDM zip of a submission set (IHE ITI TF-1 §16 "Cross-enterprise Document Media
 * Interchange", TF-3 §3.32.4.1): README.TXT, INDEX.HTM and `IHE_XDM/SUBSET01/` with METADATA.XML
 * and the documents. Each document's size and SHA-1 hash are computed from its bytes.
 *
 * The output depends only on the input: ids not given are name-based UUIDs derived from the unique
 * ids, and every zip entry carries the submission time (its UTC fields; zip times have no zone).
 *
 * @example
 * const zip = buildXdmPackage({ uniqueId: '1.2.250.1.213.1.1.9.1', sourceId: '1.2.250.1.213.1.1.9',
 *   submissionTime: new Date(), author, intendedRecipients, patient, sender, documents: [letter] });
 */
export function buildXdmPackage(submission: XdmSubmission): Uint8Array {
  if (submission.documents.length === 0) throw new RangeError('an XDM submission set holds at least one document');
  const packaged = packageDocuments(submission.documents);
  const metadata = buildXdmMetadata(submission, packaged);

  const files: Zippable = {
    'README.TXT': strToU8(readme(submission)),
    'INDEX.HTM': strToU8(indexHtml(submission, packaged)),
    [`${XDM_SUBSET_FOLDER}/METADATA.XML`]: strToU8(metadata),
  };
  for (const { fileName, document } of packaged) files[`${XDM_SUBSET_FOLDER}/${fileName}`] = document.content;
  return zipSync(files, { level: 6, mtime: zipTime(submission.submissionTime) });
}

function packageDocuments(documents: readonly XdmDocument[]): PackagedDocument[] {
  const names = new Set<string>(['METADATA.XML']);
  const entryUuids = new Set<string>();
  return documents.map((document, index) => {
    const fileName = document.fileName ?? `DOC${String(index + 1).padStart(5, '0')}.${EXTENSIONS[document.mimeType.toLowerCase()] ?? 'BIN'}`;
    if (!ISO_9660_NAME.test(fileName)) throw new RangeError(`an XDM file name is NAME.EXT in upper case (8.3): ${JSON.stringify(fileName)}`);
    if (names.has(fileName)) throw new RangeError(`two files named ${fileName} in the submission set`);
    names.add(fileName);
    const entryUuid = document.entryUuid ?? nameBasedUuid(`document-entry:${document.uniqueId}`);
    if (!/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(entryUuid)) {
      throw new RangeError(`an entryUUID is urn:uuid: and a lower-case UUID: ${JSON.stringify(entryUuid)}`);
    }
    if (entryUuids.has(entryUuid)) throw new RangeError(`two documents with the entryUUID ${entryUuid}`);
    entryUuids.add(entryUuid);
    return {
      document,
      fileName,
      entryUuid,
      hash: createHash('sha1').update(document.content).digest('hex'),
      size: document.content.byteLength,
    };
  });
}

/** A Date whose local fields are the UTC fields of `time` (fflate writes DOS times from local fields). */
function zipTime(time: Date): Date {
  if (Number.isNaN(time.getTime())) throw new RangeError('invalid submission time');
  return new Date(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds());
}

/** README.TXT (ITI TF-3 §3.32.4.1.2.2): the sender, its contact and the application, in French and English. */
function readme(submission: XdmSubmission): string {
  const { sender } = submission;
  const contact = sender.contact.map((line) => `  ${oneLine(line)}`);
  const application = `${oneLine(sender.application.name)} ${oneLine(sender.application.version)}`;
  const when = submission.submissionTime.toISOString();
  return [
    'Message de santé au format IHE XDM',
    '==================================',
    '',
    `Expéditeur : ${oneLine(sender.name)}`,
    'Contact :',
    ...contact,
    `Logiciel : ${application}`,
    `Date d'envoi (UTC) : ${when}`,
    '',
    "Ce paquet suit le profil IHE XDM (Cross-Enterprise Document Media Interchange). Les documents",
    `sont dans le dossier ${XDM_SUBSET_FOLDER}, décrits par METADATA.XML. Ouvrez INDEX.HTM pour les`,
    "consulter. Ils contiennent des données de santé à caractère personnel : ne les transmettez qu'à",
    'des personnes habilitées.',
    '',
    'Health message in the IHE XDM format',
    '====================================',
    '',
    `Sender: ${oneLine(sender.name)}`,
    'Contact:',
    ...contact,
    `Application: ${application}`,
    `Sent (UTC): ${when}`,
    '',
    'This package follows the IHE XDM profile (Cross-Enterprise Document Media Interchange). The',
    `documents are in the folder ${XDM_SUBSET_FOLDER}, described by METADATA.XML. Open INDEX.HTM to`,
    'browse them. They contain personal health data: share them only with authorised people.',
    '',
  ].join('\r\n');
}

/** INDEX.HTM (ITI TF-3 §3.32.4.1.2.1): links to README.TXT and to every document, titles escaped. */
function indexHtml(submission: XdmSubmission, documents: readonly PackagedDocument[]): string {
  const items = documents
    .map(({ document, fileName }) => {
      const href = `${XDM_SUBSET_FOLDER}/${fileName}`;
      return `      <li><a href="${escapeXml(href)}">${escapeXml(document.title)}</a> (${escapeXml(document.mimeType)})</li>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="fr">
  <head>
    <meta charset="utf-8">
    <title>${escapeXml(submission.title ?? 'Documents de santé')}</title>
  </head>
  <body>
    <h1>${escapeXml(submission.title ?? 'Documents de santé')}</h1>
    <p>Expéditeur / Sender : ${escapeXml(submission.sender.name)}</p>
    <ul>
${items}
    </ul>
    <p><a href="README.TXT">README.TXT</a> · <a href="${XDM_SUBSET_FOLDER}/METADATA.XML">METADATA.XML</a></p>
  </body>
</html>
`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
