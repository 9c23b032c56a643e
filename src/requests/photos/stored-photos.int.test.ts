// Photos stored before their metadata was removed on upload, against the real database: the job
// removes it from every one of them (a case's and a draft's) in batches, leaving the picture as
// an upload stores it now; a damaged photo is left as it was and stops nothing; a second run
// changes nothing; the job runs when the jobs start and logs counts and ids only.
import { readFileSync } from 'node:fs';
import ExifReader from 'exifreader';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support.ts';
import { type Services, servicesFor, startJobs } from '../../compose.ts';
import { connect, type Database } from '../../db/index.ts';
import { demoPoints } from '../../places/index.ts';
import { sha256 } from '../../platform/index.ts';
import { orientationExif, withoutMetadata } from './metadata.ts';
import type { Photo, PhotoType } from './photo.ts';
import type { StripProgress } from './stored-photos.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const GPS: [string, PhotoType][] = [
  ['photo-gps.jpg', 'image/jpeg'],
  ['photo-gps-progressive.jpg', 'image/jpeg'],
  ['photo-gps.png', 'image/png'],
  ['photo-gps.webp', 'image/webp'],
];
/** What exiftool wrote into the fixtures: the owner, the camera's serial number, the street, the town. */
const personal = ['A Citizen', 'SN-12345', 'Acacia', 'Keswick'];
const DAMAGED = fixture('photo-gps.jpg').subarray(0, 1500); // cut short, GPS and all

let database: Database;
let services: Services;
let close: () => Promise<void>;
let caseId: string;

beforeAll(async () => {
  const { url, drop } = await testDatabase();
  database = connect(url, 4);
  services = await servicesFor(database);
  close = async () => {
    await services.jobs.stop();
    await database.close();
    await drop();
  };
  const [lon, lat] = demoPoints.northmoor as [number, number];
  const created = await services.requests.submit(
    { service: 'pothole', lat, lon, email: 'photos@example.com', attributes: { size: 'large' } },
    {},
  );
  caseId = created.id;
});
afterAll(() => close?.());

