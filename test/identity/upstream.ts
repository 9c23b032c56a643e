// For tests only: an upstream OpenID Connect provider — a second, real oidc-provider on
// loopback — standing in for a national identity service or an organisation's own provider.
// It signs in whoever the test names next, with no pages of its own, and can be told to
// tamper with the next ID token it issues (re-signed with its own key, so only the claim is wrong).
import { createServer, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from '../ports.ts';
import type { TestContext } from '../support.ts';
import { listeningProvider } from './relying-party.ts';

export interface UpstreamPerson {
  email?: string;
  email_verified?: boolean;
  name?: string;
  vot?: string;
  amr?: string[];
}

export interface TestUpstream {
  issuer: string;
  clientId: string;
  clientSecret: string;
  people: Map<string, UpstreamPerson>;
  /** Who signs in at the next authorization request (their subject). */
  signInNext(subject: string): void;
  /** Changes claims of the next ID token issued (a wrong issuer, audience or nonce). */
  tamperNext(claims: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** An upstream on loopback (its cookies are named apart from Flagstone's) sending people back to these addresses. */
export async function testUpstream(redirectUris: string[]): Promise<TestUpstream> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'upstream-1', use: 'sig', alg: 'RS256' };
  const people = new Map<string, UpstreamPerson>();
  let next = '';
  let tamper: Record<string, unknown> | undefined;
  const clientId = 'flagstone';
  const clientSecret = 'a-secret-shared-with-the-upstream-for-tests';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['upstream-cookie-key'] },
    claims: {
      openid: ['sub', 'vot', 'vtm', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    async findAccount(_ctx, sub) {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, ...person, vtm: `${issuer}/trustmark` }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    pkce: { required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
  });
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.oidc?.route === 'token' && tamper && body?.id_token) {
      const claims = { ...decodeJwt(body.id_token), ...tamper };
      tamper = undefined;
      body.id_token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .sign(privateKey);
    }
  });

  const server: Server = createServer(async (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      try {
        const details = await provider.interactionDetails(req, res);
        const accountId = next;
        const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId, amr: people.get(accountId)?.amr ?? ['pwd'] }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    people,
    signInNext: (subject) => {
      next = subject;
    },
    tamperNext: (claims) => {
      tamper = claims;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The two upstreams the federation tests use, set up in a listening Flagstone: `one-login`, a
 * national identity service for citizens (asking for Cl.Cm.P2), and `fellshire-cc`, Fellshire
 * County Council's own provider for its staff.
 */
export async function addTestUpstreams(t: TestContext & { issuer: string }) {
  const national = await testUpstream([`${t.issuer}/sign-in/with/one-login/return`]);
  const council = await testUpstream([`${t.issuer}/sign-in/with/fellshire-cc/return`]);
  await t.services.identity.upstreams.add({
    slug: 'one-login',
    name: 'GOV.UK One Login',
    issuer: national.issuer,
    clientId: national.clientId,
    clientSecret: national.clientSecret,
    vtr: 'Cl.Cm.P2',
  });
  await t.services.identity.upstreams.add({
    slug: 'fellshire-cc',
    name: 'Fellshire County Council',
    forOrganisation: 'fellshire-cc',
    issuer: council.issuer,
    clientId: council.clientId,
    clientSecret: council.clientSecret,
  });
  return {
    national,
    council,
    async close() {
      await national.close();
      await council.close();
    },
  };
}

/** Flagstone listening on loopback with the two upstreams of addTestUpstreams set up. */
export async function providerWithUpstreams() {
  const t = await listeningProvider();
  const upstreams = await addTestUpstreams(t);
  return {
    t,
    ...upstreams,
    async close() {
      await upstreams.close();
      await t.close();
    },
  };
}
