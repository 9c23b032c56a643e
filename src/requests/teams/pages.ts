// The pages (/staff/teams) and API (/api/v1/organisations/{ref}/teams) where managers set up
// their organisation's teams. A form sent with an expired token is shown again with the
// error summary, the answers kept, and nothing changed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Conflict, requireActor } from '../../platform/index.ts';
import { formErrors, ProblemResponses } from '../../web/index.ts';
import type { TeamInput, TeamsService } from './teams.ts';

type Form = Record<string, string | string[] | undefined>;
type Params = { ref: string; id?: string };
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const input = (body: Form | undefined): TeamInput => ({ name: str(body?.name), email: str(body?.email) });
const expired = 'The form has expired: reload the page and try again';
const done: Record<string, string> = {
  added: 'Team added',
  changed: 'Team changed',
  removed: 'Team removed',
};

const Ref = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const TeamParams = Type.Object({ ref: Ref, id: Type.String({ maxLength: 36 }) });
const TeamBody = Type.Object({
  name: Type.String({ maxLength: 1000 }),
  email: Type.Optional(Type.String({ maxLength: 1000, description: 'The team mailbox; empty for none' })),
});
const Team = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  openCases: Type.Integer(),
});

/** The team pages' two views: an organisation's teams with the form to add one, and one team to change or remove. */
function teamViews(teams: TeamsService) {
  return {
    async listPage(request: FastifyRequest, reply: FastifyReply, ref: string, form: object = {}) {
      const { organisation, teams: list } = await teams.list(request.actor, ref, request.id);
      return reply.page('teams.njk', {
        organisation,
        teams: list,
        // The inbox lists only the viewer's own organisations' cases: no link to another's.
        opensCases: (request.actor?.roles ?? []).some((r) => r.organisation === organisation.ref),
        done: done[str((request.query as Form | undefined)?.done)],
        values: {},
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },

    async teamPage(
      request: FastifyRequest,
      reply: FastifyReply,
      { ref, id }: Params,
      view: 'team-change.njk' | 'team-remove.njk',
      form: object = {},
    ) {
      const { organisation, team } = await teams.team(request.actor, ref, id as string, request.id);
      const opensCases = (request.actor?.roles ?? []).some((r) => r.organisation === organisation.ref);
      return reply.page(view, {
        organisation,
        team,
        opensCases,
        values: team,
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },
  };
}

export const teamPages: FastifyPluginAsyncTypebox<{ teams: TeamsService }> = async (app, { teams }) => {
  const { listPage, teamPage } = teamViews(teams);

  // A stale or forged form: the page again, with the error summary and the answers kept.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!error.code?.startsWith('FST_CSRF')) throw error;
    const params = request.params as Params;
    const form = {
      errors: [{ text: expired, href: '#name' }],
      fieldErrors: {},
      values: input(request.body as Form),
    };
    reply.code(403);
    if (request.url.endsWith('/remove'))
      return teamPage(request, reply, params, 'team-remove.njk', {
        errors: [{ text: expired, href: '#remove' }],
      });
    return params.id
      ? teamPage(request, reply, params, 'team-change.njk', form)
      : listPage(request, reply, params.ref, form);
  });

  app.get<{ Querystring: Form }>('/staff/teams', async (request, reply) => {
    requireActor(request.actor);
    const organisations = await teams.organisations(request.actor, request.id);
    if (organisations.length === 1) return reply.redirect(`/staff/teams/${organisations[0]?.ref}`, 303);
    return reply.page('teams-organisations.njk', { organisations });
  });

  app.get<{ Params: Params }>('/staff/teams/:ref', (request, reply) => {
    requireActor(request.actor);
    return listPage(request, reply, request.params.ref);
  });

  app.post<{ Params: Params; Body: Form }>('/staff/teams/:ref', async (request, reply) => {
    const { ref } = request.params;
    try {
      await teams.add(request.actor, ref, input(request.body), request.id);
      return reply.redirect(`/staff/teams/${ref}?done=added`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return listPage(request, reply.code(400), ref, { ...form, values: input(request.body) });
    }
  });

  app.get<{ Params: Params }>('/staff/teams/:ref/:id', (request, reply) => {
    requireActor(request.actor);
    return teamPage(request, reply, request.params, 'team-change.njk');
  });

  app.post<{ Params: Params; Body: Form }>('/staff/teams/:ref/:id', async (request, reply) => {
    const { ref, id } = request.params;
    try {
      await teams.change(request.actor, ref, id as string, input(request.body), request.id);
      return reply.redirect(`/staff/teams/${ref}?done=changed`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return teamPage(request, reply.code(400), request.params, 'team-change.njk', {
        ...form,
        values: input(request.body),
      });
    }
  });

  app.get<{ Params: Params }>('/staff/teams/:ref/:id/remove', (request, reply) => {
    requireActor(request.actor);
    return teamPage(request, reply, request.params, 'team-remove.njk');
  });

  app.post<{ Params: Params }>('/staff/teams/:ref/:id/remove', async (request, reply) => {
    const { ref, id } = request.params;
    try {
      await teams.remove(request.actor, ref, id as string, request.id);
      return reply.redirect(`/staff/teams/${ref}?done=removed`, 303);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return teamPage(request, reply.code(409), request.params, 'team-remove.njk', {
        errors: [{ text: error.message, href: '#remove' }],
      });
    }
  });
};

/** The API of teams, for an organisation's managers and administrators. */
export const teamRoutes: FastifyPluginAsyncTypebox<{ teams: TeamsService }> = async (app, { teams }) => {
  app.get(
    '/api/v1/organisations/:ref/teams',
    {
      schema: {
        tags: ['Cases'],
        summary:
          "An organisation's teams, with how many open cases each has (its managers and administrators)",
        params: Type.Object({ ref: Ref }),
        response: { 200: Type.Array(Team), ...ProblemResponses },
      },
    },
    async (request) => (await teams.list(request.actor, request.params.ref, request.id)).teams,
  );

  app.post(
    '/api/v1/organisations/:ref/teams',
    {
      schema: {
        tags: ['Cases'],
        summary:
          'Add a team that cases can be assigned to, with the mailbox its escalations and reminders go to',
        params: Type.Object({ ref: Ref }),
        body: TeamBody,
        response: { 201: Type.Omit(Team, ['openCases']), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      const body = { name: request.body.name, email: request.body.email ?? '' };
      return reply.code(201).send(await teams.add(request.actor, request.params.ref, body, request.id));
    },
  );

  app.put(
    '/api/v1/organisations/:ref/teams/:id',
    {
      schema: {
        tags: ['Cases'],
        summary: 'Rename a team or change its mailbox (its cases keep it under the new name)',
        params: TeamParams,
        body: TeamBody,
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      const body = { name: request.body.name, email: request.body.email ?? '' };
      await teams.change(request.actor, request.params.ref, request.params.id, body, request.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/organisations/:ref/teams/:id',
    {
      schema: {
        tags: ['Cases'],
        summary: 'Remove a team that has no open cases',
        params: TeamParams,
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await teams.remove(request.actor, request.params.ref, request.params.id, request.id);
      return reply.code(204).send(null);
    },
  );
};
