// The outcomes pages for leaders: every KPI's latest value against its target with its trend
// chart, for the whole place or one organisation (/outcomes), and one KPI in full with the data
// of its chart and every organisation's latest value (/outcomes/kpis/:id).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { Forbidden, requireActor } from '../../platform/index.ts';
import { govukDateTime, sharedRendering } from '../../web/index.ts';
import type { KpisService } from './service.ts';

type Overview = Awaited<ReturnType<KpisService['overview']>>;

const refOf = (v: unknown) => (typeof v === 'string' && /^[a-z0-9][a-z0-9-]{1,62}$/.test(v) ? v : null);

export const staffOnly = (request: FastifyRequest) => {
  const actor = requireActor(request.actor);
  if (actor.kind !== 'staff') throw new Forbidden('The outcomes pages are for the place’s staff');
  return actor;
};

export async function kpiPages(
  app: FastifyInstance,
  { kpis, places }: { kpis: KpisService; places: PlacesService },
) {
  const choices = async (chosen: string | null) => [
    { value: '', text: 'The whole place', selected: !chosen },
    ...(await places.organisations()).map((o) => ({
      value: o.ref,
      text: o.name,
      selected: o.ref === chosen,
    })),
  ];
  const nameOf = async (ref: string | null) =>
    ref ? (await places.organisation(ref)).name : (await places.place()).name;

  // Every KPI's figures (the charts, their tables of data) are the same for everyone until the job
  // runs again or a month ends: rendered once for each, not for every reader (GOV.UK's macros
  // were most of the page's cost).
  const figures = sharedRendering();
  const figuresOf = (reply: FastifyReply, ref: string | null, overview: Overview) =>
    figures.html(JSON.stringify([ref, overview.computedAt, overview.kpis.map((k) => k.latest?.label)]), () =>
      reply.viewAsync('outcomes-figures.njk', { kpis: overview.kpis, organisation: ref }),
    );

  app.get<{ Querystring: { organisation?: string } }>('/outcomes', async (request, reply) => {
    staffOnly(request);
    const ref = refOf(request.query.organisation);
    const overview = await kpis.overview(ref);
    return reply.page('outcomes.njk', {
      figures: await figuresOf(reply, ref, overview),
      ...overview,
      computedAt: overview.computedAt ? govukDateTime(overview.computedAt) : null,
      organisation: ref,
      organisationName: await nameOf(ref),
      organisations: await choices(ref),
    });
  });

  app.get<{ Params: { id: string }; Querystring: { organisation?: string } }>(
    '/outcomes/kpis/:id',
    async (request, reply) => {
      staffOnly(request);
      const ref = refOf(request.query.organisation);
      const shown = await kpis.kpi(request.params.id, ref);
      return reply.page('outcomes-kpi.njk', {
        ...shown,
        organisation: ref,
        organisationName: await nameOf(ref),
        organisations: await choices(ref),
        rows: shown.organisations,
      });
    },
  );
}
