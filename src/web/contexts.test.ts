// The contexts without a database: which of identity's hooks run where, in what order, where a
// form needs its CSRF token, and how errors and unknown addresses are answered in each.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forbidden } from '../platform/index.ts';
import { type Contexts, contexts, webModule, webPlugin } from './index.ts';

let app: FastifyInstance;
const html = { accept: 'text/html' };
const ran = (request: FastifyRequest) => String(request.headers['x-ran'] ?? '');

beforeAll(async () => {
  app = Fastify();
  await app.register(webPlugin, { serviceName: 'Flagstone', cookieSecret: 'a secret for the test only' });
  // Each hook says that it ran; a request may ask the gate to refuse it.
  const note = (name: string) => async (request: FastifyRequest) => {
    request.headers['x-ran'] = `${ran(request)} ${name}`.trim();
    if (name === 'secondFactor' && request.headers['x-refuse']) throw new Forbidden('A second factor first');
  };
  const within: Contexts = contexts({
    session: note('session'),
    secondFactor: note('secondFactor'),
    accessToken: note('accessToken'),
  });
  for (const name of ['pages', 'signIn', 'api', 'protocol', 'openId'] as const) {
    await app.register(
      within[name](async (scope: FastifyInstance) => {
        const path = name === 'api' ? '/api/v1/thing' : `/${name}`;
        scope.get(path, (request) => ({ ran: ran(request) }));
        scope.post(path, (request) => ({ ran: ran(request) }));
        scope.get(`${path}/boom`, () => {
          throw new Error('secret detail');
        });
      }),
    );
  }
  await app.register(webModule, {
    contexts: within,
    place: async () => ({ name: 'Fellshire' }),
    ready: async () => [],
  });
});
afterAll(() => app.close());

describe('the contexts routes are registered in', () => {
  it("runs identity's hooks where each context says, in order: the gate everywhere but on the way in", async () => {
    const ranIn = async (url: string) => (await app.inject(url)).json().ran;
    expect(await ranIn('/pages')).toBe('session secondFactor');
    expect(await ranIn('/signIn')).toBe('session');
    expect(await ranIn('/api/v1/thing')).toBe('session secondFactor accessToken');
    expect(await ranIn('/protocol')).toBe('session secondFactor');
    expect(await ranIn('/openId')).toBe('session');
    // Assets and health are for anyone, with no session looked up.
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('asks for the CSRF token of a form posted to a page or a sign-in page, and of nothing else', async () => {
    const post = (url: string) => app.inject({ method: 'POST', url, headers: html, payload: {} });
    expect((await post('/pages')).statusCode).toBe(403);
    expect((await post('/pages')).body).toContain('The form has expired');
    expect((await post('/signIn')).statusCode).toBe(403);
    expect((await post('/api/v1/thing')).statusCode).toBe(200);
    expect((await post('/protocol')).statusCode).toBe(200);
    expect((await post('/openId')).statusCode).toBe(200);
  });

  it('answers errors with a page for a browser, and the API always with problem+json', async () => {
    const page = await app.inject({ url: '/pages/boom', headers: html });
    expect(page.statusCode).toBe(500);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toContain('secret detail');
    const api = await app.inject({ url: '/api/v1/thing/boom', headers: html });
    expect(api.statusCode).toBe(500);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    const refused = await app.inject({ url: '/api/v1/thing', headers: { ...html, 'x-refuse': 'yes' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ status: 403, detail: 'A second factor first' });
    const program = await app.inject({ url: '/pages/boom' });
    expect(program.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers an unknown address as its context would, the API with problem+json', async () => {
    const page = await app.inject({ url: '/no-such-page', headers: html });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
    const api = await app.inject({ url: '/api/v1/no-such-thing', headers: html });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
