// Taking requests in: the citizen's journey (journey/), Open311 GeoReport v2 for trusted
// clients (open311.ts, with their API keys), the pure check of a submission (check.ts), and
// storing it routed, with its ledger entry and email, in a group commit (submit.ts, batcher.ts).
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { type Open311Requests, open311Routes } from './open311.ts';

export { type ApiKeys, apiKeys } from './api-keys.ts';
export type { NewRequest } from './check.ts';
export { drafts } from './drafts.ts';
export { citizenJourney } from './journey/index.ts';
export { open311KeyPages } from './key-pages.ts';
export { open311KeysFromCommandLine } from './keys-command.ts';
export type { Gazetteer } from './locating.ts';
export { KEYS_PAGE } from './open311.ts';
export { type AssistedChannel, type Channel, intakeService } from './submit.ts';

/** Open311 GeoReport v2 under /open311/v2, with its own error format. */
export async function open311(
  app: FastifyInstance,
  options: { requests: Open311Requests; places: PlacesService; publicUrl: string },
) {
  await app.register(open311Routes, { ...options, prefix: '/open311/v2' });
}
