// Check your answers, then send: the request is taken (intake's submit), the draft forgotten,
// and the citizen shown the reference they follow it by.
import type { FastifyInstance } from 'fastify';
import { actFor } from '../../../identity/index.ts';
import { longDate } from '../../case.ts';
import { definitionOf } from '../../service-definitions.ts';
import { contactSystem } from './contact.ts';
import { type Answers, journeyDraft, str } from './draft.ts';
import type { JourneyOptions } from './options.ts';

export async function checkAnswersPages(
  app: FastifyInstance,
  { requests, places, takesContact }: JourneyOptions,
) {
  const { draft, forget } = journeyDraft(requests);
  const serviceOf = async (answers: Answers) => {
    const code = str(answers.service);
    return code ? places.service(code).catch(() => null) : null;
  };

  app.get('/report/check', async (request, reply) => {
    const { answers, token } = await draft(request);
    if (!answers.lat) return reply.redirect('/report', 303);
    const [lat, lon] = [Number(answers.lat), Number(answers.lon)];
    return reply.page('report-check.njk', {
      route: await requests.route(str(answers.service), lat, lon),
      point: { lat, lon },
      alreadyReported: await requests.alreadyReported(str(answers.service), lat, lon),
      rows: answerRows(answers, {
        service: await serviceOf(answers),
        photos: await requests.drafts.photos(token),
        shareWith: await contactSystem(requests, takesContact, answers),
      }),
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
        contactBy: answers.contactBy === 'sms' || answers.contactBy === 'email' ? answers.contactBy : null,
        shareContact: answers.shareContact === 'yes',
        firstName: first || null,
        lastName: rest.join(' ') || null,
        photosOf: token,
      },
      { actor: actFor(request.actor, 'requests') },
      request.id,
    );
    await forget(token, reply);
    return reply.redirect(`/report/done/${created.reference}`, 303);
  });
  app.get<{ Params: { reference: string } }>('/report/done/:reference', async (request, reply) => {
    const found = await requests.follow(request.params.reference);
    const target = longDate(found.request.expectedAt);
    return reply.page('report-done.njk', { request: found.request, joined: found.joined, target });
  });
}

const row = (key: string, value: string, href: string, label: string) => ({
  key: { text: key },
  value: { text: value || 'Not given' },
  actions: { items: [{ href, text: 'Change', visuallyHiddenText: label }] },
});

/** Every answer given, each with its way back to change it. */
function answerRows(
  answers: Answers,
  known: { service: { name: string } | null; photos: { name: string }[]; shareWith: string | null },
) {
  const definition = definitionOf(str(answers.service));
  const given = (answers.attributes ?? {}) as Record<string, string | string[]>;
  const contact = '/report/contact';
  return [
    row('What', known.service?.name ?? '', '/report', 'what you are reporting'),
    row(
      'Where',
      str(answers.address) || `The place chosen on the map (${answers.lat}, ${answers.lon})`,
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
    row('Photos', known.photos.map((p) => p.name).join(', '), '/report/details#photos', 'the photos'),
    row('Your name', str(answers.name), contact, 'your name'),
    row('Email', str(answers.email), contact, 'your email'),
    row('Phone', str(answers.phone), contact, 'your phone number'),
    ...(answers.contactBy
      ? [
          row(
            'Tell me about progress',
            answers.contactBy === 'sms' ? 'By text message' : 'By email',
            contact,
            'how we tell you about progress',
          ),
        ]
      : []),
    ...(known.shareWith
      ? [
          row(
            `Pass my contact details to ${known.shareWith}`,
            answers.shareContact === 'yes' ? 'Yes' : 'No',
            contact,
            'whether we pass on your contact details',
          ),
        ]
      : []),
  ];
}
