// The citizen's journey through the front door (one question a page, answers kept in a
// server-side draft keyed by a cookie), and following a request by its reference.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import { Forbidden, requireActor } from '../platform/index.ts';
import { detailsPages } from './journey-details.ts';
import { type Answers, type Form, journeyDraft, str } from './journey-draft.ts';
import { wherePages } from './journey-where.ts';
import { type RequestsService, statusNames } from './service.ts';
import { definitionOf } from './service-definitions.ts';

export async function citizenJourney(
  app: FastifyInstance,
  {
    requests,
    places,
    photoLimitBytes = 10_485_760,
  }: { requests: RequestsService; places: PlacesService; photoLimitBytes?: number },
) {
  const { draft, save, forget } = journeyDraft(requests);
  const serviceOf = async (answers: Answers) => {
    const code = str(answers.service);
    return code ? places.service(code).catch(() => null) : null;
  };

  // 1. Which service: all of them, or those matching the words searched for.
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

  // 2. Where: by the gazetteer's addresses or a point.
  await app.register(wherePages, { requests, places });

  // 3. Details and photos (a multipart form, in its own plugin).
  await app.register(detailsPages, { requests, places, photoLimitBytes });

  // 4. Contact details.
  const contactPage = async (reply: FastifyReply, answers: Answers, values: Form, form: object = {}) =>
    reply.page('report-contact.njk', {
      service: await serviceOf(answers),
      anonymous: definitionOf(str(answers.service)).anonymous,
      values,
      errors: [],
      fieldErrors: {},
      ...form,
    });
  app.get('/report/contact', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    return contactPage(reply, answers, answers as Form);
  });
  app.post<{ Body: Form }>('/report/contact', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    const body = request.body ?? {};
    const values = {
      name: str(body.name).trim(),
      email: str(body.email).trim(),
      phone: str(body.phone).trim(),
    };
    const fieldErrors: Record<string, string> = {};
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
      fieldErrors.email = 'Enter an email address in the correct format, like name@example.com';
    const signedIn = request.actor?.kind === 'citizen';
    if (!definitionOf(str(answers.service)).anonymous && !values.email && !values.phone && !signedIn)
      fieldErrors.email = 'Enter an email address or phone number so that we can contact you';
    if (Object.keys(fieldErrors).length > 0) {
      return contactPage(reply.code(400), answers, values, {
        fieldErrors,
        errors: Object.entries(fieldErrors).map(([f, text]) => ({ text, href: `#${f}` })),
      });
    }
    await save(request, reply, { ...answers, ...values });
    return reply.redirect('/report/check', 303);
  });

  // 5. Check answers, then submit.
  app.get('/report/check', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report', 303);
    const service = await serviceOf(answers);
    const definition = definitionOf(str(answers.service));
    const given = (answers.attributes ?? {}) as Record<string, string | string[]>;
    const route = await requests.route(str(answers.service), Number(answers.lat), Number(answers.lon));
    const photos = await requests.drafts.photos((await draft(request)).token);
    const row = (key: string, value: string, href: string, label: string) => ({
      key: { text: key },
      value: { text: value || 'Not given' },
      actions: { items: [{ href, text: 'Change', visuallyHiddenText: label }] },
    });
    return reply.page('report-check.njk', {
      route,
      alreadyReported: await requests.alreadyReported(
        str(answers.service),
        Number(answers.lat),
        Number(answers.lon),
      ),
      rows: [
        row('What', service?.name ?? '', '/report', 'what you are reporting'),
        row(
          'Where',
          str(answers.address) || `${answers.lat}, ${answers.lon}`,
          '/report/where',
          'where it is',
        ),
        ...definition.attributes.map((a) =>
          row(
            a.description,
            [given[a.code]]
              .flat()
              .map((k) => a.values?.find((v) => v.key === k)?.name ?? k ?? '')
              .join(', '),
            '/report/details',
            a.description.toLowerCase(),
          ),
        ),
        row('Details', str(answers.description), '/report/details', 'the details'),
        row('Photos', photos.map((p) => p.name).join(', '), '/report/details#photos', 'the photos'),
        row('Your name', str(answers.name), '/report/contact', 'your name'),
        row('Email', str(answers.email), '/report/contact', 'your email'),
        row('Phone', str(answers.phone), '/report/contact', 'your phone number'),
      ],
    });
  });
  app.post('/report/check', async (request, reply) => {
    const { token, answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report', 303);
    const [first, ...rest] = str(answers.name).split(/\s+/);
    const created = await requests.submit(
      {
        service: str(answers.service),
        lat: Number(answers.lat),
        lon: Number(answers.lon),
        addressString: str(answers.address) || null,
        addressId: str(answers.addressId) || null,
        description: str(answers.description) || null,
        attributes: (answers.attributes ?? {}) as Record<string, string | string[]>,
        email: str(answers.email) || null,
        phone: str(answers.phone) || null,
        firstName: first || null,
        lastName: rest.join(' ') || null,
        photosOf: token,
      },
      { actor: request.actor },
      request.id,
    );
    await forget(token, reply);
    return reply.redirect(`/report/done/${created.reference}`, 303);
  });
  app.get<{ Params: { reference: string } }>('/report/done/:reference', async (request, reply) => {
    const found = await requests.follow(request.params.reference);
    return reply.page('report-done.njk', { request: found.request, joined: found.joined });
  });

  // Following a request, by anyone with its reference.
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
    return reply.page('follow-request.njk', { ...found, statusName: statusNames[found.request.status] });
  });

  app.get('/your-requests', async (request, reply) => {
    const actor = requireActor(request.actor);
    if (actor.kind !== 'citizen') throw new Forbidden('This page is for citizens');
    const mine = await requests.mine(request.actor, request.id);
    return reply.page('your-requests.njk', {
      rows: mine.map((r) => [
        { html: `<a class="govuk-link" href="/follow/${r.reference}">${r.reference}</a>` },
        { text: r.serviceName },
        { text: r.organisationName },
        { text: statusNames[r.status] },
        { text: r.latestUpdate ? `${r.latestUpdate.at.slice(0, 10)}: ${r.latestUpdate.body}` : 'None yet' },
      ]),
    });
  });
}
