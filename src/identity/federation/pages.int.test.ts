// The administrators' pages for upstream identity providers: adding one (each bad answer named,
// nothing added), listing, disabling and enabling; only administrators; all in the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  cookieHeader,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';

let t: TestContext;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  t = await testApp();
  const cookie = await signIn(t.app, administrator().email, administrator().password);
  const page = await t.app.inject({ url: '/admin/upstreams/new', headers: { accept: 'text/html', cookie } });
  admin = {
    cookie: `${cookie}; ${cookieHeader(page.cookies)}`,
    csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '',
  };
});
afterAll(() => t?.close());

const form = (url: string, fields: Record<string, string>, who = admin) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: who.csrf }).toString(),
  });

const good = {
  name: 'Castlebridge Council staff sign-in',
  slug: 'castlebridge',
  forOrganisation: 'castlebridge-council',
  issuer: 'https://login.castlebridge.example.org',
  clientId: 'flagstone',
  clientSecret: 'a-long-client-secret',
};

async function ledger(action: string) {
  const { rows } = await t.services.database.pool.query(
    'SELECT body FROM audit_ledger WHERE action = $1 ORDER BY seq',
    [action],
  );
  return rows.map((r) => JSON.parse(r.body));
}

describe('the providers page for administrators', () => {
  it('names each bad answer in the error summary, keeps the others (never the secret), and adds nothing', async () => {
    const response = await form('/admin/upstreams/new', {
      ...good,
      name: '',
      slug: 'Not A Slug',
      forOrganisation: 'nowhere-council',
      issuer: 'http://login.example.org',
      clientId: '',
      vtr: 'P2 please',
    });
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Enter the name shown on the sign-in page',
      'The short name must be lower-case letters, digits and hyphens',
      'There is no organisation &quot;nowhere-council&quot;',
      'The issuer must be an https:// address',
      'Enter the client id registered with the provider',
      'A vector of trust is like Cl.Cm.P2',
    ]) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('value="http://login.example.org"');
    expect(response.body).not.toContain('a-long-client-secret');
    expect(await t.services.identity.upstreams.all()).toEqual([]);
  });

  it('adds a provider for one organisation, lists it with its redirect address, and records who added it', async () => {
    const added = await form('/admin/upstreams/new', good);
    expect(added.statusCode).toBe(303);
    const list = await t.app.inject({
      url: '/admin/upstreams',
      headers: { accept: 'text/html', cookie: admin.cookie },
    });
    expect(list.body).toContain('Castlebridge Council staff sign-in');
    expect(list.body).toContain('Staff of Castlebridge Council');
    expect(list.body).toMatch(/\/sign-in\/with\/castlebridge\/return/);
    const [entry] = await ledger('identity.upstream_added');
    expect(entry).toMatchObject({ actor: { kind: 'staff' }, resource: { id: 'castlebridge' } });
    expect(JSON.stringify(entry)).not.toContain('a-long-client-secret');
    expect((await form('/admin/upstreams/new', good)).body).toContain('There is already a provider called');
  });

  it('disables a provider, so that nobody signs in through it, and enables it again', async () => {
    expect((await form('/admin/upstreams/castlebridge/status', { enabled: 'false' })).statusCode).toBe(303);
    const signInPage = await t.app.inject({ url: '/sign-in', headers: { accept: 'text/html' } });
    expect(signInPage.body).not.toContain('/sign-in/with/castlebridge');
    const refused = await t.app.inject({
      url: '/sign-in/with/castlebridge',
      headers: { accept: 'text/html' },
    });
    expect(refused.statusCode).toBe(404);
    await form('/admin/upstreams/castlebridge/status', { enabled: 'true' });
    expect((await t.services.identity.upstreams.all())[0]).toMatchObject({
      slug: 'castlebridge',
      enabled: true,
    });
    expect((await ledger('identity.upstream_disabled')).length).toBe(1);
    expect((await ledger('identity.upstream_enabled')).length).toBe(1);
  });

  it('is for administrators only', async () => {
    const officer = demoAccount((c) => c.roles === 'ig_officer at castlebridge-council');
    const cookie = await signIn(t.app, officer.email, officer.password);
    const page = await t.app.inject({ url: '/admin/upstreams', headers: { accept: 'text/html', cookie } });
    expect(page.statusCode).toBe(403);
  });
});
