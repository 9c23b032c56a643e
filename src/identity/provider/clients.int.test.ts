import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  citizen,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';

const main = path.resolve(import.meta.dirname, '../../main.ts');
let t: TestContext;
let admin: string;

beforeAll(async () => {
  t = await testApp();
  admin = await signIn(t.app, administrator().email, administrator().password);
});
afterAll(() => t?.close());

const html = { accept: 'text/html' };

async function flagstone(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...args], {
      env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

async function postForm(url: string, cookie: string, fields: Record<string, string | string[]>) {
  const page = await t.app.inject({ url: '/admin/clients', headers: { ...html, cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const body = new URLSearchParams({ _csrf: token });
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...html, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

describe('registering relying parties from the command line', () => {
  it('prints the client id and a secret for a confidential client, and no secret for a public one', async () => {
    const confidential = await flagstone(
      'clients',
      'add',
      '--name',
      'Fellshire Schools Portal',
      '--redirect-uri',
      'https://schools.fellshire.example/callback',
    );
    expect(confidential.code).toBe(0);
    const clientId = /client_id: (\S+)/.exec(confidential.output)?.[1] ?? '';
    expect(confidential.output).toMatch(/client_secret: \S{40,}/);
    const stored = await t.services.identity.clients.get(clientId);
    expect(stored).toMatchObject({ name: 'Fellshire Schools Portal', auth_method: 'client_secret_basic' });

    const app = await flagstone(
      'clients',
      'add',
      '--name',
      'Bins app',
      '--redirect-uri',
      'http://localhost:8080/cb',
      '--public',
    );
    expect(app.code).toBe(0);
    expect(app.output).not.toContain('client_secret');
  }, 120_000); // a process of its own: slow on a busy machine

  it('refuses a redirect address that is not HTTPS, adding nothing', async () => {
    const before = (await t.services.identity.clients.list()).length;
    const result = await flagstone(
      'clients',
      'add',
      '--name',
      'Leaky',
      '--redirect-uri',
      'http://leaky.example/cb',
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('Use https://');
    expect((await t.services.identity.clients.list()).length).toBe(before);
  }, 120_000); // a process of its own: slow on a busy machine

  it('rotates the signing keys, keeping the old one published', async () => {
    await t.services.identity.keys.privateKeys(); // the first key is made on first use
    const before = await t.services.identity.keys.publicKeys();
    const result = await flagstone('keys', 'rotate');
    expect(result.code).toBe(0);
    expect(result.output).toContain('Tokens are now signed with the new key');
    const after = await t.services.identity.keys.publicKeys();
    expect(after.map((k) => k.kid)).toEqual([expect.any(String), ...before.map((k) => k.kid)]);
    expect(after[0]?.kid).not.toBe(before[0]?.kid);
  }, 120_000); // a process of its own: slow on a busy machine
});

describe('the administrators’ page of relying parties', () => {
  it('lists them for administrators only', async () => {
    await t.services.identity.clients.add({
      name: 'Listed service',
      redirectUris: ['https://listed.example/cb'],
    });
    const page = await t.app.inject({ url: '/admin/clients', headers: { ...html, cookie: admin } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Listed service');

    const staff = demoAccount((c) => c.roles === 'staff at northmoor-dc');
    for (const who of [staff, citizen()]) {
      const cookie = await signIn(t.app, who.email, who.password);
      expect((await t.app.inject({ url: '/admin/clients', headers: { ...html, cookie } })).statusCode).toBe(
        403,
      );
    }
  });

  it('changes where a client may send people and what it may ask for', async () => {
    const { clientId } = await t.services.identity.clients.add({
      name: 'To change',
      redirectUris: ['https://a.example/cb'],
    });
    const response = await postForm(`/admin/clients/${clientId}`, admin, {
      name: 'Changed',
      redirectUris: 'https://b.example/cb\r\nhttps://c.example/cb',
      postLogoutRedirectUris: '',
      scopes: ['openid', 'profile'],
    });
    expect(response.statusCode).toBe(303);
    expect(await t.services.identity.clients.get(clientId)).toMatchObject({
      name: 'Changed',
      redirect_uris: ['https://b.example/cb', 'https://c.example/cb'],
      scopes: ['openid', 'profile'],
    });
  });

  it('shows the error summary for a bad redirect address, keeping the answers and changing nothing', async () => {
    const { clientId } = await t.services.identity.clients.add({
      name: 'Kept',
      redirectUris: ['https://a.example/cb'],
    });
    const response = await postForm(`/admin/clients/${clientId}`, admin, {
      name: 'Renamed',
      redirectUris: 'http://evil.example/cb',
      scopes: ['openid'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('href="#redirectUris"');
    expect(response.body).toContain('http://evil.example/cb');
    expect(response.body).toContain('value="Renamed"');
    expect(await t.services.identity.clients.get(clientId)).toMatchObject({
      name: 'Kept',
      redirect_uris: ['https://a.example/cb'],
    });
  });

  it('disables and enables a client', async () => {
    const { clientId } = await t.services.identity.clients.add({
      name: 'On and off',
      redirectUris: ['https://a.example/cb'],
    });
    expect(
      (await postForm(`/admin/clients/${clientId}/status`, admin, { disabled: 'true' })).statusCode,
    ).toBe(303);
    expect((await t.services.identity.clients.get(clientId)).disabled).toBe(true);
    expect(await t.services.identity.clients.metadata(clientId)).toBeUndefined();
    await postForm(`/admin/clients/${clientId}/status`, admin, { disabled: 'false' });
    expect((await t.services.identity.clients.get(clientId)).disabled).toBe(false);
  });
});
