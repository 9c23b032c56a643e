// Chromium decodes each photo before and after its metadata is taken off, to prove the picture
// unchanged and the right way up (the fixtures are described in metadata.test.ts).
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../../test/browser.ts';
import { withoutMetadata } from './metadata.ts';
import type { PhotoType } from './photo.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const photos: [string, PhotoType][] = [
  ['photo-gps.jpg', 'image/jpeg'],
  ['photo-gps-progressive.jpg', 'image/jpeg'],
  ['photo-gps.png', 'image/png'],
  ['photo-gps.webp', 'image/webp'],
];
const stripped = (name: string, contentType: PhotoType) =>
  withoutMetadata({ name: 'photo', contentType, bytes: fixture(name) })?.bytes as Buffer;

describe('a photo without its metadata, as a browser shows it', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage();
  });
  afterAll(() => browser?.close());

  /** The picture as Chromium decodes it, turned as its Exif orientation says. */
  const decoded = (bytes: Buffer, type: PhotoType) =>
    page.evaluate(
      async ([base64, type]) => {
        // The page's own globals (the project's TypeScript has no DOM types).
        const page = globalThis as unknown as BrowserGlobals;
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const bitmap = await page.createImageBitmap(new Blob([bytes], { type }));
        const context = new page.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
        context.drawImage(bitmap, 0, 0);
        const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
        return { width: bitmap.width, height: bitmap.height, pixels: Array.from(pixels).join() };
      },
      [bytes.toString('base64'), type] as const,
    );

  it.each(photos)('%s looks the same, the right way up', async (name, type) => {
    const before = await decoded(fixture(name), type);
    const after = await decoded(stripped(name, type), type);
    expect({ width: after.width, height: after.height }).toEqual(
      name === 'photo-gps.jpg' ? { width: 16, height: 24 } : { width: 24, height: 16 },
    );
    expect(after).toEqual(before);
  });
});

interface BrowserGlobals {
  createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
  OffscreenCanvas: new (
    width: number,
    height: number,
  ) => {
    getContext(kind: '2d'): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
    };
  };
}
