/**
 * The minimal FHIR R4 shapes this host reads and writes. Input is `unknown` until parsed;
 * these interfaces describe what the parsers have checked.
 */
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
  use?: string;
  type?: CodeableConcept;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
  type?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface HumanName {
  family?: string;
  given?: string[];
  use?: string;
}

export interface Attachment {
  contentType?: string;
  language?: string;
  data?: string;
  url?: string;
  size?: number;
  hash?: string;
  title?: string;
  creation?: string;
}

export interface Extension {
  url: string;
  valueCode?: string;
  valueString?: string;
  valueBoolean?: boolean;
  valueCoding?: Coding;
  valueCodeableConcept?: CodeableConcept;
  valueIdentifier?: Identifier;
  valueReference?: Reference;
  valueDateTime?: string;
}

/** Any resource: a resourceType and whatever else. */
export interface Resource {
  resourceType: string;
  id?: string;
  meta?: { profile?: string[]; lastUpdated?: string; versionId?: string; security?: Coding[] };
  [key: string]: unknown;
}

export interface BundleEntry {
  fullUrl?: string;
  resource?: Resource;
  request?: { method: string; url: string; ifNoneExist?: string };
  response?: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: Resource };
  search?: { mode: 'match' | 'include' | 'outcome' };
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry[];
}

/** True when `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` is an object with a string `resourceType`. */
export function isResource(value: unknown): value is Resource {
  return isObject(value) && typeof value.resourceType === 'string';
}
