// Administrators' pages for the relying parties: list them, change what each may ask for and
// where it may send people back, and disable one (its sign-ins and tokens stop working at once).
import type { FastifyInstance } from 'fastify';
import { Invalid, requireAdmin } from '../../platform/index.ts';
import { errorList } from '../../web/index.ts';
import {
  ALL_SCOPES,
  type ClientChanges,
  type ClientListing,
  type RelyingParties,
  scopeDescriptions,
} from './clients.ts';

const lines = (value: unknown) =>
  String(value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : value ? [String(value)] : []);

function kindOf(client: ClientListing) {
  if (client.grant_types.includes('client_credentials'))
    return `Machine client for ${client.organisation_name}`;
  return client.auth_method === 'none' ? 'Public (app or browser)' : 'Confidential (server)';
}

function editPage(client: ClientListing, values: ClientChanges, fieldErrors: Record<string, string> = {}) {
  return {
    title: `Change ${client.name}`,
    client,
    kind: kindOf(client),
    values: {
      ...values,
      redirectUris: values.redirectUris.join('\n'),
      postLogoutRedirectUris: values.postLogoutRedirectUris.join('\n'),
    },
    scopeItems: ALL_SCOPES.map((scope) => ({
      value: scope,
      text: scope,
      hint: { text: scopeDescriptions[scope] },
      checked: values.scopes.includes(scope),
    })),
    fieldErrors,
  };
}

export async function clientPages(
  app: FastifyInstance,
  { identity }: { identity: { clients: RelyingParties } },
) {
  app.get('/admin/clients', async (request, reply) => {
    requireAdmin(request.actor);
    const clients = await identity.clients.list();
    return reply.page('clients.njk', {
      title: 'Services that sign people in through Flagstone',
      rows: clients.map((c) => ({ client: c, kind: kindOf(c) })),
    });
  });

  app.get<{ Params: { clientId: string } }>('/admin/clients/:clientId', async (request, reply) => {
    requireAdmin(request.actor);
    const client = await identity.clients.get(request.params.clientId);
    return reply.page(
      'client-edit.njk',
      editPage(client, {
        name: client.name,
        redirectUris: client.redirect_uris,
        postLogoutRedirectUris: client.post_logout_redirect_uris,
        scopes: client.scopes,
      }),
    );
  });

  app.post<{ Params: { clientId: string }; Body: Record<string, unknown> }>(
    '/admin/clients/:clientId',
    async (request, reply) => {
      const admin = requireAdmin(request.actor);
      const client = await identity.clients.get(request.params.clientId);
      const body = request.body ?? {};
      const changes: ClientChanges = {
        name: String(body.name ?? ''),
        redirectUris: lines(body.redirectUris),
        postLogoutRedirectUris: lines(body.postLogoutRedirectUris),
        scopes: list(body.scopes),
      };
      try {
        await identity.clients.update(admin, client.client_id, changes);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const fieldErrors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
        return reply.code(400).page('client-edit.njk', {
          ...editPage(client, changes, fieldErrors),
          errors: errorList(error.fields),
        });
      }
      return reply.redirect('/admin/clients', 303);
    },
  );

  app.post<{ Params: { clientId: string }; Body: { disabled?: string } }>(
    '/admin/clients/:clientId/status',
    async (request, reply) => {
      const admin = requireAdmin(request.actor);
      await identity.clients.setDisabled(admin, request.params.clientId, request.body?.disabled === 'true');
      return reply.redirect('/admin/clients', 303);
    },
  );
}
