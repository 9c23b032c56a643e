// Pure: which photos a citizen may add to a report. The type is read from the bytes (photo.ts:
// the name and the type the browser claims are not trusted), so a program renamed .jpg or an
// SVG (which can carry script) is refused; the size and the count are bounded.
import type { FieldError } from '../../platform/index.ts';
import { withoutMetadata } from './metadata.ts';
import { type Photo, photoType } from './photo.ts';

/** The most photos one report may carry. */
export const MAX_PHOTOS = 3;

/** A file as it arrived: `truncated` when it was longer than the limit and cut off. */
export interface Upload {
  name: string;
  bytes: Buffer;
  truncated: boolean;
}

/** A file name safe to show and store: no folders, no control characters, not too long. */
export function photoName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(0, 200) || 'photo';
}

export const megabytes = (bytes: number) => `${Math.floor(bytes / 1_048_576)}MB`;

/**
 * The photos to keep, without their metadata, or what is wrong with the files: all of them or
 * none. `already` is how many the report has; files chosen but empty of a name and bytes (no file
 * picked) are skipped.
 */
export function checkPhotos(
  uploads: Upload[],
  already: number,
  limitBytes: number,
): { photos: Photo[]; errors: FieldError[] } {
  const chosen = uploads.filter((u) => u.name !== '' || u.bytes.length > 0);
  const errors: FieldError[] = [];
  const photos: Photo[] = [];
  if (already + chosen.length > MAX_PHOTOS) {
    const left = MAX_PHOTOS - already;
    errors.push({
      field: 'photos',
      message:
        left > 0
          ? `You can add up to ${MAX_PHOTOS} photos: choose ${left === 1 ? '1 more' : `up to ${left} more`}`
          : `You can add up to ${MAX_PHOTOS} photos: remove one to add another`,
    });
    return { photos, errors };
  }
  for (const u of chosen) {
    const name = photoName(u.name);
    const type = photoType(u.bytes);
    if (u.truncated || u.bytes.length > limitBytes)
      errors.push({ field: 'photos', message: `${name} must be smaller than ${megabytes(limitBytes)}` });
    else if (u.bytes.length === 0) errors.push({ field: 'photos', message: `${name} is empty` });
    else if (!type) errors.push({ field: 'photos', message: `${name} must be a JPG, PNG or WEBP photo` });
    else {
      // Kept without its metadata (where it was taken, the camera, the owner), or not at all.
      const photo = withoutMetadata({ name, contentType: type, bytes: u.bytes });
      if (photo) photos.push(photo);
      else
        errors.push({
          field: 'photos',
          message: `${name} could not be read: it may be damaged or incomplete`,
        });
    }
  }
  return errors.length > 0 ? { photos: [], errors } : { photos, errors };
}
