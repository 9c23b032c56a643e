// Who people are: citizen and staff accounts, staff roles per organisation, sign-in and
// server-side sessions, and the place's OpenID Connect provider that other systems of the
// place sign people in through (its relying parties), whose access tokens Flagstone's API takes.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

export {
  addClientFromCommandLine,
  addUpstreamFromCommandLine,
  rotateKeysFromCommandLine,
} from './command-line.ts';
export { actFor, DELEGATED_SERVICES, type DelegatedService } from './delegation-rules.ts';
export { openIdProvider } from './oidc-routes.ts';
export { identityPages, requireSecondFactor, sessions } from './routes.ts';
export { type IdentityService, identityService, type NewAccount } from './service.ts';
export { identitySettings } from './settings.ts';

// What other modules may read of accounts, a batch at a time (the registers show who decided
// something, and find whom a record is about), so that no module but this one reads its tables.

/** The names of these accounts, by account id. */
export async function accountNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<{ id: string; name: string }>`
    SELECT id, name FROM accounts WHERE id = ANY(${unique}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The citizen accounts with these email addresses (in any case), by each address as given. */
export async function citizensByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.map((e) => e.trim()).filter(Boolean))];
  if (wanted.length === 0) return new Map();
  const { rows } = await sql<{ email: string; id: string }>`
    SELECT lower(email) AS email, id FROM accounts
     WHERE lower(email) = ANY(${wanted.map((e) => e.toLowerCase())}::text[]) AND kind = 'citizen'`.execute(
    db,
  );
  const ids = new Map(rows.map((r) => [r.email, r.id]));
  const found = new Map<string, string>();
  for (const email of emails) {
    const id = ids.get(email.trim().toLowerCase());
    if (id) found.set(email, id);
  }
  return found;
}
