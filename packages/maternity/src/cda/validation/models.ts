/**
 * Which CI-SIS Schematron files apply to a CDA document.
 *
 * The two generic schemas apply to every document. A model's own schema applies when the
 * document declares the model's templateId on `ClinicalDocument` (or when the caller names the
 * model's XDS formatCode). To support another model, add a row here and run
 * `npx tsx scripts/build-cda-validation.ts`: the script ships the model's .sch, the files it
 * includes and the value sets it reads.
 */

/** A CI-SIS content model with its own Schematron. */
export interface CisisModel {
  /** Model and version, as in the Schematron file name (`OBP-SNM_2024.01`). */
  readonly id: string;
  readonly title: string;
  /** templateId roots on `ClinicalDocument` that select this model. */
  readonly templateIds: readonly string[];
  /** DMP formatCodes (JDV_J60) of documents of this model. */
  readonly formatCodes: readonly string[];
  /** The Schematron, relative to the ANS `schematrons/` folder. */
  readonly schematron: string;
}

/** Generic CI-SIS Schematrons, run on every document (relative to `schematrons/`). */
export const GENERIC_SCHEMATRONS: readonly string[] = [
  'profils/CI-SIS_ModelesDeContenusCDA.sch',
  'profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch',
];

/** The models whose rules are shipped. */
export const CISIS_MODELS: readonly CisisModel[] = [
  {
    id: 'OBP-SNM_2024.01',
    title: 'Synthèse salle de naissance mère',
    templateIds: ['1.2.250.1.213.1.1.1.12.2'],
    formatCodes: ['urn:asip:ci-sis:obp-snm:2023'],
    schematron: 'CI-SIS_OBP-SNM_2024.01.sch',
  },
  {
    id: 'LDL-SES_2022.01',
    title: 'Lettre de liaison à la sortie d’un établissement de santé',
    templateIds: ['1.2.250.1.213.1.1.1.29'],
    formatCodes: ['urn:asip:ci-sis:ldl-ses:2017'],
    schematron: 'CI-SIS_LDL-SES_2022.01.sch',
  },
];

/** Every Schematron the validator may run, generic ones first. */
export const ALL_SCHEMATRONS: readonly string[] = [...GENERIC_SCHEMATRONS, ...CISIS_MODELS.map((m) => m.schematron)];

/** The models selected by the document's templateIds and an optional formatCode. */
export function selectModels(templateIds: readonly string[], formatCode?: string): CisisModel[] {
  return CISIS_MODELS.filter(
    (m) => m.templateIds.some((t) => templateIds.includes(t)) || (formatCode !== undefined && m.formatCodes.includes(formatCode)),
  );
}
