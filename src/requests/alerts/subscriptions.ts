// Local alerts by email: a subscription is confirmed through a link emailed to the address, then
// sent the new reports near its point or in its area (service, reference, distance, a link — nothing personal
// about anyone else); every email's link ends it in one click. The only personal data kept is the
// subscriber's own address, gone when they unsubscribe.
import type { Db } from '../../db/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { type Clock, Conflict, Invalid, NotFound, newToken, sha256 } from '../../platform/index.ts';
import { alertLine } from './feed.ts';
import { reportsFor, type Where } from './store.ts';

const DAY = 86_400_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** What alerts are for: near a point, or in an area; the services chosen (none: all). */
export type Question = (
  | { lat: number; lon: number; metres: number }
  | { areaId: string; areaName: string }
) & {
  services: string[];
};

/** Where a stored subscription is for. */
const whereOf = (s: {
  lat: number | null;
  lon: number | null;
  metres: number | null;
  area_id: string | null;
}): Where =>
  s.area_id ? { areaId: s.area_id } : { lat: Number(s.lat), lon: Number(s.lon), metres: Number(s.metres) };

interface Deps {
  db: Db;
  clock: Clock;
  notify: Pick<NotifyService, 'queue' | 'nudge'>;
}

const byHash = (db: Db, column: 'confirm_hash' | 'unsubscribe_hash', token: string) =>
  db
    .selectFrom('alert_subscriptions')
    .selectAll()
    .where(column, '=', sha256(token.slice(0, 100)))
    .executeTakeFirst();

/** Emails each confirmed subscription the reports made since its last email: the job's work. */
async function sendAlerts({ db, clock, notify }: Deps, baseUrl: string) {
  const now = clock.now();
  const due = await db
    .selectFrom('alert_subscriptions')
    .selectAll()
    .where('confirmed_at', 'is not', null)
    .execute();
  let sent = 0;
  for (const s of due) {
    const found = await reportsFor(db, { ...whereOf(s), services: s.services, since: s.sent_up_to });
    const fresh = found.filter((a) => a.requestedAt > s.sent_up_to && a.requestedAt <= now);
    if (fresh.length === 0) continue;
    // A new unsubscribe link each email, so that one forwarded or leaked ends with the next.
    const unsubscribe = newToken();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alert_subscriptions')
        .set({ sent_up_to: now, unsubscribe_hash: sha256(unsubscribe) })
        .where('id', '=', s.id)
        .where('sent_up_to', '=', s.sent_up_to)
        .execute();
      await notify.queue(trx, [
        {
          channel: 'email',
          recipient: s.email,
          template: 'alert-reports',
          personalisation: {
            count: String(fresh.length),
            reports: fresh.map((a) => `${alertLine(a)}: ${baseUrl}/follow/${a.reference}`).join('\n'),
            unsubscribe: `${baseUrl}/alerts/unsubscribe/${unsubscribe}`,
          },
        },
      ]);
    });
    sent++;
  }
  if (sent) notify.nudge();
  return { sent };
}

export function subscriptions(deps: Deps, checked: (q: Record<string, unknown>) => Promise<Question>) {
  const { db, clock, notify } = deps;
  return {
    /** A subscription waiting for its address to be confirmed; the link to do so is emailed. */
    async subscribe(input: Record<string, unknown>, baseUrl: string) {
      const email = String(input.email ?? '').trim();
      const question = await checked(input).catch((error) => {
        if (!(error instanceof Invalid) || EMAIL.test(email)) throw error;
        throw new Invalid(error.message, [
          ...error.fields,
          { field: 'email', message: 'Enter your email address, like name@example.com' },
        ]);
      });
      if (!EMAIL.test(email) || email.length > 254)
        throw new Invalid('The alert has errors', [
          { field: 'email', message: 'Enter your email address, like name@example.com' },
        ]);
      const confirm = newToken();
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('alert_subscriptions')
          .values({
            email,
            ...('areaId' in question
              ? { area_id: question.areaId }
              : { lat: question.lat, lon: question.lon, metres: question.metres }),
            services: question.services,
            confirm_hash: sha256(confirm),
            unsubscribe_hash: sha256(newToken()),
            created_at: now,
            sent_up_to: now,
          })
          .execute();
        await notify.queue(trx, [
          {
            channel: 'email',
            recipient: email,
            template: 'alert-confirm',
            personalisation: {
              link: `${baseUrl}/alerts/confirm/${confirm}`,
              where:
                'areaId' in question
                  ? `in ${question.areaName}`
                  : `within ${question.metres} metres of a point`,
            },
          },
        ]);
      });
      notify.nudge();
    },

    /** Confirms the address; alerts start from now. A link a week old, or used, is refused. */
    async confirm(token: string) {
      const found = await byHash(db, 'confirm_hash', token);
      if (!found) throw new NotFound('This link is not one we sent');
      if (found.confirmed_at) throw new Conflict('This alert is confirmed already');
      if (found.created_at.getTime() < clock.now().getTime() - 7 * DAY)
        throw new Conflict('This link has expired: ask for the alert again');
      await db
        .updateTable('alert_subscriptions')
        .set({ confirmed_at: clock.now(), sent_up_to: clock.now() })
        .where('id', '=', found.id)
        .execute();
    },

    /** Ends a subscription, in one click from any of its emails. */
    async unsubscribe(token: string) {
      const result = await db
        .deleteFrom('alert_subscriptions')
        .where('unsubscribe_hash', '=', sha256(token.slice(0, 100)))
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) throw new NotFound('This alert has ended already');
    },

    /** Emails each confirmed subscription the reports made since its last email: the job's work. */
    sendAlerts: (baseUrl: string) => sendAlerts(deps, baseUrl),
  };
}
