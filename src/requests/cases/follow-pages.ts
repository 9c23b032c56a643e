// Following a request: anyone with its reference sees its public face and public updates; a
// signed-in citizen sees every request they made, across every organisation.
import type { FastifyInstance } from 'fastify';
import { actFor } from '../../identity/index.ts';
import { Forbidden, requireActor } from '../../platform/index.ts';
import { longDate, statusNames } from '../case.ts';
import type { PublicCases } from './public.ts';

const YOUR_REQUESTS_HEAD = ['Reference', 'What', 'Dealt with by', 'Status', 'Latest update'];

export async function followPages(app: FastifyInstance, { requests }: { requests: PublicCases }) {
  app.get<{ Querystring: { reference?: string } }>('/follow', async (request, reply) => {
    const reference = (request.query.reference ?? '').trim().toUpperCase();
    if (!reference) return reply.page('follow.njk', { errors: [], fieldErrors: {} });
    const found = await requests.publicRequest(reference);
    if (!found) {
      const message = 'There is no request with that reference: check it and try again';
      return reply.code(400).page('follow.njk', {
        reference,
        errors: [{ text: message, href: '#reference' }],
        fieldErrors: { reference: message },
      });
    }
    return reply.redirect(`/follow/${found.reference}`, 303);
  });
  app.get<{ Params: { reference: string } }>('/follow/:reference', async (request, reply) => {
    const found = await requests.follow(request.params.reference);
    return reply.page('follow-request.njk', {
      ...found,
      statusName: statusNames[found.request.status],
      target: longDate(found.request.expectedAt),
    });
  });

  app.get('/your-requests', async (request, reply) => {
    // Someone acting for a citizen under a delegation covering requests sees theirs.
    const actor = requireActor(actFor(request.actor, 'requests'));
    if (actor.kind !== 'citizen' && !actor.actingFor) throw new Forbidden('This page is for citizens');
    const mine = await requests.mine(actor, request.id);
    return reply.page('your-requests.njk', {
      actingFor: actor.actingFor?.name ?? null,
      // Each cell names its column, which a narrow screen shows in place of the table's head.
      rows: mine.map((r) =>
        [
          { html: `<a class="govuk-link" href="/follow/${r.reference}">${r.reference}</a>` },
          { text: r.serviceName },
          { text: r.organisationName },
          { text: statusNames[r.status] },
          { text: r.latestUpdate ? `${longDate(r.latestUpdate.at)}: ${r.latestUpdate.body}` : 'None yet' },
        ].map((cell, i) => ({ ...cell, attributes: { 'data-label': YOUR_REQUESTS_HEAD[i] } })),
      ),
    });
  });
}
