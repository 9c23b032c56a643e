// SQL for federation: the upstream providers and the upstream identities linked to accounts.
import type { Generated } from 'kysely';
import type { Db } from '../../db/index.ts';

export interface UpstreamRow {
  slug: string;
  name: string;
  kind: 'citizen' | 'staff';
  organisation_id: string | null;
  issuer: string;
  client_id: string;
  client_secret: string;
  vtr: string | null;
  enabled: boolean;
}

type FederationTables = {
  upstream_providers: Omit<UpstreamRow, 'enabled'> & { enabled: Generated<boolean> };
  upstream_identities: { provider_slug: string; subject: string; account_id: string };
  accounts: { id: string; kind: 'citizen' | 'staff'; email: string; disabled: boolean };
  staff_roles: { account_id: string; organisation_id: string; role: string };
  organisations: { id: string; ref: string; name: string };
};

const tables = (db: Db) => db.withTables<FederationTables>();

export async function insertUpstream(db: Db, row: Omit<UpstreamRow, 'enabled'>): Promise<void> {
  await tables(db).insertInto('upstream_providers').values(row).execute();
}

export async function findUpstream(db: Db, slug: string): Promise<UpstreamRow | undefined> {
  return tables(db)
    .selectFrom('upstream_providers')
    .selectAll()
    .where('slug', '=', slug)
    .where('enabled', '=', true)
    .executeTakeFirst();
}

/** Every upstream, enabled or not, with the organisation whose staff it serves: for the admin page. */
export async function allUpstreams(db: Db) {
  return tables(db)
    .selectFrom('upstream_providers as u')
    .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.slug', 'u.name', 'u.kind', 'u.issuer', 'u.enabled', 'o.name as organisationName'])
    .orderBy('u.kind')
    .orderBy('u.name')
    .execute();
}

export async function setUpstreamEnabled(db: Db, slug: string, enabled: boolean): Promise<boolean> {
  const result = await tables(db)
    .updateTable('upstream_providers')
    .set({ enabled })
    .where('slug', '=', slug)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function upstreamExists(db: Db, slug: string): Promise<boolean> {
  const row = await tables(db)
    .selectFrom('upstream_providers')
    .select('slug')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return Boolean(row);
}

export async function organisations(db: Db) {
  return tables(db).selectFrom('organisations').select(['ref', 'name']).orderBy('name').execute();
}

export async function enabledUpstreams(db: Db) {
  return tables(db)
    .selectFrom('upstream_providers')
    .select(['slug', 'name', 'kind'])
    .where('enabled', '=', true)
    .orderBy('kind')
    .orderBy('name')
    .execute();
}

export async function organisationByRef(db: Db, ref: string) {
  return tables(db)
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('ref', '=', ref)
    .executeTakeFirst();
}

/** An account as federation decides on it: its kind, whether disabled, whether in the organisation. */
async function accountFacts(db: Db, accountId: string | undefined, organisationId: string | null) {
  if (!accountId) return undefined;
  const account = await tables(db)
    .selectFrom('accounts')
    .select(['id', 'kind', 'disabled'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) return undefined;
  const role = organisationId
    ? await tables(db)
        .selectFrom('staff_roles')
        .select('role')
        .where('account_id', '=', accountId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst()
    : undefined;
  return { ...account, inOrganisation: Boolean(role) };
}

export async function linkedAccount(db: Db, upstream: UpstreamRow, subject: string) {
  const link = await tables(db)
    .selectFrom('upstream_identities')
    .select('account_id')
    .where('provider_slug', '=', upstream.slug)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return accountFacts(db, link?.account_id, upstream.organisation_id);
}

export async function accountWithEmail(db: Db, upstream: UpstreamRow, email: string) {
  const account = await tables(db)
    .selectFrom('accounts')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  return accountFacts(db, account?.id, upstream.organisation_id);
}

export async function insertLink(db: Db, slug: string, subject: string, accountId: string): Promise<void> {
  await tables(db)
    .insertInto('upstream_identities')
    .values({ provider_slug: slug, subject, account_id: accountId })
    .execute();
}
