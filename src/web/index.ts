// The GOV.UK page layout and everything every page and API answer shares: security headers,
// cookies, static assets, rendering and errors (problem+json or a page); and the contexts routes
// are registered in (pages with their CSRF tokens, the API, protocols), contexts.ts.
import { randomBytes } from 'node:crypto';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import nunjucks from 'nunjucks';
import { Type } from 'typebox';
import { type Actor, DomainError, type FieldError } from '../platform/index.ts';
import { type Contexts, unknownAddresses } from './contexts.ts';
import { govukDate, govukDateTime } from './dates.ts';
import { answerError, readsPages } from './errors.ts';
import { apiDocs, healthRoutes, startPage } from './pages.ts';
import { sharedRendering } from './shared-pages.ts';

export { type Context, type Contexts, contexts, type WhoIsAsking } from './contexts.ts';
export { govukDate, govukDateTime } from './dates.ts';
export { type LogFormat, loggerFor, requestLog } from './logging.ts';
export { allowedMethods, frameworkErrors } from './methods.ts';
export { truthfulDocument } from './openapi.ts';
export { sharedRendering } from './shared-pages.ts';

const govukDist = new URL('../../node_modules/govuk-frontend/dist/', import.meta.url).pathname;
const leafletDist = new URL('../../node_modules/leaflet/dist/', import.meta.url).pathname;
const srcDir = new URL('../', import.meta.url).pathname;

/** The problem+json responses every API route may give, for the OpenAPI document. */
const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'RFC 9457 problem details' },
);
export const ProblemResponses = { '4xx': ProblemSchema };

/**
 * Schema options that ask for at least one of some optional text fields, and not only spaces:
 * the schema says what the service refuses, and a refusal names the fields to choose from.
 */
export const atLeastOneOf = (fields: readonly string[]) => ({
  anyOf: fields.map((field) => ({
    required: [field],
    properties: { [field]: { type: 'string', pattern: '\\S' } },
  })),
});

export interface PageContext {
  title?: string;
  errors?: { text: string; href: string }[];
  [key: string]: unknown;
}

declare module 'fastify' {
  interface FastifyReply {
    /** This reply's Content-Security-Policy nonce for inline and module scripts, made when asked for. */
    readonly cspNonce: { script: string };
    /** Renders a page with the layout's shared context (nonce, CSRF token, who is signed in). */
    page(template: string, context?: PageContext): FastifyReply;
    /**
     * A page that is the same for everyone not signed in, for the data in `context`: rendered once
     * for that data and kept (shared-pages.ts); for someone signed in, rendered as `page` does.
     */
    sharedPage(template: string, context: PageContext): Promise<FastifyReply>;
  }
}

export interface WebOptions {
  serviceName: string;
  cookieSecret: string;
  /** The interactive map's tiles, if any: their origin is the only other one images may come from. */
  map?: { tiles: string | null; attribution: string };
  /** The place's name and logo file for the header and footer. */
  brand?: { placeName: string | null; logo: string | null };
}

/** The origin tiles come from, for the Content-Security-Policy: `{s}` subdomains as a wildcard. */
export function tileOrigin(tiles: string): string {
  const url = new URL(tiles.replaceAll('{s}', 'tile-subdomain'));
  return `${url.protocol}//${url.host.replace('tile-subdomain', '*')}`;
}

/** Field errors as the GOV.UK error summary wants them, linking to each field. */
export function errorList(fields: FieldError[]): { text: string; href: string }[] {
  return fields.map((f) => ({ text: f.message, href: `#${f.field}` }));
}

/**
 * Security headers from helmet, its middleware built once. The Content-Security-Policy allows
 * no inline script; a page that has one asks for `reply.cspNonce`, which makes the nonce and adds
 * it to this reply's policy (so JSON and API replies pay for no random bytes).
 */
const PERMISSIONS_POLICY =
  'accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

