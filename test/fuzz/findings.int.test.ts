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

describe('what the document allows, the service takes; what the service refuses, the document refuses', () => {
  const documented = async () => (await t.app.inject({ url: '/api/openapi.json' })).json();

  it('a search of records needs one thing to search by, and says which', async () => {
    const operation = (await documented()).paths['/api/v1/records'].get;
    expect(operation.description).toContain('at least one of name, dateOfBirth, postcode or identifier');
    for (const url of [
      '/api/v1/records',
      '/api/v1/records?name=%20%20',
      '/api/v1/records?purpose=safeguarding',
    ]) {
      const response = await api('GET', url);
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([
        { field: 'querystring', message: 'Give at least one of name, dateOfBirth, postcode, identifier' },
      ]);
    }
    expect((await api('GET', '/api/v1/records?name=khan')).statusCode).toBe(200);
  });

  it('a match needs someone to look for, in the document as in the service', async () => {
    const schema = (await documented()).paths['/api/v1/people/match'].post.requestBody.content[
      'application/json'
    ].schema;
    expect(schema.anyOf.map((branch: { required: string[] }) => branch.required[0])).toEqual([
      'familyName',
      'dateOfBirth',
      'postcode',
      'nhsNumber',
      'email',
    ]);
    for (const body of [{}, { givenNames: 'Ada' }, { familyName: ' ' }]) {
      const response = await api('POST', '/api/v1/people/match', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0]).toEqual({
        field: 'body',
        message: 'Give at least one of familyName, dateOfBirth, postcode, nhsNumber, email',
      });
    }
  });

  it('a clearance is one of the markings, listed in the document', async () => {
    const operation = (await documented()).paths['/api/v1/clearances/{accountId}'].put;
    const { clearance } = operation.requestBody.content['application/json'].schema.properties;
    expect(clearance.enum).toEqual(['OFFICIAL', 'OFFICIAL-SENSITIVE']);
    const url = '/api/v1/clearances/00000000-0000-4000-8000-000000000000';
    for (const value of ['', 'SECRET', 'official']) {
      const response = await t.app.inject({
        method: 'PUT',
        url,
        headers: { cookie, 'content-type': 'application/json' },
        payload: JSON.stringify({ clearance: value }),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].field).toBe('body.clearance');
    }
  });
});
