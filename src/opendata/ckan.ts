// A read-only CKAN-compatible Action API (/api/3/action/...), answering in CKAN's envelope, so
// CKAN harvesters and clients (ckanapi, the CKAN API guide's own calls) read the catalogue
// unchanged: package_list, package_show, package_search, organization_list, resource_show.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ckanOrganization, ckanPackage, ckanResource, type Entry, type Site } from './catalogue.ts';
import type { OpenDataService } from './service.ts';

type Params = Record<string, unknown>;

class CkanError extends Error {
  readonly status: number;
  readonly error: Record<string, unknown>;
  constructor(status: number, error: Record<string, unknown>) {
    super(String(error.message ?? error.__type));
    this.status = status;
    this.error = error;
  }
}

const notFound = (what: string) =>
  new CkanError(404, { __type: 'Not Found Error', message: `Not found: ${what}` });
const missing = (field: string) =>
  new CkanError(409, { __type: 'Validation Error', [field]: ['Missing value'] });
const invalid = (field: string, message: string) =>
  new CkanError(409, { __type: 'Validation Error', [field]: [message] });

function text(params: Params, field: string): string | undefined {
  const value = params[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(field, 'Must be a string');
  return String(value);
}

function whole(params: Params, field: string, fallback: number, max: number): number {
  const value = text(params, field);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalid(field, 'Invalid integer');
  return Math.min(n, max);
}

/** A plain-words search, as CKAN's for these few fields: every term in the title, description, keywords or publisher. */
function matches(entry: Entry, q: string | undefined): boolean {
  if (!q || q === '*:*') return true;
  const haystack = [
    entry.dataset.id,
    entry.dataset.title,
    entry.dataset.description,
    entry.publisher.name,
    ...entry.dataset.keywords,
  ]
    .join(' ')
    .toLowerCase();
  return q
    .toLowerCase()
    .replace(/^(text|title|name|notes|tags):/, '')
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => haystack.includes(term.replace(/^"|"$/g, '')));
}

function actions(site: Site, entries: Entry[]): Record<string, (params: Params) => unknown> {
  const byName = (params: Params) => {
    const id = text(params, 'id') ?? text(params, 'name_or_id');
    if (!id) throw missing('id');
    const entry = entries.find((e) => e.dataset.id === id);
    if (!entry) throw notFound('package');
    return entry;
  };
  return {
    package_list: (params) => {
      const offset = whole(params, 'offset', 0, 1_000_000);
      const limit = whole(params, 'limit', 1000, 1000);
      return entries.map((e) => e.dataset.id).slice(offset, offset + limit);
    },
    package_show: (params) => ckanPackage(site, byName(params)),
    package_search: (params) => {
      const rows = whole(params, 'rows', 10, 1000);
      const start = whole(params, 'start', 0, 1_000_000);
      const found = entries.filter((e) => matches(e, text(params, 'q')));
      return {
        count: found.length,
        sort: 'score desc, metadata_modified desc',
        facets: {},
        search_facets: {},
        results: found.slice(start, start + rows).map((e) => ckanPackage(site, e)),
      };
    },
    organization_list: (params) => {
      const publishers = [...new Map(entries.map((e) => [e.publisher.ref, e.publisher])).values()];
      const all = ['true', 'True', '1'].includes(text(params, 'all_fields') ?? '');
      return publishers.map((p) =>
        all
          ? { ...ckanOrganization(p), package_count: entries.filter((e) => e.publisher.ref === p.ref).length }
          : p.ref,
      );
    },
    resource_show: (params) => {
      const id = text(params, 'id');
      if (!id) throw missing('id');
      for (const entry of entries)
        for (const release of entry.releases)
          for (const file of release.files)
            if (`${entry.dataset.id}.${release.version}.${file.format}` === id && !release.withdrawn_at)
              return ckanResource(site, entry, release, file);
      throw notFound('resource');
    },
  };
}

export async function ckanApi(
  app: FastifyInstance,
  { openData, site }: { openData: OpenDataService; site: Site },
) {
  const help = (action: string) => `${site.base}/api/3/action/help_show?name=${action}`;
  const fail = (reply: FastifyReply, action: string, error: CkanError) =>
    reply.code(error.status).send({ help: help(action), success: false, error: error.error });

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const action = (request.params as { action?: string })?.action ?? '';
    if (error instanceof CkanError) return fail(reply, action, error);
    if ((error.statusCode ?? 500) < 500)
      return fail(
        reply,
        action,
        new CkanError(400, {
          __type: 'Bad Request',
          message: 'Bad request: the parameters could not be read',
        }),
      );
    request.log.error({ err: error.name }, 'CKAN API failed');
    return fail(
      reply,
      action,
      new CkanError(500, { __type: 'Internal Error', message: 'Something went wrong on our side' }),
    );
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/api/3/action/:action',
    handler: async (request, reply) => {
      const { action } = request.params as { action: string };
      const body = request.body && typeof request.body === 'object' ? (request.body as Params) : {};
      const params: Params = { ...(request.query as Params), ...body };
      const run = actions(site, await openData.entries())[action];
      if (!run)
        throw new CkanError(400, {
          __type: 'Bad Request',
          message: `Bad request - Action name not known: ${action.slice(0, 100)}`,
        });
      reply.header('cache-control', 'public, max-age=60');
      return { help: help(action), success: true, result: run(params) };
    },
  });
}
