export * from './identity/nir.js';
export * from './terminology/index.js';
export * from './fhir/pdsm-builder.js';
export * from './crypto/envelope.js';
