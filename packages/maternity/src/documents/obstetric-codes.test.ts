import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Coded } from './document-inputs.js';
import { ADMISSION_MODE, DISCHARGE_MODE } from './ldl-ses-sections.js';
import {
  anaesthesiaAfterBirth,
  anaesthesiaBeforeBirth,
  birthStatus,
  CHILD_OBSERVATION,
  childTransfer,
  deliveryMethod,
  DOCUMENT_STATUS,
  LABOUR_ONSET,
  MOTHER_DISPOSITION,
  OBP_ACT,
  perineumCode,
  postPartumAct,
  PRESENTATION,
} from './obstetric-codes.js';
import { ANS_DIR } from './test-support/ans.js';

/** (code, codeSystem) pairs of a CI-SIS value set file. */
function valueSetFile(name: string): Set<string> {
  const xml = readFileSync(join(ANS_DIR, 'value-sets', `${name}.xml`), 'utf8');
  const pairs = new Set<string>();
  for (const concept of xml.matchAll(/<Concept\b([^>]*)>/g)) {
    const code = /\bcode="([^"]*)"/.exec(concept[1]!)?.[1]?.trim();
    const system = /\bcodeSystem="([^"]*)"/.exec(concept[1]!)?.[1];
    if (code && system) pairs.add(`${system}|${code}`);
  }
  return pairs;
}

const CASES: [string, readonly (Coded | undefined)[]][] = [
  ['JDV_ModeDebutTravail_CISIS', Object.values(LABOUR_ONSET)],
  ['JDV_ActeOBP_CISIS', Object.values(OBP_ACT)],
  ['JDV_TypeAnesthesieAvantNaissance_CISIS', (['peridurale', 'rachianesthesie', 'generale', 'rachi_peri_combinee'] as const).map(anaesthesiaBeforeBirth)],
  ['JDV_TypeAnesthesieApresNaissance_CISIS', (['aucune', 'peridurale', 'generale'] as const).map(anaesthesiaAfterBirth)],
  ['JDV_TypeActePostPartum_CISIS', [postPartumAct('artificielle'), postPartumAct('revision_uterine')]],
  ['JDV_EtatPerinee_CISIS', [perineumCode({ kind: 'intact' }), perineumCode({ kind: 'episiotomie' }), ...([1, 2, 3, 4] as const).map((degree) => perineumCode({ kind: 'dechirure', degree }))]],
  ['JDV_ModeSortie_OBP_SNM_CISIS', Object.values(MOTHER_DISPOSITION)],
  ['JDV_MethodeAccouchement_CISIS', [deliveryMethod({ kind: 'voie_basse_spontanee' }, true), deliveryMethod({ kind: 'voie_basse_instrumentale', instrument: 'forceps' }, true), deliveryMethod({ kind: 'cesarienne', urgency: 'programmee' }, false), deliveryMethod({ kind: 'cesarienne', urgency: 'urgence' }, true)]],
  ['JDV_ModeAccouchement_CISIS', [deliveryMethod({ kind: 'cesarienne', urgency: 'urgence' }, false)]],
  ['JDV_ObservationEnfant_CISIS', [CHILD_OBSERVATION.method, CHILD_OBSERVATION.weight, CHILD_OBSERVATION.status, CHILD_OBSERVATION.transfer]],
  ['JDV_OBP_Result_Evenement_CISIS', [CHILD_OBSERVATION.rank, CHILD_OBSERVATION.presentation]],
  ['JDV_EtatNaissance_CISIS', [birthStatus(true), birthStatus(false)]],
  ['JDV_TransfertMutation_CISIS', [childTransfer(true), childTransfer(false)]],
  ['JDV_PresentationFoetale_CISIS', Object.values(PRESENTATION)],
  ['JDV_StatutDoc_CISIS', Object.values(DOCUMENT_STATUS)],
  ['JDV_ModaliteEntree_CISIS', Object.values(ADMISSION_MODE)],
  ['JDV_ModaliteSortie_CISIS', Object.values(DISCHARGE_MODE)],
];

describe('obstetric codes', () => {
  it.each(CASES)('are all in %s', (file, codes) => {
    const set = valueSetFile(file);
    for (const c of codes) {
      expect(c).toBeDefined();
      expect(set, `${c!.code} (${c!.display})`).toContain(`${c!.system}|${c!.code}`);
    }
  });

  it('has no code for "no anaesthesia" before birth, and no act for a natural placental delivery', () => {
    expect(anaesthesiaBeforeBirth('aucune')).toBeUndefined();
    expect(postPartumAct('naturelle')).toBeUndefined();
    expect(postPartumAct('dirigee')).toBeUndefined();
  });
});
