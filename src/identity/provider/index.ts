// The place's OpenID Connect provider: other systems of the place (its relying parties) sign
// people in through Flagstone, and Flagstone's API takes the access tokens it issues. Its
// clients, signing keys and records are kept in PostgreSQL, so any instance can answer.
export { accessTokens } from './api-tokens.ts';
export type { NewClient } from './clients.ts';
export { ACR_SECOND_FACTOR } from './provider.ts';
export { openIdProvider } from './routes.ts';
export { openIdProviderService } from './service.ts';
