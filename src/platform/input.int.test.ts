// The one input boundary, seen from each context: the API answers problem+json, pages a GOV.UK
// error page, each with a 400 and never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('text no store can hold', () => {
  it.each([
    '/api/v1/services?q=a%00',
    '/api/v1/properties?q=a%00',
    '/api/v1/services/a%00',
    '/api/v1/organisations/a%00',
    '/api/v1/areas/a%00',
  ])('is refused by the API with problem+json: %s', async (url) => {
    const response = await t.app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      status: 400,
      detail: expect.stringContaining('cannot be accepted'),
    });
  });

  it('is refused in a JSON body with a lone surrogate', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people/match',
      headers: { 'content-type': 'application/json' },
      payload: '{"familyName":"\\ud800"}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('is refused on a page with an error page, not a 500', async () => {
    const response = await t.app.inject({ url: '/follow?reference=A%00', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
