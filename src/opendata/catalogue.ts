// Pure: the catalogue in the formats existing tools read. DCAT as JSON-LD, the DCAT-US style
// /data.json, schema.org's Dataset for search engines, CKAN's package dictionaries, and an Atom
// feed of releases: all from the same entries, so they never disagree.
import type { Dataset } from './dataset.ts';
import type { FileRow, ReleaseRow } from './store.ts';

export const LICENCE = {
  id: 'OGL-UK-3.0',
  title: 'Open Government Licence v3.0',
  url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
};

export type Release = ReleaseRow & { files: FileRow[] };

/** What the catalogue says of a dataset, whatever the format. */
export interface Entry {
  dataset: Dataset;
  publisher: { ref: string; name: string };
  /** Newest first; withdrawn ones included (their files not served). */
  releases: Release[];
}

export interface Site {
  /** The address Flagstone is reached at, without a trailing slash. */
  base: string;
  contact: string;
}

const FREQUENCY: Record<number, { dcat: string; iso: string; words: string }> = {
  1: { dcat: 'http://purl.org/cld/freq/continuous', iso: 'R/PT1H', words: 'Hourly' },
  24: { dcat: 'http://purl.org/cld/freq/daily', iso: 'R/P1D', words: 'Daily' },
  168: { dcat: 'http://purl.org/cld/freq/weekly', iso: 'R/P1W', words: 'Weekly' },
};
export const frequency = (hours: number) =>
  FREQUENCY[hours] ?? {
    dcat: 'http://purl.org/cld/freq/irregular',
    iso: `R/PT${hours}H`,
    words: `Every ${hours} hours`,
  };

/** How a file's name ends, by its format. */
const SUFFIXES: Record<string, string> = { csv: 'csv', json: 'json', ocds: 'ocds.json' };
const suffix = (format: string) => SUFFIXES[format] ?? format;
const FORMAT_NAMES: Record<string, string> = { csv: 'CSV', json: 'JSON', ocds: 'OCDS JSON' };
export const formatName = (format: string) => FORMAT_NAMES[format] ?? format.toUpperCase();

export const pageUrl = (site: Site, id: string) => `${site.base}/data/${id}`;
export const fileName = (id: string, version: number, format: string) => `${id}-${version}.${suffix(format)}`;
export const fileUrl = (site: Site, id: string, version: number, format: string) =>
  `${site.base}/data/${id}/releases/${version}/${fileName(id, version, format)}`;
/** The format of a file from its name, if the name is one of the release's. */
export function formatOf(id: string, version: number, name: string): string | null {
  const prefix = `${id}-${version}.`;
  if (!name.startsWith(prefix)) return null;
  const end = name.slice(prefix.length);
  return Object.entries(SUFFIXES).find(([, s]) => s === end)?.[0] ?? null;
}
export const resourceId = (id: string, version: number, format: string) => `${id}.${version}.${format}`;

/** The newest release whose files are still served. */
export const latest = (entry: Entry): Release | undefined => entry.releases.find((r) => !r.withdrawn_at);

const iso = (d: Date) => d.toISOString();

function distributions(site: Site, entry: Entry) {
  const release = latest(entry);
  return (release?.files ?? []).map((f) => ({
    release,
    file: f,
    url: fileUrl(site, entry.dataset.id, release?.version ?? 0, f.format),
  }));
}

