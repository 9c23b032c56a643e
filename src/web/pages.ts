import type { FastifyInstance } from 'fastify';

/** The start page, about the place; web asks for it rather than depending on the places module. */
export async function startPage(app: FastifyInstance, { place }: { place: () => Promise<unknown> }) {
  app.get('/', async (_request, reply) => reply.sharedPage('start.njk', { place: await place() }));
}

/** Liveness answers without the database; readiness needs the database and current migrations. */
export async function healthRoutes(app: FastifyInstance, { ready }: { ready: () => Promise<string[]> }) {
  app.get('/healthz', { logLevel: 'warn' }, () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      const pending = await ready();
      if (pending.length > 0) return reply.code(503).send({ status: 'migrations pending', pending });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
}

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: { description?: string };
  }[];
  responses?: Record<string, unknown>;
}

/** The OpenAPI document as JSON, and as a readable page built from the same document. */
export async function apiDocs(app: FastifyInstance) {
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/api/docs', { schema: { hide: true } }, (_request, reply) => {
    const document = app.swagger() as { paths?: Record<string, Record<string, Operation>> };
    const groups = new Map<string, unknown[]>();
    for (const [path, methods] of Object.entries(document.paths ?? {})) {
      for (const [method, op] of Object.entries(methods)) {
        const tag = op.tags?.[0] ?? 'Other';
        const parameters = (op.parameters ?? []).map((p) => [
          { text: p.name },
          { text: p.in },
          { text: p.required ? 'Yes' : 'No' },
          { text: p.description ?? p.schema?.description ?? '' },
        ]);
        const entry = {
          method: method.toUpperCase(),
          path,
          summary: op.summary,
          parameters,
          responses: Object.keys(op.responses ?? {}).join(', '),
        };
        groups.set(tag, [...(groups.get(tag) ?? []), entry]);
      }
    }
    return reply.page('api-docs.njk', {
      document,
      groups: [...groups].map(([tag, operations]) => ({ tag, operations })),
    });
  });
}
