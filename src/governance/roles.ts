// Who may use governance's pages and reviews: information governance officers, auditors
// (read-only) and administrators, each route naming the roles it lets in.
import { type Actor, Forbidden, requireActor } from '../platform/index.ts';

/** The signed-in person, when they have one of `roles`; otherwise Forbidden. */
export function requireGovernanceRole(actor: Actor | null, roles: string[]): Actor {
  const who = requireActor(actor);
  if (!who.roles.some((r) => roles.includes(r.role))) {
    throw new Forbidden('This is for information governance officers and auditors');
  }
  return who;
}
