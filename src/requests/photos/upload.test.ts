import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { photoType } from './photo.ts';
import { checkPhotos, photoName } from './upload.ts';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const webp = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1');
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));

describe('photos', () => {
  it('knows a JPEG, a PNG and a WebP by their bytes, whatever the name says', () => {
    expect([jpeg, png, webp].map(photoType)).toEqual(['image/jpeg', 'image/png', 'image/webp']);
    expect(photoType(Buffer.from('MZ\x90\x00'))).toBeNull(); // a Windows program
    expect(photoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(photoType(Buffer.from('<html><script>'))).toBeNull();
    expect(photoType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(photoType(png.subarray(0, 7))).toBeNull();
  });

  it('never takes bytes that start like markup or text as a photo', () => {
    fc.assert(fc.property(fc.string(), (s) => photoType(Buffer.from(`<${s}`)) === null));
  });

  it('keeps only the last part of a file name, without control characters', () => {
    expect(photoName('C:\\Users\\me\\pot\u0000hole.png')).toBe('pothole.png');
    expect(photoName('../../etc/passwd')).toBe('passwd');
    expect(photoName('')).toBe('photo');
    expect(photoName('a'.repeat(300))).toHaveLength(200);
  });

  it('takes all the files or none, and skips an empty file input', () => {
    const ok = { name: 'a.png', bytes: fixture('pothole.png'), truncated: false };
    expect(
      checkPhotos([ok, { name: '', bytes: Buffer.alloc(0), truncated: false }], 0, 100).photos,
    ).toHaveLength(1);
    const bad = checkPhotos([ok, { name: 'b.jpg', bytes: Buffer.from('MZ'), truncated: false }], 0, 100);
    expect(bad.photos).toEqual([]);
    expect(bad.errors).toEqual([{ field: 'photos', message: 'b.jpg must be a JPG, PNG or WEBP photo' }]);
    expect(checkPhotos([{ ...ok, truncated: true }], 0, 1_048_576).errors[0]?.message).toBe(
      'a.png must be smaller than 1MB',
    );
    expect(checkPhotos([ok, ok], 2, 100).errors[0]?.message).toBe(
      'You can add up to 3 photos: choose 1 more',
    );
    expect(checkPhotos([ok], 3, 100).errors[0]?.message).toBe(
      'You can add up to 3 photos: remove one to add another',
    );
  });

  it('keeps a photo without its metadata, and refuses one that is damaged or cut short', () => {
    const gps = fixture('photo-gps.jpg');
    const kept = checkPhotos([{ name: 'pothole.jpg', bytes: gps, truncated: false }], 0, 10_000);
    expect(kept.errors).toEqual([]);
    expect(kept.photos[0]?.bytes.length).toBeLessThan(gps.length);
    expect(kept.photos[0]?.bytes.includes('SN-12345')).toBe(false);
    const cut = { name: 'cut.jpg', bytes: gps.subarray(0, 1000), truncated: false };
    expect(checkPhotos([cut], 0, 10_000)).toEqual({
      photos: [],
      errors: [{ field: 'photos', message: 'cut.jpg could not be read: it may be damaged or incomplete' }],
    });
  });
});
