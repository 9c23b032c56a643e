// Who people are: citizen and staff accounts with staff roles per organisation, signing in and
// server-side sessions (accounts/); the place's OpenID Connect provider that other systems of the
// place sign people in through, whose access tokens Flagstone's API takes (provider/); signing
// in through upstream identity providers (federation/); and acting on someone's behalf (delegation/).
import fp from 'fastify-plugin';
import type { PlacesService } from '../places/index.ts';
import { accountPages, passkeyRoutes } from './accounts/index.ts';
import { delegationPages } from './delegation/index.ts';
import { federationRoutes, upstreamPages } from './federation/index.ts';
import { openIdProvider as provider } from './provider/index.ts';
import type { IdentityService } from './service.ts';
import type { IdentitySettings } from './settings.ts';

export { type NewAccount, requireSecondFactor, sessions, totpCode } from './accounts/index.ts';
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
 * Everything identity serves, as one plugin: the OpenID Connect provider with the API's access
 * tokens, the other ways of signing in its sign-in page offers (upstream providers, passkeys) and
 * the administrators' pages of both; then the pages of accounts (signing in and out, the second
 * factor, each person's home) and of acting for someone. Register it after `sessions`: the access
 * token's hook reaches every module's API and must run after the session's, to take its place.
 */
export const identityModule = fp<{
  identity: IdentityService;
  settings: IdentitySettings;
  places: PlacesService;
}>(async (app, { identity, settings, places }) => {
  await app.register(provider, { identity, settings });
  await app.register(federationRoutes, { identity, settings });
  await app.register(passkeyRoutes, { identity, settings });
  await app.register(upstreamPages, { identity, settings });
  await app.register(accountPages, { identity, places });
  await app.register(delegationPages, { identity });
});
