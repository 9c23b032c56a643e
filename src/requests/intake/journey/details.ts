// The details page of the citizen's journey: the service's questions, what else to know, and
// photos. The form is multipart (it works without JavaScript); the whole body, the CSRF token
// included, is read before the CSRF check runs, and files are cut off at the size limit.
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkPhotos, MAX_PHOTOS, megabytes, type Upload } from '../../photos/index.ts';
import { definitionOf } from '../../service-definitions.ts';
import { type Answers, type Form, journeyDraft, str } from './draft.ts';
import type { JourneyOptions } from './options.ts';

/** Files beyond this many in one post are refused outright, not read. */
const MOST_FILES = 10;
const multipartRefusals = new Set([
  'FST_FILES_LIMIT',
  'FST_PARTS_LIMIT',
  'FST_FIELDS_LIMIT',
  'FST_REQ_FILE_TOO_LARGE',
  'FST_PROTO_VIOLATION',
  'FST_INVALID_MULTIPART_CONTENT_TYPE',
]);

export interface DetailsOptions extends JourneyOptions {
  photoLimitBytes: number;
}

// Each file is read up to the limit (the rest is dropped by the parser and marked truncated);
// files past the most a report may have are not kept at all.
async function onFile(this: FastifyRequest, part: MultipartFile) {
  const seen = ((this as { photoCount?: number }).photoCount ?? 0) + 1;
  (this as { photoCount?: number }).photoCount = seen;
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) if (seen <= MAX_PHOTOS) chunks.push(chunk as Buffer);
  const upload: Upload = {
    name: part.filename ?? '',
    bytes: Buffer.concat(chunks),
    truncated: part.file.truncated,
  };
  (part as unknown as { value: Upload }).value = upload;
}

const withErrors = (fieldErrors: Record<string, string>) => ({
  fieldErrors,
  errors: Object.entries(fieldErrors).map(([f, text]) => ({ text, href: `#${f}` })),
});

/** The details page: the service's questions with the answers so far, photos, and requests nearby. */
function detailsPage(
  { requests, places, photoLimitBytes }: DetailsOptions,
  draft: ReturnType<typeof journeyDraft>['draft'],
) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    answers: Answers,
    values: Form,
    form: object = {},
  ) => {
    const definition = definitionOf(str(answers.service));
    const given = (values.attributes ?? {}) as unknown as Record<string, string | string[]>;
    const { token } = await draft(request);
    return reply.page('report-details.njk', {
      service: await places.service(str(answers.service)).catch(() => null),
      questions: definition.attributes.map((a) => ({
        ...a,
        items: (a.values ?? []).map((v) => ({
          value: v.key,
          text: v.name,
          checked: [given[a.code]].flat().includes(v.key),
        })),
        value: str(given[a.code]),
      })),
      description: str(values.description),
      photos: await requests.drafts.photos(token),
      maxPhotos: MAX_PHOTOS,
      photoLimit: megabytes(photoLimitBytes),
      nearby: await requests.nearby(str(answers.service), Number(answers.lat), Number(answers.lon)),
      errors: [],
      fieldErrors: {},
      ...form,
    });
  };
}

/** The answers to the service's questions and what else to know, with what is missing or too long. */
function detailsAnswers(body: Record<string, unknown>, service: string) {
  const definition = definitionOf(service);
  const attributes: Record<string, string | string[]> = {};
  for (const a of definition.attributes) {
    // Only text: a file sent under a question's name is not an answer.
    const v = body[`attribute-${a.code}`];
    const texts = [v].flat().filter((x): x is string => typeof x === 'string');
    if (texts.length > 0) attributes[a.code] = Array.isArray(v) ? texts : (texts[0] as string);
  }
  const description = typeof body.description === 'string' ? body.description.trim() : '';
  const fieldErrors: Record<string, string> = {};
  for (const a of definition.attributes)
    if (a.required && !str(attributes[a.code]).trim())
      fieldErrors[`attribute-${a.code}`] = `Answer: ${a.description}`;
  if (description.length > 4000) fieldErrors.description = 'Use 4000 characters or fewer';
  return { attributes, description, fieldErrors };
}

export async function detailsPages(app: FastifyInstance, options: DetailsOptions) {
  const { requests, photoLimitBytes } = options;
  const { draft, save } = journeyDraft(requests);
  const page = detailsPage(options, draft);

  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    throwFileSizeLimit: false,
    limits: { fileSize: photoLimitBytes, files: MOST_FILES, fields: 100, parts: 200, fieldSize: 100_000 },
  });

  // A post the parser refused (too many files or parts, a broken body): the page again, nothing kept.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!multipartRefusals.has(error.code ?? '')) throw error;
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    const message =
      error.code === 'FST_FILES_LIMIT'
        ? `You can add up to ${MAX_PHOTOS} photos`
        : 'The photos could not be read: choose them again';
    return page(request, reply.code(400), answers, answers as Form, withErrors({ photos: message }));
  });

  app.get('/report/details', async (request, reply) => {
    const { answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    return page(request, reply, answers, answers as Form);
  });

  app.post<{ Body: Record<string, unknown> }>('/report/details', async (request, reply) => {
    const { token, answers } = await draft(request);
    if (!answers.lat) return reply.redirect('/report/where', 303);
    const body = request.body ?? {};
    const { attributes, description, fieldErrors } = detailsAnswers(body, str(answers.service));
    const uploads = [body.photos ?? []]
      .flat()
      .filter((u): u is Upload => typeof u === 'object' && u !== null);
    const already = (await requests.drafts.photos(token)).length;
    const checked = checkPhotos(uploads, already, photoLimitBytes);
    if (checked.errors.length > 0) fieldErrors.photos = checked.errors.map((e) => e.message).join('. ');
    if (Object.keys(fieldErrors).length > 0) {
      return page(
        request,
        reply.code(400),
        answers,
        { attributes: attributes as never, description },
        withErrors(fieldErrors),
      );
    }
    await save(request, reply, { ...answers, attributes, description }, checked.photos);
    return reply.redirect('/report/contact', 303);
  });

  app.post<{ Body: Record<string, unknown> }>('/report/photos/remove', async (request, reply) => {
    const { token } = await draft(request);
    if (token) await requests.drafts.removePhoto(token, str(request.body?.photo));
    return reply.redirect('/report/details#photos', 303);
  });
}
