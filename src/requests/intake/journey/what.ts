// The first question of the citizen's journey: what they want to report or ask for, chosen
// from the whole catalogue or from the services matching the words they searched for.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Form, journeyDraft, str } from './draft.ts';
import type { JourneyOptions } from './options.ts';

export async function whatPages(app: FastifyInstance, { requests, places }: JourneyOptions) {
  const { draft, save } = journeyDraft(requests);

  const servicePage = async (
    reply: FastifyReply,
    chosen: string,
    q = '',
    form = { errors: [], fieldErrors: {} } as object,
  ) => {
    const found = q ? await places.services({ q }) : [];
    const shown = found.length > 0 ? found : await places.services();
    const noMatch = 'No service matches those words: try others, or choose from the list';
    return reply.page('report-service.njk', {
      q,
      searched: found.length > 0,
      items: shown.map((s) => ({
        value: s.code,
        text: s.name,
        hint: { text: s.group },
        checked: s.code === chosen,
      })),
      ...form,
      ...(q && found.length === 0
        ? { errors: [{ text: noMatch, href: '#q' }], fieldErrors: { q: noMatch } }
        : {}),
    });
  };
  app.get<{ Querystring: { q?: string } }>('/report', async (request, reply) => {
    const q = str(request.query.q).trim().slice(0, 100);
    return servicePage(reply, str((await draft(request)).answers.service), q);
  });
  app.post<{ Body: Form }>('/report', async (request, reply) => {
    const code = str(request.body?.service);
    if (!code || !(await requests.hasService(code))) {
      return servicePage(reply.code(400), code, '', {
        errors: [{ text: 'Choose what you want to report or ask for', href: '#service' }],
        fieldErrors: { service: 'Choose what you want to report or ask for' },
      });
    }
    await save(request, reply, { service: code });
    return reply.redirect('/report/where', 303);
  });
}
