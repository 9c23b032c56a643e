// Use-cases of acting on someone's behalf: a citizen gives and revokes delegations; the person
// (or organisation) given one sees it and chooses to act under it. Each change is one
// transaction with its ledger entry, which names both people.
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Actor,
  type Clock,
  type FieldError,
  Forbidden,
  Invalid,
  NotFound,
} from '../../platform/index.ts';
import { type Ledger, type LedgerEntry, who } from '../audit.ts';
import { endDateError, inForce, isDelegatedService } from './rules.ts';
import * as store from './store.ts';

export interface NewDelegation {
  to?: string; // 'person' | 'organisation'
  email?: string;
  organisation?: string;
  services?: string[];
  endsOn?: string;
}

const citizenOnly = (actor: Actor | null): Actor => {
  if (!actor) throw new Forbidden('Sign in first');
  if (actor.kind !== 'citizen' || actor.actingFor)
    throw new Forbidden('Only citizens can let someone act for them');
  return actor;
};

const entry = (
  action: string,
  actor: Actor,
  citizenId: string,
  delegationId: string,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry => ({
  action,
  actor: who(actor),
  subject: citizenId,
  resource: { type: 'delegation', id: delegationId },
  ...extra,
});

/** What delegations read of places: the organisations a citizen may let act for them. */
type Organisations = Pick<PlacesService, 'organisations' | 'organisationIds' | 'organisationsById'>;

/** A delegation as the person who gave it, or was given it, sees it. */
export interface DelegationRow {
  id: string;
  citizenId: string;
  citizenName: string;
  delegateAccountId: string | null;
  /** The person's name, or the organisation's. */
  delegateName: string;
  /** The organisation's reference, when an organisation was given it. */
  delegateOrganisation: string | null;
  services: string[];
  endsOn: string;
  revoked: boolean;
}

/** Delegations with their delegate's name: the person's, or the organisation's (from places). */
async function named(places: Organisations, rows: store.StoredDelegation[]): Promise<DelegationRow[]> {
  const organisations = await places.organisationsById(
    rows.flatMap((d) => (d.delegateOrganisationId ? [d.delegateOrganisationId] : [])),
  );
  return rows.map((d) => {
    const organisation = d.delegateOrganisationId ? organisations.get(d.delegateOrganisationId) : undefined;
    return {
      id: d.id,
      citizenId: d.citizenId,
      citizenName: d.citizenName,
      delegateAccountId: d.delegateAccountId,
      delegateName: d.delegateAccountName ?? organisation?.name ?? '',
      delegateOrganisation: organisation?.ref ?? null,
      services: d.services,
      endsOn: d.endsOn,
      revoked: d.revoked,
    };
  });
}

/** Who a citizen's form names to act for them, for what and until when; each bad answer is named. */
async function checkedDelegation(
  db: Db,
  places: Organisations,
  citizen: Actor,
  form: NewDelegation,
  today: string,
) {
  const fields: FieldError[] = [];
  let delegateAccount: string | null = null;
  let delegateOrganisation: string | null = null;
  if (form.to === 'person') {
    const email = (form.email ?? '').trim();
    const account = email ? await store.accountByEmail(db, email) : undefined;
    if (!email) fields.push({ field: 'email', message: 'Enter the email address of the person' });
    else if (!account)
      fields.push({
        field: 'email',
        message: 'There is no account with this email address. Ask them to create one first',
      });
    else if (account.id === citizen.accountId)
      fields.push({ field: 'email', message: 'Enter the email address of someone else' });
    else delegateAccount = account.id;
  } else if (form.to === 'organisation') {
    const id = form.organisation
      ? (await places.organisationIds([form.organisation])).get(form.organisation)
      : undefined;
    if (!id) fields.push({ field: 'organisation', message: 'Select the organisation' });
    else delegateOrganisation = id;
  } else fields.push({ field: 'to', message: 'Select who can act for you' });
  const services = (form.services ?? []).filter(isDelegatedService);
  if (services.length === 0) fields.push({ field: 'services', message: 'Select what they can do for you' });
  const endsOn = form.endsOn ?? '';
  const dateError = endDateError(endsOn, today);
  if (dateError) fields.push({ field: 'endsOn', message: dateError });
  if (fields.length > 0) throw new Invalid('Check what you entered', fields);
  return { delegateAccount, delegateOrganisation, services, endsOn };
}

/** What a citizen does: gives delegations, sees those they have given, and stops them. */
function givenByCitizens(db: Db, clock: Clock, ledger: Ledger, places: Organisations) {
  const today = () => clock.now().toISOString().slice(0, 10);

  return {
    organisations: () => places.organisations(),

    /** A citizen lets a person (by their account's email) or an organisation act for them. */
    async grant(actor: Actor | null, form: NewDelegation): Promise<string> {
      const citizen = citizenOnly(actor);
      const { delegateAccount, delegateOrganisation, services, endsOn } = await checkedDelegation(
        db,
        places,
        citizen,
        form,
        today(),
      );
      return db.transaction().execute(async (trx) => {
        const id = await store.insertDelegation(trx, {
          citizen_id: citizen.accountId,
          delegate_account_id: delegateAccount,
          delegate_organisation_id: delegateOrganisation,
          services,
          ends_on: endsOn,
        });
        await ledger.append(trx, [
          entry('identity.delegation_granted', citizen, citizen.accountId, id, {
            detail: {
              to: delegateAccount ?? String(form.organisation),
              services: services.join(' '),
              endsOn,
            },
          }),
        ]);
        return id;
      });
    },

    /** The delegations a citizen has given, each saying whether it is still in force. */
    async given(actor: Actor | null) {
      const citizen = citizenOnly(actor);
      return (await named(places, await store.givenBy(db, citizen.accountId))).map((d) => ({
        ...d,
        inForce: inForce(d, today()),
      }));
    },

    async revoke(actor: Actor | null, id: string): Promise<void> {
      const citizen = citizenOnly(actor);
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFound('There is no such permission');
      await db.transaction().execute(async (trx) => {
        if (!(await store.revoke(trx, id, citizen.accountId, clock.now()))) {
          throw new NotFound('There is no such permission, or it has already been stopped');
        }
        await ledger.append(trx, [entry('identity.delegation_revoked', citizen, citizen.accountId, id)]);
      });
    },
  };
}

/** What the person (or organisation) given a delegation does: sees it, and acts under it. */
function actingFor(db: Db, clock: Clock, ledger: Ledger, places: Organisations) {
  const today = () => clock.now().toISOString().slice(0, 10);

  /** The delegation a person chose to act under, if it is still in force for them; null otherwise. */
  async function chosen(actor: Actor, delegationId: string | undefined): Promise<Actor['delegation'] | null> {
    if (!delegationId || actor.machine) return null;
    const found = (await store.givenTo(db, actor.accountId, today())).find((d) => d.id === delegationId);
    if (!found) return null;
    return {
      accountId: found.citizenId,
      name: found.citizenName,
      delegationId: found.id,
      services: found.services,
    };
  }

  return {
    /** The delegations in force to this person or their organisations: whom they may act for. */
    async givenTo(actor: Actor | null) {
      if (!actor || actor.machine) return [];
      return named(places, await store.givenTo(db, actor.accountId, today()));
    },

    chosen,

    /** Starts acting for someone: written to the ledger with both people. */
    async start(actor: Actor | null, delegationId: string): Promise<NonNullable<Actor['delegation']>> {
      if (!actor) throw new Forbidden('Sign in first');
      const delegation = await chosen(actor, delegationId);
      if (!delegation)
        throw new Forbidden('You cannot act for this person: the permission has ended or was stopped');
      await ledger.record([
        entry('identity.acting_for_started', actor, delegation.accountId, delegation.delegationId, {
          actingFor: delegation.accountId,
        }),
      ]);
      return delegation;
    },
  };
}

export function delegations(db: Db, clock: Clock, ledger: Ledger, places: Organisations) {
  return { ...givenByCitizens(db, clock, ledger, places), ...actingFor(db, clock, ledger, places) };
}

export type Delegations = ReturnType<typeof delegations>;
