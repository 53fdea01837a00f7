/**
 * Envelope encryption of document content and personal values at rest (DESIGN.md §2.5): each
 * value gets its own AES-256-GCM data key, stored wrapped by the master key from configuration.
 * The implementation is the platform's, in `@dmp/core`, shared with the maternity.
 */
export { masterKeyFrom, openContent, openValue, sealContent, sealValue, type SealedContent } from '@dmp/core';
