// The API's findings one by one, each as a client met it: every one a 400 problem, not a 500,
// and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../support.ts';

let t: TestContext;
let cookie = '';
const records = async () =>
  Number((await t.services.database.pool.query('SELECT count(*) FROM local_records')).rows[0].count);

beforeAll(async () => {
  t = await testApp();
  const staff = demoAccount((c) => c.roles === 'staff at fellshire-cc');
  cookie = await signIn(t.app, staff.email, staff.password);
});
afterAll(() => t?.close());

const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    payload: payload === undefined ? undefined : JSON.stringify(payload),
  });

describe('the API refuses with 400 problem+json', () => {
  it.each([
    ['a date of birth before the registers begin', { dateOfBirth: '1800-01-01' }],
    ['a date of birth that is no date', { dateOfBirth: '2001-02-31' }],
  ])('%s, storing nothing', async (_, fields) => {
    const before = await records();
    const response = await api('POST', '/api/v1/records', {
      organisation: 'fellshire-cc',
      localRef: 'FUZZ-1',
      marking: 'OFFICIAL',
      givenNames: 'Ada',
      familyName: 'Lovelace',
      ...fields,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toContainEqual(expect.objectContaining({ field: 'dateOfBirth' }));
    expect(await records()).toBe(before);
  });

  it.each([
    '/api/v1/records?dateOfBirth=2001-02-31',
    '/api/v1/records?name=a&name=b',
    '/api/v1/records?name=a%00',
    '/api/v1/services?q=a&q=b',
  ])('a search %s', async (url) => {
    const response = await api('GET', url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
