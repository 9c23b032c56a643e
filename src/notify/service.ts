// Use-cases of notifications: messages are queued in the transaction of the change that causes
// them, and sent afterwards by whoever can (GOV.UK Notify when configured); a failed send is
// retried with back-off and never blocks or undoes the change.
import type { Db } from '../db/index.ts';
import { type Actor, type Clock, requireAdmin } from '../platform/index.ts';
import * as store from './store.ts';

export interface Message {
  channel: 'email' | 'sms';
  recipient: string;
  template: string;
  personalisation: Record<string, string>;
  reference?: string;
}

/** Sends one message; throws when it could not. */
export type Sender = (message: Message) => Promise<void>;

export const MAX_ATTEMPTS = 8;

/** Minutes to wait after the nth failed attempt: 1, 2, 4, ... up to a day. */
export const backOffMinutes = (attempt: number) => Math.min(2 ** Math.max(attempt - 1, 0), 1440);

export function notifyService(db: Db, clock: Clock, sender: Sender | null = null) {
  return {
    /** Queues messages inside the caller's transaction: they exist exactly when the change does. */
    queue: (trx: Db, messages: Message[]) =>
      store.insert(
        trx,
        messages.map((m) => ({
          channel: m.channel,
          recipient: m.recipient,
          template: m.template,
          personalisation: m.personalisation,
          reference: m.reference ?? null,
          last_error: null,
          sent_at: null,
        })),
      ),

    /** Sends what is due; without a sender, messages stay in the outbox for administrators to see. */
    async sendDue(limit = 50): Promise<{ sent: number; failed: number }> {
      if (!sender) return { sent: 0, failed: 0 };
      let sent = 0;
      let failed = 0;
      await db.transaction().execute(async (trx) => {
        for (const row of await store.due(trx, clock.now(), limit)) {
          try {
            await sender({
              channel: row.channel,
              recipient: row.recipient,
              template: row.template,
              personalisation: row.personalisation,
              ...(row.reference ? { reference: row.reference } : {}),
            });
            await store.markSent(trx, row.id, clock.now());
            sent++;
          } catch (error) {
            const attempt = row.attempts + 1;
            const next =
              attempt >= MAX_ATTEMPTS
                ? null
                : new Date(clock.now().getTime() + backOffMinutes(attempt) * 60_000);
            await store.markFailed(trx, row.id, (error as Error).name || 'Error', next);
            failed++;
          }
        }
      });
      return { sent, failed };
    },

    /** The latest messages, for administrators. */
    outbox(actor: Actor | null, limit = 100) {
      requireAdmin(actor);
      return store.latest(db, limit);
    },
  };
}

export type NotifyService = ReturnType<typeof notifyService>;
