import type pg from 'pg';
import type { HealthDirectory } from '@dmp/national';
import { isEmergencyAccess } from '../access/index.js';
import type { VisibilityFlag } from '../access/types.js';
import { describeActor } from '../audit/index.js';
import type { RequestContext } from '../context.js';
import { enqueueMessage } from '../messaging/index.js';
import { openContact } from '../portal/auth/account-repository.js';
import { actorPhrase, whenPhrase } from '../portal/history-sentences.js';

/**
 * Tells the patient (and, for emergency accesses, the médecin traitant) what happened to their
 * record (issue 3 item 7): a new document, a professional's first access, every emergency access,
 * by the channels the patient chose. A document hidden from someone leaves them no trace: no
 * message about an INVISIBLE_PATIENT document to the patient, nor about an
 * INVISIBLE_REPRESENTANTS_LEGAUX one to a legal representative. Messages go through the outbox;
 * a failure here never fails the request it follows.
 */
export interface Notifier {
  documentsDeposited(db: pg.PoolClient, ctx: RequestContext, ins: string, documents: readonly { id: string; visibility: readonly VisibilityFlag[] }[]): Promise<void>;
  accessed(ctx: RequestContext, ins: string, rule: string, requestId: string): Promise<void>;
}

type Channel = 'email' | 'sms';
interface Recipient {
  readonly role: 'patient' | 'legal-representative';
  readonly email: string;
  readonly phone: string | null;
  readonly language: 'fr' | 'en';
}

const TEXT = {
  newDocument: {
    fr: { subject: 'Nouveau document dans votre DMP', body: (n: number) => `${n === 1 ? 'Un nouveau document a été ajouté' : `${n} nouveaux documents ont été ajoutés`} à votre dossier médical partagé. Connectez-vous à votre espace pour le consulter.` },
    en: { subject: 'New document in your DMP', body: (n: number) => `${n === 1 ? 'A new document was' : `${n} new documents were`} added to your shared medical record. Sign in to your space to read it.` },
  },
  firstAccess: {
    fr: { subject: 'Un professionnel a consulté votre DMP', body: (who: string, when: string) => `${who} a consulté votre dossier médical partagé pour la première fois ${when}. Vous pouvez gérer les accès depuis votre espace.` },
    en: { subject: 'A professional opened your DMP', body: (who: string, when: string) => `${who} opened your shared medical record for the first time ${when}. You can manage access from your space.` },
  },
  emergency: {
    fr: { subject: 'Accès en urgence à votre DMP', body: (who: string, when: string, reason: string) => `${who} a consulté votre dossier médical partagé en accès d’urgence ${when}. Motif déclaré : « ${reason} ». Cet accès est tracé dans votre historique.` },
    en: { subject: 'Emergency access to your DMP', body: (who: string, when: string, reason: string) => `${who} opened your shared medical record in emergency mode ${when}. Stated reason: “${reason}”. This access is recorded in your history.` },
  },
} as const;

export interface NotifierOptions {
  readonly pool: pg.Pool;
  readonly masterKey: Buffer;
  readonly directory: HealthDirectory;
  /** Wakes the outbox dispatcher. */
  readonly kick?: () => void;
  readonly onError?: (error: unknown) => void;
}

