/**
 * The synthetic register of the simulated Annuaire Santé: structures and professionals, nobody
 * real. RPPS numbers are of the test range (`1000…`); FINESS and SIRET numbers are made up.
 * The demo cast (packages/dmp/src/demo/demo-people.ts) is here with the same national ids, names,
 * specialties and structures; a test checks they agree.
 */
import { valueSet } from '@dmp/core';
import type { DirectoryOrganization, DirectoryProfessional, DirectoryRole, ProfessionSystem } from './health-directory.js';

/** OID of TRE_A02 (profession and specialty as documents carry it: value set J01). */
const A02 = '1.2.250.1.213.1.1.4.5';
/** OID of TRE_R02 (activity sector: the facility types of value set J02). */
const R02 = '1.2.250.1.71.4.2.4';
/** OID of TRE_R94 (social professions: value set J48). */
const R94 = '1.2.250.1.213.1.6.1.4';

function required(label: string | undefined, what: string): string {
  if (label === undefined) throw new Error(`directory register: no label for ${what}`);
  return label;
}

interface OrganizationRow {
  readonly id: string;
  readonly name: string;
  readonly facilityType: string;
  readonly address: string;
  readonly postalCode: string;
  readonly city: string;
  readonly mssAddress?: string;
}

function organization(row: OrganizationRow): DirectoryOrganization {
  const facilityTypeLabel = required(valueSet('J02').display(R02, row.facilityType), `facility type ${row.facilityType}`);
  return Object.freeze({ ...row, facilityTypeLabel });
}

/** Structures, keyed for the professionals' rows below. */
export const DIRECTORY_ORGANIZATIONS = {
  maternity: organization({
    id: '1330000012',
    name: 'Maternité Sainte Félicité',
    facilityType: 'SA01',
    address: '14 rue des Berceaux',
    postalCode: '33000',
    city: 'Bordeaux',
    mssAddress: 'secretariat.obstetrique@maternite-sainte-felicite.mssante.fr',
  }),
  cabinetLefevre: organization({
    id: '344312345600017',
    name: 'Cabinet du Dr Lefèvre',
    facilityType: 'SA07',
    address: '27 avenue de la Marne',
    postalCode: '33700',
    city: 'Mérignac',
  }),
  chTilleuls: organization({
    id: '1330000020',
    name: 'Centre Hospitalier des Tilleuls',
    facilityType: 'SA01',
    address: '2 allée des Tilleuls',
    postalCode: '33600',
    city: 'Pessac',
    mssAddress: 'accueil@ch-tilleuls.mssante.fr',
  }),
  pharmacieChartrons: organization({
    id: '1330000038',
    name: 'Pharmacie des Chartrons',
    facilityType: 'SA33',
    address: '45 quai des Chartrons',
    postalCode: '33300',
    city: 'Bordeaux',
  }),
  mspPins: organization({
    id: '381234567800025',
    name: 'Maison de santé des Pins',
    facilityType: 'SA52',
    address: '8 place Charles de Gaulle',
    postalCode: '33700',
    city: 'Mérignac',
  }),
  cabinetInfirmierBastide: organization({
    id: '382345678900013',
    name: 'Cabinet infirmier de la Bastide',
    facilityType: 'SA08',
    address: '3 avenue Thiers',
    postalCode: '33100',
    city: 'Bordeaux',
  }),
  kinePessac: organization({
    id: '383456789000018',
    name: 'Cabinet de kinésithérapie du Bourg',
    facilityType: 'SA08',
    address: '19 avenue Jean Jaurès',
    postalCode: '33600',
    city: 'Pessac',
  }),
  dentairePessac: organization({
    id: '384567890100016',
    name: 'Cabinet dentaire Saint-Martin',
    facilityType: 'SA07',
    address: '5 rue Saint-Martin',
    postalCode: '33600',
    city: 'Pessac',
  }),
  spstGironde: organization({
    id: '385678901200014',
    name: 'Santé au Travail Gironde Atlantique',
    facilityType: 'SA66',
    address: '60 rue de la Croix Blanche',
    postalCode: '33000',
    city: 'Bordeaux',
  }),
  hopitalBatignolles: organization({
    id: '1750000015',
    name: 'Hôpital des Batignolles',
    facilityType: 'SA01',
    address: '110 boulevard des Batignolles',
    postalCode: '75017',
    city: 'Paris',
    mssAddress: 'secretariat@hopital-batignolles.mssante.fr',
  }),
  centreSanteVoltaire: organization({
    id: '1750000023',
    name: 'Centre de santé Voltaire',
    facilityType: 'SA05',
    address: '201 boulevard Voltaire',
    postalCode: '75011',
    city: 'Paris',
  }),
  pharmacieBastille: organization({
    id: '1750000031',
    name: 'Pharmacie de la Bastille',
    facilityType: 'SA33',
    address: '12 rue de la Roquette',
    postalCode: '75011',
    city: 'Paris',
  }),
  cliniqueParcLyon: organization({
    id: '1690000014',
    name: 'Clinique du Parc',
    facilityType: 'SA04',
    address: '155 boulevard de Stalingrad',
    postalCode: '69006',
    city: 'Lyon',
    mssAddress: 'contact@clinique-du-parc-lyon.mssante.fr',
  }),
  cabinetCroixRousse: organization({
    id: '386789012300012',
    name: 'Cabinet médical de la Croix-Rousse',
    facilityType: 'SA08',
    address: '4 place de la Croix-Rousse',
    postalCode: '69004',
    city: 'Lyon',
  }),
} as const satisfies Record<string, DirectoryOrganization>;

