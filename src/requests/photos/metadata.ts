// Pure: a photo without what a camera or phone wrote about it. A phone's photo can carry where
// it was taken (often the citizen's home), when, the camera's serial number, the owner's name
// and a thumbnail of the uncropped picture, in Exif, XMP, IPTC, comments and text chunks. Only
// the metadata is removed, byte for byte: the picture itself is never decoded or encoded again.
// What a viewer needs to show the picture as taken is kept: JPEG's JFIF header, colour profile
// (ICC) and Adobe colour transform, and the Exif orientation, rewritten on its own.
import type { Photo } from './photo.ts';

/**
 * The photo with its metadata removed, or null when its bytes are not a whole image of its type
 * (a segment or chunk cut short, a length running past the end, no end of image).
 */
export function withoutMetadata(photo: Photo): Photo | null {
  const strip = { 'image/jpeg': jpeg, 'image/png': png, 'image/webp': webp }[photo.contentType];
  const bytes = strip(Buffer.from(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength));
  return bytes ? { ...photo, bytes } : null;
}

const startsWith = (bytes: Buffer, text: string) => bytes.toString('latin1', 0, text.length) === text;

// JPEG: SOI, then marker segments (0xFF, a marker, a 2-byte length counting itself, the data);
// each scan (SOS) is followed by entropy-coded data in which 0xFF is always followed by 0x00 or
// a restart marker, so the next segment is the first 0xFF followed by anything else.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const isRestart = (m: number) => m >= 0xd0 && m <= 0xd7;
const isFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const isApplication = (m: number) => m >= 0xe0 && m <= 0xef;
const COM = 0xfe;

/** Whether an application or comment segment stays: only what decoding needs. */
function keptSegment(marker: number, data: Buffer): boolean {
  if (marker === 0xe0) return startsWith(data, 'JFIF\0');
  if (marker === 0xe2) return startsWith(data, 'ICC_PROFILE\0');
  if (marker === 0xee) return startsWith(data, 'Adobe');
  return !isApplication(marker) && marker !== COM;
}

function jpeg(bytes: Buffer): Buffer | null {
  const out: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  let frame = false;
  let scanned = false;
  let oriented = false;
  for (;;) {
    if (bytes[at] !== 0xff) return null;
    let m = at + 1;
    while (bytes[m] === 0xff) m++; // fill bytes before a marker
    const marker = bytes[m];
    if (marker === undefined || marker === 0x00 || marker === SOI) return null;
    at = m + 1;
    if (marker === EOI) {
      // Anything after the end of the image (a second picture, a video, a maker's trailer) goes.
      if (!scanned) return null;
      out.push(bytes.subarray(m - 1, at));
      return Buffer.concat(out);
    }
    if (isRestart(marker) || marker === 0x01) {
      out.push(bytes.subarray(m - 1, at));
      continue;
    }
    if (at + 2 > bytes.length) return null;
    const end = at + bytes.readUInt16BE(at);
    if (end < at + 2 || end > bytes.length) return null;
    const data = bytes.subarray(at + 2, end);
    if (marker === 0xe1 && !oriented && startsWith(data, 'Exif\0\0')) {
      const orientation = exifOrientation(data.subarray(6));
      if (orientation !== 1) out.push(orientationExif(orientation));
      oriented = true;
    } else if (keptSegment(marker, data)) out.push(bytes.subarray(m - 1, end));
    if (isFrame(marker)) frame = true;
    at = end;
    if (marker === SOS) {
      if (!frame) return null;
      const next = scanEnd(bytes, at);
      if (next === null) return null;
      out.push(bytes.subarray(at, next));
      at = next;
      scanned = true;
    }
  }
}

/** Where the entropy-coded data from `from` ends: the 0xFF of the next marker, or null. */
function scanEnd(bytes: Buffer, from: number): number | null {
  let at = from;
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff < 0) return null;
    let m = ff + 1;
    while (bytes[m] === 0xff) m++;
    const next = bytes[m];
    if (next === undefined) return null;
    if (next !== 0x00 && !isRestart(next)) return ff;
    at = m + 1;
  }
}

/** The Orientation (1–8) in IFD0 of an Exif TIFF block; 1 (as stored) when absent or unreadable. */
export function exifOrientation(tiff: Buffer): number {
  const order = tiff.toString('latin1', 0, 2);
  if (tiff.length < 8 || (order !== 'II' && order !== 'MM')) return 1;
  const little = order === 'II';
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  for (let i = 0, n = u16(ifd); i < n; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) return 1;
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 2) === 3 ? u16(entry + 8) : 1; // a SHORT, as the standard has it
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** An APP1 segment whose Exif holds the Orientation and nothing else. */
export function orientationExif(orientation: number): Buffer {
  const segment = Buffer.alloc(36);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(34, 2); // the length counts itself, not the marker
  segment.write('Exif\0\0MM', 4, 'latin1');
  segment.writeUInt16BE(42, 12);
  segment.writeUInt32BE(8, 14); // IFD0 straight after the TIFF header
  segment.writeUInt16BE(1, 18); // one entry:
  segment.writeUInt16BE(0x0112, 20); // Orientation,
  segment.writeUInt16BE(3, 22); // a SHORT,
  segment.writeUInt32BE(1, 24); // one of them,
  segment.writeUInt16BE(orientation, 28); // this one; then no next IFD (zeros)
  return segment;
}

// PNG: the signature, then chunks (4-byte length, 4-byte type, the data, a CRC of type and data)
// up to IEND. Chunks are copied whole, so each kept chunk keeps its CRC.
const droppedChunks = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function png(bytes: Buffer): Buffer | null {
  const out: Buffer[] = [bytes.subarray(0, 8)];
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) return null;
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length || (at === 8 && type !== 'IHDR')) return null;
    if (!droppedChunks.has(type)) out.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return Buffer.concat(out);
  }
}

// WebP: a RIFF file ('RIFF', the size of what follows, 'WEBP') of chunks (a FourCC, a
// little-endian length, the data, a pad byte when the length is odd). In the extended format,
// the VP8X chunk's flags say which metadata chunks follow; theirs are cleared with them.
const EXIF_FLAG = 0x08;
const XMP_FLAG = 0x04;

function webp(bytes: Buffer): Buffer | null {
  if (bytes.length < 12) return null;
  const end = 8 + bytes.readUInt32LE(4);
  if (end > bytes.length || end < 12) return null;
  const chunks: Buffer[] = [];
  for (let at = 12; at < end; ) {
    if (at + 8 > end) return null;
    const fourcc = bytes.toString('latin1', at, at + 4);
    const length = bytes.readUInt32LE(at + 4);
    if (at + 8 + length > end) return null;
    const next = Math.min(at + 8 + length + (length & 1), end);
    if (fourcc === 'VP8X') {
      if (length < 10) return null;
      const chunk = Buffer.from(bytes.subarray(at, next));
      chunk[8] = (chunk[8] as number) & ~(EXIF_FLAG | XMP_FLAG);
      chunks.push(chunk);
    } else if (fourcc !== 'EXIF' && fourcc !== 'XMP ') chunks.push(bytes.subarray(at, next));
    at = next;
  }
  const body = Buffer.concat(chunks);
  const header = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  return Buffer.concat([header, body]);
}
