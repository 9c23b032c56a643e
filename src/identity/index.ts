// Who people are: citizen and staff accounts with staff roles per organisation, signing in and
// server-side sessions (accounts/); the place's OpenID Connect provider that other systems of the
// place sign people in through, whose access tokens Flagstone's API takes (provider/); signing
// in through upstream identity providers (federation/); and acting on someone's behalf (delegation/).
import type { FastifyInstance } from 'fastify';
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
 * The OpenID Connect provider with the API's access tokens, then the other ways of signing in
 * its sign-in page offers (upstream providers, passkeys) and the administrators' pages of both.
 */
export const openIdProvider = fp<{ identity: IdentityService; settings: IdentitySettings }>(
  async (app, options) => {
    await app.register(provider, options);
    await app.register(federationRoutes, options);
    await app.register(passkeyRoutes, options);
    await app.register(upstreamPages, options);
  },
);

/** The pages of accounts (signing in and out, the second factor, each person's home) and of acting for someone. */
export async function identityPages(
  app: FastifyInstance,
  { identity, places }: { identity: IdentityService; places: PlacesService },
): Promise<void> {
  await app.register(accountPages, { identity, places });
  await app.register(delegationPages, { identity });
}
