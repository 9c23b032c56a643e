// Administrators' page of the organisations' own systems: add one (its push token shown once),
// see what each has been sent, and the sends that failed, each with a button to try again.
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { requireAdmin } from '../../platform/index.ts';
import { formErrors, govukDateTime } from '../../web/index.ts';
import { PUSH_PATH } from './routes.ts';
import type { OutboundService, SystemInput } from './service.ts';

export const SYSTEMS_PAGE = '/admin/outbound';

type Outbound = Pick<OutboundService, 'addSystem' | 'systems' | 'retrySend'>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const when = (d: Date) => govukDateTime(d);

export async function outboundPages(
  app: FastifyInstance,
  { outbound, places }: { outbound: Outbound; places: Pick<PlacesService, 'organisations'> },
) {
  const listing = async (
    actor: Parameters<Outbound['systems']>[0],
    values: Partial<SystemInput> = {},
    fieldErrors: Record<string, string> = {},
  ) => {
    const [{ systems, troubled }, organisations] = await Promise.all([
      outbound.systems(actor),
      places.organisations(),
    ]);
    return {
      title: "Organisations' own systems",
      systems,
      troubled: troubled.map((t) => ({ ...t, next: t.state === 'waiting' ? when(t.next_attempt_at) : null })),
      organisationItems: [
        { value: '', text: 'Choose an organisation' },
        ...organisations.map((o) => ({
          value: o.ref,
          text: o.name,
          selected: o.ref === values.organisation,
        })),
      ],
      values,
      fieldErrors,
    };
  };

  app.get(SYSTEMS_PAGE, async (request, reply) =>
    reply.page('outbound-systems.njk', await listing(requireAdmin(request.actor))),
  );

  app.post<{ Body: Record<string, unknown> }>(SYSTEMS_PAGE, async (request, reply) => {
    const admin = requireAdmin(request.actor);
    const body = request.body ?? {};
    const values: SystemInput = {
      organisation: str(body.organisation),
      name: str(body.name),
      endpoint: str(body.endpoint),
      apiKey: str(body.apiKey),
      jurisdiction: str(body.jurisdiction),
      services: str(body.services),
      sendContact: body.sendContact === 'yes',
    };
    try {
      const added = await outbound.addSystem(admin, values);
      return reply.page('outbound-system-added.njk', {
        title: `${added.name} added`,
        added,
        pushPath: PUSH_PATH,
      });
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      // The key is never sent back to the browser, even to correct the form.
      return reply.code(400).page('outbound-systems.njk', {
        ...(await listing(admin, { ...values, apiKey: '' }, form.fieldErrors)),
        errors: form.errors,
      });
    }
  });

  app.post<{ Params: { caseId: string } }>(`${SYSTEMS_PAGE}/sends/:caseId/retry`, async (request, reply) => {
    await outbound.retrySend(requireAdmin(request.actor), request.params.caseId);
    return reply.redirect(SYSTEMS_PAGE, 303);
  });
}
