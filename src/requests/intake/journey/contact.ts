// The contact details question: needed where the service takes no anonymous reports (unless a
// citizen is signed in), optional where it does.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { actFor } from '../../../identity/index.ts';
import { definitionOf } from '../../service-definitions.ts';
import { type Answers, type Form, journeyDraft, str } from './draft.ts';
import type { JourneyOptions } from './options.ts';

export async function contactPages(app: FastifyInstance, { requests, places, takesContact }: JourneyOptions) {
  const { draft, save } = journeyDraft(requests);
  const serviceOf = async (answers: Answers) => {
    const code = str(answers.service);
    return code ? places.service(code).catch(() => null) : null;
  };
  const systemOf = (answers: Answers) => contactSystem(requests, takesContact, answers);

  const contactPage = async (reply: FastifyReply, answers: Answers, values: Form, form: object = {}) =>
    reply.page('report-contact.njk', {
      service: await serviceOf(answers),
      anonymous: definitionOf(str(answers.service)).anonymous,
      shareWith: await systemOf(answers),
      values,
      errors: [],
      fieldErrors: {},
      ...form,
    });
  app.get('/report/contact', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    // A signed-in citizen's details are filled in from their account until they give others.
    const me = actFor(request.actor, 'requests');
    const own = me?.kind === 'citizen' && !me.actingFor ? me : null;
    const given = 'name' in answers || 'email' in answers || 'phone' in answers;
    return contactPage(
      reply,
      answers,
      given || !own ? (answers as Form) : { name: own.name, email: own.email },
    );
  });
  app.post<{ Body: Form }>('/report/contact', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    const body = request.body ?? {};
    const values = {
      name: str(body.name).trim(),
      email: str(body.email).trim(),
      phone: str(body.phone).trim(),
      contactBy: oneOf(body.contactBy, ['email', 'sms']),
      shareContact: oneOf(body.shareContact, ['yes', 'no']),
    };
    const fieldErrors: Record<string, string> = {};
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
      fieldErrors.email = 'Enter an email address in the correct format, like name@example.com';
    const signedIn = !!actFor(request.actor, 'requests')?.actingFor || request.actor?.kind === 'citizen';
    if (!definitionOf(str(answers.service)).anonymous && !values.email && !values.phone && !signedIn)
      fieldErrors.email = 'Enter an email address or phone number so that we can contact you';
    if (values.contactBy === 'sms' && !values.phone) fieldErrors.phone = 'Enter a mobile number to get texts';
    if (values.contactBy === 'email' && !values.email && !signedIn)
      fieldErrors.email = 'Enter an email address to get emails';
    const shareWith = await systemOf(answers);
    if (shareWith && !values.shareContact)
      fieldErrors.shareContact = `Select yes if we can pass your contact details to ${shareWith}`;
    if (Object.keys(fieldErrors).length > 0) {
      return contactPage(reply.code(400), answers, values, {
        fieldErrors,
        errors: Object.entries(fieldErrors).map(([f, text]) => ({ text, href: `#${f}` })),
      });
    }
    await save(request, reply, { ...answers, ...values });
    return reply.redirect('/report/check', 303);
  });
}

const oneOf = (value: unknown, allowed: string[]) => (allowed.includes(str(value)) ? str(value) : '');

/**
 * The organisation's own system that would take this request with the person's contact details,
 * if the service at this place goes to one that takes them: only then is the person asked.
 */
export async function contactSystem(
  requests: JourneyOptions['requests'],
  takesContact: JourneyOptions['takesContact'],
  answers: Answers,
): Promise<string | null> {
  if (!takesContact || !answers.lat) return null;
  const service = str(answers.service);
  const route = await requests.route(service, Number(answers.lat), Number(answers.lon)).catch(() => null);
  return route ? takesContact(route.organisation.ref, service) : null;
}
