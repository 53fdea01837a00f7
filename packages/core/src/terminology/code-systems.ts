/**
 * Code systems: the OID <-> URL table and the functions that compare and normalise system URIs.
 *
 * A French code system reaches the DMP in several spellings: `urn:oid:<OID>` (FHIR), the bare OID
 * (CDA `codeSystem`, XDS `codingScheme`) or the ANS terminology URL
 * `https://mos.esante.gouv.fr/NOS/<TRE_NAME>/FHIR/<TRE-NAME>`. The DMP accepts all of them and
 * answers with the canonical URL (DESIGN.md §3).
 *
 * Every OID/URL pair below was checked against the CodeSystem definitions of the ANS
 * (ansforge/IG-terminologie-de-sante: `^url` and `^identifier.value` of each TRE) or the HL7/IHE
 * naming systems. Where an ANS TRE republishes an international code system under the same OID
 * (TRE_A08 = HL7 Confidentiality, TRE_A09 = DICOM UID registry, TRE_A11 = IHE format codes,
 * TRE_R216 = HL7 RoleCode) both URLs are accepted; which one is canonical is said on the entry.
 */

/** One code system known to the project. */
export interface CodeSystemInfo {
  /** Short name: the ANS TRE name (`TRE_A03-ClasseDocument`) or the usual name of an international system. */
  readonly name: string;
  /** Canonical URL: what the DMP returns in FHIR `system`. */
  readonly url: string;
  /** The OID, when the system has one (TRE_A10 and TRE_A12 have pseudo-identifiers instead). */
  readonly oid: string | undefined;
  /** What CDA `codeSystem` / IHE SVS `codeSystem` carries for it: the OID, or the pseudo-identifier. */
  readonly cdaCodeSystem: string;
  /** Other URLs accepted as the same system (never returned). */
  readonly aliases: readonly string[];
}

/** Builds the ANS terminology URL of a TRE from its name, e.g. `TRE_A03-ClasseDocument`. */
function ansUrl(treName: string): string {
  return `https://mos.esante.gouv.fr/NOS/${treName}/FHIR/${treName.replace(/_/g, '-')}`;
}

function tre(name: string, oid: string): CodeSystemInfo {
  return { name, url: ansUrl(name), oid, cdaCodeSystem: oid, aliases: [] };
}

/**
 * Every code system used by the value sets the project ships, plus the ones the DMP metadata needs
 * (professions, specialties, facility categories, SNOMED CT for examples that misuse it).
 */
