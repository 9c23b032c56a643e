// Flagstone's own API as an OAuth resource server: it accepts the JWT access tokens its
// provider issues for it, checks their scopes, and says who is calling — a person through a
// relying party, or a machine client acting for its organisation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { Type } from 'typebox';
import { type Actor, Forbidden, requireActor, Unauthorized } from '../../platform/index.ts';
import { ProblemResponses } from '../../web/index.ts';
import type { IdentitySettings } from '../settings.ts';
import { API_SCOPES } from './clients.ts';
import type { ProviderIdentity } from './service.ts';
import { SIGNING_ALG } from './signing-keys.ts';

type Callers = Pick<ProviderIdentity, 'keys' | 'clients' | 'actorById' | 'providerAdapter'>;

const KEYS_CACHE_MS = 30_000;

/** Reading needs `api:read`; anything that changes something needs `api:write`. */
export function requiredScope(method: string): string {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'api:read' : 'api:write';
}

class InvalidToken extends Unauthorized {}

function tokenVerifier(identity: Callers, settings: IdentitySettings) {
  let cached: { keys: ReturnType<typeof createLocalJWKSet>; at: number; rotations: number } | undefined;
  const keySet = async (reload: boolean) => {
    const stale =
      !cached ||
      reload ||
      Date.now() - cached.at > KEYS_CACHE_MS ||
      cached.rotations !== identity.keys.rotations();
    if (stale || !cached) {
      const rotations = identity.keys.rotations();
      cached = {
        keys: createLocalJWKSet({ keys: await identity.keys.publicKeys() }),
        at: Date.now(),
        rotations,
      };
    }
    return cached.keys;
  };
  const verify = async (token: string, reload = false): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, await keySet(reload), {
      issuer: settings.issuer,
      audience: settings.apiResource,
      algorithms: [SIGNING_ALG],
      typ: 'at+jwt',
      requiredClaims: ['exp', 'client_id'],
    });
    return payload;
  };

  /**
   * The access token of a sign-in that asked for openid and the API's scopes without naming the
   * API as its resource: opaque, so that userinfo takes it too, and looked up where the provider
   * keeps it (gone once revoked or expired). Only its API scopes count here.
   */
  const Tokens = identity.providerAdapter();
  const lookUp = async (token: string): Promise<JWTPayload> => {
    const found = await new Tokens('AccessToken').find(token);
    const grant = found?.grantId ? await new Tokens('Grant').find(found.grantId) : undefined;
    if (
      !found ||
      !grant ||
      found.aud !== undefined ||
      !found.accountId ||
      (found.exp ?? 0) * 1000 < Date.now()
    )
      throw new InvalidToken('The access token is not valid or has expired');
    const scope = String(found.scope ?? '')
      .split(' ')
      .filter((s) => (API_SCOPES as readonly string[]).includes(s))
      .join(' ');
    return { sub: found.accountId, client_id: found.clientId, scope };
  };

  /** The caller an access token stands for, or InvalidToken. */
  return async (token: string): Promise<Actor> => {
    let payload: JWTPayload;
    try {
      // A key another instance has just made is not in the cache yet: look again once.
      payload = token.includes('.')
        ? await verify(token).catch((error) =>
            error instanceof joseErrors.JWKSNoMatchingKey ? verify(token, true) : Promise.reject(error),
          )
        : await lookUp(token);
    } catch {
      throw new InvalidToken('The access token is not valid or has expired');
    }
    const clientId = String(payload.client_id);
    const scopes = String(payload.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const client = await identity.clients.get(clientId).catch(() => undefined);
    if (!client || client.disabled) throw new InvalidToken('The client this token was issued to is disabled');
    if (payload.sub === clientId) {
      if (!client.organisation_ref || !client.organisation_name) {
        throw new InvalidToken('The client does not act for an organisation');
      }
      return {
        accountId: clientId,
        kind: 'staff',
        name: client.name,
        email: '',
        roles: [
          {
            organisation: client.organisation_ref,
            organisationName: client.organisation_name,
            role: 'staff',
          },
        ],
        machine: true,
        clientId,
        scopes,
      };
    }
    const person = await identity.actorById(String(payload.sub));
    if (!person) throw new InvalidToken('The account this token was issued for cannot be used');
    return { ...person, clientId, scopes };
  };
}

const Role = Type.Object({
  organisation: Type.String(),
  organisationName: Type.String(),
  role: Type.String(),
});
const Caller = Type.Object(
  {
    accountId: Type.String({ description: 'The account, or the client id of a machine client' }),
    kind: Type.Union([Type.Literal('citizen'), Type.Literal('staff')]),
    name: Type.String(),
    roles: Type.Array(Role),
    clientId: Type.Optional(Type.String({ description: 'The relying party whose access token was used' })),
    scopes: Type.Optional(Type.Array(Type.String())),
    machine: Type.Optional(Type.Boolean({ description: 'A machine client acting for its organisation' })),
    authLevel: Type.Optional(
      Type.Union([Type.Literal('password'), Type.Literal('second_factor')], {
        description: 'How the person signed in this session (sessions only)',
      }),
    ),
    identityConfidence: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('low'), Type.Literal('medium')], {
        description: 'How sure the upstream identity provider they signed in through is of who they are',
      }),
    ),
  },
  { description: 'Who is calling' },
);

/**
 * The hook that lets an access token take the session's place. Web's API context runs it, so it
 * reaches every module's API and nothing else; a token that fails is never let fall back to the
 * session cookie.
 */
export function accessTokens(identity: Callers, settings: IdentitySettings) {
  const verify = tokenVerifier(identity, settings);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const token = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header)?.[1];
    try {
      if (!token) throw new InvalidToken('Send the access token as "Authorization: Bearer <token>"');
      request.actor = await verify(token);
    } catch (error) {
      request.actor = null; // never fall back to a session cookie when a token was sent
      if (error instanceof InvalidToken) reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
    const scope = requiredScope(request.method);
    if (!request.actor.scopes?.includes(scope)) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      throw new Forbidden(`The access token does not allow this: it needs the ${scope} scope`);
    }
  };
}

/** Who is calling, as the API sees them. */
export const callerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['Identity'],
        summary: 'Who is calling: the person or machine client behind the session or access token',
        response: { 200: Caller, ...ProblemResponses },
      },
    },
    (request) => {
      const { accountId, kind, name, roles, clientId, scopes, machine, authLevel, identityConfidence } =
        requireActor(request.actor);
      return { accountId, kind, name, roles, clientId, scopes, machine, authLevel, identityConfidence };
    },
  );
};
