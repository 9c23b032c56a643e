// Passkeys through HTTP with a software authenticator: added from the account, signed in with
// at the second-factor level, removed; a stale or made-up challenge and an unknown passkey are
// refused with nothing granted. (Chromium's virtual authenticator: test/e2e/identity-passkeys.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softwareAuthenticator } from '../../../test/identity/authenticator.ts';
import {
  citizenId,
  cookieHeader,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';

let t: TestContext;
let origin: string;
const tom = () => demoAccount((c) => c.email === 'tom.price@example.com');

beforeAll(async () => {
  t = await testApp();
  const discovery = await t.app.inject({ url: '/.well-known/openid-configuration' });
  origin = new URL(discovery.json().issuer).origin;
});
afterAll(() => t?.close());

/** The cookies and CSRF token a page of the account hands its script. */
async function pageSession(cookie: string, url = '/account/passkeys') {
  const page = await t.app.inject({ url, headers: { accept: 'text/html', cookie } });
  expect(page.statusCode).toBe(200);
  const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return { cookie: [cookie, cookieHeader(page.cookies)].filter(Boolean).join('; '), csrf };
}

function postJson(session: { cookie: string; csrf: string }, url: string, body: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { accept: 'application/json', cookie: session.cookie, 'csrf-token': session.csrf },
    payload: body as object,
  });
}

let first: ReturnType<typeof softwareAuthenticator> | undefined;

/** Adds a passkey to Tom's account: signed in with a password the first time, then with that passkey. */
async function addPasskey(name: string) {
  const cookie = first
    ? cookieHeader((await signInWith(first)).answer.cookies)
    : await signIn(t.app, tom().email, tom().password);
  const session = await pageSession(cookie);
  const authenticator = softwareAuthenticator(origin);
  const options = (await postJson(session, '/account/passkeys/options', {})).json();
  const added = await postJson(session, '/account/passkeys', {
    response: authenticator.register(options.challenge),
    name,
  });
  expect(added.statusCode).toBe(201);
  first ??= authenticator;
  return { authenticator, session };
}

async function signInWith(authenticator: ReturnType<typeof softwareAuthenticator>, challenge?: string) {
  const session = await pageSession('', '/sign-in');
  const options = (await postJson(session, '/sign-in/passkey/options', {})).json();
  const response = authenticator.authenticate(challenge ?? options.challenge);
  return {
    session,
    response,
    answer: await postJson(session, '/sign-in/passkey', { response, next: '/your-data' }),
  };
}

async function passkeyCount() {
  const actor = await t.services.identity.actorByEmail(tom().email);
  return actor ? (await t.services.identity.passkeys.list(actor)).length : 0;
}

const ledgerActions = async () =>
  (await t.services.governance.ledger.about(await citizenId(t, tom().email)))
    .map((e) => e.action)
    .filter((a) => a.includes('passkey') || a === 'identity.sign_in');

describe('passkeys', () => {
  it('adds a passkey from the account and signs in with it at the second-factor level', async () => {
    const { authenticator } = await addPasskey('Kitchen tablet');
    const { answer } = await signInWith(authenticator);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ next: '/your-data' });
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: cookieHeader(answer.cookies) } });
    expect(me.json()).toMatchObject({ kind: 'citizen', authLevel: 'second_factor' });
    expect((await ledgerActions()).slice(0, 2)).toEqual(['identity.sign_in', 'identity.passkey_added']);
  });

  it('lets someone with a passkey but no authenticator app step up with the passkey', async () => {
    const cookie = await signIn(t.app, tom().email, tom().password); // a password alone
    const page = await t.app.inject({
      url: '/account/step-up?next=%2Fyour-data',
      headers: { accept: 'text/html', cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Use your passkey to continue');
    expect(page.body).toContain('data-passkey="sign-in" data-next="/your-data"');
    expect(page.body).toContain('href="/account/second-factor?next=%2Fyour-data"');
    expect(page.body).not.toContain('name="code"');
  });

  it('refuses an answer to a challenge Flagstone did not hand out, and grants nothing', async () => {
    const { authenticator } = await addPasskey('Phone');
    const { answer } = await signInWith(
      authenticator,
      'bWFkZS11cC1jaGFsbGVuZ2UtdGhhdC13YXMtbmV2ZXItaXNzdWVk',
    );
    expect(answer.statusCode).toBe(401);
    expect(answer.json().detail).toBe('This passkey sign-in has expired or was already used: try again');
    expect(answer.cookies.find((c) => c.name === 'flagstone_session')).toBeUndefined();
    expect((await ledgerActions())[0]).toBe('identity.passkey_refused');
  });

  it('refuses the same answer sent twice (its challenge is used up)', async () => {
    const { authenticator } = await addPasskey('Laptop');
    const { session, response, answer } = await signInWith(authenticator);
    expect(answer.statusCode).toBe(200);
    const again = await postJson(session, '/sign-in/passkey', { response });
    expect(again.statusCode).toBe(401);
  });

  it('refuses a passkey that is not registered with Flagstone', async () => {
    const stranger = softwareAuthenticator(origin);
    const { answer } = await signInWith(stranger);
    expect(answer.statusCode).toBe(401);
    expect(answer.json().detail).toBe('This passkey is not registered with Flagstone');
  });

  it('refuses to change passkeys with a password alone once the account has one', async () => {
    const session = await pageSession(await signIn(t.app, tom().email, tom().password));
    const options = await postJson(session, '/account/passkeys/options', {});
    expect(options.statusCode).toBe(403);
    expect(options.json().detail).toBe('Sign in with your second factor before changing your passkeys');
  });

  it('refuses to add a passkey made for another challenge, or for another site', async () => {
    const { answer } = await signInWith(first ?? softwareAuthenticator(origin));
    const session = await pageSession(cookieHeader(answer.cookies));
    const before = await passkeyCount();
    const made = softwareAuthenticator(origin).register('bm90LWhhbmRlZC1vdXQ');
    const wrong = await postJson(session, '/account/passkeys', { response: made, name: 'Wrong' });
    expect(wrong.statusCode).toBe(400);
    const options = (await postJson(session, '/account/passkeys/options', {})).json();
    const elsewhere = softwareAuthenticator('https://fellshire.example').register(options.challenge);
    expect((await postJson(session, '/account/passkeys', { response: elsewhere })).statusCode).toBe(400);
    const after = await passkeyCount();
    expect(after).toBe(before);
  });

  it('lists passkeys on the account page and removes one, recorded in the ledger', async () => {
    const { authenticator } = await addPasskey('Old phone');
    const { answer } = await signInWith(authenticator); // with a second factor, to change passkeys
    const session = await pageSession(cookieHeader(answer.cookies));
    const page = await t.app.inject({
      url: '/account/passkeys',
      headers: { accept: 'text/html', cookie: session.cookie },
    });
    expect(page.body).toContain('Old phone');
    const id = /action="\/account\/passkeys\/([0-9a-f-]+)\/remove"/.exec(
      page.body.slice(page.body.indexOf('Old phone')),
    )?.[1];
    const removed = await t.app.inject({
      method: 'POST',
      url: `/account/passkeys/${id}/remove`,
      headers: {
        accept: 'text/html',
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${encodeURIComponent(session.csrf)}`,
    });
    expect(removed.statusCode).toBe(303);
    const after = await t.app.inject({
      url: '/account/passkeys',
      headers: { accept: 'text/html', cookie: session.cookie },
    });
    expect(after.body).not.toContain('Old phone');
    expect((await ledgerActions())[0]).toBe('identity.passkey_removed');
    expect((await signInWith(authenticator)).answer.statusCode).toBe(401);
  });
});
