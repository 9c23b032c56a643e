// Administrators' page for the Open311 keys of third-party apps: issue one (shown once), see
// each app's contact and the requests it posted, rotate a key, revoke one.
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { Invalid, requireAdmin } from '../../platform/index.ts';
import { errorList, govukDate } from '../../web/index.ts';
import type { ApiKeys, KeyRequest } from './api-keys.ts';
import { KEYS_PAGE } from './open311.ts';

type Keys = Pick<ApiKeys, 'issueKey' | 'keys' | 'rotateKey' | 'revokeKey'>;

const day = (date: Date) => govukDate(date);

export async function open311KeyPages(
  app: FastifyInstance,
  { requests, places }: { requests: Keys; places: Pick<PlacesService, 'organisations'> },
) {
  const listing = async (
    admin: Parameters<Keys['keys']>[0],
    values: Partial<KeyRequest> = {},
    fieldErrors: Record<string, string> = {},
  ) => {
    const [keys, organisations] = await Promise.all([requests.keys(admin), places.organisations()]);
    return {
      title: 'Open311 keys for apps',
      rows: keys.map((k) => ({
        ...k,
        issued: day(k.created_at),
        revoked: k.revoked_at ? day(k.revoked_at) : null,
      })),
      organisationItems: [
        { value: '', text: 'None: an app of its own' },
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

  app.get(KEYS_PAGE, async (request, reply) => {
    return reply.page('open311-keys.njk', await listing(requireAdmin(request.actor)));
  });

  app.post<{ Body: Record<string, unknown> }>(KEYS_PAGE, async (request, reply) => {
    const admin = requireAdmin(request.actor);
    const body = request.body ?? {};
    const values = {
      name: String(body.name ?? ''),
      contact: String(body.contact ?? ''),
      organisation: String(body.organisation ?? ''),
    };
    try {
      const issued = await requests.issueKey(admin, values);
      return reply.page('open311-key-issued.njk', { title: `Key issued to ${issued.name}`, issued });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const fieldErrors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
      return reply.code(400).page('open311-keys.njk', {
        ...(await listing(admin, values, fieldErrors)),
        errors: errorList(error.fields),
      });
    }
  });

  app.post<{ Params: { id: string } }>(`${KEYS_PAGE}/:id/rotate`, async (request, reply) => {
    const issued = await requests.rotateKey(requireAdmin(request.actor), request.params.id);
    return reply.page('open311-key-issued.njk', {
      title: `New key for ${issued.name}`,
      issued,
      rotated: true,
    });
  });

  app.post<{ Params: { id: string } }>(`${KEYS_PAGE}/:id/revoke`, async (request, reply) => {
    await requests.revokeKey(requireAdmin(request.actor), request.params.id);
    return reply.redirect(KEYS_PAGE, 303);
  });
}
