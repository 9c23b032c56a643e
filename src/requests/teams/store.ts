// SQL for teams: an organisation's teams and their mailboxes. The people of an organisation are
// identity's (its `staffOf`).
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';

export async function teamsOf(db: Db, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('teams')
    .select(['id', 'organisation_id', 'name', 'email'])
    .where('organisation_id', 'in', organisationIds)
    .orderBy('name')
    .execute();
}

export async function addTeam(db: Db, organisationId: string, name: string, email: string | null) {
  await db
    .insertInto('teams')
    .values({ id: sql<string>`gen_random_uuid()`, organisation_id: organisationId, name, email })
    .onConflict((oc) => oc.columns(['organisation_id', 'name']).doUpdateSet({ email }))
    .execute();
}

/** An organisation's teams, each with how many of its cases are open or in progress. */
export async function teamsWithOpenCases(db: Db, organisationId: string) {
  return db
    .selectFrom('teams as t')
    .select(['t.id', 't.name', 't.email'])
    .select((eb) =>
      eb
        .selectFrom('cases as c')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('c.organisation_id', '=', organisationId)
        .whereRef('c.team', '=', 't.name')
        .where('c.status', 'in', ['open', 'in_progress'])
        .as('open_cases'),
    )
    .where('t.organisation_id', '=', organisationId)
    .orderBy('t.name')
    .execute() as Promise<{ id: string; name: string; email: string | null; open_cases: number }[]>;
}

/** A new team; false when the organisation already has one of that name. */
export async function insertTeam(db: Db, organisationId: string, name: string, email: string | null) {
  const inserted = await db
    .insertInto('teams')
    .values({ id: sql<string>`gen_random_uuid()`, organisation_id: organisationId, name, email })
    .onConflict((oc) => oc.columns(['organisation_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/**
 * Renames a team and changes its mailbox, its cases following the new name (cases name their
 * team). False when another team of the organisation has that name.
 */
export async function changeTeam(
  db: Db,
  team: { id: string; organisation_id: string; name: string },
  name: string,
  email: string | null,
) {
  const clash = await db
    .selectFrom('teams')
    .select('id')
    .where('organisation_id', '=', team.organisation_id)
    .where('name', '=', name)
    .where('id', '<>', team.id)
    .executeTakeFirst();
  if (clash) return false;
  await db.updateTable('teams').set({ name, email }).where('id', '=', team.id).execute();
  if (name !== team.name)
    await db
      .updateTable('cases')
      .set({ team: name })
      .where('organisation_id', '=', team.organisation_id)
      .where('team', '=', team.name)
      .execute();
  return true;
}

/** One team of an organisation, locked until the transaction ends, with its open cases. */
export async function lockTeam(db: Db, organisationId: string, id: string) {
  const team = await db
    .selectFrom('teams')
    .select(['id', 'organisation_id', 'name', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!team) return null;
  const { n } = await db
    .selectFrom('cases')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('organisation_id', '=', organisationId)
    .where('team', '=', team.name)
    .where('status', 'in', ['open', 'in_progress'])
    .executeTakeFirstOrThrow();
  return { ...team, open_cases: n };
}

export async function removeTeam(db: Db, id: string) {
  await db.deleteFrom('teams').where('id', '=', id).execute();
}
