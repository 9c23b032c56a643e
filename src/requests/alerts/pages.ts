// The pages of local alerts: ask for alerts near an address or a point, or in an area, by email
// (or take the feed's address),
// confirm from the email, and end them in one click.
import type { FastifyInstance } from 'fastify';
import { formErrors } from '../../web/index.ts';
import type { subscriptions } from './subscriptions.ts';

type Subscriptions = ReturnType<typeof subscriptions>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

type Values = Record<string, string>;
const FIELDS = ['where', 'postcode', 'area', 'lat', 'lon', 'distance', 'service', 'email'];

/** The question the answers ask: an area, an address's postcode or street, or a point. */
function questionOf(values: Values): Values {
  const where = values.where || (values.lat || values.lon ? 'point' : '');
  const given = (fields: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => !!e[1]));
  const extra = given({ distance: where === 'area' ? '' : values.distance, service: values.service });
  if (where === 'area') return { area: values.area ?? '', ...extra };
  if (where === 'address') return { postcode: values.postcode ?? '', ...extra };
  return { ...given({ lat: values.lat, lon: values.lon }), ...extra };
}

export async function alertPages(
  app: FastifyInstance,
  {
    alerts,
    services,
    areas,
    baseUrl,
  }: {
    alerts: Subscriptions;
    services: () => Promise<{ code: string; name: string }[]>;
    areas: () => Promise<{ ref: string; name: string }[]>;
    baseUrl: string;
  },
) {
  const form = async (values: Values, fieldErrors: Record<string, string> = {}) => {
    const question = questionOf(values);
    const complete = question.area || question.postcode?.trim() || (question.lat && question.lon);
    return {
      title: 'Alerts of new reports near you',
      values: { distance: '1000', ...values, where: values.where || (values.lat ? 'point' : 'address') },
      fieldErrors,
      feedUrl: complete ? `/alerts/reports.atom?${new URLSearchParams(question)}` : null,
      areaItems: [
        { value: '', text: 'Choose an area' },
        ...(await areas()).map((a) => ({ value: a.ref, text: a.name, selected: a.ref === values.area })),
      ],
      serviceItems: [
        { value: '', text: 'All services' },
        ...(await services()).map((s) => ({
          value: s.code,
          text: s.name,
          selected: s.code === values.service,
        })),
      ],
    };
  };
  const message = (title: string, text: string) => ({ title, text });

  app.get<{ Querystring: Values }>('/alerts', async (request, reply) => {
    const q = request.query ?? {};
    return reply.page('alerts.njk', await form(Object.fromEntries(FIELDS.map((k) => [k, str(q[k])]))));
  });

  app.post<{ Body: Record<string, unknown> }>('/alerts', async (request, reply) => {
    const body = request.body ?? {};
    const values = Object.fromEntries(FIELDS.map((k) => [k, str(body[k])]));
    try {
      await alerts.subscribe({ ...questionOf(values), email: values.email }, baseUrl);
      return reply.page(
        'alerts-message.njk',
        message('Check your email', 'We have sent you a link: your alerts start once you follow it.'),
      );
    } catch (error) {
      const found = formErrors(error);
      if (!found) throw error;
      return reply
        .code(400)
        .page('alerts.njk', { ...(await form(values, found.fieldErrors)), errors: found.errors });
    }
  });

  app.get<{ Params: { token: string } }>('/alerts/confirm/:token', async (request, reply) => {
    await alerts.confirm(request.params.token);
    return reply.page(
      'alerts-message.njk',
      message(
        'Your alerts have started',
        'We will email you the new reports near you. Each email has a link to stop them.',
      ),
    );
  });

  app.get<{ Params: { token: string } }>('/alerts/unsubscribe/:token', async (request, reply) => {
    await alerts.unsubscribe(request.params.token);
    return reply.page(
      'alerts-message.njk',
      message(
        'Your alerts have stopped',
        'We will not email you about new reports again, and we no longer hold your email address for them.',
      ),
    );
  });
}