export const CODE_SYSTEMS: readonly CodeSystemInfo[] = [
  // --- ANS terminologies (French): canonical = the ANS URL ---
  tre('TRE_A00-ProducteurDocNonPS', '1.2.250.1.213.1.1.4.6'),
  tre('TRE_A01-CadreExercice', '1.2.250.1.213.1.1.4.9'),
  tre('TRE_A02-ProfessionSavFaire-CISIS', '1.2.250.1.213.1.1.4.5'),
  tre('TRE_A03-ClasseDocument', '1.2.250.1.213.1.1.4.1'),
  tre('TRE_A05-TypeDocComplementaire', '1.2.250.1.213.1.1.4.12'),
  tre('TRE_A06-FormatCodeComplementaire', '1.2.250.1.213.1.1.4.2.282'),
  tre('TRE_A07-StatutVisibiliteDocument', '1.2.250.1.213.1.1.4.13'),
  // TRE_A10 and TRE_A12 have no OID: the ANS gives them the identifiers `urn:oid:URN` and
  // `urn:oid:ASTM`, and SVS/CDA write `codeSystem="URN"` / `codeSystem="ASTM"`.
  {
    name: 'TRE_A10-NomenclatureURN',
    url: ansUrl('TRE_A10-NomenclatureURN'),
    oid: undefined,
    cdaCodeSystem: 'URN',
    aliases: [],
  },
  {
    name: 'TRE_A12-NomenclatureASTM',
    url: ansUrl('TRE_A12-NomenclatureASTM'),
    oid: undefined,
    cdaCodeSystem: 'ASTM',
    aliases: [],
  },
  tre('TRE_G15-ProfessionSante', '1.2.250.1.71.1.2.7'),
  tre('TRE_R01-EnsembleSavoirFaire-CISIS', '1.2.250.1.71.4.2.5'),
  tre('TRE_R02-SecteurActivite', '1.2.250.1.71.4.2.4'),
  tre('TRE_R66-CategorieEtablissement', '1.2.250.1.213.1.6.1.8'),
  tre('TRE_R85-RolePriseCharge', '1.2.250.1.213.1.6.1.107'),
  tre('TRE_R94-ProfessionSocial', '1.2.250.1.213.1.6.1.4'),
  tre('TRE_R95-UsagerTitre', '1.2.250.1.213.1.6.1.109'),
  tre('TRE_R217-ProtectionJuridique', '1.2.250.1.213.1.1.4.327'),
  tre('TRE_R248-ModeAcces', '1.2.250.1.213.1.1.4.248'),
  tre('TRE_R258-RelationPriseCharge', '1.2.250.1.213.1.1.4.2.280'),
  tre('TRE_R342-XdsTypesIdentifiantsReferenceId', '1.2.250.1.213.1.1.4.347'),
  // HL7 RoleCode: FR Core writes patient contacts' relationships with the ANS URL, so it is canonical.
  {
    name: 'TRE_R216-HL7RoleCode',
    url: ansUrl('TRE_R216-HL7RoleCode'),
    oid: '2.16.840.1.113883.5.111',
    cdaCodeSystem: '2.16.840.1.113883.5.111',
    aliases: ['http://terminology.hl7.org/CodeSystem/v3-RoleCode'],
  },

  // --- International systems: canonical = the HL7/IHE URL (as in the PDSm examples) ---
  {
    name: 'LOINC',
    url: 'http://loinc.org',
    oid: '2.16.840.1.113883.6.1',
    cdaCodeSystem: '2.16.840.1.113883.6.1',
    aliases: [],
  },
  {
    name: 'SNOMED CT',
    url: 'http://snomed.info/sct',
    oid: '2.16.840.1.113883.6.96',
    cdaCodeSystem: '2.16.840.1.113883.6.96',
    aliases: [],
  },
  {
    name: 'HL7 v3 Confidentiality',
    url: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
    oid: '2.16.840.1.113883.5.25',
    cdaCodeSystem: '2.16.840.1.113883.5.25',
    aliases: [ansUrl('TRE_A08-HL7Confidentiality')],
  },
  {
    name: 'IHE FormatCode',
    url: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
    oid: '1.3.6.1.4.1.19376.1.2.3',
    cdaCodeSystem: '1.3.6.1.4.1.19376.1.2.3',
    // TRE_A11 is the ANS copy (same OID; the DMP list J60 is written with it). The second alias is
    // the URL IHE used before the FormatCode IG.
    aliases: [ansUrl('TRE_A11-IheFormatCode'), 'http://ihe.net/fhir/ValueSet/IHE.FormatCode.codesystem'],
  },
  {
    name: 'DICOM UID Registry',
    url: 'http://dicom.nema.org/resources/ontology/DCMUID',
    oid: '1.2.840.10008.2.6.1',
    cdaCodeSystem: '1.2.840.10008.2.6.1',
    aliases: [ansUrl('TRE_A09-DICOMuidRegistry')],
  },
  {
    name: 'DICOM Controlled Terminology',
    url: 'http://dicom.nema.org/resources/ontology/DCM',
    oid: '1.2.840.10008.2.16.4',
    cdaCodeSystem: '1.2.840.10008.2.16.4',
    aliases: [],
  },
  {
    name: 'HL7 v3 ParticipationFunction',
    url: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationFunction',
    oid: '2.16.840.1.113883.5.88',
    cdaCodeSystem: '2.16.840.1.113883.5.88',
    aliases: [],
  },
];

