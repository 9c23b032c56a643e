// The contact details question: needed where the service takes no anonymous reports (unless a
// citizen is signed in), optional where it does.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { actFor } from '../../../identity/index.ts';
import { definitionOf } from '../../service-definitions.ts';
import { type Answers, type Form, journeyDraft, str } from './draft.ts';
import type { JourneyOptions } from './options.ts';

export async function contactPages(app: FastifyInstance, { requests, places }: JourneyOptions) {
  const { draft, save } = journeyDraft(requests);
  const serviceOf = async (answers: Answers) => {
    const code = str(answers.service);
    return code ? places.service(code).catch(() => null) : null;
  };

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
    };
    const fieldErrors: Record<string, string> = {};
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
      fieldErrors.email = 'Enter an email address in the correct format, like name@example.com';
    const signedIn = !!actFor(request.actor, 'requests')?.actingFor || request.actor?.kind === 'citizen';
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
}
