// Pages of the front door: the citizen's journey and the staff inbox.
import type { FastifyInstance } from 'fastify';
import type { PlacesService } from '../places/index.ts';
import type { RequestsService } from './service.ts';

export async function requestsPages(
  _app: FastifyInstance,
  _options: { requests: RequestsService; places: PlacesService },
) {}
