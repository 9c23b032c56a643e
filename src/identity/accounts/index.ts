// Accounts: citizens' and staff's accounts and staff roles, signing in (a password, a code from
// an authenticator app, a passkey), server-side sessions, and what other modules may read of
// accounts. The provider and federation sign people in through these pages and sessions.

export type { IdentityConfidence, NewAccount } from './directory.ts';
export { accountPages, signInPages } from './pages.ts';
export { passkeyPages, passkeyScripts, passkeySignIn } from './passkey-routes.ts';
export type { Outbox } from './registration.ts';
export { accountChangePages, registrationPages } from './registration-pages.ts';
export { TOTP_PERIOD_SECONDS, totpCode } from './second-factor.ts';
export { type Accounts, accountsService } from './service.ts';
export {
  ACTING_COOKIE,
  needsSecondFactor,
  requireSecondFactor,
  SESSION_COOKIE,
  sessionHooks,
} from './sessions.ts';
export {
  codeFromForm,
  type OtherWaysToSignIn,
  type SignInBody,
  signInFromForm,
  signInPage,
  signInRateLimit,
  startSession,
  upstreamLinks,
} from './sign-in.ts';
