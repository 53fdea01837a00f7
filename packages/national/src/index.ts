/** Simulated national services. */
export * from './igc-sante/index.js';
export * from './insi/index.js';
export * from './directory/index.js';
