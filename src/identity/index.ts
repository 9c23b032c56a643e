// Who people are: citizen and staff accounts, staff roles per organisation, sign-in and
// server-side sessions. Later: the place's OpenID Connect provider and acting on behalf.
export { identityPages, sessions } from './routes.ts';
export { type IdentityService, identityService, type NewAccount } from './service.ts';
