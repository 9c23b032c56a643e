// Open data: the platform's own data published routinely and on demand, as immutable, versioned
// releases (CSV and JSON, hashes in the audit ledger), built only from allow-listed non-personal
// facts and passed through disclosure control; and the catalogue that existing tools read.
import { createReadStream, existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../platform/index.ts';
import type { Contexts } from '../web/index.ts';
import { openDataApi } from './api.ts';
import { ckanApi } from './ckan.ts';
import { openDataPages } from './pages.ts';
import type { OpenDataService } from './service.ts';
import type { FileKind } from './transparency/index.ts';

export {
  type BuildContext,
  type Column,
  type Dataset,
  organisationColumns,
  organisationOf,
  placeDataset,
  type Row,
} from './dataset.ts';
export { loadOpenDataDemo } from './demo.ts';
export { suppressShares } from './disclosure.ts';
export {
  defaultOpenDataSettings,
  type OpenDataService,
  type OpenDataSettings,
  openDataService,
  PUBLISH_JOB,
  type PublishedRelease,
} from './service.ts';
export type { Sources } from './service-requests.ts';

/** Publishes one dataset, or every one, and says what was published. */
export async function publishFromCommandLine(openData: OpenDataService, dataset?: string) {
  const ids = dataset ? [openData.dataset(dataset).id] : openData.datasets().map((d) => d.id);
  const lines = new Map<string, string>();
  await openData.publishEach(ids, (r, seconds) => {
    const sizes = r.files.map((f) => `${f.format} ${f.byteSize} bytes sha256 ${f.sha256}`).join(', ');
    lines.set(
      r.dataset,
      `Published ${r.dataset} release ${r.version}: ${r.rows} rows covering ${r.coversFrom} to ${r.coversTo} in ${seconds.toFixed(1)} s (${sizes})`,
    );
  });
  return `${ids.map((id) => lines.get(id)).join('\n')}\n`;
}

/** Loads a spending or contracts file from the command line: what loaded, or every bad row by line and field. */
export async function importFinanceFromCommandLine(
  openData: OpenDataService,
  kind: FileKind,
  file: string,
  organisation: string,
): Promise<{ ok: boolean; message: string }> {
  if (!existsSync(file)) return { ok: false, message: `There is no file ${file}` };
  const report = await openData.importFinance(kind, organisation, createReadStream(file), (rows) =>
    process.stderr.write(`\rread ${rows} rows`),
  );
  if (report.problems.length === 0)
    return {
      ok: true,
      message: `Loaded ${report.loaded} rows of ${kind} for ${organisation} from ${file}\n`,
    };
  const lines = report.problems.slice(0, 50).map((p) => `  line ${p.line}, ${p.field}: ${p.reason}`);
  if (report.problems.length > 50) lines.push(`  … and more`);
  return { ok: false, message: `Nothing was loaded from ${file}: it has problems\n${lines.join('\n')}` };
}

/** Sets a dataset's schedule, or how a service's requests are published, from the command line. */
export async function openDataSettingFromCommandLine(
  openData: OpenDataService,
  setting: { dataset: string; hours: string } | { service: string; publication: string },
): Promise<{ ok: boolean; message: string }> {
  try {
    if ('dataset' in setting) {
      await openData.setSchedule(setting.dataset, Number(setting.hours));
      return {
        ok: true,
        message: `${setting.dataset} is published every ${Number(setting.hours)} hours from now on\n`,
      };
    }
    await openData.setPublication(setting.service, setting.publication as 'rows');
    const how = {
      rows: 'published one by one',
      counts: 'published only as counts',
      never: 'never published',
    }[setting.publication];
    return {
      ok: true,
      message: `Requests for ${setting.service} are ${how} from the next release\n`,
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ok: false, message: error.fields.map((f) => f.message).join('; ') || error.message };
  }
}

/** The catalogue's pages and files, its API, the CKAN-compatible API and the feeds. */
export async function openDataModule(
  app: FastifyInstance,
  { contexts, openData, baseUrl }: { contexts: Contexts; openData: OpenDataService; baseUrl: string },
) {
  const site = { base: baseUrl.replace(/\/+$/, ''), contact: openData.settings.contact };
  await app.register(contexts.pages(openDataPages), { openData, site });
  await app.register(contexts.api(openDataApi), { openData, site });
  await app.register(contexts.protocol(ckanApi), { openData, site });
}
