/** Test support: the ANS reference folder (`../shared/ans` beside the repository). */
import { fileURLToPath } from 'node:url';

export const ANS_DIR = fileURLToPath(new URL('../../../../../../shared/ans/', import.meta.url));
