import { sql, type Kysely } from 'kysely';

/**
 * What the patient records as structured data (pathologies, allergies, emergency contacts, advance
 * directives) and their notification preferences. The entry itself is health data: it is stored
 * encrypted (`payload`, sealed like document contents); only its kind and dates are in the clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE patient_entry (
      id           uuid PRIMARY KEY,
      ins          text NOT NULL REFERENCES patient_record(ins),
      kind         text NOT NULL CHECK (kind IN ('pathology', 'allergy', 'emergency-contact', 'advance-directive')),
      payload      bytea NOT NULL,
      author_id    text NOT NULL,
      recorded_at  timestamptz NOT NULL DEFAULT now(),
      replaced_by  uuid REFERENCES patient_entry(id),
      deleted_at   timestamptz
    );
    CREATE INDEX patient_entry_by_patient ON patient_entry (ins, kind, recorded_at DESC) WHERE deleted_at IS NULL AND replaced_by IS NULL;

    CREATE TABLE notification_preference (
      ins                      text PRIMARY KEY REFERENCES patient_record(ins),
      new_document             text[] NOT NULL DEFAULT '{email}',
      new_professional_access  text[] NOT NULL DEFAULT '{email}',
      emergency_access         text[] NOT NULL DEFAULT '{email,sms}',
      updated_at               timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE notification_preference, patient_entry`.execute(db);
}
