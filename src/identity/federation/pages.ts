// Administrators' pages for the upstream identity providers people sign in through: list them
// (whom each serves and the one issuer accepted), add one, and disable or enable one. Every
// change goes to the audit ledger.
import type { FastifyInstance } from 'fastify';
import { DomainError, Invalid, requireAdmin } from '../../platform/index.ts';
import { errorList } from '../../web/index.ts';
import type { IdentitySettings } from '../settings.ts';
import type { Federation } from './service.ts';
import type { NewUpstream } from './upstreams.ts';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export async function upstreamPages(
  app: FastifyInstance,
  { identity, settings }: { identity: { upstreams: Federation }; settings: IdentitySettings },
) {
  async function newPage(values: Partial<NewUpstream>, fieldErrors: Record<string, string> = {}) {
    const organisations = await identity.upstreams.organisations();
    return {
      title: 'Add a provider people sign in through',
      values,
      fieldErrors,
      whoItems: [
        { value: '', text: 'Choose who signs in' },
        { value: 'citizens', text: 'Citizens (a national identity service)' },
        ...organisations.map((o) => ({ value: o.ref, text: `Staff of ${o.name}` })),
      ],
    };
  }

  app.get('/admin/upstreams', async (request, reply) => {
    requireAdmin(request.actor);
    const upstreams = await identity.upstreams.all();
    return reply.page('upstreams.njk', {
      title: 'Providers people sign in through',
      rows: upstreams.map((u) => ({
        ...u,
        serves: u.organisationName ? `Staff of ${u.organisationName}` : 'Citizens',
        returnAddress: `${settings.issuer}/sign-in/with/${u.slug}/return`,
      })),
    });
  });

  app.get('/admin/upstreams/new', async (request, reply) => {
    requireAdmin(request.actor);
    return reply.page('upstream-new.njk', await newPage({}));
  });

  app.post<{ Body: Record<string, unknown> }>('/admin/upstreams/new', async (request, reply) => {
    const admin = requireAdmin(request.actor);
    const body = request.body ?? {};
    const upstream: NewUpstream = {
      name: text(body.name),
      slug: text(body.slug),
      forOrganisation: text(body.forOrganisation),
      issuer: text(body.issuer),
      clientId: text(body.clientId),
      clientSecret: text(body.clientSecret),
      vtr: text(body.vtr) || undefined,
    };
    try {
      await identity.upstreams.add(upstream, admin);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      const fields = error instanceof Invalid ? error.fields : [{ field: 'slug', message: error.message }];
      const fieldErrors = Object.fromEntries(fields.map((f) => [f.field, f.message]));
      const { clientSecret: _secret, ...keep } = upstream; // a secret is never sent back to the page
      return reply
        .code(400)
        .page('upstream-new.njk', { ...(await newPage(keep, fieldErrors)), errors: errorList(fields) });
    }
    return reply.redirect('/admin/upstreams', 303);
  });

  app.post<{ Params: { slug: string }; Body: { enabled?: string } }>(
    '/admin/upstreams/:slug/status',
    async (request, reply) => {
      const admin = requireAdmin(request.actor);
      await identity.upstreams.setEnabled(admin, request.params.slug, request.body?.enabled === 'true');
      return reply.redirect('/admin/upstreams', 303);
    },
  );
}
