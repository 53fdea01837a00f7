/** The directory of health professionals and structures (simulated Annuaire Santé). */
export * from './health-directory.js';
export { DIRECTORY_ORGANIZATIONS, DIRECTORY_PROFESSIONALS } from './register.js';
export { SimulatedDirectory, directoryPage, foldForSearch } from './simulated-directory.js';
