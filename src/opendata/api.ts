// The open data API: the datasets and their releases for anyone; publishing and withdrawing
// for information governance officers (decided by the policies, in the ledger).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../web/index.ts';
import { fileUrl, latest, type Release, type Site } from './catalogue.ts';
import type { OpenDataService } from './service.ts';

const tags = ['Open data'];
const Id = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
  description: 'The dataset, like service-requests',
});

const File = Type.Object({
  format: Type.String(),
  mediaType: Type.String(),
  byteSize: Type.Integer(),
  sha256: Type.String(),
  url: Type.Union([Type.String(), Type.Null()], { description: 'null once the release is withdrawn' }),
});
const ReleaseSchema = Type.Object({
  dataset: Type.String(),
  version: Type.Integer(),
  publishedAt: Type.String({ format: 'date-time' }),
  coversFrom: Type.String({ format: 'date' }),
  coversTo: Type.String({ format: 'date' }),
  rows: Type.Integer(),
  ledgerEntry: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The audit ledger entry holding the files’ hashes',
  }),
  withdrawn: Type.Union([
    Type.Object({ at: Type.String({ format: 'date-time' }), reason: Type.String() }),
    Type.Null(),
  ]),
  files: Type.Array(File),
});
const DatasetSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  keywords: Type.Array(Type.String()),
  publisher: Type.Object({ ref: Type.String(), name: Type.String() }),
  licence: Type.String(),
  everyHours: Type.Integer(),
  latestRelease: Type.Union([ReleaseSchema, Type.Null()]),
});

function releaseOut(site: Site, r: Release) {
  return {
    dataset: r.dataset,
    version: r.version,
    publishedAt: r.published_at.toISOString(),
    coversFrom: r.covers_from,
    coversTo: r.covers_to,
    rows: r.row_count,
    ledgerEntry: r.ledger_seq,
    withdrawn: r.withdrawn_at ? { at: r.withdrawn_at.toISOString(), reason: r.withdrawn_reason ?? '' } : null,
    files: r.files.map((f) => ({
      format: f.format,
      mediaType: f.media_type,
      byteSize: f.byte_size,
      sha256: f.sha256,
      url: r.withdrawn_at ? null : fileUrl(site, r.dataset, r.version, f.format),
    })),
  };
}

export const openDataApi: FastifyPluginAsyncTypebox<{ openData: OpenDataService; site: Site }> = async (
  app,
  { openData, site },
) => {
  app.get(
    '/api/v1/datasets',
    {
      schema: {
        tags,
        summary: 'The open datasets, each with its latest release',
        response: { 200: Type.Array(DatasetSchema) },
      },
    },
    async () =>
      (await openData.entries()).map((e) => {
        const last = latest(e);
        return {
          id: e.dataset.id,
          title: e.dataset.title,
          description: e.dataset.description,
          keywords: e.dataset.keywords,
          publisher: e.publisher,
          licence: 'OGL-UK-3.0',
          everyHours: e.dataset.everyHours,
          latestRelease: last ? releaseOut(site, last) : null,
        };
      }),
  );

  app.get(
    '/api/v1/datasets/:id/releases',
    {
      schema: {
        tags,
        summary: 'Every release of a dataset, newest first (withdrawn ones say why)',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Array(ReleaseSchema), ...ProblemResponses },
      },
    },
    async (request) => (await openData.releases(request.params.id)).map((r) => releaseOut(site, r)),
  );

  app.post(
    '/api/v1/datasets/:id/releases',
    {
      schema: {
        tags,
        summary: 'Publish a new release now (information governance officers)',
        params: Type.Object({ id: Id }),
        response: { 201: ReleaseSchema, ...ProblemResponses },
      },
    },
    async (request, reply) => {
      const made = await openData.publishAs(request.actor, request.params.id, request.id);
      const [release] = (await openData.releases(made.dataset)).filter((r) => r.version === made.version);
      return reply.code(201).send(releaseOut(site, release as Release));
    },
  );

  app.post(
    '/api/v1/datasets/:id/releases/:version/withdrawal',
    {
      schema: {
        tags,
        summary:
          'Withdraw a release, saying why (information governance officers): its files are no longer served',
        params: Type.Object({ id: Id, version: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: ReleaseSchema, ...ProblemResponses },
      },
    },
    async (request) => {
      const { id, version } = request.params;
      await openData.withdraw(request.actor, id, version, request.body.reason, request.id);
      const [release] = (await openData.releases(id)).filter((r) => r.version === version);
      return releaseOut(site, release as Release);
    },
  );
};
