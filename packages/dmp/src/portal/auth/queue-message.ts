import { enqueueMessage } from '../../messaging/index.js';
import type { Queryable } from '../../records/record-repository.js';
import type { ResolvedAuthDeps } from './portal-auth-config.js';

/** Queues an e-mail or SMS of the sign-in through the durable outbox (in the caller's transaction when `db` is one). */
export async function queueMessage(
  db: Queryable,
  deps: ResolvedAuthDeps,
  message: { channel: 'email' | 'sms'; to: string; subject: string; body: string; key: string },
): Promise<void> {
  await enqueueMessage(
    db,
    deps.services.masterKey,
    { channel: message.channel, recipient: message.to, subject: message.channel === 'email' ? message.subject : '', body: message.body, idempotencyKey: message.key },
    deps.now(),
  );
}
