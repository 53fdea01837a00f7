export * from './insi-service.js';