/** Canonical URLs of the code systems the rest of the project names most often. */
export const SYSTEMS = {
  LOINC: 'http://loinc.org',
  SNOMED_CT: 'http://snomed.info/sct',
  HL7_CONFIDENTIALITY: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  IHE_FORMAT_CODE: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
  /** TRE_A00: producers that are not health professionals (patient, SNR): in J01, J02, J04. */
  PRODUCER_NON_PS: ansUrl('TRE_A00-ProducteurDocNonPS'),
  /** TRE_A01: practice settings (J04). */
  PRACTICE_SETTING: ansUrl('TRE_A01-CadreExercice'),
  /** TRE_A02: profession and specialty as used in documents (J01), e.g. `G15_10/SM26`. */
  PROFESSION_SPECIALTY: ansUrl('TRE_A02-ProfessionSavFaire-CISIS'),
  /** TRE_A03: document classes (J57). */
  DOCUMENT_CLASS: ansUrl('TRE_A03-ClasseDocument'),
  /** TRE_A05: DMP document types that are not LOINC (DOCPAT.., EXPPAT_.., REMB, ...). */
  DOCUMENT_TYPE_FR: ansUrl('TRE_A05-TypeDocComplementaire'),
  /** TRE_A06: French format codes (`urn:asip:ci-sis:...`). */
  FORMAT_CODE_FR: ansUrl('TRE_A06-FormatCodeComplementaire'),
  /** TRE_A07: visibility flags (MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REPRESENTANTS_LEGAUX). */
  VISIBILITY: ansUrl('TRE_A07-StatutVisibiliteDocument'),
  /** TRE_G15: professions (10 médecin, 50 sage-femme, ...). */
  PROFESSION: ansUrl('TRE_G15-ProfessionSante'),
  /** TRE_R02: sectors of activity, the facility types of J02 (SA01, ..., SA66). */
  FACILITY_TYPE: ansUrl('TRE_R02-SecteurActivite'),
  /** TRE_R66: FINESS establishment categories. */
  ESTABLISHMENT_CATEGORY: ansUrl('TRE_R66-CategorieEtablissement'),
  /** TRE_R248: access modes (normal, bris_de_glace, centre_15). */
  ACCESS_MODE: ansUrl('TRE_R248-ModeAcces'),
} as const;

const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const URN_OID_PREFIX = 'urn:oid:';

/** Every accepted spelling (URL, alias, `urn:oid:`, bare OID, CDA pseudo-identifier) -> entry. */
const BY_KEY: ReadonlyMap<string, CodeSystemInfo> = (() => {
  const map = new Map<string, CodeSystemInfo>();
  const add = (key: string, info: CodeSystemInfo): void => {
    const existing = map.get(key);
    if (existing !== undefined && existing !== info) {
      throw new Error(`code system key ${key} claimed by ${existing.name} and ${info.name}`);
    }
    map.set(key, info);
  };
  for (const info of CODE_SYSTEMS) {
    add(info.url, info);
    for (const alias of info.aliases) add(alias, info);
    add(info.cdaCodeSystem, info);
    add(URN_OID_PREFIX + info.cdaCodeSystem, info);
    if (info.oid !== undefined) {
      add(info.oid, info);
      add(URN_OID_PREFIX + info.oid, info);
    }
  }
  return map;
})();

/** `urn:oid:` prefix matched case-insensitively (RFC 3061); the rest is kept as is. */
function normaliseUrnOid(uri: string): string {
  return uri.slice(0, URN_OID_PREFIX.length).toLowerCase() === URN_OID_PREFIX
    ? URN_OID_PREFIX + uri.slice(URN_OID_PREFIX.length)
    : uri;
}

/**
 * The entry for a system URI in any accepted form (`urn:oid:...`, bare OID, canonical URL, alias,
 * CDA pseudo-identifier such as `ASTM`), or undefined when the system is not in the table.
 */
export function codeSystemInfo(uri: string): CodeSystemInfo | undefined {
  return BY_KEY.get(normaliseUrnOid(uri));
}

/**
 * The canonical form of a system URI: the URL when the system is known (whatever form it came in),
 * otherwise the input unchanged.
 */
export function canonicalSystem(uri: string): string {
  return codeSystemInfo(uri)?.url ?? uri;
}

/**
 * The OID of a system given in any accepted form; for an unknown system, the OID it spells
 * (`urn:oid:1.2.3` or `1.2.3`), else undefined.
 */
export function systemOid(uri: string): string | undefined {
  const info = codeSystemInfo(uri);
  if (info !== undefined) return info.oid;
  const normalised = normaliseUrnOid(uri);
  const candidate = normalised.startsWith(URN_OID_PREFIX) ? normalised.slice(URN_OID_PREFIX.length) : normalised;
  return OID_PATTERN.test(candidate) ? candidate : undefined;
}

/**
 * What to write in a CDA `codeSystem` attribute (or an XDS codingScheme) for a system given in any
 * form: the OID, or the pseudo-identifier of TRE_A10/TRE_A12; undefined when unknown and not an OID.
 */
export function cdaCodeSystem(uri: string): string | undefined {
  return codeSystemInfo(uri)?.cdaCodeSystem ?? systemOid(uri);
}

/** Whether two system URIs, in any accepted form, name the same code system. */
export function sameSystem(a: string, b: string): boolean {
  if (canonicalSystem(a) === canonicalSystem(b)) return true;
  const oidA = systemOid(a);
  return oidA !== undefined && oidA === systemOid(b);
}