/** The whole catalogue as DCAT (W3C), in JSON-LD. */
export function dcatCatalogue(site: Site, place: string, entries: Entry[]) {
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#',
      spdx: 'http://spdx.org/rdf/terms#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${site.base}/data/catalogue.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': `Open data of the public services of ${place}`,
    'dct:license': { '@id': LICENCE.url },
    'dcat:dataset': entries.map((entry) => {
      const { dataset } = entry;
      const first = entry.releases.at(-1);
      const last = latest(entry);
      return {
        '@id': pageUrl(site, dataset.id),
        '@type': 'dcat:Dataset',
        'dct:identifier': dataset.id,
        'dct:title': dataset.title,
        'dct:description': dataset.description,
        'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': entry.publisher.name },
        'dct:license': { '@id': LICENCE.url },
        'dct:accrualPeriodicity': { '@id': frequency(dataset.everyHours).dcat },
        'dcat:keyword': dataset.keywords,
        'dcat:contactPoint': {
          '@type': 'vcard:Organization',
          'vcard:fn': entry.publisher.name,
          'vcard:hasEmail': `mailto:${site.contact}`,
        },
        'dcat:landingPage': { '@id': pageUrl(site, dataset.id) },
        ...(first ? { 'dct:issued': { '@value': iso(first.published_at), '@type': 'xsd:dateTime' } } : {}),
        ...(last
          ? {
              'dct:modified': { '@value': iso(last.published_at), '@type': 'xsd:dateTime' },
              'dct:temporal': {
                '@type': 'dct:PeriodOfTime',
                'dcat:startDate': last.covers_from,
                'dcat:endDate': last.covers_to,
              },
            }
          : {}),
        'dcat:distribution': distributions(site, entry).map(({ file, url }) => ({
          '@id': url,
          '@type': 'dcat:Distribution',
          'dct:title': `${dataset.title} (${formatName(file.format)})`,
          'dcat:downloadURL': { '@id': url },
          'dcat:mediaType': file.media_type,
          'dcat:byteSize': { '@value': String(file.byte_size), '@type': 'xsd:nonNegativeInteger' },
          'spdx:checksum': {
            '@type': 'spdx:Checksum',
            'spdx:algorithm': { '@id': 'spdx:checksumAlgorithm_sha256' },
            'spdx:checksumValue': file.sha256,
          },
          'dct:license': { '@id': LICENCE.url },
        })),
      };
    }),
  };
}

/** The catalogue as a DCAT-US 1.1 data.json, which many harvesters read. */
export function dataJson(site: Site, entries: Entry[]) {
  return {
    '@context': 'https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld',
    '@id': `${site.base}/data.json`,
    '@type': 'dcat:Catalog',
    conformsTo: 'https://project-open-data.cio.gov/v1.1/schema',
    describedBy: 'https://project-open-data.cio.gov/v1.1/schema/catalog.json',
    dataset: entries.map((entry) => {
      const last = latest(entry);
      return {
        '@type': 'dcat:Dataset',
        identifier: pageUrl(site, entry.dataset.id),
        title: entry.dataset.title,
        description: entry.dataset.description,
        keyword: entry.dataset.keywords,
        modified: last ? iso(last.published_at) : undefined,
        publisher: { '@type': 'org:Organization', name: entry.publisher.name },
        contactPoint: {
          '@type': 'vcard:Contact',
          fn: entry.publisher.name,
          hasEmail: `mailto:${site.contact}`,
        },
        accessLevel: 'public',
        license: LICENCE.url,
        accrualPeriodicity: frequency(entry.dataset.everyHours).iso,
        temporal: last ? `${last.covers_from}/${last.covers_to}` : undefined,
        landingPage: pageUrl(site, entry.dataset.id),
        distribution: distributions(site, entry).map(({ file, url }) => ({
          '@type': 'dcat:Distribution',
          title: `${entry.dataset.title} (${formatName(file.format)})`,
          downloadURL: url,
          mediaType: file.media_type,
          format: formatName(file.format),
        })),
      };
    }),
  };
}

/** schema.org's Dataset, for the JSON-LD block on the dataset's page (search engines read it). */
export function schemaOrgDataset(site: Site, entry: Entry) {
  const last = latest(entry);
  return {
    '@context': 'https://schema.org',
    '@type': 'Dataset',
    name: entry.dataset.title,
    description: entry.dataset.description,
    url: pageUrl(site, entry.dataset.id),
    identifier: entry.dataset.id,
    keywords: entry.dataset.keywords,
    license: LICENCE.url,
    isAccessibleForFree: true,
    creator: { '@type': 'Organization', name: entry.publisher.name, email: site.contact },
    ...(last
      ? {
          version: String(last.version),
          dateModified: iso(last.published_at),
          temporalCoverage: `${last.covers_from}/${last.covers_to}`,
        }
      : {}),
    distribution: distributions(site, entry).map(({ file, url }) => ({
      '@type': 'DataDownload',
      encodingFormat: file.media_type,
      contentUrl: url,
      contentSize: `${file.byte_size} B`,
      sha256: file.sha256,
    })),
  };
}

