// Who is asking: the account behind the session cookie and whom the person chose to act for;
// and the gate that sends staff on to a second factor where one is required of them (and
// anyone, before pages that ask for one).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, Forbidden, requireActor } from '../../platform/index.ts';
import type { IdentitySettings } from '../settings.ts';
import type { Accounts } from './service.ts';

/** The cookie holding the id of a person's Flagstone session. */
export const SESSION_COOKIE = 'flagstone_session';

/** The delegation a person chose to act under for the rest of their session (set by delegation's pages). */
export const ACTING_COOKIE = 'flagstone_acting_for';

/** Whether the delegation a person chose is still theirs to act under (delegation answers). */
export interface ActingFor {
  chosen(actor: Actor, delegationId: string | undefined): Promise<Actor['delegation'] | null>;
}

/**
 * Who is asking, and the gate in front of staff a second factor is required of: hooks for the
 * contexts of web, which put the gate everywhere but on the way in (signing in and out, setting
 * up and stepping up to the second factor, the OpenID provider), so no path is listed here.
 */
export function sessionHooks({
  identity,
  settings,
}: {
  identity: Pick<Accounts, 'actorFor'> & { delegations: ActingFor };
  settings: IdentitySettings;
}) {
  return {
    /** The account behind the session cookie, acting for whom the person chose; or nobody. */
    async session(request: FastifyRequest) {
      request.actor = await identity.actorFor(request.cookies[SESSION_COOKIE]);
      const acting = request.cookies[ACTING_COOKIE];
      if (request.actor && acting) {
        const chosen = await identity.delegations.chosen(request.actor, acting);
        if (chosen) request.actor.delegation = chosen;
      }
    },
    /** Staff signed in with a password alone, where a second factor is required of them, go to get one. */
    async secondFactor(request: FastifyRequest, reply: FastifyReply) {
      if (settings.staffSecondFactor && needsSecondFactor(request.actor)) {
        return sendToSecondFactor(request, reply, request.url);
      }
    },
  };
}

/** Staff signed in with a password alone, where a second factor is required of them. */
export const needsSecondFactor = (actor: Actor | null) =>
  actor?.kind === 'staff' && !actor.machine && actor.authLevel !== 'second_factor';

/** A safe place to go back to: a path on this site only. */
export const localPath = (next: unknown) =>
  typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/home';

/** The page a form was sent from, when it is one of this site's: where to come back to after stepping up. */
function formPage(request: FastifyRequest): string {
  const from = URL.parse(String(request.headers.referer ?? ''));
  const here = URL.parse(`${request.protocol}://${request.host}`)?.origin;
  return from && from.origin === here ? `${from.pathname}${from.search}` : '/home';
}

/**
 * Sends a person to step up to a second factor (setting one up first if they have none) and
 * back to the page they asked for (after a form, the page the form was on, to send it again);
 * an API call is refused instead.
 */
export function sendToSecondFactor(request: FastifyRequest, reply: FastifyReply, next: string) {
  if (!(request.headers.accept ?? '').includes('text/html')) {
    throw new Forbidden('This needs a second factor: sign in with the code from your authenticator app');
  }
  const back = request.method === 'GET' ? next : formPage(request);
  return reply.redirect(`/account/step-up?next=${encodeURIComponent(localPath(back))}`, 303);
}

/** A route hook that requires a second factor of this session, sending the person to step up. */
export async function requireSecondFactor(request: FastifyRequest, reply: FastifyReply) {
  const actor = requireActor(request.actor);
  if (actor.authLevel !== 'second_factor' && !actor.machine)
    return sendToSecondFactor(request, reply, request.url);
}