function securityHeaders(app: FastifyInstance, tiles: string | null) {
  const headers = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...(tiles ? [tileOrigin(tiles)] : [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    // Nothing of a visitor's browser is ours to use but their location, on our own pages (the map).
    reply.raw.setHeader('permissions-policy', PERMISSIONS_POLICY);
    headers(request.raw, reply.raw, () => done());
  });
  const nonces = new WeakMap<FastifyReply, { script: string }>();
  app.decorateReply('cspNonce', {
    getter(this: FastifyReply) {
      let nonce = nonces.get(this);
      if (!nonce) {
        nonce = { script: randomBytes(16).toString('base64') };
        nonces.set(this, nonce);
        // The policy as this reply has it now (a route may have widened it), with the nonce; set
        // on the raw response too, for pages the OpenID provider writes there itself.
        const policy = String(this.getHeader('content-security-policy') ?? '');
        const withNonce = policy.replace(/(^|;)script-src /, `$1script-src 'nonce-${nonce.script}' `);
        this.header('content-security-policy', withNonce);
        this.raw.setHeader('content-security-policy', withNonce);
      }
      return nonce;
    },
  });
}

/**
 * GOV.UK Frontend's styles without GOV.UK's own typeface: GDS Transport is for GOV.UK alone, so
 * its @font-face rules go and the text falls back to the Design System's own second choice.
 */
export function placeStyles(css: string): string {
  return css
    .replace(/@font-face\{font-family:GDS Transport;[^}]*\}/g, '')
    .replaceAll('GDS Transport,', '')
    .replace(/font-family:GDS Transport(?=[;}])/g, 'font-family:arial,sans-serif');
}

async function assets(app: FastifyInstance, logo: string | null) {
  await app.register(fastifyStatic, { root: `${govukDist}govuk/assets`, prefix: '/assets/', maxAge: '1d' });
  // Leaflet, for the interactive map where tiles are configured: served from here, never a CDN.
  await app.register(fastifyStatic, {
    root: `${leafletDist}`,
    prefix: '/assets/leaflet/',
    maxAge: '1d',
    decorateReply: false,
  });
  const styles = placeStyles(readFileSync(`${govukDist}govuk/govuk-frontend.min.css`, 'utf8'));
  app.get('/assets/govuk-frontend.min.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(styles),
  );
  app.get('/assets/govuk-frontend.min.js', (_request, reply) =>
    reply.sendFile('govuk-frontend.min.js', `${govukDist}govuk`),
  );
  for (const file of ['flagstone.js', 'flagstone.css', 'flagstone-map.js']) {
    app.get(`/assets/${file}`, (_request, reply) => reply.sendFile(file, `${srcDir}web/assets`));
  }
  if (logo) {
    const name = `logo${path.extname(logo).toLowerCase()}`;
    app.get(`/assets/${name}`, (_request, reply) => reply.sendFile(path.basename(logo), path.dirname(logo)));
  }
}

/** What every page's layout is given: the service's name, the place's brand, the map's tiles. */
interface Globals {
  serviceName: string;
  placeName: string | null;
  logo: string | null;
  mapTiles: string | null;
  mapAttribution: string;
}

