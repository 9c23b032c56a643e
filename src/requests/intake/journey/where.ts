// The "where" page of the citizen's journey, in the GOV.UK address lookup pattern: find the
// address by postcode, street or UPRN in the gazetteer and choose it from a list, or give the
// point. A chosen property's UPRN is kept as the request's address_id, its point used to route.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formErrors } from '../../../web/index.ts';
import { addressLine } from '../locating.ts';
import { type Answers, type Form, journeyDraft, str } from './draft.ts';
import { CHOOSING_ZOOM, type MapView, mapOf, mapPages, pointAt, viewOf, wholeView } from './map-pages.ts';
import type { JourneyOptions } from './options.ts';

const SHOWN = 50;

const problem = (field: string, text: string) => ({
  errors: [{ text, href: `#${field}` }],
  fieldErrors: { [field]: text },
});

/** The pages' two forms: the point or address asked for, and the addresses matching what was typed. */
function wherePagesOf({ requests, places }: JourneyOptions) {
  const serviceOf = (answers: Answers) => places.service(str(answers.service)).catch(() => null);
  /** The map's view: as asked, else around the point chosen so far, else the whole place. */
  const viewFor = async (answers: Answers, asked: Form = {}): Promise<MapView> => {
    const chosen = answers.lat ? { lat: Number(answers.lat), lon: Number(answers.lon), z: 5 } : null;
    return viewOf(
      { lat: asked.mlat, lon: asked.mlon, z: asked.z },
      chosen ?? wholeView(await places.areas()),
    );
  };
  return {
    viewFor,
    wherePage: async (
      reply: FastifyReply,
      answers: Answers,
      values: Form,
      form: object = {},
      view?: MapView,
    ) => {
      const pin = answers.lat ? { lat: Number(answers.lat), lon: Number(answers.lon) } : null;
      return reply.page('report-where.njk', {
        service: await serviceOf(answers),
        values,
        map: mapOf(view ?? (await viewFor(answers)), pin, (await places.place()).name, str(answers.service)),
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },

    // By the address: the properties matching what was typed, to choose one.
    async addressPage(reply: FastifyReply, answers: Answers, q: string, chosen = '', form: object = {}) {
      const found = (await requests.addresses.find(q)).slice(0, SHOWN);
      // Each address says who would deal with the chosen service there.
      const servedBy = await Promise.all(
        found.map((a) =>
          requests
            .route(str(answers.service), a.latitude, a.longitude)
            .then((r) => `Dealt with by ${r.organisation.name}`)
            .catch(() => 'We cannot take this report at this address'),
        ),
      );
      return reply.page('report-where-address.njk', {
        service: await serviceOf(answers),
        q,
        more: found.length >= SHOWN,
        items: found.map((a, i) => ({
          value: String(a.uprn),
          text: addressLine(a),
          hint: { text: servedBy[i] },
          checked: String(a.uprn) === chosen,
        })),
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },
  };
}

/** By the map: a click far out zooms in there; close up it chooses the point. */
async function whereByMap(app: FastifyInstance, options: JourneyOptions) {
  const { requests } = options;
  const { draft, save } = journeyDraft(requests);
  const { wherePage, viewFor } = wherePagesOf(options);
  app.post<{ Body: Form }>('/report/where/map', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.service) return reply.redirect('/report', 303);
    const body = request.body ?? {};
    const view = await viewFor(answers, body);
    const point = pointAt(view, Number(str(body['map.x'])), Number(str(body['map.y'])));
    const refuse = (text: string) => wherePage(reply.code(400), answers, {}, problem('map', text), view);
    if (!point) return refuse('Select a place on the map');
    try {
      await requests.route(str(answers.service), point.lat, point.lon);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return refuse(form.errors[0]?.text ?? 'We cannot take reports there: choose another place');
    }
    if (view.z < CHOOSING_ZOOM) {
      const z = Math.min(CHOOSING_ZOOM, view.z + 2);
      return reply.redirect(`/report/where?mlat=${point.lat}&mlon=${point.lon}&z=${z}#map`, 303);
    }
    const { addressId: _, ...rest } = answers;
    await save(request, reply, { ...rest, lat: String(point.lat), lon: String(point.lon), address: '' });
    return reply.redirect('/report/details', 303);
  });
}

export async function wherePages(app: FastifyInstance, options: JourneyOptions) {
  const { requests } = options;
  const { draft, save } = journeyDraft(requests);
  const { wherePage, addressPage, viewFor } = wherePagesOf(options);
  await app.register(mapPages, options);
  await app.register(whereByMap, options);

  app.get<{ Querystring: Form }>('/report/where', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.service) return reply.redirect('/report', 303);
    const values = { ...(answers as Form), address: answers.addressId ? '' : str(answers.address) };
    return wherePage(reply, answers, values, {}, await viewFor(answers, request.query));
  });

  // By the point (latitude and longitude), with the street or place in words.
  app.post<{ Body: Form }>('/report/where', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.service) return reply.redirect('/report', 303);
    const body = request.body ?? {};
    try {
      const lat = Number(str(body.lat).trim() || Number.NaN);
      const lon = Number(str(body.lon).trim() || Number.NaN);
      await requests.route(str(answers.service), lat, lon);
      const { addressId: _, ...rest } = answers;
      await save(request, reply, {
        ...rest,
        lat: String(lat),
        lon: String(lon),
        address: str(body.address).trim(),
      });
      return reply.redirect('/report/details', 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return wherePage(reply.code(400), answers, body, form);
    }
  });

  app.get<{ Querystring: { q?: string } }>('/report/where/address', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.service) return reply.redirect('/report', 303);
    const q = str(request.query.q).trim().slice(0, 200);
    if (!q) return wherePage(reply.code(400), answers, {}, problem('q', 'Enter a postcode, street or UPRN'));
    if ((await requests.addresses.find(q)).length === 0)
      return wherePage(
        reply.code(400),
        answers,
        { q },
        problem('q', 'No address matches: check the postcode or street, or give the point below'),
      );
    return addressPage(reply, answers, q, str(answers.addressId));
  });

  app.post<{ Body: Form }>('/report/where/address', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.service) return reply.redirect('/report', 303);
    const q = str(request.body?.q).trim().slice(0, 200);
    const uprn = str(request.body?.uprn);
    const property = uprn ? await requests.addresses.byUprn(uprn) : null;
    if (!property) return addressPage(reply.code(400), answers, q, '', problem('uprn', 'Choose the address'));
    try {
      await requests.route(str(answers.service), property.latitude, property.longitude);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      const message = form.errors[0]?.text ?? 'We cannot take reports at that address';
      return addressPage(reply.code(400), answers, q, uprn, problem('uprn', message));
    }
    await save(request, reply, {
      ...answers,
      lat: String(property.latitude),
      lon: String(property.longitude),
      address: addressLine(property),
      addressId: String(property.uprn),
    });
    return reply.redirect('/report/details', 303);
  });
}
