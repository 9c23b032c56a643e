// Federation: people sign in to Flagstone through an upstream OpenID Connect provider
// (openid-client) — citizens through a national identity service (GOV.UK One Login style,
// asking for vectors of trust and recording the identity confidence it asserts), staff through
// their organisation's own provider (Entra ID style), each upstream configured with the one
// issuer Flagstone accepts tokens from. openid-client refuses a token with the wrong issuer,
// audience, nonce or signature; nothing is granted then.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Db } from '../../db/index.ts';
import { type Actor, Conflict, type FieldError, Forbidden, Invalid, NotFound } from '../../platform/index.ts';
import type { IdentityConfidence } from '../accounts/index.ts';
import { type Ledger, type LedgerEntry, who } from '../audit.ts';
import * as store from './store.ts';
import { confidenceOf, decideAccount, usedSecondFactor } from './trust.ts';

/** How long a discovered upstream configuration is reused before it is fetched again. */
const DISCOVERY_TTL_MS = 5 * 60_000;

export interface NewUpstream {
  slug: string;
  name: string;
  /** `citizen`, or the reference of the organisation whose staff sign in through it. */
  forOrganisation?: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  vtr?: string;
}

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

/** Plain http is allowed only for an upstream on this machine (tests, development). */
function isLoopback(issuer: string) {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

const refused = (slug: string, reason: string): LedgerEntry => ({
  action: 'identity.upstream_refused',
  actor: null,
  resource: { type: 'upstream_provider', id: slug },
  decision: 'deny',
  detail: { reason },
});

export function federation({ db, ledger, openSession, createAccount }: FederationDeps) {
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

  return {
    /** The upstreams people may sign in through, for the sign-in page. */
    list: () => store.enabledUpstreams(db),

    /** Every upstream, enabled or not, for administrators. */
    all: () => store.allUpstreams(db),

    /** The organisations whose staff an upstream may serve. */
    organisations: () => store.organisations(db),

    /** Adds an upstream (from the command line, or by an administrator); each bad answer is named. */
    async add(upstream: NewUpstream, by?: Actor): Promise<void> {
      const fields: FieldError[] = [];
      const wrong = (field: string, message: string) => fields.push({ field, message });
      if (!upstream.name.trim()) wrong('name', 'Enter the name shown on the sign-in page');
      if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(upstream.slug)) {
        wrong('slug', 'The short name must be lower-case letters, digits and hyphens');
      }
      let organisationId: string | null = null;
      // Unset means citizens; an empty answer (the admin page's) is not an answer.
      if (upstream.forOrganisation === '') wrong('forOrganisation', 'Choose who signs in through it');
      else if (upstream.forOrganisation && upstream.forOrganisation !== 'citizens') {
        const organisation = await store.organisationByRef(db, upstream.forOrganisation);
        if (organisation) organisationId = organisation.id;
        else wrong('forOrganisation', `There is no organisation "${upstream.forOrganisation}"`);
      }
      const issuer = URL.parse(upstream.issuer);
      if (
        !issuer ||
        !(issuer.protocol === 'https:' || (issuer.protocol === 'http:' && isLoopback(upstream.issuer)))
      ) {
        wrong('issuer', 'The issuer must be an https:// address');
      }
      if (!upstream.clientId.trim()) wrong('clientId', 'Enter the client id registered with the provider');
      if (!upstream.clientSecret) wrong('clientSecret', 'Enter the client secret');
      if (upstream.vtr && !/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/.test(upstream.vtr)) {
        wrong('vtr', 'A vector of trust is like Cl.Cm.P2');
      }
      if (fields.length) throw new Invalid('The provider was not added', fields);
      if (await store.upstreamExists(db, upstream.slug)) {
        throw new Conflict(`There is already a provider called "${upstream.slug}"`);
      }
      await db.transaction().execute(async (trx) => {
        await store.insertUpstream(trx, {
          slug: upstream.slug,
          name: upstream.name.trim(),
          kind: organisationId ? 'staff' : 'citizen',
          organisation_id: organisationId,
          issuer: upstream.issuer.replace(/\/$/, ''),
          client_id: upstream.clientId.trim(),
          client_secret: upstream.clientSecret,
          vtr: upstream.vtr ?? null,
        });
        await ledger.append(trx, [
          {
            action: 'identity.upstream_added',
            actor: by ? who(by) : null,
            resource: { type: 'upstream_provider', id: upstream.slug },
            detail: {
              issuer: upstream.issuer,
              for: upstream.forOrganisation ?? 'citizens',
              via: by ? 'admin page' : 'command line',
            },
          },
        ]);
      });
    },

    /** Disables an upstream (nobody signs in through it) or enables it again. */
    async setEnabled(by: Actor, slug: string, enabled: boolean): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (!(await store.setUpstreamEnabled(trx, slug, enabled)))
          throw new NotFound('There is no such provider');
        await ledger.append(trx, [
          {
            action: enabled ? 'identity.upstream_enabled' : 'identity.upstream_disabled',
            actor: who(by),
            resource: { type: 'upstream_provider', id: slug },
          },
        ]);
      });
    },

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
      const accountId = await db.transaction().execute(async (trx) => {
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
      const method = `upstream:${upstream.slug}${usedSecondFactor({ amr: claims.amr, vot: claims.vot }) ? '+mfa' : ''}`;
      return openSession({ id: accountId, kind: upstream.kind }, method, { slug: upstream.slug, confidence });
    },
  };
}

export type Federation = ReturnType<typeof federation>;
