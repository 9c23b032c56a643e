// Photos stored before their metadata was removed on upload still carry it (where they were
// taken, the camera, the owner). A job run when the jobs start removes it with the same function
// as the upload, a batch a transaction, until none is left; a photo whose bytes cannot be read is
// left as it was and marked, so that it blocks nothing and is not tried again.
import type { Db } from '../../db/index.ts';
import type { JobDefinition, JobsLog } from '../../platform/index.ts';
import { withoutMetadata } from './metadata.ts';
import { photoType } from './photo.ts';
import * as store from './store.ts';

/** Photos a transaction: each is read and written on its own, so a batch holds one in memory. */
const BATCH = 100;
export const STRIP_METADATA_JOB = 'photos.strip-metadata';

/** How many photos had their metadata removed, and how many could not be read. */
export interface Stripped {
  stripped: number;
  unreadable: number;
}

export interface StripProgress extends Stripped {
  /** How many photos had their metadata when the run began. */
  of: number;
  /** The photos of this batch that could not be read. */
  unreadableIds: { table: store.PhotoTable; id: string }[];
}

/** The bytes without metadata, or null when they are not a whole image of a type we take. */
function stripped(bytes: Buffer): Buffer | null {
  // The type is read from the bytes, as on upload: early photos kept the type the browser claimed.
  const contentType = photoType(bytes);
  if (!contentType) return null;
  try {
    return withoutMetadata({ name: 'photo', contentType, bytes })?.bytes ?? null;
  } catch {
    return null; // not expected of it, but one photo must not stop the rest
  }
}

export function storedPhotosService(db: Db) {
  /** One batch of one table in one transaction: what it did, and the ids it could not read. */
  async function batch(table: store.PhotoTable) {
    return db.transaction().execute(async (trx) => {
      const ids = await store.withMetadata(trx, table, BATCH);
      const unreadable: string[] = [];
      for (const id of ids) {
        const { bytes } = await store.storedPhoto(trx, table, id);
        const clean = stripped(bytes);
        if (!clean) {
          await store.markMetadata(trx, table, id, 'unreadable');
          unreadable.push(id);
        } else await store.markMetadata(trx, table, id, 'stripped', clean.equals(bytes) ? undefined : clean);
      }
      return { done: ids.length, unreadable };
    });
  }

  /**
   * Removes the metadata of every stored photo that still has it, drafts' first (a draft's photo
   * moves to its case with its state), and tells `progress` after each batch has committed.
   */
  async function stripMetadata(progress: (p: StripProgress) => void = () => {}): Promise<Stripped> {
    const tables: store.PhotoTable[] = ['report_draft_photos', 'case_photos'];
    let of = 0;
    for (const table of tables) of += await store.countWithMetadata(db, table);
    const total = { stripped: 0, unreadable: 0 };
    for (const table of tables) {
      for (;;) {
        const { done, unreadable } = await batch(table);
        if (done === 0) break;
        total.stripped += done - unreadable.length;
        total.unreadable += unreadable.length;
        progress({ ...total, of, unreadableIds: unreadable.map((id) => ({ table, id })) });
      }
    }
    return total;
  }

  return {
    stripMetadata,
    /** The job, run each time the jobs start; it logs counts and the ids of unreadable photos only. */
    jobs: (log: JobsLog): JobDefinition[] => [
      {
        name: STRIP_METADATA_JOB,
        atStart: true,
        policy: 'stately',
        run: async () => {
          const total = await stripMetadata(({ unreadableIds, ...counts }) => {
            for (const photo of unreadableIds)
              log.warn?.(photo, 'photo could not be read: left as it was, metadata and all');
            log.info?.(counts, 'removing the metadata of stored photos');
          });
          if (total.stripped + total.unreadable > 0)
            log.info?.(total, 'removed the metadata of every stored photo');
          return total;
        },
      },
    ],
  };
}

export type StoredPhotosService = ReturnType<typeof storedPhotosService>;
