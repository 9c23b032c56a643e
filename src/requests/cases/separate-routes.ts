// The page (/cases/{id}/separate) and API (/api/v1/cases/{id}/separation) where staff separate
// a report wrongly joined to another case. A form sent with an expired token is shown again
// with the error summary, the reason kept, and nothing changed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../platform/index.ts';
import { formErrors, ProblemResponses } from '../../web/index.ts';
import type { SeparationService } from './separate.ts';

type Form = Record<string, string | string[] | undefined>;
const reasonOf = (body: unknown) => {
  const v = (body as Form | undefined)?.reason;
  return typeof v === 'string' ? v : '';
};

export const separatePages: FastifyPluginAsyncTypebox<{ separation: SeparationService }> = async (
  app,
  { separation },
) => {
  const page = async (request: FastifyRequest, reply: FastifyReply, id: string, form: object = {}) =>
    reply.page('case-separate.njk', {
      view: await separation.joined(request.actor, id, request.id),
      reason: '',
      errors: [],
      fieldErrors: {},
      ...form,
    });

  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!error.code?.startsWith('FST_CSRF')) throw error;
    const text = 'The form has expired: reload the page and try again';
    return page(request, reply.code(403), (request.params as { id: string }).id, {
      errors: [{ text, href: '#reason' }],
      reason: reasonOf(request.body),
    });
  });

  app.get<{ Params: { id: string } }>('/cases/:id/separate', (request, reply) => {
    requireActor(request.actor);
    return page(request, reply, request.params.id);
  });

  app.post<{ Params: { id: string }; Body: Form }>('/cases/:id/separate', async (request, reply) => {
    try {
      await separation.separate(
        request.actor,
        request.params.id,
        { reason: reasonOf(request.body) },
        request.id,
      );
      return reply.redirect(`/cases/${request.params.id}?done=separated`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return page(request, reply.code(400), request.params.id, { ...form, reason: reasonOf(request.body) });
    }
  });
};

export const separateRoutes: FastifyPluginAsyncTypebox<{ separation: SeparationService }> = async (
  app,
  { separation },
) => {
  app.post(
    '/api/v1/cases/:id/separation',
    {
      schema: {
        tags: ['Cases'],
        summary:
          'Separate a report joined to another case that is not the same problem: it becomes a case of its own again',
        params: Type.Object({ id: Type.String({ maxLength: 36 }) }),
        body: Type.Object({
          reason: Type.String({ maxLength: 4000, description: 'Why it is not the same problem' }),
        }),
        response: { 204: Type.Null(), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      await separation.separate(request.actor, request.params.id, request.body, request.id);
      return reply.code(204).send(null);
    },
  );
};
