// The photo fixtures are a 24 × 16 picture made with ImageMagick, to which exiftool wrote what a
// phone writes: GPS position, camera serial number, owner, date, a thumbnail, XMP, IPTC and a
// comment (JPEG, the baseline one turned by Orientation 6), Exif in eXIf with text, compressed
// text, XMP and time chunks (PNG), Exif and XMP chunks (WebP). photo.jpg and
// photo-progressive.jpg are the JPEG pictures before exiftool touched them. Another library
// (ExifReader) reads what is left; Chromium decodes the pictures to prove them unchanged
// (photo-metadata.browser.test.ts).
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import ExifReader from 'exifreader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orientationExif, withoutMetadata } from './metadata.ts';
import type { PhotoType } from './photo.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const photos: [string, PhotoType][] = [
  ['photo-gps.jpg', 'image/jpeg'],
  ['photo-gps-progressive.jpg', 'image/jpeg'],
  ['photo-gps.png', 'image/png'],
  ['photo-gps.webp', 'image/webp'],
];
const strip = (bytes: Buffer, contentType: PhotoType) =>
  withoutMetadata({ name: 'photo', contentType, bytes })?.bytes ?? null;
const stripped = (name: string, type: PhotoType) => strip(fixture(name), type) as Buffer;

/** What a metadata reader finds, by group, leaving out what only describes the picture. */
async function metadata(bytes: Buffer) {
  const tags = await ExifReader.load(bytes, { expanded: true, async: true, includeUnknown: true });
  const found: Record<string, string[]> = {};
  for (const [group, values] of Object.entries(tags)) {
    if (['file', 'jfif', 'pngFile', 'riff'].includes(group)) continue;
    // ExifReader's png group repeats the picture's header (IHDR) with any text chunks.
    const names = Object.keys(values ?? {}).filter((n) => group !== 'png' || !(n in (tags.pngFile ?? {})));
    if (names.length > 0) found[group] = names;
  }
  return found;
}

const personal = ['A Citizen', 'SN-12345', 'Acacia', 'Keswick', 'Phone 12', '2026:11:20'];
const mentions = (bytes: Buffer) => personal.filter((p) => bytes.includes(p, 0, 'latin1'));

