// Federation: people sign in to Flagstone through upstream OpenID Connect providers — citizens
// through a national identity service, staff through their organisation's own — and
// administrators say which upstreams are trusted, each with the one issuer accepted.
export { upstreamPages } from './pages.ts';
export { federationRoutes } from './routes.ts';
export { federation } from './service.ts';
