// Where a route is registered decides what surrounds it, so no hook reads the URL to find out.
// A module registers each of its route plugins inside the context it belongs to,
// `app.register(contexts.api(routes), options)`: the context's hooks and error handler apply
// to those routes and no others (Fastify's encapsulation), and a new prefix needs no edit
// anywhere else. docs/decisions/0013-contexts.md says why.
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginOptions,
  FastifyReply,
  FastifyRequest,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import { Forbidden } from '../platform/index.ts';
import { answerError, answerNotFound, readsPages } from './errors.ts';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Who is asking, and what is asked of them first: identity's hooks, which the contexts place. */
export interface WhoIsAsking {
  /** The person behind the session cookie (and whom they chose to act for), or nobody. */
  session: Hook;
  /** Sends staff on to the second factor required of them (or refuses a program they use). */
  secondFactor: Hook;
  /** An access token sent with a request takes the session's place. */
  accessToken: Hook;
}

/**
 * Puts a route plugin inside a context: registered as `app.register(context(routes), options)`,
 * it takes the same options as the plugin itself.
 */
export type Context = <O extends FastifyPluginOptions, T extends FastifyTypeProvider>(
  routes: FastifyPluginAsync<O, RawServerDefault, T>,
) => FastifyPluginAsync<O, RawServerDefault, T>;

export interface Contexts {
  /** Pages for people in a browser: a form needs its CSRF token, staff their second factor. */
  pages: Context;
  /**
   * The way in: signing in and out, setting up and stepping up to a second factor, the OpenID
   * provider's interaction pages. Pages, open before the second factor is asked for.
   */
  signIn: Context;
  /** The JSON API under /api/: access tokens, problem+json always, no CSRF (it takes no forms). */
  api: Context;
  /** A protocol other systems call, with answers and errors of its own (Open311); no CSRF. */
  protocol: Context;
  /** The OpenID provider's own endpoints: a protocol on the way in, so before the second factor. */
  openId: Context;
}

/** Where the JSON API lives: its unknown addresses are answered in problem+json too. */
const API_PREFIX = '/api/';

type SetUp = (scope: FastifyInstance) => void;

/** One of identity's hooks, run on every request to the context's routes. */
const onRequest =
  (hook: Hook): SetUp =>
  (scope) => {
    scope.addHook('onRequest', hook);
  };

/** CSRF on every form post: a page of another site can post a form to us, so ours carry a token. */
function formTokens(scope: FastifyInstance) {
  scope.addHook('preHandler', (request, reply, done) => {
    const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if (safe) return done();
    return scope.csrfProtection(request, reply, done);
  });
}

/**
 * CSRF on the API: a change made with the session cookie (not an access token) must come as JSON,
 * or with no body, from Flagstone's own origin. A page of another site can post a form, plain
 * text or multipart without asking, but not JSON; and the browser says where a request comes from.
 */
function sameOriginWrites(scope: FastifyInstance) {
  scope.addHook('onRequest', async (request) => {
    const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if (safe || !request.actor || request.headers.authorization !== undefined) return;
    const type = request.headers['content-type'];
    const json = type === undefined || /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type);
    const origin = request.headers.origin;
    const elsewhere =
      request.headers['sec-fetch-site'] === 'cross-site' ||
      (origin !== undefined &&
        URL.parse(origin)?.host !== URL.parse(`${request.protocol}://${request.headers.host}`)?.host);
    if (!json || elsewhere)
      throw new Forbidden(
        'A change through the API with a session cookie must be sent as JSON from Flagstone itself; other systems use an access token',
      );
  });
}

/** Problem+json whatever the client accepts: what a program expects of an API. */
function problems(scope: FastifyInstance) {
  scope.setErrorHandler(answerError(() => true));
}

/** A context: what it sets up on a scope of its own, in order, before the routes put inside it. */
function context(name: string, ...setUp: SetUp[]): Context {
  return (routes) => {
    // The prefix, if any, is this scope's already: the routes inside are not to have it twice.
    const inside: FastifyPluginAsync<{ prefix?: string }> = async (scope, { prefix: _, ...options }) => {
      for (const part of setUp) part(scope);
      await scope.register(routes as FastifyPluginAsync<FastifyPluginOptions>, options);
    };
    Object.assign(inside, { [Symbol.for('fastify.display-name')]: `${name}(${routes.name})` });
    return inside as unknown as typeof routes;
  };
}

/**
 * The contexts, and what each has around its routes, in the order it runs. Security headers,
 * cookies, assets, rendering and the default error answer (a page for a browser, otherwise
 * problem+json) are everywhere (webPlugin).
 */
export function contexts(people: WhoIsAsking): Contexts {
  return {
    pages: context('pages', onRequest(people.session), onRequest(people.secondFactor), formTokens),
    signIn: context('signIn', onRequest(people.session), formTokens),
    api: context(
      'api',
      onRequest(people.session),
      onRequest(people.secondFactor),
      onRequest(people.accessToken),
      sameOriginWrites,
      problems,
    ),
    protocol: context('protocol', onRequest(people.session), onRequest(people.secondFactor)),
    openId: context('openId', onRequest(people.session)),
  };
}

/**
 * Unknown addresses: a GOV.UK page for a browser (problem+json for a program), as a page would
 * answer; under the API's prefix, problem+json, as the API would. Each is answered inside its
 * context, so an unknown address is refused as a known one would be (a form post without its
 * token, a token without the scope).
 */
export async function unknownAddresses(app: FastifyInstance, { contexts }: { contexts: Contexts }) {
  await app.register(
    contexts.pages(async (scope: FastifyInstance) => {
      scope.setNotFoundHandler(answerNotFound((request) => !readsPages(request)));
    }),
  );
  await app.register(
    contexts.api(async (scope: FastifyInstance) => {
      await scope.register(
        async (api) => {
          api.setNotFoundHandler(answerNotFound(() => true));
        },
        { prefix: API_PREFIX },
      );
    }),
  );
}