/** A CKAN resource dictionary for a file of a release. */
export function ckanResource(site: Site, entry: Entry, release: Release, file: FileRow) {
  return {
    id: resourceId(entry.dataset.id, release.version, file.format),
    package_id: entry.dataset.id,
    name: `${entry.dataset.title}, release ${release.version} (${formatName(file.format)})`,
    description: `Covers ${release.covers_from} to ${release.covers_to}: ${release.row_count} rows.`,
    url: fileUrl(site, entry.dataset.id, release.version, file.format),
    format: formatName(file.format),
    mimetype: file.media_type,
    size: file.byte_size,
    hash: `sha256:${file.sha256}`,
    created: iso(release.published_at).slice(0, 19),
    last_modified: iso(release.published_at).slice(0, 19),
    state: 'active',
    url_type: null,
  };
}

/** A CKAN organisation dictionary. */
export const ckanOrganization = (publisher: { ref: string; name: string }) => ({
  id: publisher.ref,
  name: publisher.ref,
  title: publisher.name,
  type: 'organization',
  is_organization: true,
  state: 'active',
  approval_status: 'approved',
});

/** A CKAN package dictionary (package_show), its resources the latest release's files. */
export function ckanPackage(site: Site, entry: Entry) {
  const { dataset } = entry;
  const last = latest(entry);
  const first = entry.releases.at(-1);
  return {
    id: dataset.id,
    name: dataset.id,
    title: dataset.title,
    notes: dataset.description,
    type: 'dataset',
    state: 'active',
    private: false,
    license_id: LICENCE.id,
    license_title: LICENCE.title,
    license_url: LICENCE.url,
    maintainer: entry.publisher.name,
    maintainer_email: site.contact,
    author: entry.publisher.name,
    author_email: site.contact,
    url: pageUrl(site, dataset.id),
    version: last ? String(last.version) : null,
    metadata_created: first ? iso(first.published_at).slice(0, 19) : null,
    metadata_modified: last ? iso(last.published_at).slice(0, 19) : null,
    owner_org: entry.publisher.ref,
    organization: ckanOrganization(entry.publisher),
    tags: dataset.keywords.map((k) => ({ name: k, display_name: k, state: 'active' })),
    num_tags: dataset.keywords.length,
    groups: [],
    extras: [
      { key: 'frequency', value: frequency(dataset.everyHours).words },
      ...(last ? [{ key: 'temporal_coverage', value: `${last.covers_from}/${last.covers_to}` }] : []),
    ],
    resources: last ? last.files.map((f) => ckanResource(site, entry, last, f)) : [],
    num_resources: last?.files.length ?? 0,
  };
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An Atom feed (RFC 4287) of the releases, newest first. */
export function atomFeed(site: Site, place: string, entries: Entry[], releases: Release[]): string {
  const byId = new Map(entries.map((e) => [e.dataset.id, e]));
  const updated = releases[0]?.published_at ?? new Date(0);
  const items = releases
    .filter((r) => byId.has(r.dataset))
    .slice(0, 100)
    .map((r) => {
      const entry = byId.get(r.dataset) as Entry;
      const link = `${pageUrl(site, r.dataset)}#release-${r.version}`;
      const said = r.withdrawn_at
        ? `Withdrawn: ${r.withdrawn_reason}`
        : `Covers ${r.covers_from} to ${r.covers_to}: ${r.row_count} rows.`;
      return `  <entry>
    <id>${xml(`${site.base}/data/${r.dataset}/releases/${r.version}`)}</id>
    <title>${xml(`${entry.dataset.title}: release ${r.version}`)}</title>
    <updated>${iso(r.withdrawn_at ?? r.published_at)}</updated>
    <published>${iso(r.published_at)}</published>
    <author><name>${xml(entry.publisher.name)}</name></author>
    <link rel="alternate" href="${xml(link)}"/>
    <summary>${xml(said)}</summary>
  </entry>`;
    });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${site.base}/data/releases.atom`)}</id>
  <title>${xml(`New open data releases, ${place}`)}</title>
  <updated>${iso(updated)}</updated>
  <link rel="self" href="${xml(`${site.base}/data/releases.atom`)}"/>
  <link rel="alternate" href="${xml(`${site.base}/data`)}"/>
${items.join('\n')}
</feed>
`;
}
