// The pages of local alerts: ask for alerts near a point by email (or take the feed's address),
// confirm from the email, and end them in one click.
import type { FastifyInstance } from 'fastify';
import { formErrors } from '../../web/index.ts';
import type { subscriptions } from './subscriptions.ts';

type Subscriptions = ReturnType<typeof subscriptions>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function alertPages(
  app: FastifyInstance,
  {
    alerts,
    services,
    baseUrl,
  }: { alerts: Subscriptions; services: () => Promise<{ code: string; name: string }[]>; baseUrl: string },
) {
  const form = async (values: Record<string, string>, fieldErrors: Record<string, string> = {}) => {
    const feed = new URLSearchParams(
      Object.entries({
        lat: values.lat,
        lon: values.lon,
        distance: values.distance,
        service: values.service,
      }).filter((e): e is [string, string] => !!e[1]),
    );
    return {
      title: 'Alerts of new reports near you',
      values: { distance: '1000', ...values },
      fieldErrors,
      feedUrl: values.lat && values.lon ? `/alerts/reports.atom?${feed}` : null,
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

  app.get<{ Querystring: Record<string, string> }>('/alerts', async (request, reply) => {
    const q = request.query ?? {};
    return reply.page(
      'alerts.njk',
      await form({ lat: str(q.lat), lon: str(q.lon), distance: str(q.distance), service: str(q.service) }),
    );
  });

  app.post<{ Body: Record<string, unknown> }>('/alerts', async (request, reply) => {
    const body = request.body ?? {};
    const values = Object.fromEntries(
      ['email', 'lat', 'lon', 'distance', 'service'].map((k) => [k, str(body[k])]),
    );
    try {
      await alerts.subscribe(values, baseUrl);
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