/** The notifier on the outbox. */
export function outboxNotifier(options: NotifierOptions): Notifier {
  const { pool, masterKey } = options;
  /** Pairs (patient, professional) known to have accessed before: first accesses are rare. */
  const knownAccess = new Set<string>();

  async function recipients(db: Pick<pg.Pool, 'query'>, ins: string): Promise<Recipient[]> {
    const found = await db.query<{ id: string; contact: Buffer | null; email: string | null; phone: string | null; language: 'fr' | 'en'; role: 'patient' | 'legal-representative' }>(
      `SELECT a.id, a.contact, a.email, a.phone, a.language, 'patient' AS role FROM portal_account a WHERE a.ins = $1
       UNION ALL
       SELECT a.id, a.contact, a.email, a.phone, a.language, 'legal-representative' FROM legal_representative l JOIN portal_account a ON a.ins = l.representative_id WHERE l.ins = $1`,
      [ins],
    );
    return found.rows.map((row) => ({ ...openContact(masterKey, row), language: row.language, role: row.role }));
  }

  async function channels(db: Pick<pg.Pool, 'query'>, ins: string, column: 'new_document' | 'new_professional_access' | 'emergency_access'): Promise<Channel[]> {
    const found = await db.query<{ channels: Channel[] }>(`SELECT ${column} AS channels FROM notification_preference WHERE ins = $1`, [ins]);
    return found.rows[0]?.channels ?? (column === 'emergency_access' ? ['email', 'sms'] : ['email']);
  }

  async function send(db: Pick<pg.Pool, 'query'>, to: Recipient, via: readonly Channel[], subject: string, body: string, key: string): Promise<void> {
    for (const channel of via) {
      const recipient = channel === 'email' ? to.email : to.phone;
      if (!recipient) continue;
      await enqueueMessage(db, masterKey, { channel, recipient, ...(channel === 'email' ? { subject } : {}), body, idempotencyKey: `${key}:${channel}:${recipient}`.slice(0, 200) });
    }
  }

  return {
    async documentsDeposited(db, ctx, ins, documents) {
      // what the patient (or their representative) adds themselves needs no message
      if (ctx.actor.kind === 'patient' || ctx.actor.kind === 'legal-representative') return;
      const people = await recipients(db, ins);
      if (people.length === 0) return;
      const via = await channels(db, ins, 'new_document');
      for (const person of people) {
        const visible = documents.filter((d) => !d.visibility.includes('INVISIBLE_PATIENT') && !(person.role === 'legal-representative' && d.visibility.includes('INVISIBLE_REPRESENTANTS_LEGAUX')));
        if (visible.length === 0) continue;
        const text = TEXT.newDocument[person.language];
        await send(db, person, via, text.subject, text.body(visible.length), `new-document:${visible.map((d) => d.id).join(',')}:${person.role}`);
      }
      options.kick?.();
    },

    async accessed(ctx, ins, rule, requestId) {
      if (ctx.actor.kind !== 'professional') return;
      const emergency = isEmergencyAccess({ allowed: true, rule });
      const pair = `${ins}|${ctx.actor.professional.nationalId}`;
      if (!emergency && knownAccess.has(pair)) return;
      try {
        const who = actorPhrase(describeActor(ctx.actor), 'fr').phrase.replace(/,$/, '');
        const whoEn = actorPhrase(describeActor(ctx.actor), 'en').phrase.replace(/,$/, '');
        const now = new Date();
        if (emergency) {
          const via = await channels(pool, ins, 'emergency_access');
          for (const person of await recipients(pool, ins)) {
            const text = TEXT.emergency[person.language];
            await send(pool, person, via, text.subject, text.body(person.language === 'fr' ? who : whoEn, whenPhrase(now, person.language), ctx.reason ?? ''), `emergency:${requestId}:${person.role}`);
          }
          // the médecin traitant is told too, at the secure-messaging address the directory gives
          const mt = await pool.query<{ medecin_traitant: string | null }>('SELECT medecin_traitant FROM patient_record WHERE ins = $1', [ins]);
          const mtId = mt.rows[0]?.medecin_traitant;
          const doctor = mtId && mtId !== ctx.actor.professional.nationalId ? await options.directory.professional(mtId) : undefined;
          if (doctor?.mssAddress) {
            await enqueueMessage(pool, masterKey, {
              channel: 'email',
              recipient: doctor.mssAddress,
              subject: 'Accès en urgence au DMP d’un de vos patients',
              body: `${who} a consulté en accès d’urgence ${whenPhrase(now, 'fr')} le dossier médical partagé d’un patient dont vous êtes le médecin traitant (INS ${ins}). Motif déclaré : « ${ctx.reason ?? ''} ».`,
              idempotencyKey: `emergency:${requestId}:medecin-traitant`,
            });
          }
        }
        if (!knownAccess.has(pair)) {
          if (knownAccess.size >= 100_000) knownAccess.clear(); // a cache: forgetting only costs one lookup
          const before = await pool.query(
            `SELECT 1 FROM audit_entry WHERE partition = $1 AND actor->>'id' = $2 AND outcome = 'allowed'
               AND action IN ('document.search', 'document.read', 'document.retrieve') AND request_id IS DISTINCT FROM $3 LIMIT 1`,
            [ins, ctx.actor.professional.nationalId, requestId],
          );
          knownAccess.add(pair);
          if (before.rowCount === 0) {
            const via = await channels(pool, ins, 'new_professional_access');
            for (const person of await recipients(pool, ins)) {
              const text = TEXT.firstAccess[person.language];
              await send(pool, person, via, text.subject, text.body(person.language === 'fr' ? who : whoEn, whenPhrase(now, person.language)), `first-access:${pair}:${person.role}`);
            }
          }
        }
        options.kick?.();
      } catch (error) {
        options.onError?.(error);
      }
    },
  };
}
