// Who is asking, as the policies and the ledger see them: the organisations a person works
// for and manages (by id) and their clearance. Resolved once per actor; each request has an
// actor of its own, so a request resolves its principal once however many decisions it asks.
import type { PlacesService } from '../../places/index.ts';
import { type Actor, requireActor } from '../../platform/index.ts';
import type { LedgerEntry } from '../ledger/index.ts';
import type { KeptClearances } from './clearances.ts';

export interface Principal {
  actor: Actor;
  kind: 'staff' | 'citizen';
  accountId: string;
  /** Organisations (ids) whose records the person works with: any role but auditor. */
  organisations: string[];
  /** Organisations (ids) where the person is a manager or information governance officer. */
  manages: string[];
  clearance: number;
}

/** Resolves the principal of an actor, once per actor (a failed lookup is tried again). */
export function principals(places: PlacesService, clearances: KeptClearances) {
  const known = new WeakMap<Actor, Promise<Principal>>();

  async function resolve(who: Actor): Promise<Principal> {
    // Someone acting for a citizen under a delegation (identity's actFor) is decided as that citizen.
    if (who.kind === 'citizen' || who.actingFor) {
      return {
        actor: who,
        kind: 'citizen',
        accountId: who.actingFor?.accountId ?? who.accountId,
        organisations: [],
        manages: [],
        clearance: 0,
      };
    }
    const ids = await places.organisationIds([...new Set(who.roles.map((r) => r.organisation))]);
    const idsOf = (roles: string[]) => [
      ...new Set(
        who.roles.filter((r) => roles.includes(r.role)).map((r) => ids.get(r.organisation) as string),
      ),
    ];
    return {
      actor: who,
      kind: 'staff',
      accountId: who.accountId,
      organisations: idsOf(['staff', 'manager', 'ig_officer', 'admin']),
      manages: idsOf(['manager', 'ig_officer']),
      clearance: await clearances.of(who.accountId),
    };
  }

  return async function principal(actor: Actor | null): Promise<Principal> {
    const who = requireActor(actor);
    let found = known.get(who);
    if (!found) {
      found = resolve(who);
      known.set(who, found);
      found.catch(() => known.delete(who));
    }
    return found;
  };
}

/** The person asking, as a ledger entry names them (at the organisation the entry is about, when they work there). */
export function actorOf(p: Principal, organisationRef?: string): NonNullable<LedgerEntry['actor']> {
  const role = p.actor.roles.find((r) => r.organisation === organisationRef) ?? p.actor.roles[0];
  // A machine client acting for its organisation is decided as its staff, but it is no person.
  if (p.actor.machine)
    return {
      account: p.actor.accountId,
      kind: 'client',
      ...(role ? { organisation: role.organisation } : {}),
    };
  // The person asking, even when acting for someone (then `actingFor` names the citizen).
  return {
    account: p.actor.accountId,
    kind: p.actor.kind,
    ...(role ? { organisation: role.organisation, role: role.role } : {}),
  };
}
