// Keys for third-party Open311 apps: issued by one command or on the administrators' page,
// shown once, rotated and revoked; each change in the audit ledger, each post recording the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  demoAccount,
  postOpen311Request,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import { open311KeysFromCommandLine as command } from './keys-command.ts';

let t: TestContext;
const [lon, lat] = demoPoints.castlebridge;
const report = (api_key: string) =>
  postOpen311Request(t.app, {
    api_key,
    service_code: 'pothole',
    lat: String(lat),
    long: String(lon),
    'attribute[size]': 'small',
  });
const ledger = async (action: string) =>
  (
    await t.services.database.pool.query('SELECT body FROM audit_ledger WHERE action = $1 ORDER BY seq', [
      action,
    ])
  ).rows.map((r) => r.body);
const keyCount = async () =>
  Number((await t.services.database.pool.query('SELECT count(*) FROM open311_api_keys')).rows[0].count);

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('an Open311 key from the command line', () => {
  it('is issued by one command, lets the app post, and the post records the app', async () => {
    const added = await command.add(t.services.requests, {
      name: 'FixMyStreet',
      contact: 'apps@fixmystreet.example',
      org: 'castlebridge-council',
    });
    expect(added.ok).toBe(true);
    const key = /api_key for FixMyStreet: (\S+)/.exec(added.message)?.[1] ?? '';
    expect(key).toMatch(/^o311_/);
    const posted = await report(key);
    expect(posted.statusCode).toBe(200);
    const reference = posted.json()[0].service_request_id;
    const { rows } = await t.services.database.pool.query(
      'SELECT k.name FROM cases c JOIN open311_api_keys k ON k.id = c.api_key_id WHERE c.reference = $1',
      [reference],
    );
    expect(rows).toEqual([{ name: 'FixMyStreet' }]);
    expect(await command.list(t.services.requests)).toMatch(
      /in use\tFixMyStreet\tapps@fixmystreet.example\tcastlebridge-council\t1 requests/,
    );
    const entry = JSON.parse((await ledger('open311.key_issued'))[0]);
    expect(entry).toMatchObject({ detail: { name: 'FixMyStreet', via: 'command line' } });
    expect(JSON.stringify(entry)).not.toContain(key);
  });

  it('refuses a missing name, a contact that is not an email and an unknown organisation, storing nothing', async () => {
    const before = await keyCount();
    const refused = await command.add(t.services.requests, { name: ' ', contact: 'nobody', org: 'atlantis' });
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('--name: Enter the name of the app');
    expect(refused.message).toContain('--contact: Enter an email address');
    expect(refused.message).toContain('--org: There is no organisation with the reference atlantis');
    expect(await keyCount()).toBe(before);
  });

  it('rotates a key (the old one stops) and revokes it (the new one stops), in the ledger', async () => {
    const issued = await t.services.requests.issueKey('command line', {
      name: 'Rotating app',
      contact: 'dev@rotating.example',
    });
    const rotated = await command.rotate(t.services.requests, issued.id);
    const fresh = /api_key for Rotating app: (\S+)/.exec(rotated.message)?.[1] ?? '';
    expect((await report(issued.key)).statusCode).toBe(403);
    expect((await report(fresh)).statusCode).toBe(200);
    expect((await command.revoke(t.services.requests, issued.id)).ok).toBe(true);
    expect((await report(fresh)).statusCode).toBe(403);
    expect(await command.revoke(t.services.requests, issued.id)).toEqual({
      ok: false,
      message: 'There is no key in use with that id',
    });
    expect((await command.rotate(t.services.requests, 'not-an-id')).ok).toBe(false);
    expect(await ledger('open311.key_rotated')).toHaveLength(1);
    expect(await ledger('open311.key_revoked')).toHaveLength(1);
  });
});

describe('the administrators’ page of Open311 keys', () => {
  const page = (cookie: string, url = '/admin/open311-keys', form?: Record<string, string>) =>
    t.app.inject({
      method: form ? 'POST' : 'GET',
      url,
      headers: {
        accept: 'text/html',
        cookie,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      payload: form ? new URLSearchParams(form).toString() : undefined,
    });
  const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('issues a key shown once, after naming what was wrong, and refuses staff who are not administrators', async () => {
    const admin = administrator();
    const cookie = await signIn(t.app, admin.email, admin.password);
    const listing = await page(cookie);
    expect(listing.statusCode).toBe(200);
    expect(listing.body).toContain('FixMyStreet');
    const _csrf = csrf(listing.body);
    const before = await keyCount();
    const wrong = await page(cookie, '/admin/open311-keys', {
      _csrf,
      name: 'Bins app',
      contact: 'x',
      organisation: '',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('govuk-error-summary');
    expect(wrong.body).toContain('value="Bins app"');
    expect(await keyCount()).toBe(before);
    const issued = await page(cookie, '/admin/open311-keys', {
      _csrf,
      name: 'Bins app',
      contact: 'bins@app.example',
      organisation: 'northmoor-dc',
    });
    expect(issued.statusCode).toBe(200);
    const key = /id="api-key">([^<]+)</.exec(issued.body)?.[1] ?? '';
    expect((await report(key)).statusCode).toBe(200);
    const again = await page(cookie);
    expect(again.body).not.toContain(key);
    const entry = JSON.parse((await ledger('open311.key_issued')).at(-1));
    expect(entry).toMatchObject({ actor: { kind: 'staff' }, detail: { name: 'Bins app' } });

    const staff = demoAccount((c) => c.kind === 'staff' && !c.roles.includes('admin'));
    const refused = await page(await signIn(t.app, staff.email, staff.password));
    expect(refused.statusCode).toBe(403);
  });
});
