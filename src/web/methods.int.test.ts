// A known address with a method it does not take, and addresses Fastify refuses before routing:
// each answered in the format of the rest of its context, never Fastify's own JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('methods and addresses', () => {
  it.each([
    ['TRACE', '/api/v1/services', 'GET, HEAD, POST'],
    ['DELETE', '/api/v1/services/pothole', 'GET, HEAD'],
    ['PUT', '/api/v1/cases', 'GET, HEAD'],
  ])('answers %s %s with 405, Allow and problem+json', async (method, url, allow) => {
    const response = await t.app.inject({ method: method as 'GET', url });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 405, title: 'Method not allowed' });
  });

  it('answers a wrong method on Open311 with 405 in Open311 format', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/open311/v2/services.json' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    expect(response.json()).toEqual([{ code: 405, description: expect.stringContaining('not allowed') }]);
  });

  it('still answers 404 for an address nothing answers', async () => {
    const response = await t.app.inject({ method: 'TRACE', url: '/api/v1/unicorns' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('answers an over-long path part with 414 in problem+json', async () => {
    const url = `/api/v1/services/${'a'.repeat(500)}`;
    const response = await t.app.inject({ url });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 414, detail: 'A part of the address is too long' });
  });
});
