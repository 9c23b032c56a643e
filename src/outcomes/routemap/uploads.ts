// A multipart form with one file, as the routemap's pages take them (they work without
// JavaScript): the whole body, the CSRF token included, is read before the CSRF check runs, and
// the file is cut off at the size limit and marked so. The one file is the field's value.
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface Upload {
  name: string;
  bytes: Buffer;
  /** Cut off at the size limit by the parser. */
  truncated: boolean;
}

/** The parser's refusals of a broken or oversized body, shown as a form error rather than a failure. */
export const multipartRefusals = new Set([
  'FST_FILES_LIMIT',
  'FST_PARTS_LIMIT',
  'FST_FIELDS_LIMIT',
  'FST_REQ_FILE_TOO_LARGE',
  'FST_PROTO_VIOLATION',
  'FST_INVALID_MULTIPART_CONTENT_TYPE',
]);

async function onFile(this: FastifyRequest, part: MultipartFile) {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  const upload: Upload = {
    name: part.filename ?? '',
    bytes: Buffer.concat(chunks),
    truncated: part.file.truncated,
  };
  (part as unknown as { value: Upload }).value = upload;
}

/** Takes forms of a few fields and one file of at most `limitBytes` in this plugin's routes. */
export async function oneFileForms(app: FastifyInstance, limitBytes: number) {
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    throwFileSizeLimit: false,
    limits: { fileSize: limitBytes, files: 1, fields: 5, parts: 6, fieldSize: 10_000 },
  });
}

/** The one file of a form's body under this name, if it is a file. */
export function uploadIn(body: Record<string, unknown> | undefined, name: string): Upload | undefined {
  const value = body?.[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'bytes' in value
    ? (value as Upload)
    : undefined;
}
