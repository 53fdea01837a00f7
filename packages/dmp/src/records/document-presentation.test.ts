import { describe, expect, it } from 'vitest';
import { buildDocumentReference, type PdsmDocument } from '@dmp/core';
import { presentFromResource, type DocumentRow } from './document-presenter.js';
import { ARCHIVE_EXTENSION, isPresentation, presentationOf, presentStored } from './document-presentation.js';

const BASE = 'https://dmp.example/fhir';
const ID = '0a8f5c1e-3b2d-4c6e-9f7a-1b2c3d4e5f60';
const REPLACED = '1b9f6d2e-4c3e-4d7f-8a8b-2c3d4e5f6071';

const doc: PdsmDocument = {
  ins: '279035121518989',
  type: { code: '15508-5', display: "CR d'accouchement" },
  classCode: '10',
  formatCode: 'urn:ihe:iti:xds-sd:pdf:2008',
  author: { nationalId: '810000000001', profession: '50', familyName: 'SAGE', givenName: 'Léa « Ève »' },
  facilityType: 'SA01',
  practiceSetting: 'ETABLISSEMENT',
  title: 'Compte rendu d\u2019accouchement "test" \\ \u2028',
  mimeType: 'application/pdf',
  content: Buffer.from('%PDF-1.4 a small test'),
  date: '2026-11-20T14:05:00+01:00',
};

/** The resource as a deposit stores it (no inline data). */
function storedResource(overrides: (r: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const resource = buildDocumentReference(doc, undefined);
  for (const item of resource.content as { attachment: Record<string, unknown> }[]) delete item.attachment.data;
  overrides(resource);
  return resource;
}

interface Case {
  readonly name: string;
  readonly resource: Record<string, unknown>;
  readonly row: Partial<DocumentRow>;
}

const cases: Case[] = [
  { name: 'a plain deposit', resource: storedResource(), row: {} },
  {
    name: 'masked, archived, another version, with a profile and another extension',
    resource: storedResource((r) => {
      r.meta = { profile: ['https://example.org/StructureDefinition/x'], versionId: '9', lastUpdated: '2000-01-01T00:00:00Z' };
      r.extension = [{ url: 'https://example.org/ext', valueString: 'kept' }, { url: ARCHIVE_EXTENSION, valueBoolean: true }];
    }),
    row: { archived: true, visibility: ['MASQUE_PS', 'INVISIBLE_PATIENT'], version: 4, status: 'entered-in-error' },
  },
  {
    name: 'an archived document with no other extension',
    resource: storedResource((r) => {
      r.extension = [{ url: ARCHIVE_EXTENSION, valueBoolean: true }];
    }),
    row: { archived: true },
  },
  {
    name: 'a stale archive extension on a document no longer archived',
    resource: storedResource((r) => {
      r.extension = [{ url: ARCHIVE_EXTENSION, valueBoolean: true }];
    }),
    row: { archived: false },
  },
  {
    name: 'no category (the class code supplies it), a replacement, superseded',
    resource: storedResource((r) => {
      delete r.category;
      r.relatesTo = [{ code: 'replaces', target: { reference: 'DocumentReference?identifier=urn:oid:1.2.3' } }];
    }),
    row: { replaces: REPLACED, status: 'superseded', version: 2 },
  },
  {
    name: 'two content items, one without attachment',
    resource: storedResource((r) => {
      const first = (r.content as Record<string, unknown>[])[0]!;
      r.content = [first, { format: { code: 'x' } }];
    }),
    row: {},
  },
  { name: 'an empty content list', resource: storedResource((r) => (r.content = [])), row: {} },
  { name: 'no content at all', resource: storedResource((r) => delete r.content), row: {} },
];

describe('stored presentation of a DocumentReference', () => {
  for (const { name, resource, row: overrides } of cases) {
    it(`is the resource presentFromResource makes: ${name}`, () => {
      const row: DocumentRow = {
        id: ID,
        ins: doc.ins,
        unique_id: 'urn:oid:1.2.3.4',
        status: 'current',
        archived: false,
        confidentiality: ['N'],
        visibility: [],
        size: 12345,
        sha1: 'c2hhMQ==',
        mime_type: 'application/pdf',
        deposited_at: new Date('2026-11-21T10:11:12.345Z'),
        version: 1,
        replaces: null,
        resource: structuredClone(resource),
        ...overrides,
      };
      const presentation = presentationOf(structuredClone(resource), {
        size: Number(row.size),
        sha1: row.sha1,
        mimeType: row.mime_type,
        depositedAt: row.deposited_at,
        replaces: row.replaces,
        classCode: '10',
      });
      expect(isPresentation(presentation)).toBe(true);
      const text = presentStored(presentation, row, BASE);
      const expected = presentFromResource({ ...row, class_code: '10' } as DocumentRow, BASE);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(expected)));
    });
  }

  it('never holds the separator inside a fragment, whatever the text', () => {
    const resource = storedResource((r) => {
      r.description = 'a\u0001b';
    });
    const presentation = presentationOf(resource, { size: 1, sha1: 'x', mimeType: 'application/pdf', depositedAt: new Date(0), replaces: null, classCode: '10' });
    expect(presentation.split('\u0001')).toHaveLength(7);
    const row = { id: ID, status: 'current', version: 1, archived: false, confidentiality: ['N'], visibility: [] };
    expect((JSON.parse(presentStored(presentation, row, BASE)) as { description: string }).description).toBe('a\u0001b');
  });

  it('is not mistaken for another format', () => {
    expect(isPresentation(null)).toBe(false);
    expect(isPresentation('{"resourceType":"DocumentReference"}')).toBe(false);
  });
});
