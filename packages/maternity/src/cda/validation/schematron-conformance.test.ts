/**
 * The engine on the shipped CI-SIS Schematrons: every expression compiles, and every rule context
 * selects exactly the nodes the XSLT definition of pattern matching gives (`root//(P)`, evaluated
 * directly) on two ANS examples. Skipped without the ANS folder (`$ANS_DIR` or `../shared/ans`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_SCHEMATRONS } from './models.js';
import { schematronRunner } from './resources.js';
import { parseXml } from './xdm.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
const ANS_DIR =
  process.env['ANS_DIR'] !== undefined && process.env['ANS_DIR'] !== '' ? path.resolve(process.env['ANS_DIR']) : path.resolve(REPO_ROOT, '..', 'shared', 'ans');
const EXAMPLES = path.join(ANS_DIR, 'cda-examples');

describe('the engine on the shipped Schematrons', () => {
  it('compiles every expression', () => {
    for (const main of ALL_SCHEMATRONS) expect(schematronRunner(main).compileAll(), main).toEqual([]);
  }, 120_000);

  it.skipIf(!existsSync(EXAMPLES))(
    'matches every rule context as root//(P) does, on OBP-SNM and LDL-SES',
    () => {
      let compared = 0;
      let nonEmpty = 0;
      for (const file of ['OBP-SNM_2024.01.xml', 'LDL-SES_2022.01.xml']) {
        const doc = parseXml(readFileSync(path.join(EXAMPLES, file), 'utf8'));
        for (const main of ALL_SCHEMATRONS) {
          for (const { context, engine, definition } of schematronRunner(main).contextMatches(doc)) {
            expect(new Set(engine), `${file} ${main} ${context}`).toEqual(new Set(definition));
            compared++;
            if (definition.length > 0) nonEmpty++;
          }
        }
      }
      expect(compared).toBeGreaterThan(1800); // 937 rules, two documents
      expect(nonEmpty).toBeGreaterThan(300);
    },
    180_000,
  );
});