async function views(app: FastifyInstance, globals: Globals) {
  // Each module, or sub-feature of one, keeps its pages in its own views/ folder; the layout is web's.
  const folders = globSync('**/views/', { cwd: srcDir }).filter((f) => !f.startsWith('web/'));
  const paths = [govukDist, `${srcDir}web/views`, ...folders.sort().map((f) => path.join(srcDir, f))];
  // A template is found by its name alone, so two folders may not both have one of a name.
  const seen = new Map<string, string>();
  for (const folder of paths.slice(1)) {
    for (const name of globSync('**/*.njk', { cwd: folder })) {
      const other = seen.get(name);
      if (other) throw new Error(`Two templates are named ${name}: in ${other} and ${folder}`);
      seen.set(name, folder);
    }
  }
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: paths,
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
        env.addFilter('govukDate', govukDate);
        env.addFilter('govukDateTime', govukDateTime);
      },
    },
  });
  /** What the layout of every page is rendered with, besides the page's own data. */
  const layout = (request: FastifyRequest, cspNonce: string, csrfToken: string, actor: Actor | null) => ({
    cspNonce,
    csrfToken,
    actor,
    currentPath: request.url.split('?')[0],
  });
  app.decorateReply('page', function page(this: FastifyReply, template: string, context: PageContext = {}) {
    return this.type('text/html; charset=utf-8').view(template, {
      ...context,
      ...layout(this.request, this.cspNonce.script, this.generateCsrf(), this.request.actor ?? null),
    });
  });
  const shared = sharedRendering();
  app.decorateReply(
    'sharedPage',
    async function sharedPage(this: FastifyReply, template: string, context: PageContext) {
      const request = this.request;
      if (request.actor || this.statusCode !== 200) return this.page(template, context);
      const marks = layout(request, shared.marks.nonce, shared.marks.csrf, null);
      const html = await shared.html(`${template}\n${marks.currentPath}\n${JSON.stringify(context)}`, () =>
        this.viewAsync(template, { ...context, ...marks }),
      );
      return this.type('text/html; charset=utf-8').send(
        shared.fill(html, { nonce: () => this.cspNonce.script, csrfToken: () => this.generateCsrf() }),
      );
    },
  );
}

export const webPlugin = fp<WebOptions>(async (app, options) => {
  app.removeContentTypeParser('text/plain'); // a cross-site form could send it without CORS
  await securityHeaders(app, options.map?.tiles ?? null);
  await app.register(fastifyCookie, { secret: options.cookieSecret });
  await app.register(fastifyCsrf, {
    cookieKey: 'flagstone_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: 'auto' },
  });
  await app.register(fastifyFormbody);
  const logo = options.brand?.logo ?? null;
  await assets(app, logo);
  await views(app, {
    serviceName: options.serviceName,
    placeName: options.brand?.placeName ?? null,
    logo: logo ? `/assets/logo${path.extname(logo).toLowerCase()}` : null,
    mapTiles: options.map?.tiles ?? null,
    mapAttribution: options.map?.attribution ?? '',
  });
  // Who is asking is for the contexts to say (identity's hooks); nobody, where none does.
  app.decorateRequest('actor', null);
  // The default answer to an error, where no context has its own: a page for a browser.
  app.setErrorHandler(answerError((request) => !readsPages(request)));
});

export interface WebModuleOptions {
  contexts: Contexts;
  /** The place, for the start page (web asks for it rather than depending on places). */
  place: () => Promise<unknown>;
  /** The migrations not yet run: the app is ready when there are none. */
  ready: () => Promise<string[]>;
}

/** Web's own routes: health, the start page, the API's documents, and unknown addresses. */
export async function webModule(app: FastifyInstance, { contexts, place, ready }: WebModuleOptions) {
  // Health checks are for anyone and any program, in no context: no session is looked up.
  await app.register(healthRoutes, { ready });
  await app.register(contexts.pages(startPage), { place });
  await app.register(contexts.api(apiDocs));
  await app.register(unknownAddresses, { contexts });
}

/** A domain error's field errors for a page: the summary list and each field's message. */
export function formErrors(
  error: unknown,
): { errors: { text: string; href: string }[]; fieldErrors: Record<string, string> } | null {
  if (!(error instanceof DomainError) || error.status !== 400 || error.fields.length === 0) return null;
  const fieldErrors: Record<string, string> = {};
  for (const f of error.fields) fieldErrors[f.field] ??= f.message;
  return {
    errors: Object.entries(fieldErrors).map(([field, text]) => ({ text, href: `#${field}` })),
    fieldErrors,
  };
}
