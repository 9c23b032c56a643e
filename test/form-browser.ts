// A browser for the pages' forms through inject: it keeps its cookies and the CSRF token of the
// last page it was given, and posts forms as a browser does.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** A citizen's browser: keeps its cookies and the CSRF token of the last page. */
export function formBrowser(app: FastifyInstance) {
  const jar = new Map<string, string>();
  let token = '';
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: Awaited<ReturnType<FastifyInstance['inject']>>) => {
    for (const c of response.cookies as { name: string; value: string }[]) jar.set(c.name, c.value);
    token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? token;
    return response;
  };
  return {
    async get(url: string) {
      return keep(await app.inject({ url, headers: { cookie: cookie(), accept: 'text/html' } }));
    },
    async post(url: string, fields: Record<string, string>) {
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: cookie(),
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
        }),
      );
    },
    async upload(
      url: string,
      fields: Record<string, string>,
      files: { name: string; bytes: Buffer; type?: string }[],
      csrf = true,
    ) {
      const form = new FormData();
      if (csrf) form.append('_csrf', token);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const f of files)
        form.append('photos', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/png' }), f.name);
      const encoded = new Response(form);
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: cookie(),
            accept: 'text/html',
            'content-type': encoded.headers.get('content-type') as string,
          },
          payload: Buffer.from(await encoded.arrayBuffer()),
        }),
      );
    },
  };
}

/** The text of the GOV.UK error summary's list, tags removed. */
export const errorSummary = (html: string) =>
  /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1]?.replace(/<[^>]+>/g, ' ') ?? '';

/** A citizen's browser at the details page of a pothole report at a point. */
export async function atPotholeDetails(app: FastifyInstance, lat: number, lon = -2.2) {
  const b = formBrowser(app);
  await b.get('/report');
  expect((await b.post('/report', { service: 'pothole' })).headers.location).toBe('/report/where');
  await b.get('/report/where');
  const where = await b.post('/report/where', { lat: String(lat), lon: String(lon) });
  expect(where.headers.location).toBe('/report/details');
  await b.get('/report/details');
  return b;
}
