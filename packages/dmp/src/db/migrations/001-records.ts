import { sql, type Kysely } from 'kysely';

/** Patient records, their access settings, documents, their encrypted content and submission sets. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE patient_record (
      ins               text PRIMARY KEY,
      ins_oid           text NOT NULL,
      status            text NOT NULL CHECK (status IN ('open', 'closed')),
      identity          bytea NOT NULL,            -- encrypted JSON of the INS traits
      minor             boolean NOT NULL DEFAULT false,
      medecin_traitant  text,
      emergency_opposed boolean NOT NULL DEFAULT false,
      created_at        timestamptz NOT NULL DEFAULT now(),
      closed_at         timestamptz,
      version           integer NOT NULL DEFAULT 1
    );

    CREATE TABLE record_professional (
      ins          text NOT NULL REFERENCES patient_record(ins),
      national_id  text NOT NULL,
      setting      text NOT NULL CHECK (setting IN ('authorised', 'blocked')),
      changed_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (ins, national_id)
    );

    CREATE TABLE legal_representative (
      ins                text NOT NULL REFERENCES patient_record(ins),
      representative_id  text NOT NULL,
      PRIMARY KEY (ins, representative_id)
    );

    CREATE TABLE submission_set (
      id                 uuid PRIMARY KEY,
      ins                text NOT NULL REFERENCES patient_record(ins),
      unique_id          text NOT NULL UNIQUE,
      source_id          text,
      author_id          text,
      submitted_at       timestamptz NOT NULL DEFAULT now(),
      resource           jsonb NOT NULL
    );
    CREATE INDEX submission_set_by_patient ON submission_set (ins, submitted_at DESC);

    CREATE TABLE document (
      id                 uuid PRIMARY KEY,
      ins                text NOT NULL REFERENCES patient_record(ins),
      unique_id          text NOT NULL UNIQUE,       -- masterIdentifier
      submission_set_id  uuid REFERENCES submission_set(id),
      status             text NOT NULL CHECK (status IN ('current', 'superseded', 'entered-in-error')),
      archived           boolean NOT NULL DEFAULT false,
      type_code          text NOT NULL,
      class_code         text NOT NULL,
      format_code        text NOT NULL,
      confidentiality    text[] NOT NULL,
      visibility         text[] NOT NULL DEFAULT '{}',
      author_id          text NOT NULL,
      author_given       text,
      author_family      text,
      facility_type      text,
      practice_setting   text,
      document_date      timestamptz,                -- DocumentReference.date
      period_start       timestamptz,
      period_end         timestamptz,
      mime_type          text NOT NULL,
      size               bigint NOT NULL,
      sha1               text NOT NULL,
      submission_digest  text NOT NULL,             -- sha-256 of what was submitted: same id + same digest = same deposit
      replaces           uuid REFERENCES document(id),
      deposited_at       timestamptz NOT NULL DEFAULT now(),
      version            integer NOT NULL DEFAULT 1,
      resource           jsonb NOT NULL               -- the DocumentReference as stored, without content
    );
    -- "this patient's current documents, newest first"
    CREATE INDEX document_current_by_patient ON document (ins, document_date DESC, id) WHERE status = 'current';
    CREATE INDEX document_by_patient ON document (ins, deposited_at DESC);
    CREATE UNIQUE INDEX document_replaced_once ON document (replaces) WHERE replaces IS NOT NULL;

    CREATE TABLE document_content (
      document_id   uuid PRIMARY KEY REFERENCES document(id),
      wrapped_key   bytea NOT NULL,
      iv            bytea NOT NULL,
      tag           bytea NOT NULL,
      ciphertext    bytea NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE document_content, document, submission_set, legal_representative, record_professional, patient_record`.execute(db);
}