describe('a photo without its metadata', () => {
  it.each(photos)('%s had GPS and more, and keeps none of it', async (name, type) => {
    const before = await metadata(fixture(name));
    expect(before.gps).toEqual(['Latitude', 'Longitude']);
    expect(before.exif).toEqual(expect.arrayContaining(['GPSLatitude', 'BodySerialNumber']));
    expect(before.xmp).toContain('creator');
    const after = stripped(name, type);
    expect(await metadata(after)).toEqual(name === 'photo-gps.jpg' ? { exif: ['Orientation'] } : {});
    expect(mentions(after)).toEqual([]);
    expect(mentions(fixture(name)).length).toBeGreaterThan(1);
  });

  it('had IPTC, a comment and a thumbnail in the JPEG, and text, compressed text and a time in the PNG', async () => {
    const jpeg = await metadata(fixture('photo-gps.jpg'));
    expect(jpeg.iptc).toEqual(expect.arrayContaining(['City', 'By-line']));
    expect(jpeg.Thumbnail).toBeDefined();
    expect(fixture('photo-gps.jpg').includes('Taken outside 12 Acacia Avenue')).toBe(true);
    const chunks = (bytes: Buffer) => pngChunks(bytes).map((c) => c.type);
    expect(chunks(fixture('photo-gps.png'))).toEqual(
      expect.arrayContaining(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']),
    );
    expect(chunks(stripped('photo-gps.png', 'image/png'))).toEqual([
      'IHDR',
      'gAMA',
      'cHRM',
      'bKGD',
      'IDAT',
      'IEND',
    ]);
  });

  it('keeps the JPEG picture byte for byte, with the orientation alone in a minimal Exif', () => {
    const clean = fixture('photo.jpg');
    const jfifEnd = 4 + clean.readUInt16BE(4);
    expect(
      stripped('photo-gps.jpg', 'image/jpeg').equals(
        Buffer.concat([clean.subarray(0, jfifEnd), orientationExif(6), clean.subarray(jfifEnd)]),
      ),
    ).toBe(true);
    // A progressive JPEG has several scans, with tables between them; Orientation 1 needs no Exif.
    expect(stripped('photo-gps-progressive.jpg', 'image/jpeg').equals(fixture('photo-progressive.jpg'))).toBe(
      true,
    );
  });

  it('leaves a photo that has no metadata as it was', () => {
    for (const [name, type] of [
      ['photo.jpg', 'image/jpeg'],
      ['photo-progressive.jpg', 'image/jpeg'],
      ['pothole.png', 'image/png'],
    ] as const)
      expect(strip(fixture(name), type)?.equals(fixture(name)), name).toBe(true);
  });

  it('keeps JPEG colour (ICC profile, Adobe) and drops other application segments and what follows the end', () => {
    const clean = fixture('photo.jpg');
    const jfifEnd = 4 + clean.readUInt16BE(4);
    const icc = jpegSegment(0xe2, 'ICC_PROFILE\0\x01\x01a colour profile');
    const adobe = jpegSegment(0xee, 'Adobe\0\x64\0\0\0\0\x01');
    const given = Buffer.concat([
      clean.subarray(0, jfifEnd),
      jpegSegment(0xe0, 'JFXX\0\x10a thumbnail'),
      icc,
      jpegSegment(0xe2, 'MPF\0II*\0a second picture'),
      adobe,
      jpegSegment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>'),
      jpegSegment(0xed, 'Photoshop 3.0\0IPTC'),
      jpegSegment(0xef, 'a maker note'),
      jpegSegment(0xfe, 'a comment'),
      clean.subarray(jfifEnd),
      Buffer.from('a second picture or a video after the end'),
    ]);
    const expected = Buffer.concat([clean.subarray(0, jfifEnd), icc, adobe, clean.subarray(jfifEnd)]);
    expect(strip(given, 'image/jpeg')?.equals(expected)).toBe(true);
  });

  it('keeps every PNG chunk it keeps whole, with a right CRC', () => {
    for (const chunk of pngChunks(stripped('photo-gps.png', 'image/png')))
      expect(chunk.crc, chunk.type).toBe(crc32(chunk.typeAndData));
  });

  it('clears the WebP flags of the chunks it drops, keeps the colour profile and its flag, and sizes the file again', () => {
    const original = riffChunks(fixture('photo-gps.webp'));
    expect(original.map((c) => c.fourcc)).toEqual(['VP8X', 'VP8 ', 'EXIF', 'XMP ']);
    expect((original[0] as RiffChunk).data[0]).toBe(0x0c); // Exif and XMP
    const vp8x = Buffer.from((original[0] as RiffChunk).data);
    vp8x[0] = 0x2c; // and a colour profile
    const iccp = { fourcc: 'ICCP', data: Buffer.from('a colour profile!') }; // odd: padded
    const given = riff([{ fourcc: 'VP8X', data: vp8x }, iccp, ...original.slice(1)]);
    const after = strip(given, 'image/webp') as Buffer;
    const kept = riffChunks(after);
    expect(kept.map((c) => c.fourcc)).toEqual(['VP8X', 'ICCP', 'VP8 ']);
    expect(kept[0]?.data[0]).toBe(0x20);
    expect(kept[1]?.data.equals(iccp.data)).toBe(true);
    expect(after.readUInt32LE(4)).toBe(after.length - 8);
    expect(riffChunks(stripped('photo-gps.webp', 'image/webp'))[0]?.data[0]).toBe(0);
  });

  it('refuses a photo cut short anywhere', () => {
    for (const [name, type] of photos) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.length; length++)
        expect(strip(bytes.subarray(0, length), type), `${name} cut at ${length}`).toBeNull();
    }
  });

  it('refuses a length that runs past the end, or a part missing', () => {
    const jpeg = Buffer.from(fixture('photo.jpg'));
    const dqt = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    const withLength = (
      bytes: Buffer,
      at: number,
      length: number,
      write: 'writeUInt16BE' | 'writeUInt32BE' | 'writeUInt32LE',
    ) => {
      const copy = Buffer.from(bytes);
      copy[write](length, at);
      return copy;
    };
    expect(strip(withLength(jpeg, dqt + 2, 0xffff, 'writeUInt16BE'), 'image/jpeg')).toBeNull();
    expect(strip(withLength(jpeg, dqt + 2, 1, 'writeUInt16BE'), 'image/jpeg')).toBeNull();
    expect(strip(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg')).toBeNull(); // no picture
    const png = fixture('pothole.png');
    expect(strip(withLength(png, 8, 0xffffffff, 'writeUInt32BE'), 'image/png')).toBeNull();
    expect(strip(Buffer.concat([png.subarray(0, 8), png.subarray(33)]), 'image/png')).toBeNull(); // no IHDR
    const webp = fixture('photo-gps.webp');
    expect(strip(withLength(webp, 4, webp.length, 'writeUInt32LE'), 'image/webp')).toBeNull();
    expect(strip(withLength(webp, 16, webp.length, 'writeUInt32LE'), 'image/webp')).toBeNull();
  });

  it('never fails on damaged bytes: it refuses them or gives a photo it would give again unchanged', () => {
    for (const [name, type] of photos) {
      const bytes = fixture(name);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          (changes) => {
            const damaged = Buffer.from(bytes);
            for (const [at, value] of changes) damaged[at] = value;
            const once = strip(damaged, type);
            return once === null || strip(once, type)?.equals(once) === true;
          },
        ),
        { numRuns: 300 },
      );
    }
  });
});

interface RiffChunk {
  fourcc: string;
  data: Buffer;
}
const jpegSegment = (marker: number, text: string) => {
  const data = Buffer.from(text, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
};
function pngChunks(bytes: Buffer) {
  const chunks = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    chunks.push({
      type: bytes.toString('latin1', at + 4, at + 8),
      typeAndData: bytes.subarray(at + 4, at + 8 + length),
      crc: bytes.readUInt32BE(at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}
function riffChunks(bytes: Buffer): RiffChunk[] {
  const chunks = [];
  for (let at = 12; at < bytes.length; ) {
    const length = bytes.readUInt32LE(at + 4);
    chunks.push({
      fourcc: bytes.toString('latin1', at, at + 4),
      data: bytes.subarray(at + 8, at + 8 + length),
    });
    at += 8 + length + (length & 1);
  }
  return chunks;
}
function riff(chunks: RiffChunk[]) {
  const body = Buffer.concat(
    chunks.map(({ fourcc, data }) => {
      const head = Buffer.from(`${fourcc}\0\0\0\0`, 'latin1');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, Buffer.alloc(data.length & 1)]);
    }),
  );
  const head = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([head, body]);
}
