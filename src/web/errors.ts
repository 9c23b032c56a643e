// Errors and unknown addresses, answered in one of two ways: RFC 9457 problem+json, or the
// GOV.UK error page. Which one is the context's to say (the API always answers problem+json);
// elsewhere it is what the client accepts, so a browser gets a page and a program gets JSON.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  databaseUnavailable,
  type FieldError,
  problem,
  UNAVAILABLE_DETAIL,
} from '../platform/index.ts';

type Failure = Error & {
  statusCode?: number;
  code?: string;
  validation?: unknown[];
  validationContext?: string;
};

/** Whether the client reads pages: a browser says so in its Accept header. */
export const readsPages = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').includes('text/html');

function logSafe(error: Failure) {
  // Messages of database errors can quote the values that failed: log the kind and where, not the text.
  return { type: error.name, code: error.code, stack: error.stack?.split('\n').slice(1, 8).join('\n') };
}

type Validation = {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  message?: string;
  params?: { missingProperty?: string };
};

/**
 * The schema's complaints as fields. Where one of several fields must be given (an `anyOf` of
 * alternatives, see `atLeastOneOf`), the alternatives' failures become one message naming them.
 */
function validationFields(errors: Validation[], context: string): FieldError[] {
  const at = (v: Validation) =>
    `${context}${v.instancePath.replaceAll('/', '.')}${v.params?.missingProperty ? `.${v.params.missingProperty}` : ''}`;
  const plain = (v: Validation) => ({ field: at(v), message: v.message ?? 'is not valid' });
  const choice = errors.find((v) => v.keyword === 'anyOf');
  const branch = choice?.schemaPath.replace(/anyOf$/, 'anyOf/');
  const alternatives = branch ? errors.filter((v) => v.schemaPath.startsWith(branch)) : [];
  if (!choice || !alternatives.every((v) => v.keyword === 'required' || v.keyword === 'pattern')) {
    return errors.map(plain);
  }
  const names = [...new Set(alternatives.map((v) => at(v).split('.').at(-1)))];
  return [
    { field: at(choice), message: `Give at least one of ${names.join(', ')}` },
    ...errors.filter((v) => v !== choice && !alternatives.includes(v)).map(plain),
  ];
}

/** What went wrong, in words fit for the person asking: never SQL, a stack or personal data. */
function describe(error: Failure) {
  if (databaseUnavailable(error)) return { status: 503, detail: UNAVAILABLE_DETAIL, fields: [] };
  let status = error instanceof DomainError ? error.status : (error.statusCode ?? 500);
  if (status < 400 || status > 599) status = 500;
  let detail = status >= 500 ? 'Something went wrong on our side.' : error.message;
  let fields: FieldError[] = error instanceof DomainError ? error.fields : [];
  if (error.validation) {
    detail = 'The request does not match the schema';
    fields = validationFields(error.validation as Validation[], error.validationContext ?? 'body');
  }
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
    detail = 'The form has expired. Go back, reload the page and try again.';
  }
  return { status, detail, fields };
}

/** An error answered as the context says: problem+json always, or a page for a browser. */
export function answerError(asProblem: (request: FastifyRequest) => boolean) {
  return (error: Failure, request: FastifyRequest, reply: FastifyReply) => {
    const { status, detail, fields } = describe(error);
    if (status >= 500) request.log.error({ err: logSafe(error) }, 'request failed');
    else request.log.info({ status, code: error.code }, 'request refused');
    if (asProblem(request)) {
      return reply
        .code(status)
        .type('application/problem+json')
        .send(
          problem(status, detail, {
            instance: request.url.split('?')[0],
            ...(fields.length ? { errors: fields } : {}),
          }),
        );
    }
    if (status === 401) return reply.redirect('/sign-in');
    const title =
      status === 404
        ? 'Page not found'
        : status >= 500
          ? 'Sorry, there is a problem with the service'
          : 'There is a problem';
    const paragraphs = status >= 500 ? ['Try again later.'] : [detail];
    return reply.code(status).page('error.njk', {
      title,
      paragraphs,
      onward: status === 404,
      reference: status >= 500 ? request.id : undefined,
    });
  };
}

/** An unknown address, answered as the context says. */
export function answerNotFound(asProblem: (request: FastifyRequest) => boolean) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    if (asProblem(request)) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send(problem(404, `There is nothing at ${request.method} ${request.url.split('?')[0]}`));
    }
    return reply.code(404).page('error.njk', {
      title: 'Page not found',
      paragraphs: [
        'If you typed the web address, check it is correct.',
        'If you pasted the web address, check you copied the entire address.',
      ],
      onward: true,
    });
  };
}
