// Use-cases of notifications: messages are queued in the transaction of the change that causes
// them, and sent afterwards by a job (GOV.UK Notify when configured), nudged once the change has
// committed and run every minute besides; a failed send is retried with back-off and never
// blocks or undoes the change.
import type { Db } from '../db/index.ts';
import type { GovernanceService } from '../governance/index.ts';
import type { Actor, Clock, JobDefinition, JobQueue, JobsLog } from '../platform/index.ts';
import * as store from './store.ts';
import type { NotifyTemplate } from './templates.ts';

export interface Message {
  channel: 'email' | 'sms';
  recipient: string;
  template: NotifyTemplate;
  personalisation: Record<string, string>;
  reference?: string;
}

/** GOV.UK Notify, or a stand-in for it. */
export interface Sender {
  /**
   * Sends one message under its reference (the outbox id); throws when it could not
   * (UndeliverableMessage when trying again is pointless, NoAnswer when it may have gone).
   */
  send(message: Message & { reference: string }): Promise<void>;
  /** Whether a message with this reference reached Notify (asked before sending one again that may have). */
  has(reference: string): Promise<boolean>;
}

/** The message can never be sent as it is (refused by Notify, no template): give up at once. */
export class UndeliverableMessage extends Error {
  override name = 'UndeliverableMessage';
}

/** Notify did not answer (cut off, no connection): the message may have been sent. */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
}

export const MAX_ATTEMPTS = 8;
export const SEND_JOB = 'notify.send';

/** Minutes to wait after the nth failed attempt: 1, 2, 4, ... up to a day. */
export const backOffMinutes = (attempt: number) => Math.min(2 ** Math.max(attempt - 1, 0), 1440);

// A claimed batch must be sent within its lease, or another sender would send it too: each
// send gets at most SEND_TIME_MS, and a claim takes no more messages than fit in the lease.
const SEND_LEASE_MS = 10 * 60_000;
const SEND_TIME_MS = 10_000;
const MOST_PER_LEASE = Math.floor((SEND_LEASE_MS - 60_000) / SEND_TIME_MS);

function withinSendTime<T>(sending: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NoAnswer(`Notify did not answer within ${SEND_TIME_MS / 1000} s`)),
      SEND_TIME_MS,
    );
  });
  return Promise.race([sending, late]).finally(() => clearTimeout(timer));
}

/**
 * Sends one claimed message. One that may have gone before (its last send had no answer) is
 * first asked of Notify by its reference, and marked sent if Notify has it. Returns whether it
 * was sent; a failure is marked (still in doubt when there was no answer) and logged without
 * the recipient or what the message says.
 */
async function sendOne(db: Db, clock: Clock, sender: Sender, row: store.OutboxRow, log?: JobsLog) {
  try {
    if (!(row.in_doubt && (await withinSendTime(sender.has(row.id))))) {
      if (!row.in_doubt) await store.markInDoubt(db, row.id);
      await withinSendTime(
        sender.send({
          channel: row.channel,
          recipient: row.recipient,
          template: row.template as NotifyTemplate,
          personalisation: row.personalisation,
          reference: row.id,
        }),
      );
    }
    await store.markSent(db, row.id, clock.now());
    return true;
  } catch (error) {
    const attempt = row.attempts + 1;
    const next =
      error instanceof UndeliverableMessage || attempt >= MAX_ATTEMPTS
        ? null
        : new Date(clock.now().getTime() + backOffMinutes(attempt) * 60_000);
    // The error's message only: never the recipient or what the message says.
    const said = (error as Error).message || (error as Error).name;
    await store.markFailed(db, row.id, said, next, error instanceof NoAnswer || row.in_doubt);
    log?.warn?.(
      { outbox: row.id, channel: row.channel, template: row.template, attempt, error: said, retryAt: next },
      next ? 'A message could not be sent; it will be tried again' : 'A message could not be sent; given up',
    );
    return false;
  }
}

/**
 * Sends what is due; without a sender, messages stay in the outbox for administrators to see.
 * Claim, commit, send: the due messages are claimed for a lease in one statement that commits at
 * once, then each is sent outside any transaction and marked sent or failed in a statement of
 * its own, so no connection or row lock is held while Notify answers. A message is marked in
 * doubt before it is sent, and cleared once Notify answers: one whose sender died or was cut off
 * is claimed again once the lease runs out, and sent again only if Notify does not have it.
 */
