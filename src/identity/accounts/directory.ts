// Who has an account: creating one (a staff member's with their roles in their organisations),
// and finding a person by account id or email as the rest of Flagstone sees them (an Actor).
// Other modules read accounts only through these lookups, a batch at a time.
import { hash } from '@node-rs/argon2';
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Actor, StaffRole } from '../../platform/index.ts';
import { usedSecondFactor } from './sign-in-methods.ts';
import * as store from './store.ts';

/** How sure an upstream identity provider is of who the person is (GOV.UK One Login style). */
export type IdentityConfidence = NonNullable<Actor['identityConfidence']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewAccount {
  kind: 'citizen' | 'staff';
  email: string;
  name: string;
  password: string;
  roles?: { organisationId: string; role: StaffRole }[];
}

/** What accounts read of places: the organisations staff have their roles in. */
export type Organisations = Pick<PlacesService, 'organisationsById'>;

/**
 * A staff member's roles with each organisation's reference and name, ordered by the
 * organisation's name (as the database orders names) and then by role. The five roles differ in
 * their first two letters, so any collation sorts them as this comparison does.
 */
async function rolesOf(db: Db, places: Organisations, accountId: string): Promise<Actor['roles']> {
  const held = await store.rolesOf(db, accountId);
  const organisations = await places.organisationsById(held.map((r) => r.organisation_id));
  return held
    .flatMap(({ organisation_id, role }) => {
      const o = organisations.get(organisation_id);
      return o ? [{ role: { organisation: o.ref, organisationName: o.name, role }, order: o.nameOrder }] : [];
    })
    .sort((a, b) => a.order - b.order || (a.role.role < b.role.role ? -1 : a.role.role > b.role.role ? 1 : 0))
    .map((r) => r.role);
}

/** The person behind an account, with a staff member's roles and, for a session, how it was signed in to. */
export async function actorOf(
  db: Db,
  places: Organisations,
  account: Pick<store.AccountRow, 'id' | 'kind' | 'name' | 'email'> & {
    auth_method?: string;
    identity_confidence?: IdentityConfidence | null;
  },
): Promise<Actor> {
  const roles = account.kind === 'staff' ? await rolesOf(db, places, account.id) : [];
  const actor: Actor = {
    accountId: account.id,
    kind: account.kind,
    name: account.name,
    email: account.email,
    roles,
  };
  if (account.auth_method) {
    actor.authLevel = usedSecondFactor(account.auth_method) ? 'second_factor' : 'password';
    actor.authMethod = account.auth_method;
  }
  if (account.identity_confidence) actor.identityConfidence = account.identity_confidence;
  return actor;
}

export function accountDirectory(db: Db, places: Organisations) {
  return {
    async createAccount(account: NewAccount, trx: Db = db): Promise<string> {
      const id = await store.insertAccount(trx, {
        kind: account.kind,
        email: account.email,
        name: account.name,
        password_hash: await hash(account.password),
      });
      await store.insertRoles(
        trx,
        (account.roles ?? []).map((r) => ({
          account_id: id,
          organisation_id: r.organisationId,
          role: r.role,
        })),
      );
      return id;
    },

    /** The person with this account id, or null when there is none or it is disabled. */
    async actorById(accountId: string): Promise<Actor | null> {
      if (!UUID.test(accountId)) return null;
      const account = await store.findAccountById(db, accountId);
      return account ? actorOf(db, places, account) : null;
    },

    /** The person with this email address, as the rest of Flagstone sees them (the demo acts as them). */
    async actorByEmail(email: string): Promise<Actor | null> {
      const account = await store.findAccountByEmail(db, email.trim());
      return account && !account.disabled ? actorOf(db, places, account) : null;
    },

    // What other modules may read of accounts, a batch at a time (the registers show who decided
    // something, and find whom a record is about; requests show who wrote an update, and tell an
    // organisation's staff about its cases), so that no module but this one reads its tables.

    /** The names of these accounts, by account id. */
    accountNames: (ids: string[]) => store.accountNames(db, ids),

    /** The people with one of these roles in these organisations (by id), by name: once for each role. */
    staffOf: (organisationIds: string[], roles: StaffRole[] = ['staff', 'manager']) =>
      store.staffOf(db, organisationIds, roles),

    /** The citizen accounts with these email addresses (in any case), by each address as given. */
    citizensByEmail: (emails: string[]) => store.citizensByEmail(db, emails),
  };
}
