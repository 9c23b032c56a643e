// The answers a citizen has given so far on the journey, with the photos they added, kept under
// the hash of the token in their cookie (journey/draft.ts) for a day.
import type { Db } from '../../db/index.ts';
import { type Clock, sha256 } from '../../platform/index.ts';
import { looksLikeId } from '../case.ts';
import { draftPhotos, insertDraftPhotos, type Photo, removeDraftPhoto } from '../photos/index.ts';
import * as store from './store.ts';

const DAY = 86_400_000;

export function drafts(db: Db, clock: Clock) {
  return {
    get: (token: string) => store.draft(db, sha256(token), clock.now()),
    /** Saves the answers and adds the photos with them: both or neither. */
    save: (token: string, answers: Record<string, unknown>, photos: Photo[] = []) =>
      db.transaction().execute(async (trx) => {
        await store.saveDraft(trx, sha256(token), answers, new Date(clock.now().getTime() + DAY));
        await insertDraftPhotos(trx, sha256(token), photos);
      }),
    remove: (token: string) => store.removeDraft(db, sha256(token), clock.now()),
    photos: (token: string) => (token ? draftPhotos(db, sha256(token)) : Promise.resolve([])),
    removePhoto: (token: string, id: string) =>
      looksLikeId(id) ? removeDraftPhoto(db, sha256(token), id) : Promise.resolve(false),
  };
}

export type Drafts = ReturnType<typeof drafts>;
