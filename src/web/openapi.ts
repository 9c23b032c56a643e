// The OpenAPI document made to say what the API does, in one pass over what @fastify/swagger
// builds from the routes' schemas: every error as RFC 9457 problem+json (any 4XX and 5XX, as
// the framework, the contexts and the input boundary may answer them), how to present a token
// (a bearer JWT, or OpenID Connect discovery), and closed lists as `enum`.
type Json = Record<string, unknown>;
type Operation = { responses?: Record<string, Json>; security?: unknown[] };

const PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  description: 'RFC 9457 problem details',
};
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** A union of single constants of one type (TypeBox's Union of Literals) as one `enum`. */
function closedLists(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closedLists);
  if (!node || typeof node !== 'object') return node;
  const schema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closedLists(v)])) as Json;
  const options = schema.anyOf as Json[] | undefined;
  const single = (o: Json) => (Array.isArray(o.enum) && o.enum.length === 1 ? o.enum[0] : o.const);
  if (
    Array.isArray(options) &&
    options.length > 0 &&
    options.every((o) => single(o) !== undefined && o.type === options[0]?.type && Object.keys(o).length <= 3)
  ) {
    const { anyOf: _, ...rest } = schema;
    return { ...rest, type: options[0]?.type, enum: options.map(single) };
  }
  return schema;
}

/** The document with errors, security and closed lists as the API has them. */
export function truthfulDocument<T extends Json>(document: T, publicUrl: string): T {
  const components = (document.components ?? {}) as Json;
  const paths = closedLists(document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const operations of Object.values(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.includes(method)) continue;
      const { '4XX': _four, '4xx': _lower, ...responses } = operation.responses ?? {};
      // A success without a schema is still JSON: say so, of any shape.
      for (const [status, response] of Object.entries(responses))
        if (status.startsWith('2') && status !== '204' && !response.content)
          response.content = { 'application/json': { schema: {} } };
      operation.responses = {
        ...responses,
        '4XX': problem('The request was refused: not valid, not signed in, not allowed, not found, too many'),
        '5XX': problem('The service could not answer: try again later'),
      };
      const scope = method === 'get' || method === 'head' ? 'api:read' : 'api:write';
      // Reading the open parts needs no token; where one is needed, the operation answers 401.
      operation.security = [{}, { bearerAuth: [] }, { openIdConnect: [scope] }];
    }
  }
  return {
    ...document,
    components: {
      ...components,
      schemas: { ...((components.schemas as Json) ?? {}), Problem: PROBLEM },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `An access token from ${publicUrl}/oidc/token: api:read to read, api:write to change`,
        },
        openIdConnect: {
          type: 'openIdConnect',
          openIdConnectUrl: `${publicUrl}/.well-known/openid-configuration`,
        },
      },
    },
    paths,
  };
}
