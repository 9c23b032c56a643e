// The updates of a case as people see them: each names the organisation that wrote it (places
// knows its name) and, for staff, the person who did (identity knows theirs).

import type { Principal } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { UpdateRow } from '../store.ts';

/** Who wrote an update: a person's account, or a machine client acting for its organisation. */
export const authorOf = (p: Pick<Principal, 'accountId' | 'actor'>) =>
  p.actor.machine
    ? { author_account_id: null, author_client_id: p.accountId }
    : { author_account_id: p.accountId, author_client_id: null };

/** The name of the organisation that wrote each of these updates (null for none). */
export async function writers(places: Pick<PlacesService, 'organisationsById'>, updates: UpdateRow[]) {
  const organisations = await places.organisationsById(
    updates.flatMap((u) => (u.organisation_id ? [u.organisation_id] : [])),
  );
  return (u: UpdateRow) => (u.organisation_id ? (organisations.get(u.organisation_id)?.name ?? null) : null);
}

/** The name of the person who wrote each of these updates (null for none: the system's own). */
export async function authors(identity: Pick<IdentityService, 'accountNames'>, updates: UpdateRow[]) {
  const names = await identity.accountNames(
    updates.flatMap((u) => (u.author_account_id ? [u.author_account_id] : [])),
  );
  return (u: UpdateRow) => (u.author_account_id ? (names.get(u.author_account_id) ?? null) : null);
}
