// SQL for photos: those on a report's draft, and those on a case (moved there when it is stored).
import { type Generated, sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Photo, PhotoType } from './photos.ts';

type PhotoTables = {
  report_draft_photos: {
    id: Generated<string>;
    token_hash: string;
    name: string;
    content_type: PhotoType;
    bytes: Buffer;
    created_at: Generated<Date>;
  };
  case_photos: {
    id: string;
    case_id: string;
    name: string;
    content_type: PhotoType;
    bytes: Buffer;
    created_at: Date;
  };
};

const tables = (db: Db) => db.withTables<PhotoTables>();

export interface PhotoSummary {
  id: string;
  name: string;
  contentType: PhotoType;
  size: number;
}

export async function insertDraftPhotos(db: Db, tokenHash: string, photos: Photo[]) {
  if (photos.length === 0) return;
  await tables(db)
    .insertInto('report_draft_photos')
    .values(
      photos.map((p) => ({
        token_hash: tokenHash,
        name: p.name,
        content_type: p.contentType,
        bytes: p.bytes,
      })),
    )
    .execute();
}

export async function draftPhotos(db: Db, tokenHash: string): Promise<PhotoSummary[]> {
  return tables(db)
    .selectFrom('report_draft_photos')
    .select(['id', 'name', 'content_type as contentType'])
    .select((eb) => eb.fn<number>('length', ['bytes']).as('size'))
    .where('token_hash', '=', tokenHash)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function removeDraftPhoto(db: Db, tokenHash: string, id: string): Promise<boolean> {
  const result = await tables(db)
    .deleteFrom('report_draft_photos')
    .where('token_hash', '=', tokenHash)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Moves a draft's photos to the case stored from it (in the caller's transaction). */
export async function attachDraftPhotos(db: Db, tokenHash: string, caseId: string) {
  await tables(db)
    .insertInto('case_photos')
    .columns(['case_id', 'name', 'content_type', 'bytes'])
    .expression((eb) =>
      eb
        .selectFrom('report_draft_photos')
        .select([sql<string>`${caseId}::uuid`.as('case_id'), 'name', 'content_type', 'bytes'])
        .where('token_hash', '=', tokenHash)
        .orderBy('created_at'),
    )
    .execute();
  await tables(db).deleteFrom('report_draft_photos').where('token_hash', '=', tokenHash).execute();
}

export async function casePhotos(db: Db, caseId: string): Promise<PhotoSummary[]> {
  return tables(db)
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
    (await tables(db)
      .selectFrom('case_photos')
      .select(['id', 'name', 'content_type as contentType', 'bytes'])
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}
