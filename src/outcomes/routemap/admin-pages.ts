// Administrators' pages for the place's routemap (/routemap/manage): add a version of the
// framework from its file, and import another place's published benchmark from its CSV. The forms
// are multipart (they work without JavaScript); a file that does not fit is shown again with the
// error summary naming what is wrong, and nothing is added.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, Invalid, requireActor } from '../../platform/index.ts';
import type { RoutemapService } from './service.ts';
import { oneFileForms, uploadIn } from './uploads.ts';

const LIMIT_BYTES = 2 * 1024 * 1024;
const done: Record<string, string> = {
  framework: 'Framework version added',
  benchmark: 'Benchmark imported',
};

async function managePage(
  routemap: RoutemapService,
  request: FastifyRequest,
  reply: FastifyReply,
  form: object = {},
) {
  requireActor(request.actor);
  const [frameworks, place] = await Promise.all([
    routemap.frameworks(),
    routemap.benchmark(request.actor, request.id),
  ]);
  return reply.page('routemap-manage.njk', {
    frameworks: frameworks.map((f) => ({ id: f.id, title: f.framework.title, version: f.framework.version })),
    otherPlaces: place.otherPlaces.map((p) => p.place),
    done: done[String((request.query as Record<string, unknown>)?.done ?? '')],
    errors: [],
    fieldErrors: {},
    ...form,
  });
}

export async function adminPages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  await oneFileForms(app, LIMIT_BYTES);

  // A stale form or a body the parser refused: the page again, nothing added.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!error.code?.startsWith('FST_')) throw error;
    const text = error.code.startsWith('FST_CSRF')
      ? 'The form has expired: reload the page and try again'
      : 'The file could not be read: choose it again';
    return managePage(routemap, request, reply.code(error.code.startsWith('FST_CSRF') ? 403 : 400), {
      errors: [{ text, href: '#framework' }],
    });
  });

  app.get('/routemap/manage', (request, reply) => managePage(routemap, request, reply));

  for (const kind of ['framework', 'benchmark'] as const)
    app.post<{ Body: Record<string, unknown> }>(`/routemap/manage/${kind}`, async (request, reply) => {
      const upload = uploadIn(request.body, kind);
      const text = upload && !upload.truncated ? upload.bytes.toString('utf8') : '';
      try {
        if (!text) throw new Invalid('No file', [{ field: kind, message: 'Choose a file' }]);
        if (kind === 'framework') await routemap.addFramework(request.actor, text, request.id);
        else await routemap.importBenchmark(request.actor, text, request.id);
        return reply.redirect(`/routemap/manage?done=${kind}`, 303);
      } catch (error) {
        if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
        const messages = error.fields.length > 0 ? error.fields.map((f) => f.message) : [error.message];
        return managePage(routemap, request, reply.code(error.status), {
          errors: messages.map((text) => ({ text, href: `#${kind}` })),
          fieldErrors: { [kind]: messages[0] },
        });
      }
    });
}
