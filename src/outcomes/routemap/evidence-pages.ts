// Adding a file as evidence of a score (a multipart form that works without JavaScript; the
// whole body, the CSRF token included, is read before the CSRF check runs, and a file is cut off
// at the size limit), and downloading a kept file.
import type { FastifyInstance } from 'fastify';
import { formErrors } from '../../web/index.ts';
import { EVIDENCE_LIMIT_BYTES } from './evidence-files.ts';
import { assessmentViews } from './pages.ts';
import type { RoutemapService } from './service.ts';
import { multipartRefusals, oneFileForms, uploadIn } from './uploads.ts';

type Params = { ref: string; item: string };

export async function evidencePages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  const { itemPage } = assessmentViews(routemap);
  await oneFileForms(app, EVIDENCE_LIMIT_BYTES);

  // A post the parser refused, or a stale form: the item's page again, nothing kept.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    const csrf = error.code?.startsWith('FST_CSRF');
    if (!csrf && !multipartRefusals.has(error.code ?? '')) throw error;
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
      const upload = uploadIn(request.body, 'file');
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