async function sendDue(
  db: Db,
  clock: Clock,
  sender: Sender | null,
  limit = 50,
  log?: JobsLog,
): Promise<{ sent: number; failed: number }> {
  if (!sender) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  const now = clock.now();
  const leaseUntil = new Date(now.getTime() + SEND_LEASE_MS);
  const claimed = await store.claimDue(db, now, leaseUntil, Math.min(limit, MOST_PER_LEASE));
  for (const row of claimed) {
    if (await sendOne(db, clock, sender, row, log)) sent++;
    else failed++;
  }
  return { sent, failed };
}

// Nudges are at most one a second (the job sends everything due, so one covers them all): a
// nudge asked for starts after the asking, at the end of that second at the latest. One lost
// to a crash or an error costs at most a minute, as the schedule sends whatever is due.
const NUDGE_EVERY_MS = 1000;

/** Nudges of the send job, each service its own. */
function nudges(jobs: JobQueue): () => void {
  let lastNudge = 0;
  let nudging: NodeJS.Timeout | null = null;
  return function nudge(): void {
    if (!jobs.running || nudging) return;
    nudging = setTimeout(
      () => {
        nudging = null;
        lastNudge = Date.now();
        jobs.now(SEND_JOB).catch(() => undefined);
      },
      Math.max(0, lastNudge + NUDGE_EVERY_MS - Date.now()),
    );
    nudging.unref();
  };
}

export function notifyService(db: Db, clock: Clock, jobs: JobQueue, governance: GovernanceService) {
  const sendDueNow = (sender: Sender | null, limit?: number, log?: JobsLog) =>
    sendDue(db, clock, sender, limit, log);
  // Whether this process sends through Notify: known once its jobs are defined.
  let configured = false;
  return {
    /**
     * Queues messages inside the caller's transaction, so they exist exactly when the change
     * does; the caller calls `nudge` once it has committed. (The job is not added in the
     * transaction: concurrent changes would queue behind one another on pg-boss's one waiting job.)
     */
    async queue(trx: Db, messages: Message[]) {
      if (messages.length === 0) return;
      await store.insert(
        trx,
        messages.map((m) => ({
          channel: m.channel,
          recipient: m.recipient,
          template: m.template,
          personalisation: m.personalisation,
          reference: m.reference ?? null,
          last_error: null,
          sent_at: null,
          created_at: clock.now(),
          next_attempt_at: clock.now(),
        })),
      );
    },

    /** Has the outbox sent soon: call it after the transaction that queued messages has committed. */
    nudge: nudges(jobs),

    /** Sends what is due (claim, commit, send; at least once); without a sender, nothing. */
    sendDue: sendDueNow,

    /** The job that sends the outbox: nudged by each queued message, and every minute for retries. */
    jobs(sender: Sender | null, log?: JobsLog): JobDefinition[] {
      configured = sender !== null;
      return [
        {
          name: SEND_JOB,
          cron: '* * * * *',
          policy: 'stately',
          retryLimit: 1,
          run: () => sendDueNow(sender, undefined, log),
        },
      ];
    },

    /**
     * The latest messages, for administrators only (decided by the policies): recipients are
     * personal data, so each look is written to the audit ledger, and so is a refusal.
     */
    async outbox(actor: Actor | null, requestId?: string, limit = 100) {
      const p = await governance.principal(actor);
      const rows = await governance.guard.read(
        p,
        {
          action: 'readOutbox',
          resource: { uid: { type: 'Flagstone::Outbox', id: 'outbox' }, attrs: {} },
          principalAttrs: { administers: p.actor.roles.some((r) => r.role === 'admin') },
          entry: {
            action: 'notification.outbox-read',
            actor: governance.actorOf(p, p.actor.roles.find((r) => r.role === 'admin')?.organisation),
            resource: { type: 'notification-outbox', id: 'outbox' },
            requestId: requestId ?? null,
          },
          refusal: 'Only an administrator can see the messages waiting to go',
        },
        () => store.latest(db, limit),
        (shown) => ({ detail: { shown: shown.length } }),
      );
      return { rows, configured, sending: configured && jobs.running };
    },
  };
}

export type NotifyService = ReturnType<typeof notifyService>;
