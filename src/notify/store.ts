// SQL for the notification outbox, nothing else.
import { type Insertable, type Selectable, sql } from 'kysely';
import { type DB, type Db, insertRows } from '../db/index.ts';

export type OutboxRow = Selectable<DB['notification_outbox']>;

export async function insert(db: Db, rows: Insertable<DB['notification_outbox']>[]) {
  if (rows.length === 0) return;
  await insertRows('notification_outbox', rows).execute(db);
}

/**
 * Claims up to `limit` due messages for one sender, in one statement that commits on its own: their
 * next attempt moves to `leaseUntil`, so no other sender takes them until then, and any sender
 * may take them again after it if this one never marks them (it died while sending). The due rows
 * are locked with SKIP LOCKED, so two claims at the same moment take different rows; they are
 * picked in an array, which PostgreSQL computes once, not again for each row it updates.
 */
export async function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const due = db
    .selectFrom('notification_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  return db
    .updateTable('notification_outbox')
    .set({ next_attempt_at: leaseUntil })
    .where(sql<boolean>`id = any(array(${due}))`)
    .returningAll()
    .execute();
}

/** The message is about to be sent: until Notify answers, it may or may not have gone. */
export async function markInDoubt(db: Db, id: string) {
  await db.updateTable('notification_outbox').set({ in_doubt: true }).where('id', '=', id).execute();
}

export async function markSent(db: Db, id: string, now: Date) {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'sent', sent_at: now, attempts: sql`attempts + 1`, last_error: null, in_doubt: false })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt; `inDoubt` when Notify never answered, so the message may have gone. */
export async function markFailed(db: Db, id: string, error: string, next: Date | null, inDoubt: boolean) {
  await db
    .updateTable('notification_outbox')
    .set({
      status: next ? 'pending' : 'failed',
      in_doubt: inDoubt,
      attempts: sql`attempts + 1`,
      last_error: error.slice(0, 500),
      ...(next ? { next_attempt_at: next } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function latest(db: Db, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('notification_outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
