// The citizen's journey through the front door: one question a page (what, where, details and
// photos, contact), then check your answers and send. The answers are kept in a server-side
// draft keyed by a cookie (draft.ts), so the journey works without JavaScript.
import type { FastifyInstance } from 'fastify';
import { checkAnswersPages } from './check-answers.ts';
import { contactPages } from './contact.ts';
import { detailsPages } from './details.ts';
import type { JourneyOptions } from './options.ts';
import { whatPages } from './what.ts';
import { wherePages } from './where.ts';

export async function citizenJourney(
  app: FastifyInstance,
  {
    requests,
    places,
    takesContact,
    photoLimitBytes = 10_485_760,
  }: JourneyOptions & { photoLimitBytes?: number },
) {
  // 1. Which service: all of them, or those matching the words searched for.
  await app.register(whatPages, { requests, places });
  // 2. Where: by the gazetteer's addresses or a point.
  await app.register(wherePages, { requests, places });
  // 3. Details and photos (a multipart form, in its own plugin).
  await app.register(detailsPages, { requests, places, photoLimitBytes });
  // 4. Contact details.
  await app.register(contactPages, { requests, places, takesContact });
  // 5. Check answers, then submit.
  await app.register(checkAnswersPages, { requests, places, takesContact });
}
