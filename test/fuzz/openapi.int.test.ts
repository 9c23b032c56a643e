// A schema-driven fuzzer against the running app: for every operation of /api/openapi.json,
// requests built by fast-check from the operation's own parameters and body (mostly what the
// schema allows, sometimes anything), sent with a machine client's bearer token and without.
// It fails on any 5xx, and on any answer the document does not describe: a status code it does
// not list, a media type it does not give, a body its schema refuses.
import fc from 'fast-check';
import * as oidc from 'openid-client';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningProvider, relyingParty } from '../identity/relying-party.ts';
import type { TestContext } from '../support.ts';
import { anyJson, type Schema, value } from './arbitraries.ts';

type Response = { description?: string; content?: Record<string, { schema?: Schema }> };
type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }>; required?: boolean };
  responses?: Record<string, Response>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 2026);
let t: TestContext & { issuer: string };
let token = '';
let document: Document;

beforeAll(async () => {
  t = await listeningProvider();
  const { config } = await relyingParty(t, {
    name: 'Fuzzing client',
    machineFor: 'fellshire-cc',
    redirectUris: [],
    scopes: ['api:read', 'api:write'],
  });
  token = (await oidc.clientCredentialsGrant(config, { scope: 'api:read api:write' })).access_token;
  document = (await t.app.inject({ url: '/api/openapi.json' })).json();
}, 120_000);
afterAll(() => t?.close());

/** The schema with its `$ref`s to the document's components put in place. */
function resolved(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(resolved);
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref) return resolved(document.components?.schemas?.[ref.split('/').pop() ?? '']);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolved(v)]));
}

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** A request for the operation: its path filled, its query (sometimes with a parameter twice), its body. */
function requestFor(path: string, operation: Operation) {
  const parameters = operation.parameters ?? [];
  const inPath = parameters.filter((p) => p.in === 'path');
  const inQuery = parameters.filter((p) => p.in === 'query');
  const body = operation.requestBody?.content?.['application/json']?.schema;
  return fc
    .record({
      path: fc.tuple(...inPath.map((p) => value(resolved(p.schema) as Schema))),
      query: fc.tuple(
        ...inQuery.map((p) =>
          p.required
            ? value(resolved(p.schema) as Schema)
            : fc.option(value(resolved(p.schema) as Schema), { nil: undefined }),
        ),
      ),
      twice: fc.boolean(),
      body: body
        ? fc.option(value(resolved(body) as Schema), { freq: 10, nil: undefined })
        : fc.constant(undefined),
      junk: fc.option(anyJson, { freq: 8, nil: undefined }),
    })
    .map(({ path: values, query, twice, body: payload, junk }) => {
      let url = path;
      inPath.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(text(values[i])) || '-');
      });
      const search = new URLSearchParams();
      inQuery.forEach((p, i) => {
        if (query[i] === undefined) return;
        search.append(p.name, text(query[i]));
        if (twice) search.append(p.name, text(query[i]));
      });
      if (junk !== undefined) search.append('x', text(junk));
      const qs = search.toString();
      return { url: qs ? `${url}?${qs}` : url, body: body ? JSON.stringify(payload ?? {}) : undefined };
    });
}

/** What is wrong with an answer, by the document; nothing when it matches. */
function mismatch(operation: Operation, status: number, type: string, body: string): string | null {
  if (status >= 500) return `answered ${status}`;
  const responses = operation.responses ?? {};
  const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!documented) return `answered ${status}, which the document does not list`;
  if (!body) return null;
  const media = type.split(';')[0]?.trim() ?? '';
  const content = documented.content?.[media];
  if (!content) return `answered ${status} in ${media}, which the document does not give`;
  if (!content.schema) return null;
  // A text answer (CSV, say) is what its media type says it is: only JSON is read against a schema.
  if (!/^application\/([\w.-]+\+)?json$/.test(media)) return null;
  const check = Compile(resolved(content.schema) as never);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `answered ${status} with a body that is not JSON`;
  }
  if (!check.Check(parsed)) {
    const [first] = check.Errors(parsed);
    return `answered ${status} with a body its schema refuses (${first?.instancePath} ${first?.message})`;
  }
  return null;
}

describe('the API, fuzzed from its own OpenAPI document', { timeout: 600_000 }, () => {
  it('never answers 5xx nor anything the document does not describe', async () => {
    const failures: string[] = [];
    let requests = 0;
    const statuses = new Map<number, number>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const samples = fc.sample(requestFor(path, operation), { numRuns: RUNS, seed: SEED });
        for (const sample of samples) {
          for (const withToken of [true, false]) {
            const response = await t.app.inject({
              method: method.toUpperCase() as 'GET',
              url: sample.url,
              headers: {
                ...(withToken ? { authorization: `Bearer ${token}` } : {}),
                ...(sample.body === undefined ? {} : { 'content-type': 'application/json' }),
              },
              payload: sample.body,
            });
            requests++;
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            const wrong = mismatch(
              operation,
              response.statusCode,
              String(response.headers['content-type'] ?? ''),
              response.body,
            );
            if (wrong)
              failures.push(
                `${method.toUpperCase()} ${sample.url.slice(0, 120)}${withToken ? ' (token)' : ''}: ${wrong}`,
              );
          }
        }
      }
    }
    const operations = Object.values(document.paths).reduce((n, o) => n + Object.keys(o).length, 0);
    console.log(
      `fuzzed ${operations} operations with ${requests} requests: ${failures.length} failures; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect([...new Set(failures)].slice(0, 200)).toEqual([]);
  });
});