/** A photo stored as before its metadata was removed on upload: no state given, so 'kept'. */
async function storedTheOldWay(bytes: Buffer, contentType: PhotoType, name = 'photo'): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO case_photos (case_id, name, content_type, bytes)
    VALUES (${caseId}, ${name}, ${contentType}, ${bytes}) RETURNING id`.execute(database.db);
  return (rows[0] as { id: string }).id;
}

async function draftPhotoTheOldWay(token: string, bytes: Buffer, contentType: PhotoType) {
  await services.requests.drafts.save(token, { service: 'pothole' });
  const { rows } = await sql<{ id: string }>`
    INSERT INTO report_draft_photos (token_hash, name, content_type, bytes)
    VALUES (${sha256(token)}, 'photo', ${contentType}, ${bytes}) RETURNING id`.execute(database.db);
  return (rows[0] as { id: string }).id;
}

type Row = { id: string; bytes: Buffer; metadata: string; content_type: string };
async function everyPhoto(): Promise<Map<string, Row>> {
  const { rows } = await sql<Row>`
    SELECT id, bytes, metadata, content_type FROM case_photos
    UNION ALL SELECT id, bytes, metadata, content_type FROM report_draft_photos`.execute(database.db);
  return new Map(rows.map((r) => [r.id, r]));
}

/** The picture's type and size as a metadata reader sees them, and what metadata it finds. */
async function read(bytes: Buffer) {
  const tags = await ExifReader.load(bytes, { expanded: true });
  const size = tags.file?.['Image Width'] ? tags.file : (tags.pngFile ?? tags.riff);
  const dimension = (name: string) =>
    (size as Record<string, { value: number }> | undefined)?.[name]?.value ??
    (size as Record<string, { value: number }> | undefined)?.[name.replace(' ', '')]?.value;
  return {
    type: tags.file?.FileType?.value,
    width: dimension('Image Width'),
    height: dimension('Image Height'),
    exif: Object.keys(tags.exif ?? {}),
    other: [tags.gps, tags.xmp, tags.iptc, tags.Thumbnail, tags.pngText].filter((g) => g !== undefined),
  };
}

const mentions = (bytes: Buffer) => personal.filter((p) => bytes.includes(p, 0, 'latin1'));

describe('removing the metadata of photos stored with it', () => {
  it("removes GPS and the rest from a case's and a draft's photos in batches, the pictures as an upload stores them now; a damaged photo stops nothing", async () => {
    const ids = new Map<string, [string, PhotoType]>();
    for (const [name, type] of GPS) ids.set(await storedTheOldWay(fixture(name), type, name), [name, type]);
    // More than a batch, so that the work is done in several transactions.
    for (let i = 0; i < 110; i++)
      ids.set(await storedTheOldWay(fixture('photo-gps.png'), 'image/png'), ['photo-gps.png', 'image/png']);
    const damaged = await storedTheOldWay(DAMAGED, 'image/jpeg', 'cut.jpg');
    const draft = await draftPhotoTheOldWay('a-draft-from-before', fixture('photo-gps.webp'), 'image/webp');
    ids.set(draft, ['photo-gps.webp', 'image/webp']);
    const before = await everyPhoto();
    expect(new Set([...before.values()].map((r) => r.metadata))).toEqual(new Set(['kept']));
    for (const [name, type] of GPS) {
      expect((await read(fixture(name))).other.length, name).toBeGreaterThan(0);
      expect(mentions(fixture(name)).length, name).toBeGreaterThan(1);
      expect((await read(fixture(name))).type).toBe(type.slice(6));
    }

    const progress: StripProgress[] = [];
    const total = await services.storedPhotos.stripMetadata((p) => progress.push(p));

    expect(total).toEqual({ stripped: ids.size, unreadable: 1 });
    expect(progress.length).toBeGreaterThanOrEqual(3); // the draft's batch, then two of cases
    expect(progress.at(-1)).toMatchObject({ ...total, of: ids.size + 1 });
    expect(progress.flatMap((p) => p.unreadableIds)).toEqual([{ table: 'case_photos', id: damaged }]);
    const after = await everyPhoto();
    for (const [id, [name, type]] of ids) {
      const row = after.get(id) as Row;
      const original = await read(fixture(name));
      const now = await read(row.bytes);
      expect(row.metadata, name).toBe('stripped');
      expect(row.content_type).toBe(type);
      expect(now.other, name).toEqual([]);
      expect(now.exif, name).toEqual(name === 'photo-gps.jpg' ? ['Orientation'] : []); // still the right way up
      expect(mentions(row.bytes), name).toEqual([]);
      expect([now.type, now.width, now.height], name).toEqual([original.type, 24, 16]);
      // Exactly what an upload stores now (whose pixels photo-metadata.browser.test.ts decodes unchanged).
      expect(
        row.bytes.equals(withoutMetadata({ name, contentType: type, bytes: fixture(name) })?.bytes as Buffer),
      ).toBe(true);
    }
    // The JPEG pictures are the ones before exiftool wrote to them, byte for byte.
    const clean = fixture('photo.jpg');
    const jfifEnd = 4 + clean.readUInt16BE(4);
    const byName = (name: string) =>
      (after.get([...ids].find(([, [n]]) => n === name)?.[0] as string) as Row).bytes;
    expect(
      byName('photo-gps.jpg').equals(
        Buffer.concat([clean.subarray(0, jfifEnd), orientationExif(6), clean.subarray(jfifEnd)]),
      ),
    ).toBe(true);
    expect(byName('photo-gps-progressive.jpg').equals(fixture('photo-progressive.jpg'))).toBe(true);
    // The damaged photo is left byte for byte, and marked so that it is not tried again.
    expect(after.get(damaged)?.bytes.equals(DAMAGED)).toBe(true);
    expect(after.get(damaged)?.metadata).toBe('unreadable');

    // A second run finds nothing to do and changes nothing.
    const again: StripProgress[] = [];
    expect(await services.storedPhotos.stripMetadata((p) => again.push(p))).toEqual({
      stripped: 0,
      unreadable: 0,
    });
    expect(again).toEqual([]);
    const unchanged = await everyPhoto();
    expect([...unchanged.keys()].sort()).toEqual([...after.keys()].sort());
    for (const [id, row] of after) expect(unchanged.get(id)).toEqual(row);
  });

  it('marks photos stored now as without metadata, and a draft photo from before keeps its state on the case', async () => {
    const token = 'a-draft-of-now';
    const photo = withoutMetadata({
      name: 'new.png',
      contentType: 'image/png',
      bytes: fixture('photo-gps.png'),
    });
    await services.requests.drafts.save(token, { service: 'pothole' }, [photo as Photo]);
    const old = await draftPhotoTheOldWay(
      'a-draft-from-before-submitted',
      fixture('photo-gps.jpg'),
      'image/jpeg',
    );
    const { rows } = await sql<{ metadata: string; old: boolean }>`
      SELECT metadata, id = ${old} AS old FROM report_draft_photos WHERE metadata = 'kept' OR name = 'new.png'`.execute(
      database.db,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { metadata: 'stripped', old: false },
        { metadata: 'kept', old: true },
      ]),
    );

    const [lon, lat] = demoPoints.northmoor as [number, number];
    const created = await services.requests.submit(
      {
        service: 'pothole',
        lat,
        lon,
        email: 'draft@example.com',
        attributes: { size: 'small' },
        photosOf: 'a-draft-from-before-submitted',
      },
      {},
    );
    const moved = await sql<{ metadata: string; gps: boolean }>`
      SELECT metadata, position('SN-12345' in encode(bytes, 'escape')) > 0 AS gps
      FROM case_photos WHERE case_id = ${created.id}`.execute(database.db);
    expect(moved.rows).toEqual([{ metadata: 'kept', gps: true }]); // still to do, not taken for done

    await services.storedPhotos.stripMetadata();
    const done = await sql<{ metadata: string; gps: boolean }>`
      SELECT metadata, position('SN-12345' in encode(bytes, 'escape')) > 0 AS gps
      FROM case_photos WHERE case_id = ${created.id}`.execute(database.db);
    expect(done.rows).toEqual([{ metadata: 'stripped', gps: false }]);
  });

  it('runs when the jobs start, logging counts and the ids of damaged photos only', async () => {
    const id = await storedTheOldWay(fixture('photo-gps.jpg'), 'image/jpeg', 'IMG_0002.jpg');
    const damaged = await storedTheOldWay(DAMAGED, 'image/jpeg', 'cut-again.jpg');
    const logged: [string, object, string][] = [];
    const log = {
      error: (o: object, m: string) => logged.push(['error', o, m]),
      warn: (o: object, m: string) => logged.push(['warn', o, m]),
      info: (o: object, m: string) => logged.push(['info', o, m]),
    };
    await startJobs(services, { notify: null }, log, { pollingIntervalSeconds: 0.5 });
    const deadline = Date.now() + 20_000;
    const state = async () => (await everyPhoto()).get(id)?.metadata;
    while (Date.now() < deadline && (await state()) === 'kept') await new Promise((r) => setTimeout(r, 200));
    await services.jobs.stop();

    expect(await state()).toBe('stripped');
    expect((await everyPhoto()).get(damaged)?.metadata).toBe('unreadable');
    expect(logged.filter(([level]) => level !== 'info')).toEqual([
      ['warn', { table: 'case_photos', id: damaged }, expect.any(String)],
    ]);
    // Other jobs (linking what changed, say) log their own counts.
    const counts = logged.filter(([level, o]) => level === 'info' && 'stripped' in o).map(([, o]) => o);
    expect(counts).toEqual([
      { stripped: 1, unreadable: 1, of: 2 },
      { stripped: 1, unreadable: 1 },
    ]);
    const text = JSON.stringify(logged);
    expect(mentions(Buffer.from(text))).toEqual([]);
    expect(text).not.toContain('IMG_0002');
  });
});
