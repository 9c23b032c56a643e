// SQL for photos: those on a report's draft, and those on a case (moved there when it is stored).
import { type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';
import type { Photo, PhotoType } from './photo.ts';

/** Whether a stored photo still has its metadata: 'kept' only when stored before it was removed. */
export type PhotoMetadata = Selectable<DB['case_photos']>['metadata'];

/**
 * The two tables that hold photos, for the work done on every stored photo (the queries below
 * name one of them to the type checker: they use only the columns both have).
 */
export type PhotoTable = 'report_draft_photos' | 'case_photos';

export interface PhotoSummary {
  id: string;
  name: string;
  contentType: PhotoType;
  size: number;
}

export async function insertDraftPhotos(db: Db, tokenHash: string, photos: Photo[]) {
  if (photos.length === 0) return;
  await db
    .insertInto('report_draft_photos')
    .values(
      photos.map((p) => ({
        token_hash: tokenHash,
        name: p.name,
        content_type: p.contentType,
        bytes: p.bytes,
        metadata: 'stripped' as const, // a Photo is always without it (checkPhotos)
      })),
    )
    .execute();
}

export async function draftPhotos(db: Db, tokenHash: string): Promise<PhotoSummary[]> {
  return db
    .selectFrom('report_draft_photos')
    .select(['id', 'name', 'content_type as contentType'])
    .select((eb) => eb.fn<number>('length', ['bytes']).as('size'))
    .where('token_hash', '=', tokenHash)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function removeDraftPhoto(db: Db, tokenHash: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('report_draft_photos')
    .where('token_hash', '=', tokenHash)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Moves a draft's photos to the case stored from it (in the caller's transaction). */
export async function attachDraftPhotos(db: Db, tokenHash: string, caseId: string) {
  await db
    .insertInto('case_photos')
    .columns(['case_id', 'name', 'content_type', 'bytes', 'metadata'])
    .expression((eb) =>
      eb
        .selectFrom('report_draft_photos')
        .select([sql<string>`${caseId}::uuid`.as('case_id'), 'name', 'content_type', 'bytes', 'metadata'])
        .where('token_hash', '=', tokenHash)
        .orderBy('created_at'),
    )
    .execute();
  await db.deleteFrom('report_draft_photos').where('token_hash', '=', tokenHash).execute();
}

export async function casePhotos(db: Db, caseId: string): Promise<PhotoSummary[]> {
  return db
    .selectFrom('case_photos')
    .select(['id', 'name', 'content_type as contentType'])
    .select((eb) => eb.fn<number>('length', ['bytes']).as('size'))
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function casePhoto(db: Db, caseId: string, id: string) {
  return (
    (await db
      .selectFrom('case_photos')
      .select(['id', 'name', 'content_type as contentType', 'bytes'])
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** How many photos of a table still have the metadata they were stored with. */
export async function countWithMetadata(db: Db, table: PhotoTable): Promise<number> {
  const row = await db
    .selectFrom(table as 'case_photos')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('metadata', '=', 'kept')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * The ids of up to `limit` photos that still have their metadata, locked until the transaction
 * ends; photos another transaction holds are skipped, so two runs never work on the same photo.
 */
export async function withMetadata(trx: Db, table: PhotoTable, limit: number): Promise<string[]> {
  const rows = await trx
    .selectFrom(table as 'case_photos')
    .select('id')
    .where('metadata', '=', 'kept')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}

export async function storedPhoto(trx: Db, table: PhotoTable, id: string) {
  return trx
    .selectFrom(table as 'case_photos')
    .select('bytes')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Records what became of a photo's metadata, with its new bytes when they changed. */
export async function markMetadata(
  trx: Db,
  table: PhotoTable,
  id: string,
  metadata: Exclude<PhotoMetadata, 'kept'>,
  bytes?: Buffer,
) {
  await trx
    .updateTable(table as 'case_photos')
    .set(bytes ? { metadata, bytes } : { metadata })
    .where('id', '=', id)
    .execute();
}
