// The catalogue's pages and files: the list of datasets, each dataset with a preview of its
// latest release, its history and downloads (and schema.org JSON-LD for search engines); the
// files themselves, streamed; /data.json, the DCAT JSON-LD catalogue and the Atom feed.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { type Actor, NotFound } from '../platform/index.ts';
import { formErrors, govukDate } from '../web/index.ts';
import {
  atomFeed,
  dataJson,
  dcatCatalogue,
  type Entry,
  fileName,
  fileUrl,
  formatName,
  formatOf,
  frequency,
  LICENCE,
  latest,
  type Site,
  schemaOrgDataset,
} from './catalogue.ts';
import type { OpenDataService } from './service.ts';

const longDate = govukDate;

const bytes = (n: number) =>
  n < 1024
    ? `${n} bytes`
    : n < 1_048_576
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1_048_576).toFixed(1)} MB`;

/** Whether to offer publishing and withdrawing: the policies still decide each time. */
const governs = (actor: Actor | null) =>
  actor?.roles.some((r) => r.role === 'ig_officer' || r.role === 'admin') ?? false;

/** JSON for a <script> block: nothing in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

async function entryOf(openData: OpenDataService, id: string): Promise<Entry> {
  const entry = (await openData.entries()).find((e) => e.dataset.id === id);
  if (!entry) throw new NotFound(`There is no dataset called ${id}`);
  return entry;
}

/** The first rows of a release's CSV, for the preview table. */
async function preview(openData: OpenDataService, id: string, version: number, rows = 5) {
  const { bytes: parts } = await openData.file(id, version, 'csv');
  let text = '';
  for await (const part of parts) {
    text += part.toString('utf8');
    if (text.split('\n').length > rows + 1) break;
  }
  // Whole lines only, each with its line break (CRLF): a quoted last field then parses too.
  const lines = `${text
    .split('\n')
    .slice(0, rows + 1)
    .join('\n')}\n`;
  const [head = [], ...body] = parse(lines, { relax_column_count: true }) as string[][];
  return { head: head.map((h) => ({ text: h })), rows: body.map((r) => r.map((v) => ({ text: v }))) };
}

function datasetPage(site: Site, entry: Entry) {
  const last = latest(entry);
  return {
    title: entry.dataset.title,
    dataset: entry.dataset,
    publisher: entry.publisher,
    licence: LICENCE,
    frequency: frequency(entry.dataset.everyHours).words,
    contact: site.contact,
    latest: last
      ? {
          version: last.version,
          published: longDate(last.published_at),
          covers: `${longDate(last.covers_from)} to ${longDate(last.covers_to)}`,
          rows: last.row_count,
          files: last.files.map((f) => ({
            name: formatName(f.format),
            url: fileUrl(site, entry.dataset.id, last.version, f.format).slice(site.base.length),
            size: bytes(f.byte_size),
            sha256: f.sha256,
          })),
        }
      : null,
    history: entry.releases.map((r) => ({
      version: r.version,
      published: longDate(r.published_at),
      covers: `${longDate(r.covers_from)} to ${longDate(r.covers_to)}`,
      rows: r.row_count,
      withdrawn: r.withdrawn_at ? { on: longDate(r.withdrawn_at), reason: r.withdrawn_reason } : null,
      ledger: r.ledger_seq,
    })),
    jsonLd: scriptJson(schemaOrgDataset(site, entry)),
  };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a plugin's route table
export async function openDataPages(
  app: FastifyInstance,
  { openData, site }: { openData: OpenDataService; site: Site },
) {
  app.get('/data', async (_request, reply) => {
    const entries = await openData.entries();
    // The same for everyone not signed in: rendered once for these datasets (web's shared pages).
    return reply.sharedPage('open-data-index.njk', {
      title: 'Open data',
      datasets: entries.map((e) => {
        const last = latest(e);
        return {
          id: e.dataset.id,
          title: e.dataset.title,
          description: e.dataset.description,
          publisher: e.publisher.name,
          updated: last ? longDate(last.published_at) : null,
        };
      }),
    });
  });

  app.get('/data/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const { published, withdrawn } = request.query as { published?: string; withdrawn?: string };
    const entry = await entryOf(openData, id);
    const last = latest(entry);
    const table = last ? await preview(openData, id, last.version) : null;
    const done = published
      ? `Release ${Number(published)} published`
      : withdrawn
        ? `Release ${Number(withdrawn)} withdrawn`
        : null;
    const publications = id === 'service-requests' ? [...(await openData.publications())] : [];
    return reply.page('open-data-dataset.njk', {
      ...datasetPage(site, entry),
      oneByOne: publications
        .filter(([, p]) => p === 'rows')
        .map(([code]) => code)
        .sort(),
      preview: table,
      canPublish: governs(request.actor),
      done,
    });
  });

  // Information governance officers publish and withdraw here too; the service decides (and
  // writes refusals to the ledger): the buttons are only shown to those who may.
  app.post('/data/:id/releases', async (request, reply) => {
    const { id } = request.params as { id: string };
    const release = await openData.publishAs(request.actor, id, request.id);
    return reply.redirect(`/data/${id}?published=${release.version}`, 303);
  });

  const withdrawPage = async (id: string, version: string, context: Record<string, unknown> = {}) => {
    const entry = await entryOf(openData, id);
    const release = entry.releases.find((r) => r.version === Number(version) && !r.withdrawn_at);
    if (!release)
      throw new NotFound(`${entry.dataset.title} has no release ${version.slice(0, 20)} to withdraw`);
    return {
      title: `Withdraw release ${release.version} of ${entry.dataset.title}`,
      dataset: entry.dataset,
      release,
      ...context,
    };
  };

  app.get('/data/:id/releases/:version/withdraw', async (request, reply) => {
    const { id, version } = request.params as { id: string; version: string };
    return reply.page('open-data-withdraw.njk', await withdrawPage(id, version));
  });

  app.post('/data/:id/releases/:version/withdraw', async (request, reply) => {
    const { id, version } = request.params as { id: string; version: string };
    const reason = String((request.body as { reason?: unknown } | undefined)?.reason ?? '');
    try {
      await openData.withdraw(request.actor, id, Number(version), reason, request.id);
      return reply.redirect(`/data/${id}?withdrawn=${Number(version)}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return reply
        .code(400)
        .page('open-data-withdraw.njk', await withdrawPage(id, version, { ...form, reason }));
    }
  });

  app.get('/data/:id/releases/:version/:file', async (request, reply) => {
    const { id, version, file } = request.params as { id: string; version: string; file: string };
    const v = Number(version);
    const format = Number.isInteger(v) && v > 0 ? formatOf(id, v, file) : null;
    if (!format) throw new NotFound(`There is no file called ${file.slice(0, 100)}`);
    const found = await openData.file(id, v, format);
    return reply
      .header(
        'content-type',
        found.file.media_type === 'text/csv'
          ? 'text/csv; charset=utf-8'
          : `${found.file.media_type}; charset=utf-8`,
      )
      .header('content-length', String(found.file.byte_size))
      .header('content-disposition', `attachment; filename="${fileName(id, v, format)}"`)
      .header('digest', `sha-256=${Buffer.from(found.file.sha256, 'hex').toString('base64')}`)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(Readable.from(found.bytes));
  });

  app.get('/data.json', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(dataJson(site, await openData.entries())),
  );

  app.get('/data/catalogue.jsonld', async (_request, reply) =>
    reply
      .type('application/ld+json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(JSON.stringify(dcatCatalogue(site, await openData.place(), await openData.entries()))),
  );

  app.get('/data/releases.atom', async (_request, reply) => {
    const entries = await openData.entries();
    const releases = entries
      .flatMap((e) => e.releases)
      .sort((a, b) => b.published_at.getTime() - a.published_at.getTime());
    const place = await openData.place();
    return reply.type('application/atom+xml; charset=utf-8').send(atomFeed(site, place, entries, releases));
  });
}
