import { sql, type Kysely } from 'kysely';

/**
 * The maternity's own records (its own database, not the DMP's).
 *
 * Health data is sealed (AES-256-GCM, one data key per value, wrapped by the maternity's master
 * key): identity traits, clinical reports, generated documents. What stays in clear is what the
 * software needs to find and order things: the INS (the key the DMP files documents under), the
 * identity status, dates, statuses and the documents' DMP metadata codes.
 *
 * - `staff`, `staff_session`: the maternity's professionals who sign in to the staff UI.
 * - `patient`: mothers and newborns; a newborn has a provisional identity (PROV, IPP only) until
 *   its INS is qualified.
 * - `stay`: an admission of a mother.
 * - `clinical_report`: a delivery, a caesarean operation or a discharge, as validated by a
 *   professional; a correction is a new version (`supersedes`).
 * - `clinical_document`: the CDA documents generated from reports, with the mother's choices and
 *   their state towards the DMP.
 * - `connector_outbox`: durable work towards the DMP (ITI-65 deposits) and MSS (letters), retried
 *   until done, each with an idempotency key.
 * - `staff_event`: who did what in the staff UI and API.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff (
      id               uuid PRIMARY KEY,
      login            text NOT NULL UNIQUE,
      password_hash    text NOT NULL,
      rpps             text NOT NULL UNIQUE,
      given_name       text NOT NULL,
      family_name      text NOT NULL,
      profession       text NOT NULL,
      specialty        text,
      role_label       text NOT NULL,
      failed_attempts  integer NOT NULL DEFAULT 0,
      locked_until     timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE staff_session (
      token_hash   bytea PRIMARY KEY,
      staff_id     uuid NOT NULL REFERENCES staff (id),
      csrf_token   text NOT NULL,
      created_at   timestamptz NOT NULL,
      expires_at   timestamptz NOT NULL
    );

    CREATE SEQUENCE patient_ipp START 100001;

    CREATE TABLE patient (
      id               uuid PRIMARY KEY,
      kind             text NOT NULL CHECK (kind IN ('mother', 'newborn')),
      ipp              text NOT NULL UNIQUE,
      ins              text,
      ins_oid          text,
      identity_status  text NOT NULL CHECK (identity_status IN ('PROV', 'RECUP', 'VALI', 'QUAL')),
      traits           bytea NOT NULL,
      mother_id        uuid REFERENCES patient (id),
      created_at       timestamptz NOT NULL,
      updated_at       timestamptz NOT NULL,
      CHECK ((ins IS NULL) = (ins_oid IS NULL)),
      CHECK (identity_status = 'PROV' OR ins IS NOT NULL)
    );
    CREATE UNIQUE INDEX patient_ins ON patient (ins) WHERE ins IS NOT NULL;
    CREATE INDEX patient_mother ON patient (mother_id) WHERE mother_id IS NOT NULL;

    CREATE TABLE stay (
      id             uuid PRIMARY KEY,
      patient_id     uuid NOT NULL REFERENCES patient (id),
      admitted_at    timestamptz NOT NULL,
      discharged_at  timestamptz,
      care_team      bytea NOT NULL,
      created_by     uuid NOT NULL REFERENCES staff (id),
      created_at     timestamptz NOT NULL
    );
    CREATE INDEX stay_recent ON stay (admitted_at DESC);
    CREATE INDEX stay_patient ON stay (patient_id);

    CREATE TABLE clinical_report (
      id            uuid PRIMARY KEY,
      stay_id       uuid NOT NULL REFERENCES stay (id),
      kind          text NOT NULL CHECK (kind IN ('delivery', 'caesarean', 'discharge')),
      version       integer NOT NULL,
      supersedes    uuid REFERENCES clinical_report (id),
      content       bytea NOT NULL,
      validated_by  uuid NOT NULL REFERENCES staff (id),
      validated_at  timestamptz NOT NULL,
      UNIQUE (stay_id, kind, version)
    );

    CREATE TABLE clinical_document (
      id                       uuid PRIMARY KEY,
      stay_id                  uuid NOT NULL REFERENCES stay (id),
      patient_id               uuid NOT NULL REFERENCES patient (id),
      report_id                uuid NOT NULL REFERENCES clinical_report (id),
      kind                     text NOT NULL CHECK (kind IN ('CRA', 'OBP_SNM', 'CRO', 'LDL')),
      set_id                   text NOT NULL,
      version                  integer NOT NULL,
      unique_id                text NOT NULL UNIQUE,
      replaces                 uuid REFERENCES clinical_document (id),
      cda                      bytea NOT NULL,
      pdf                      bytea NOT NULL,
      metadata                 jsonb NOT NULL,
      author_id                uuid NOT NULL REFERENCES staff (id),
      created_at               timestamptz NOT NULL,
      patient_informed         boolean NOT NULL,
      patient_refused          boolean NOT NULL,
      masked_to_professionals  boolean NOT NULL,
      invisible_to_patient     boolean NOT NULL,
      dmp_status               text NOT NULL CHECK (dmp_status IN ('held_identity', 'held_information', 'refused', 'queued', 'sent', 'rejected', 'superseded_unsent')),
      dmp_detail               text,
      dmp_id                   text,
      dmp_sent_at              timestamptz,
      UNIQUE (set_id, version)
    );
    CREATE INDEX clinical_document_stay ON clinical_document (stay_id, created_at);
    CREATE INDEX clinical_document_held ON clinical_document (patient_id) WHERE dmp_status IN ('held_identity', 'held_information');

    CREATE TABLE connector_outbox (
      id               bigserial PRIMARY KEY,
      kind             text NOT NULL CHECK (kind IN ('dmp_deposit', 'mss_letter')),
      document_id      uuid NOT NULL REFERENCES clinical_document (id),
      recipient        bytea,
      recipient_kind   text,
      idempotency_key  text NOT NULL UNIQUE,
      status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL,
      last_error       text,
      created_at       timestamptz NOT NULL,
      done_at          timestamptz
    );
    CREATE INDEX connector_outbox_due ON connector_outbox (next_attempt_at, id) WHERE status = 'pending';
    CREATE INDEX connector_outbox_document ON connector_outbox (document_id);

    CREATE TABLE staff_event (
      id          bigserial PRIMARY KEY,
      at          timestamptz NOT NULL DEFAULT now(),
      staff_id    uuid REFERENCES staff (id),
      action      text NOT NULL,
      target      text,
      outcome     text NOT NULL,
      detail      text
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE staff_event, connector_outbox, clinical_document, clinical_report, stay, patient, staff_session, staff; DROP SEQUENCE patient_ipp`.execute(db);
}
