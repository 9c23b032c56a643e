// The edges of routing, answered as every other error is: a known address asked with a method
// it does not take is a 405 with Allow (not a 404), and what Fastify refuses before routing (a
// malformed or over-long address) is answered in problem+json, not Fastify's own JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/index.ts';
import { answerError } from './errors.ts';

class MethodNotAllowed extends DomainError {
  constructor(method: string, allow: string) {
    super(405, 'Method not allowed', `${method.slice(0, 20)} is not allowed here: use ${allow}`);
  }
}

/** A route's address as a pattern: `:param` one segment, `*` the rest. */
const patternOf = (url: string) =>
  new RegExp(
    `^${url
      .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
      .map((part) =>
        part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}/?$`,
  );

/**
 * Registered first, so that it sees every route: a request no route answers, to an address a
 * route answers with another method, is refused with 405 in the context that would answer its 404.
 */
export function allowedMethods(app: FastifyInstance) {
  const routes: { methods: string[]; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    routes.push({ methods: [route.method].flat().map(String), pattern: patternOf(route.url) });
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed].sort().join(', ');
    reply.header('allow', allow);
    throw new MethodNotAllowed(request.method, allow);
  });
}

// Before routing there is no page rendering to be had: problem+json, for browsers too.
const answer = answerError(() => true);

/** Errors Fastify meets before routing, in problem+json. */
export function frameworkErrors(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  return answer(
    new DomainError(
      tooLong ? 414 : 400,
      tooLong ? 'URI too long' : 'Bad request',
      tooLong ? 'A part of the address is too long' : 'The address is not valid',
    ),
    request,
    reply,
  );
}
