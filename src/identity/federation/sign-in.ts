// Signing in through an upstream OpenID Connect provider (openid-client): the browser is sent to
// the upstream with state, nonce and PKCE, and what comes back is checked before a Flagstone
// session is opened for the account the person is (linked, matched, or made). openid-client
// refuses a token with the wrong issuer, audience, nonce or signature; nothing is granted then.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Db } from '../../db/index.ts';
import { Forbidden, NotFound } from '../../platform/index.ts';
import type { IdentityConfidence } from '../accounts/index.ts';
import type { Ledger, LedgerEntry } from '../audit.ts';
import * as store from './store.ts';
import {
  type AccountDecision,
  confidenceOf,
  decideAccount,
  type UpstreamPerson,
  usedSecondFactor,
} from './trust.ts';
import { isLoopback } from './upstreams.ts';

/** How long a discovered upstream configuration is reused before it is fetched again. */
const DISCOVERY_TTL_MS = 5 * 60_000;

/** What the browser keeps between leaving for the upstream and coming back (a signed cookie). */
export interface UpstreamAttempt {
  slug: string;
  state: string;
  nonce: string;
  verifier: string;
  /** The OpenID Connect interaction (a relying party's sign-in) to return to, if any. */
  interaction?: string;
}

export interface FederationDeps {
  db: Db;
  ledger: Ledger;
  openSession(
    account: { id: string; kind: 'citizen' | 'staff' },
    method: string,
    upstream: { slug: string; confidence: IdentityConfidence },
  ): Promise<string>;
  createAccount(
    account: {
      kind: 'citizen' | 'staff';
      email: string;
      name: string;
      password: string;
      roles?: { organisationId: string; role: 'staff' }[];
    },
    trx: Db,
  ): Promise<string>;
}

const refused = (slug: string, reason: string): LedgerEntry => ({
  action: 'identity.upstream_refused',
  actor: null,
  resource: { type: 'upstream_provider', id: slug },
  decision: 'deny',
  detail: { reason },
});

/** The person's claims: the ID token's, with the userinfo endpoint's (where email usually is). */
async function claimsOf(
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
) {
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error('no ID token');
  const userinfo = config.serverMetadata().userinfo_endpoint
    ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)
    : {};
  return { ...userinfo, ...idClaims };
}

/**
 * The account the person signs in to, linking the upstream's identity to it (or making it)
 * where the decision says so, in one transaction with the ledger's entry.
 */
async function accountFor(
  { db, ledger, createAccount }: FederationDeps,
  upstream: store.UpstreamRow,
  person: UpstreamPerson,
  decision: Exclude<AccountDecision, { outcome: 'refuse' }>,
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    let id: string;
    if (decision.outcome === 'create') {
      id = await createAccount(
        {
          kind: upstream.kind,
          email: String(person.email),
          name: person.name?.trim().slice(0, 200) || String(person.email),
          // Never used: the account signs in through its upstream (or resets it later).
          password: randomBytes(32).toString('base64url'),
          roles: upstream.organisation_id
            ? [{ organisationId: upstream.organisation_id, role: 'staff' }]
            : [],
        },
        trx,
      );
    } else id = decision.accountId;
    if (decision.outcome !== 'signed-in') {
      await store.insertLink(trx, upstream.slug, person.subject, id);
      await ledger.append(trx, [
        {
          action:
            decision.outcome === 'create'
              ? 'identity.account_created_from_upstream'
              : 'identity.upstream_linked',
          actor: { account: id, kind: upstream.kind },
          subject: id,
          resource: { type: 'upstream_provider', id: upstream.slug },
          detail: { emailVerified: person.emailVerified },
        },
      ]);
    }
    return id;
  });
}

export function upstreamSignIn(deps: FederationDeps) {
  const { db, ledger, openSession } = deps;
  const discovered = new Map<string, { config: oidc.Configuration; at: number }>();

  async function configFor(upstream: store.UpstreamRow): Promise<oidc.Configuration> {
    const cached = discovered.get(upstream.slug);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    const config = await oidc.discovery(
      new URL(upstream.issuer),
      upstream.client_id,
      undefined,
      oidc.ClientSecretPost(upstream.client_secret),
      isLoopback(upstream.issuer) ? { execute: [oidc.allowInsecureRequests] } : {},
    );
    discovered.set(upstream.slug, { config, at: Date.now() });
    return config;
  }

  async function upstreamNamed(slug: string) {
    const upstream = await store.findUpstream(db, slug);
    if (!upstream) throw new NotFound('There is no such way to sign in');
    return upstream;
  }

  return {
    /** Where to send the browser to sign in upstream, and what to remember until it comes back. */
    async start(slug: string, redirectUri: string, interaction?: string) {
      const upstream = await upstreamNamed(slug);
      const config = await configFor(upstream);
      const attempt: UpstreamAttempt = {
        slug,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        ...(interaction ? { interaction } : {}),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(attempt.verifier),
        code_challenge_method: 'S256',
        ...(upstream.vtr ? { vtr: JSON.stringify([upstream.vtr]) } : {}),
      });
      return { url, attempt };
    },

    /**
     * Checks what the upstream sent back (code, state, then the ID token's issuer, audience,
     * nonce and signature) and opens a session for the account it is: the session id.
     */
    async finish(attempt: UpstreamAttempt, currentUrl: URL): Promise<string> {
      const upstream = await upstreamNamed(attempt.slug);
      const config = await configFor(upstream);
      let claims: Record<string, unknown> & { sub: string };
      try {
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: attempt.verifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
        claims = await claimsOf(config, tokens);
      } catch (error) {
        const reason = error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown';
        await ledger.record([refused(upstream.slug, reason)]);
        throw new Forbidden(`We could not sign you in with ${upstream.name}. Try again.`);
      }
      const person = {
        subject: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      };
      const confidence = confidenceOf(claims.vot);
      const decision = decideAccount(
        upstream.kind,
        person,
        await store.linkedAccount(db, upstream, person.subject),
        person.email ? await store.accountWithEmail(db, upstream, person.email) : undefined,
      );
      if (decision.outcome === 'refuse') {
        await ledger.record([refused(upstream.slug, 'no-matching-account')]);
        throw new Forbidden(decision.reason);
      }
      const accountId = await accountFor(deps, upstream, person, decision);
      const method = `upstream:${upstream.slug}${usedSecondFactor({ amr: claims.amr, vot: claims.vot }) ? '+mfa' : ''}`;
      return openSession({ id: accountId, kind: upstream.kind }, method, { slug: upstream.slug, confidence });
    },
  };
}