type OrganizationKey = keyof typeof DIRECTORY_ORGANIZATIONS;

/** The MSSanté domain of a structure's staff, or the national domain of the profession for liberals. */
const STRUCTURE_DOMAINS: Partial<Record<OrganizationKey, string>> = {
  maternity: 'maternite-sainte-felicite.mssante.fr',
  chTilleuls: 'ch-tilleuls.mssante.fr',
  hopitalBatignolles: 'hopital-batignolles.mssante.fr',
  cliniqueParcLyon: 'clinique-du-parc-lyon.mssante.fr',
  spstGironde: 'st-gironde-atlantique.mssante.fr',
};
const PROFESSION_DOMAINS: Record<string, string> = {
  '10': 'medecin.mssante.fr',
  '21': 'pharmacien.mssante.fr',
  '40': 'chirurgien-dentiste.mssante.fr',
  '50': 'sage-femme.mssante.fr',
  '60': 'infirmier.mssante.fr',
  '70': 'masseur-kinesitherapeute.mssante.fr',
};

function localPart(givenName: string, familyName: string): string {
  const slug = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug(givenName)}.${slug(familyName)}`;
}

interface ProfessionalRow {
  readonly rpps: string;
  readonly familyName: string;
  readonly givenName: string;
  readonly civility?: string;
  /** TRE_G15 code, or `R94:41` for a social profession. */
  readonly profession: string;
  readonly specialty?: string;
  readonly at: readonly OrganizationKey[];
  /** No MSSanté address (not every professional has one). */
  readonly noMss?: boolean;
}

function professional(row: ProfessionalRow): DirectoryProfessional {
  if (!/^\d{11}$/.test(row.rpps)) throw new Error(`directory register: RPPS ${row.rpps} is not 11 digits`);
  const social = row.profession.startsWith('R94:');
  const professionSystem: ProfessionSystem = social ? 'R94' : 'G15';
  const profession = social ? row.profession.slice(4) : row.profession;
  const professionLabel = social
    ? required(valueSet('J48').display(R94, profession), `social profession ${profession}`)
    : required(valueSet('J01').display(A02, `G15_${profession}`), `profession ${profession}`);
  const specialtyLabel = row.specialty === undefined ? undefined : required(valueSet('J01').display(A02, row.specialty), `specialty ${row.specialty}`);
  const local = localPart(row.givenName, row.familyName);
  const firstKey = row.at[0];
  const mainDomain = (firstKey && STRUCTURE_DOMAINS[firstKey]) ?? PROFESSION_DOMAINS[profession];
  const mssAddress = row.noMss || mainDomain === undefined ? undefined : `${local}@${mainDomain}`;
  const roles: DirectoryRole[] = row.at.map((key) => {
    const domain = STRUCTURE_DOMAINS[key];
    const roleMss = row.noMss ? undefined : domain ? `${local}@${domain}` : mssAddress;
    return Object.freeze({ organization: DIRECTORY_ORGANIZATIONS[key], ...(roleMss ? { mssAddress: roleMss } : {}) });
  });
  return Object.freeze({
    nationalId: `8${row.rpps}`,
    rpps: row.rpps,
    familyName: row.familyName,
    givenName: row.givenName,
    ...(row.civility ? { civility: row.civility } : {}),
    profession,
    professionSystem,
    professionLabel,
    ...(row.specialty ? { specialty: row.specialty, specialtyLabel } : {}),
    roles: Object.freeze(roles),
    ...(mssAddress ? { mssAddress } : {}),
  });
}

/** Synthetic test-range RPPS: `10010` + 6 digits. */
const rpps = (n: number): string => `10010${String(n).padStart(6, '0')}`;

const ROWS: readonly ProfessionalRow[] = [
  // --- the demo cast (demo-people.ts): same RPPS, names, specialties and structures ---
  { rpps: '10003456789', familyName: 'LEFEVRE', givenName: 'Jean', civility: 'DR', profession: '10', specialty: 'G15_10/SM26', at: ['cabinetLefevre'] },
  { rpps: '10004567890', familyName: 'FONTAINE', givenName: 'Claire', civility: 'DR', profession: '10', specialty: 'G15_10/SM20', at: ['maternity'] },
  { rpps: '10005678901', familyName: 'BERNARD', givenName: 'Sophie', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['maternity'] },
  { rpps: '10006789012', familyName: 'PETIT', givenName: 'Marc', civility: 'M', profession: '21', specialty: 'G15_21', at: ['pharmacieChartrons'] },
  { rpps: '10007890123', familyName: 'GIRARD', givenName: 'Paul', civility: 'DR', profession: '10', specialty: 'G15_10/SM25', at: ['spstGironde'] },

  // --- Maternité Sainte Félicité ---
  { rpps: rpps(1), familyName: 'ROUSSEAU', givenName: 'Isabelle', civility: 'DR', profession: '10', specialty: 'G15_10/SM20', at: ['maternity'] },
  { rpps: rpps(2), familyName: 'GARNIER', givenName: 'Nathalie', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['maternity'] },
  { rpps: rpps(3), familyName: 'CHEVALIER', givenName: 'Lucie', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['maternity'] },
  { rpps: rpps(4), familyName: 'MERCIER', givenName: 'Antoine', civility: 'DR', profession: '10', specialty: 'G15_10/SM02', at: ['maternity', 'chTilleuls'] },
  { rpps: rpps(5), familyName: 'BLANC', givenName: 'Émilie', civility: 'DR', profession: '10', specialty: 'G15_10/SM40', at: ['maternity'] },
  { rpps: rpps(6), familyName: 'FAURE', givenName: 'Céline', civility: 'MME', profession: '60', specialty: 'G15_60', at: ['maternity'] },
  { rpps: rpps(7), familyName: 'GUERIN', givenName: 'Hélène', civility: 'MME', profession: 'R94:41', at: ['maternity'] },

  // --- Bordeaux, Mérignac, Pessac ---
  { rpps: rpps(8), familyName: 'LAMBERT', givenName: 'François', civility: 'DR', profession: '10', specialty: 'G15_10/SM26', at: ['mspPins'] },
  { rpps: rpps(9), familyName: 'BONNET', givenName: 'Anne', civility: 'DR', profession: '10', specialty: 'G15_10/SM54', at: ['mspPins'] },
  { rpps: rpps(10), familyName: 'FRANCOIS', givenName: 'Julie', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['mspPins'] },
  { rpps: rpps(11), familyName: 'LEGRAND', givenName: 'Thomas', civility: 'M', profession: '60', specialty: 'G15_60', at: ['cabinetInfirmierBastide'] },
  { rpps: rpps(12), familyName: 'GAUTHIER', givenName: 'Marie', civility: 'MME', profession: '60', specialty: 'G15_60', at: ['cabinetInfirmierBastide'] },
  { rpps: rpps(13), familyName: 'PERRIN', givenName: 'Nicolas', civility: 'M', profession: '70', specialty: 'G15_70', at: ['kinePessac'] },
  { rpps: rpps(14), familyName: 'ROBIN', givenName: 'Camille', civility: 'MME', profession: '70', specialty: 'G15_70', at: ['kinePessac'], noMss: true },
  { rpps: rpps(15), familyName: 'CLEMENT', givenName: 'Olivier', civility: 'DR', profession: '40', specialty: 'G15_40', at: ['dentairePessac'] },
  { rpps: rpps(16), familyName: 'MOREL', givenName: 'Stéphane', civility: 'DR', profession: '10', specialty: 'G15_10/SM42', at: ['chTilleuls'] },
  { rpps: rpps(17), familyName: 'FOURNIER', givenName: 'Laurent', civility: 'DR', profession: '10', specialty: 'G15_10/SM04', at: ['chTilleuls'] },
  { rpps: rpps(18), familyName: 'ANDRE', givenName: 'Sylvie', civility: 'MME', profession: '21', specialty: 'G15_21/H', at: ['chTilleuls'] },
  { rpps: rpps(19), familyName: 'MASSON', givenName: 'Élodie', civility: 'MME', profession: '21', specialty: 'G15_21/DA', at: ['pharmacieChartrons'] },
  { rpps: rpps(20), familyName: 'DUPONT', givenName: 'Michel', civility: 'DR', profession: '10', specialty: 'G15_10/SM25', at: ['spstGironde'] },
  { rpps: rpps(21), familyName: 'LE GOFF', givenName: 'Yann', civility: 'M', profession: '60', specialty: 'G15_60', at: ['chTilleuls'] },
  { rpps: rpps(22), familyName: 'SAINT-ANDRE', givenName: 'Béatrice', civility: 'MME', profession: 'R94:41', at: ['chTilleuls'] },
  { rpps: rpps(23), familyName: 'LEFEVRE', givenName: 'Agnès', civility: 'MME', profession: '60', specialty: 'G15_60', at: ['cabinetInfirmierBastide'] },

  // --- Paris ---
  { rpps: rpps(24), familyName: 'DUBOIS', givenName: 'Philippe', civility: 'DR', profession: '10', specialty: 'G15_10/SM26', at: ['centreSanteVoltaire'] },
  { rpps: rpps(25), familyName: 'ROUX', givenName: 'Caroline', civility: 'DR', profession: '10', specialty: 'G15_10/SM20', at: ['hopitalBatignolles'] },
  { rpps: rpps(26), familyName: 'VINCENT', givenName: 'Pauline', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['hopitalBatignolles'] },
  { rpps: rpps(27), familyName: 'FABRE', givenName: 'Mathieu', civility: 'DR', profession: '10', specialty: 'G15_10/SM40', at: ['hopitalBatignolles', 'centreSanteVoltaire'] },
  { rpps: rpps(28), familyName: 'MULLER', givenName: 'Sarah', civility: 'MME', profession: '21', specialty: 'G15_21/A', at: ['pharmacieBastille'] },
  { rpps: rpps(29), familyName: 'NGUYEN', givenName: 'Linh', civility: 'MME', profession: '60', specialty: 'G15_60', at: ['centreSanteVoltaire'] },
  { rpps: rpps(30), familyName: 'HENRY', givenName: 'Vincent', civility: 'DR', profession: '10', specialty: 'G15_10/SM02', at: ['hopitalBatignolles'] },
  { rpps: rpps(31), familyName: 'BENALI', givenName: 'Karim', civility: 'DR', profession: '10', specialty: 'G15_10/SM26', at: ['centreSanteVoltaire'] },

  // --- Lyon ---
  { rpps: rpps(32), familyName: 'BERTRAND', givenName: 'Christophe', civility: 'DR', profession: '10', specialty: 'G15_10/SM26', at: ['cabinetCroixRousse'] },
  { rpps: rpps(33), familyName: 'MOREAU', givenName: 'Aurélie', civility: 'DR', profession: '10', specialty: 'G15_10/SM20', at: ['cliniqueParcLyon'] },
  { rpps: rpps(34), familyName: 'GIRAUD', givenName: 'Laure', civility: 'MME', profession: '50', specialty: 'G15_50', at: ['cliniqueParcLyon'] },
  { rpps: rpps(35), familyName: 'ROCHE', givenName: 'Benoît', civility: 'M', profession: '70', specialty: 'G15_70', at: ['cabinetCroixRousse'] },
  { rpps: rpps(36), familyName: 'DA SILVA', givenName: 'Inès', civility: 'DR', profession: '10', specialty: 'G15_10/SM42', at: ['cliniqueParcLyon'] },
];

export const DIRECTORY_PROFESSIONALS: readonly DirectoryProfessional[] = Object.freeze(ROWS.map(professional));
