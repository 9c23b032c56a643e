// SQL for action plans: actions on an item of the framework, led by one organisation, joined by
// partners, and the overdue ones not yet reminded.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';

export type ActionStatus = 'planned' | 'in_progress' | 'done';

export interface ActionRow {
  id: string;
  organisation_id: string;
  item: string;
  title: string;
  owner_name: string;
  owner_email: string;
  due_on: string;
  status: ActionStatus;
  created_at: Date;
  reminded_at: Date | null;
  partners: string[];
}

const withPartners = (db: Db) =>
  db.selectFrom('routemap_actions as a').select([
    'a.id',
    'a.organisation_id',
    'a.item',
    'a.title',
    'a.owner_name',
    'a.owner_email',
    sql<string>`to_char(a.due_on, 'YYYY-MM-DD')`.as('due_on'),
    'a.status',
    'a.created_at',
    'a.reminded_at',
    sql<string[]>`coalesce((SELECT array_agg(p.organisation_id::text ORDER BY p.organisation_id)
        FROM routemap_action_partners p WHERE p.action_id = a.id), '{}')`.as('partners'),
  ]);

/** The actions an organisation leads or is a partner in, soonest due first. */
export async function actionsOf(db: Db, organisationId: string) {
  return (await withPartners(db)
    .where((eb) =>
      eb.or([
        eb('a.organisation_id', '=', organisationId),
        eb.exists(
          eb
            .selectFrom('routemap_action_partners as p')
            .select('p.action_id')
            .whereRef('p.action_id', '=', 'a.id')
            .where('p.organisation_id', '=', organisationId),
        ),
      ]),
    )
    .orderBy('a.due_on')
    .orderBy('a.created_at')
    .execute()) as ActionRow[];
}

export async function insertAction(
  db: Db,
  action: Omit<ActionRow, 'id' | 'status' | 'created_at' | 'reminded_at'>,
  accountId: string,
) {
  const { partners, ...row } = action;
  const { id } = await db
    .insertInto('routemap_actions')
    .values({ ...row, created_by: accountId })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (partners.length > 0)
    await db
      .insertInto('routemap_action_partners')
      .values(partners.map((organisation_id) => ({ action_id: id, organisation_id })))
      .execute();
  return id;
}

export async function setStatus(db: Db, organisationId: string, id: string, status: ActionStatus) {
  const changed = await db
    .updateTable('routemap_actions')
    .set({ status })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .returning('id')
    .executeTakeFirst();
  return !!changed;
}

/** Actions not done, due before `today`, not yet reminded: claimed (locked, skipping others' claims). */
export async function overdueNotReminded(db: Db, today: string) {
  return (await withPartners(db)
    .where('a.status', '<>', 'done')
    .where('a.reminded_at', 'is', null)
    .where('a.due_on', '<', today)
    .orderBy('a.due_on')
    .limit(100)
    .forUpdate()
    .skipLocked()
    .execute()) as ActionRow[];
}

export async function markReminded(db: Db, id: string, at: Date) {
  await db.updateTable('routemap_actions').set({ reminded_at: at }).where('id', '=', id).execute();
}
