export * from './identity/nir.js';
