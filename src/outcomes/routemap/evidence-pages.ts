// Adding a file as evidence of a score (a multipart form that works without JavaScript; the
// whole body, the CSRF token included, is read before the CSRF check runs, and a file is cut off
// at the size limit), and downloading a kept file.
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formErrors } from '../../web/index.ts';
import { EVIDENCE_LIMIT_BYTES, type Upload } from './evidence-files.ts';
import { assessmentViews } from './pages.ts';
import type { RoutemapService } from './service.ts';

type Params = { ref: string; item: string };
const refusals = new Set([
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

export async function evidencePages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  const { itemPage } = assessmentViews(routemap);
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    throwFileSizeLimit: false,
    limits: { fileSize: EVIDENCE_LIMIT_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 10_000 },
  });

  // A post the parser refused, or a stale form: the item's page again, nothing kept.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    const csrf = error.code?.startsWith('FST_CSRF');
    if (!csrf && !refusals.has(error.code ?? '')) throw error;
    const text = csrf
      ? 'The form has expired: reload the page and try again'
      : 'The file could not be read: choose it again';
    return itemPage(request, reply.code(csrf ? 403 : 400), request.params as Params, {
      errors: [{ text, href: '#file' }],
      fieldErrors: { file: text },
    });
  });

  app.post<{ Params: Params; Body: Record<string, unknown> }>(
    '/routemap/:ref/items/:item/files',
    async (request, reply) => {
      const { ref, item } = request.params;
      const file = request.body?.file;
      const upload =
        typeof file === 'object' && file !== null && !Array.isArray(file) ? (file as Upload) : undefined;
      try {
        await routemap.addEvidenceFile(request.actor, ref, item, upload, request.id);
        return reply.redirect(`/routemap/${ref}/items/${item}?done=file`, 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return itemPage(request, reply.code(400), request.params, form);
      }
    },
  );

  app.get<{ Params: { ref: string; id: string } }>('/routemap/:ref/files/:id', async (request, reply) => {
    const file = await routemap.evidenceFile(
      request.actor,
      request.params.ref,
      request.params.id,
      request.id,
    );
    return reply
      .type(file.mediaType)
      .header('content-disposition', `attachment; filename="${file.filename.replace(/"/g, '')}"`)
      .send(file.content);
  });
}
