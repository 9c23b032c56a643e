// Who people are: citizen and staff accounts with staff roles per organisation, signing in and
// server-side sessions (accounts/); the place's OpenID Connect provider that other systems of the
// place sign people in through, whose access tokens Flagstone's API takes (provider/); signing
// in through upstream identity providers (federation/); and acting on someone's behalf (delegation/).
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import type { Contexts, WhoIsAsking } from '../web/index.ts';
import {
  accountChangePages,
  accountPages,
  passkeyPages,
  passkeyScripts,
  passkeySignIn,
  registrationPages,
  sessionHooks,
  signInPages,
} from './accounts/index.ts';
import { delegationPages } from './delegation/index.ts';
import { federationRoutes, upstreamPages } from './federation/index.ts';
import { accessTokens, openIdProvider as provider } from './provider/index.ts';
import type { IdentityService } from './service.ts';
import type { IdentitySettings } from './settings.ts';

export { type NewAccount, requireSecondFactor, TOTP_PERIOD_SECONDS, totpCode } from './accounts/index.ts';
export {
  addClientFromCommandLine,
  addUpstreamFromCommandLine,
  rotateKeysFromCommandLine,
} from './command-line.ts';
export { actFor, DELEGATED_SERVICES, type DelegatedService } from './delegation/index.ts';
export type { NewClient } from './provider/index.ts';
export { type IdentityService, identityService } from './service.ts';
export { identitySettings } from './settings.ts';

/**
 * Who is asking, for web's contexts to place: the person behind the session cookie, the gate
 * that sends staff on to the second factor required of them, and the access tokens the API takes.
 */
export function whoIsAsking({
  identity,
  settings,
}: {
  identity: IdentityService;
  settings: IdentitySettings;
}): WhoIsAsking {
  return { ...sessionHooks({ identity, settings }), accessToken: accessTokens(identity, settings) };
}

export interface IdentityModuleOptions {
  contexts: Contexts;
  identity: IdentityService;
  settings: IdentitySettings;
  places: PlacesService;
}

/**
 * Everything identity serves, each part in its context: the OpenID Connect provider (its
 * endpoints, its interaction pages, who is calling on the API, its administrators' pages); the
 * ways in (signing in and out, a second factor, passkeys, upstream providers), open before a
 * second factor; and the pages of accounts, passkeys, upstreams and acting for someone.
 */
export async function identityModule(
  app: FastifyInstance,
  { contexts, identity, settings, places }: IdentityModuleOptions,
) {
  // Once for the whole module, so that every route carrying signInRateLimit is limited wherever
  // it is registered (the sign-in pages, the provider's interactions, passkeys).
  await app.register(fastifyRateLimit, { global: false });
  await app.register(provider, { contexts, identity, settings });
  await app.register(contexts.signIn(federationRoutes), { identity, settings });
  await app.register(passkeyScripts);
  await app.register(contexts.pages(passkeyPages), { identity, settings });
  await app.register(contexts.signIn(passkeySignIn), { identity, settings });
  await app.register(contexts.pages(upstreamPages), { identity, settings });
  await app.register(contexts.signIn(signInPages), { identity });
  await app.register(contexts.signIn(registrationPages), { identity, settings });
  await app.register(contexts.pages(accountChangePages), { identity, settings });
  await app.register(contexts.pages(accountPages), { places });
  await app.register(contexts.pages(delegationPages), { identity });
}
