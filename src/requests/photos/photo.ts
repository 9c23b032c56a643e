// Pure: a photo, and its type as read from its bytes' signature. Only JPEG, PNG and WebP are
// photos here; anything else (an SVG, a program renamed .jpg) is none.

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface Photo {
  name: string;
  contentType: PhotoType;
  bytes: Buffer;
}

const starts = (bytes: Uint8Array, signature: number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type the bytes are, by their signature; null when they are none we take. */
export function photoType(bytes: Uint8Array): PhotoType | null {
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(bytes, ascii('RIFF')) && starts(bytes, ascii('WEBPVP8'), 8)) return 'image/webp';
  return null;
}
