// SQL for federation: the upstream providers and the upstream identities linked to accounts.
import type { Insertable, Selectable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export type UpstreamRow = Selectable<DB['upstream_providers']>;

export async function insertUpstream(
  db: Db,
  row: Omit<Insertable<DB['upstream_providers']>, 'enabled' | 'created_at'>,
): Promise<void> {
  await db.insertInto('upstream_providers').values(row).execute();
}

export async function findUpstream(db: Db, slug: string): Promise<UpstreamRow | undefined> {
  return db
    .selectFrom('upstream_providers')
    .selectAll()
    .where('slug', '=', slug)
    .where('enabled', '=', true)
    .executeTakeFirst();
}

/** Every upstream, enabled or not, with the id of the organisation whose staff it serves: for the admin page. */
export async function allUpstreams(db: Db) {
  return db
    .selectFrom('upstream_providers')
    .select(['slug', 'name', 'kind', 'issuer', 'enabled', 'organisation_id'])
    .orderBy('kind')
    .orderBy('name')
    .execute();
}

export async function setUpstreamEnabled(db: Db, slug: string, enabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable('upstream_providers')
    .set({ enabled })
    .where('slug', '=', slug)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function upstreamExists(db: Db, slug: string): Promise<boolean> {
  const row = await db
    .selectFrom('upstream_providers')
    .select('slug')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return Boolean(row);
}

export async function enabledUpstreams(db: Db) {
  return db
    .selectFrom('upstream_providers')
    .select(['slug', 'name', 'kind'])
    .where('enabled', '=', true)
    .orderBy('kind')
    .orderBy('name')
    .execute();
}

/** An account as federation decides on it: its kind, whether disabled, whether in the organisation. */
async function accountFacts(db: Db, accountId: string | undefined, organisationId: string | null) {
  if (!accountId) return undefined;
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'kind', 'disabled'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) return undefined;
  const role = organisationId
    ? await db
        .selectFrom('staff_roles')
        .select('role')
        .where('account_id', '=', accountId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst()
    : undefined;
  return { ...account, inOrganisation: Boolean(role) };
}

export async function linkedAccount(db: Db, upstream: UpstreamRow, subject: string) {
  const link = await db
    .selectFrom('upstream_identities')
    .select('account_id')
    .where('provider_slug', '=', upstream.slug)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return accountFacts(db, link?.account_id, upstream.organisation_id);
}

export async function accountWithEmail(db: Db, upstream: UpstreamRow, email: string) {
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  return accountFacts(db, account?.id, upstream.organisation_id);
}

export async function insertLink(db: Db, slug: string, subject: string, accountId: string): Promise<void> {
  await db
    .insertInto('upstream_identities')
    .values({ provider_slug: slug, subject, account_id: accountId })
    .execute();
}
