import * as oidc from 'openid-client';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/identity/http-browser.ts';
import {
  authorizationRequest,
  listeningProvider,
  relyingParty,
} from '../../../test/identity/relying-party.ts';
import { demoAccount, type TestContext } from '../../../test/support.ts';
import { ACR_SECOND_FACTOR } from '../provider/index.ts';
import { totpCode } from './second-factor.ts';

let t: TestContext & { issuer: string };
const officer = () => demoAccount((c) => c.roles === 'ig_officer at fellshire-cc');
const manager = () => demoAccount((c) => c.roles === 'manager at ashby-vale-dc');
// Each accepted code uses up its 30-second step: after setting up, the next code is the next step's.
const nextCode = (secret: string) => totpCode(secret, new Date(Date.now() + 30_000));

beforeAll(async () => {
  t = await listeningProvider();
});
afterAll(() => t?.close());

async function passwordStep(browser: TestBrowser, who: { email: string; password: string }) {
  const form = await browser.follow(`${t.issuer}/sign-in`, t.issuer);
  return browser.submit(form, t.issuer, { email: who.email, password: who.password });
}

/** Sets up an authenticator app through the pages: the secret, and the browser signed in. */
async function enrol(who: { email: string; password: string }) {
  const browser = new TestBrowser();
  await passwordStep(browser, who);
  const page = await browser.follow(`${t.issuer}/account/second-factor`, t.issuer);
  const secret = /class="flagstone-secret">([A-Z2-7]+)</.exec(page.body)?.[1] ?? '';
  const qrCode = /<div class="flagstone-qr">\s*(<svg[\s\S]*?<\/svg>)/.exec(page.body)?.[1] ?? '';
  const link = /href="(otpauth:[^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const wrong = await browser.submit(page, t.issuer, { code: '000000' });
  const done = await browser.submit(page, t.issuer, { code: totpCode(secret, new Date()) });
  return { secret, qrCode, link, browser, wrong, done };
}

describe('a second factor (authenticator app)', () => {
  it('is set up with a first code, and the session then counts as using it', async () => {
    const { secret, qrCode, link, browser, wrong, done } = await enrol(officer());
    expect(secret).toHaveLength(32);
    // Beside the key, a QR code drawn on the server of the same otpauth link, which holds the key.
    expect(link).toContain(`secret=${secret}`);
    expect(qrCode).toContain('role="img"');
    const drawn = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    expect(qrCode.replace(/ role="img"[^>]*?height="200"/, '')).toBe(drawn.trim());
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('href="#code"');
    expect(done.url).toBe(`${t.issuer}/staff`);
    const me = await browser.request(`${t.issuer}/api/v1/me`);
    expect(JSON.parse(me.body).authLevel).toBe('second_factor');
  });

  it('is asked for after the password, opening no session until the code is right, and once only', async () => {
    const { secret } = await enrol(manager());
    const browser = new TestBrowser();
    const codePage = await passwordStep(browser, manager());
    expect(codePage.body).toContain('Enter the code from your authenticator app');
    expect(browser.cookies.has('flagstone_session')).toBe(false);

    const wrong = await browser.submit(codePage, t.issuer, { code: '123456' });
    expect(wrong.status).toBe(401);
    expect(browser.cookies.has('flagstone_session')).toBe(false);

    const code = nextCode(secret);
    const home = await browser.submit(codePage, t.issuer, { code });
    expect(home.url).toBe(`${t.issuer}/staff`);
    expect(JSON.parse((await browser.request(`${t.issuer}/api/v1/me`)).body).authLevel).toBe('second_factor');

    const again = new TestBrowser();
    const secondCodePage = await passwordStep(again, manager());
    expect((await again.submit(secondCodePage, t.issuer, { code })).status).toBe(401);
  });

  it('shows in the ID token of a relying party as the second-factor level', async () => {
    const nurse = demoAccount((c) => c.roles === 'staff at fellshire-nhs');
    const { secret } = await enrol(nurse);
    const { config } = await relyingParty(t);
    const { url, verifier, state } = await authorizationRequest(config);
    const browser = new TestBrowser();
    const signIn = await browser.follow(url.href, t.issuer);
    const codePage = await browser.submit(signIn, t.issuer, { email: nurse.email, password: nurse.password });
    expect(codePage.body).toContain('to continue to Fellshire Schools Portal');
    const consent = await browser.submit(codePage, t.issuer, { code: nextCode(secret) });
    const back = await browser.submit(consent, t.issuer, { decision: 'allow' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({ acr: ACR_SECOND_FACTOR, amr: ['pwd', 'otp', 'mfa'] });
  });
});
