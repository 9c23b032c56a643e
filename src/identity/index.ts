// Who people are: citizen and staff accounts, staff roles per organisation, sign-in and
// server-side sessions, and the place's OpenID Connect provider that other systems of the
// place sign people in through (its relying parties), whose access tokens Flagstone's API takes.

export type { NewClient } from './clients.ts';
export {
  addClientFromCommandLine,
  addUpstreamFromCommandLine,
  rotateKeysFromCommandLine,
} from './command-line.ts';
export { actFor, DELEGATED_SERVICES, type DelegatedService } from './delegation-rules.ts';
export { openIdProvider } from './oidc-routes.ts';
export { identityPages, requireSecondFactor, sessions } from './routes.ts';
export { type IdentityService, identityService, type NewAccount } from './service.ts';
export { identitySettings } from './settings.ts';
