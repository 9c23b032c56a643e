import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
  t.app.get('/boom', () => {
    throw new Error('secret detail: amina.khan@example.com');
  });
  t.app.get('/api/v1/boom', () => {
    throw new Error('secret detail: amina.khan@example.com');
  });
});
afterAll(() => t.close());

const html = { accept: 'text/html' };

describe('pages and what every answer carries', () => {
  it('renders the start page in the GOV.UK template with the service name and phase banner', async () => {
    const response = await t.app.inject({ url: '/', headers: html });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('govuk-template');
    expect(response.body).toContain('Flagstone');
    expect(response.body).toContain('govuk-phase-banner');
    expect(response.body).toContain('Fellshire');
  });

  it('sends a strict Content-Security-Policy whose nonce matches the inline script', async () => {
    const response = await t.app.inject({ url: '/', headers: html });
    const csp = String(response.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.body).toContain(`<script nonce="${nonce}">`);
    const again = await t.app.inject({ url: '/', headers: html });
    expect(again.headers['content-security-policy']).not.toBe(csp);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['permissions-policy']).toContain('camera=()');
    expect(response.headers['permissions-policy']).toContain('geolocation=(self)');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the same security headers with JSON, with no nonce as there is no page', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.headers['content-type']).toContain('application/json');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('nonce-');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the GOV.UK Frontend styles and scripts', async () => {
    expect((await t.app.inject('/assets/govuk-frontend.min.css')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/govuk-frontend.min.js')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/images/favicon.svg')).statusCode).toBe(200);
  });

  it('answers an unknown page with the GOV.UK 404 page and an unknown API route with problem+json', async () => {
    const page = await t.app.inject({ url: '/no-such-page', headers: html });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Page not found');
    expect(page.body).toContain('<a class="govuk-link" href="/">go to the start page</a>');
    expect(page.body).toContain('href="/report"');
    const api = await t.app.inject({ url: '/api/v1/no-such-thing', headers: html });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.json()).toMatchObject({ type: 'about:blank', status: 404, title: 'Not found' });
  });

  it('answers a failure with the 500 page or problem+json, with a reference and no detail', async () => {
    const page = await t.app.inject({ url: '/boom', headers: html });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('Sorry, there is a problem with the service');
    expect(page.body).toContain(String(page.headers['x-request-id']));
    expect(page.body).not.toContain('amina.khan');
    const api = await t.app.inject('/api/v1/boom');
    expect(api.statusCode).toBe(500);
    expect(api.json()).toEqual({
      type: 'about:blank',
      title: 'Internal server error',
      status: 500,
      detail: 'Something went wrong on our side.',
      instance: '/api/v1/boom',
    });
  });

  it('publishes an OpenAPI 3.1 document of the API and a readable page of it', async () => {
    const document = (await t.app.inject('/api/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/organisations', '/api/v1/areas', '/api/v1/services', '/api/v1/place']),
    );
    const docs = await t.app.inject({ url: '/api/docs', headers: html });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('GET /api/v1/services');
    expect(docs.body).toContain('The service catalogue');
  });

  it('reports alive on /healthz and ready on /readyz when migrations are current', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('reports not ready while a migration is pending', async () => {
    // Only the owner may change what was migrated: the app's role reads it.
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    try {
      await owner.query(`DELETE FROM schema_migrations WHERE name LIKE '0002%'`);
      const response = await t.app.inject('/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'migrations pending', pending: ['0002_identity.sql'] });
      await owner.query(`INSERT INTO schema_migrations (name) VALUES ('0002_identity.sql')`);
    } finally {
      await owner.end();
    }
  });
});
