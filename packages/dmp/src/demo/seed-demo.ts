import { buildDocumentReference, type PdsmDocument } from '@dmp/core';
import type { InsiService } from '@dmp/national';
import type { HostServices, RequestContext } from '../context.js';
import { createRecordFromCarteVitale } from '../identity/create-record.js';
import { changeRecord } from '../identity/manage-record.js';
import { depositDocuments } from '../records/deposit-documents.js';
import { parseSimplifiedPublish } from '../records/parse-submission.js';
import { reportPdf } from './demo-documents.js';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS, type DemoProfessional } from './demo-people.js';

const ADMIN: RequestContext = { actor: { kind: 'administrator', operatorId: 'demo-setup' }, mode: 'normal', requestId: 'demo-setup' };

function professionalContext(p: DemoProfessional): RequestContext {
  return {
    actor: {
      kind: 'professional',
      professional: {
        nationalId: p.nationalId,
        profession: p.profession,
        ...(p.specialty ? { specialty: p.specialty } : {}),
        familyName: p.familyName,
        givenName: p.givenName,
        ...(p.structure ? { structure: { nationalId: p.structure.id, name: p.structure.name, facilityType: p.structure.facilityType } } : {}),
      },
    },
    mode: 'normal',
    requestId: 'demo-setup',
    software: 'demo-setup',
  };
}

function authorOf(p: DemoProfessional): PdsmDocument['author'] {
  return {
    nationalId: p.nationalId,
    profession: p.profession,
    ...(p.specialty ? { specialty: p.specialty } : {}),
    familyName: p.familyName,
    givenName: p.givenName,
    ...(p.structure ? { structureId: p.structure.id, structureName: p.structure.name } : {}),
  };
}

/**
 * Seeds the demo on first start: the patients' records (created from Carte Vitale data through
 * INSi), the mother's médecin traitant and authorisations, and a few documents deposited by the
 * maternity's professionals. Every step goes through the same commands (decided and audited) as
 * live traffic. Returns false when the demo was already there.
 */
export async function seedDemo(services: HostServices, insi: InsiService): Promise<boolean> {
  const existing = await services.pool.query('SELECT 1 FROM patient_record WHERE ins = $1', [DEMO_PATIENTS.mother.ins]);
  if ((existing.rowCount ?? 0) > 0) return false;
  const { mother, lea, julien, hugo } = DEMO_PATIENTS;
  const pros = DEMO_PROFESSIONALS;
  for (const patient of [mother, lea, julien]) await createRecordFromCarteVitale(ADMIN, services, insi, patient.card);
  await createRecordFromCarteVitale(ADMIN, services, insi, hugo.card, { legalRepresentatives: [mother.ins] });
  await changeRecord(ADMIN, services, mother.ins, { kind: 'declare-medecin-traitant', nationalId: pros.medecinTraitant.nationalId });
  await changeRecord(ADMIN, services, mother.ins, { kind: 'authorise', nationalId: pros.midwife.nationalId });
  await changeRecord(ADMIN, services, mother.ins, { kind: 'authorise', nationalId: pros.obstetrician.nationalId });
  await changeRecord(ADMIN, services, lea.ins, { kind: 'authorise', nationalId: pros.pharmacist.nationalId });

  const deposit = async (by: DemoProfessional, doc: Omit<PdsmDocument, 'author' | 'facilityType' | 'practiceSetting' | 'mimeType' | 'formatCode'>) => {
    const full: PdsmDocument = {
      ...doc,
      author: authorOf(by),
      facilityType: by.structure?.facilityType ?? 'SA07',
      practiceSetting: by.structure ? 'ETABLISSEMENT' : 'AMBULATOIRE',
      mimeType: 'application/pdf',
      formatCode: 'urn:ihe:iti:xds-sd:pdf:2008',
    };
    await depositDocuments(professionalContext(by), services, parseSimplifiedPublish(buildDocumentReference(full, undefined)));
  };
  await deposit(pros.obstetrician, {
    ins: mother.ins,
    uniqueId: 'urn:oid:1.2.250.1.213.1.1.9.1.1',
    type: { code: '15508-5', display: "CR d'accouchement" },
    classCode: '10',
    title: "Compte rendu d'accouchement",
    date: '2026-11-20T14:05:00+01:00',
    period: { start: '2026-11-20T08:10:00+01:00', end: '2026-11-20T14:05:00+01:00' },
    content: await reportPdf("Compte rendu d'accouchement", [
      'Maternité Sainte Félicité — salle de naissance',
      'Patiente : Camille LEROY née DUBOIS, 14/03/1979',
      'Accouchement par voie basse le 20/11/2026 à 13:42, à 39 SA + 2 j, sous analgésie péridurale.',
      'Nouveau-né : fille, 3 250 g, Apgar 9/10/10.',
      'Délivrance complète, pertes sanguines estimées à 300 mL.',
      'Dr Claire FONTAINE, gynécologue-obstétricienne',
    ]),
  });
  await deposit(pros.midwife, {
    ins: mother.ins,
    uniqueId: 'urn:oid:1.2.250.1.213.1.1.9.1.2',
    type: { code: '11490-0', display: 'Lettre de liaison à la sortie' },
    classCode: '10',
    title: 'Lettre de liaison à la sortie',
    date: '2026-11-23T11:00:00+01:00',
    period: { start: '2026-11-20T07:30:00+01:00', end: '2026-11-23T11:00:00+01:00' },
    content: await reportPdf('Lettre de liaison à la sortie', [
      'Séjour du 20/11/2026 au 23/11/2026 en maternité.',
      'Suites de couches simples. Allaitement maternel.',
      'Traitement de sortie : fer per os pendant 1 mois.',
      'Suivi : consultation post-natale à 6 semaines.',
      'Sophie BERNARD, sage-femme',
    ]),
  });
  await deposit(pros.medecinTraitant, {
    ins: lea.ins,
    uniqueId: 'urn:oid:1.2.250.1.213.1.1.9.1.3',
    type: { code: '11502-2', display: "CR d'examens biologiques" },
    classCode: '10',
    title: 'Bilan biologique',
    date: '2026-10-02T09:30:00+02:00',
    content: await reportPdf("Compte rendu d'examens biologiques", ['Numération formule sanguine : normale.', 'Ferritine : 45 µg/L.']),
  });
  return true;
}
