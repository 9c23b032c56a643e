// Photos on reports: which files a citizen may add (the type read from the bytes, the size and
// count bounded), their metadata removed before they are kept, the photos of drafts and cases,
// a case's photo served to staff entitled to the case, and the job that cleans older photos.
export { staffPhotos } from './case-photo.ts';
export type { Photo } from './photo.ts';
export { photoRoutes } from './routes.ts';
export {
  attachDraftPhotos,
  casePhotos,
  draftPhotos,
  insertDraftPhotos,
  removeDraftPhoto,
} from './store.ts';
export { type StoredPhotosService, type StripProgress, storedPhotosService } from './stored-photos.ts';
export { checkPhotos, MAX_PHOTOS, megabytes, type Upload } from './upload.ts';
