/**
 * MSSanté sending of the lettre de liaison: the IHE XDM package, the message, the SMTP sender and
 * the rules of who receives it.
 */
export * from './hl7-values.js';
export * from './recipients.js';
export * from './mss-message.js';
export * from './mss-sender.js';
export * from './xdm-package.js';
export { buildXdmMetadata, nameBasedUuid, patientIdCx, type PackagedDocument } from './xdm-metadata.js';
export type { XdmAuthor, XdmDocument, XdmPatient, XdmRecipient, XdmSender, XdmSubmission } from './xdm-types.js';
export { escapeXml } from './xml-text.js';
export * from './ihe-xds-ids.js';
