// Pages for acting on someone's behalf: a citizen gives, sees and stops permissions
// (/account/acting-for-you); the person or organisation given one sees whom they may act for
// and chooses to act for them (/acting-for), which lasts until they stop or sign out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { formErrors, govukDate } from '../../web/index.ts';
import { ACTING_COOKIE } from '../accounts/index.ts';
import { DELEGATED_SERVICES } from './rules.ts';
import type { Delegations, NewDelegation } from './service.ts';

interface DelegationForm {
  to?: string;
  email?: string;
  organisation?: string;
  services?: string | string[];
  'endsOn-day'?: string;
  'endsOn-month'?: string;
  'endsOn-year'?: string;
}

// Said to the citizen giving the permission; DELEGATED_SERVICES says it to the one acting for them.
const TO_GIVER: Record<keyof typeof DELEGATED_SERVICES, string> = {
  'your-data': 'See the records held about you and who looked at them',
  requests: 'Report problems, ask for services and follow requests for you',
};
const services = Object.entries(TO_GIVER).map(([value, text]) => ({ value, text }));
const serviceNames = (list: string[], words: Record<string, string> = DELEGATED_SERVICES) =>
  list.map((s) => words[s] ?? s);
const longDate = govukDate;

function toDelegation(body: DelegationForm): NewDelegation {
  const pad = (v: string | undefined, n: number) => (v ?? '').trim().padStart(n, '0');
  return {
    to: body.to,
    email: body.email,
    organisation: body.organisation,
    services: ([] as string[]).concat(body.services ?? []),
    endsOn: `${pad(body['endsOn-year'], 4)}-${pad(body['endsOn-month'], 2)}-${pad(body['endsOn-day'], 2)}`,
  };
}

export async function delegationPages(
  app: FastifyInstance,
  { identity }: { identity: { delegations: Delegations } },
) {
  const formPage = async (reply: FastifyReply, values: DelegationForm, form?: object) =>
    reply.page('delegation-new.njk', {
      values: { ...values, services: ([] as string[]).concat(values.services ?? []) },
      services,
      organisations: await identity.delegations.organisations(),
      errors: [],
      fieldErrors: {},
      ...form,
    });

  app.get('/account/acting-for-you', async (request, reply) => {
    const given = await identity.delegations.given(request.actor);
    return reply.page('delegations-given.njk', {
      given: given.map((d) => ({
        ...d,
        services: serviceNames(d.services, TO_GIVER),
        until: longDate(d.endsOn),
      })),
    });
  });

  app.get('/account/acting-for-you/new', async (request, reply) => {
    await identity.delegations.given(request.actor); // citizens only
    return formPage(reply, {});
  });

  app.post<{ Body: DelegationForm }>('/account/acting-for-you', async (request, reply) => {
    try {
      await identity.delegations.grant(request.actor, toDelegation(request.body ?? {}));
      return reply.redirect('/account/acting-for-you', 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return formPage(reply.code(400), request.body ?? {}, form);
    }
  });

  app.post<{ Params: { id: string } }>('/account/acting-for-you/:id/stop', async (request, reply) => {
    await identity.delegations.revoke(request.actor, request.params.id);
    return reply.redirect('/account/acting-for-you', 303);
  });

  app.get('/acting-for', async (request: FastifyRequest, reply) => {
    const actor = requireActor(request.actor);
    const people = await identity.delegations.givenTo(actor);
    return reply.page('acting-for.njk', {
      people: people.map((d) => ({
        ...d,
        services: serviceNames(d.services),
        until: longDate(d.endsOn),
        through: d.delegateOrganisation ? d.delegateName : null,
      })),
      current: actor.delegation ?? null,
    });
  });

  app.post<{ Params: { id: string } }>('/acting-for/:id', async (request, reply) => {
    const chosen = await identity.delegations.start(request.actor, request.params.id);
    reply.setCookie(ACTING_COOKIE, chosen.delegationId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
    });
    return reply.redirect('/acting-for', 303);
  });

  app.post('/acting-for/stop', async (_request, reply) => {
    reply.clearCookie(ACTING_COOKIE, { path: '/' });
    return reply.redirect('/acting-for', 303);
  });
}
