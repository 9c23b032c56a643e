// Use-cases of open data: publish a release of a dataset (by the schedule, on demand, or from
// the command line), each release immutable, its files' hashes in the audit ledger; withdraw one
// with a reason; read the catalogue. Publishing on demand and withdrawing are decided by the
// policies (policies/open-data.cedar), the refusals in the ledger too.

import type { Readable } from 'node:stream';
import type { Db } from '../db/index.ts';
import type { GovernanceService, LedgerEntry } from '../governance/index.ts';
import type { PlacesService } from '../places/index.ts';
import {
  type Actor,
  type Clock,
  Invalid,
  type JobDefinition,
  type JobsLog,
  NotFound,
  newId,
} from '../platform/index.ts';
import type { Entry } from './catalogue.ts';
import { type Dataset, type FileSummary, releaseFiles, slug } from './dataset.ts';
import { FINEST_GRID_METRES } from './disclosure.ts';
import { ledgerHeadsDataset } from './ledger-heads.ts';
import { type Names, type Sources, serviceRequests } from './service-requests.ts';
import { serviceStatistics } from './statistics.ts';
import * as store from './store.ts';
import {
  contractsDataset,
  type FileKind,
  importFile,
  loadTransparencyDemo,
  spendingDataset,
} from './transparency/index.ts';

export interface OpenDataSettings {
  /** The smallest count published in statistics (default 10). */
  threshold: number;
  /** The side of the grid squares locations are published as, in metres (default 1000, at least 100). */
  gridMetres: number;
  /** Where questions about the open data go: an email address, in the catalogue. */
  contact: string;
  /** The address Flagstone is reached at (FLAGSTONE_URL): files name themselves by it. */
  baseUrl: string;
}

export const defaultOpenDataSettings: OpenDataSettings = {
  threshold: 10,
  gridMetres: 1000,
  contact: 'open-data@example.org',
  baseUrl: 'http://localhost:3000',
};

export const PUBLISH_JOB = 'opendata.publish';

export interface PublishedRelease {
  dataset: string;
  version: number;
  rows: number;
  files: FileSummary[];
  coversFrom: string;
  coversTo: string;
}

export interface Deps {
  db: Db;
  clock: Clock;
  governance: GovernanceService;
  places: PlacesService;
  settings?: Partial<OpenDataSettings>;
  /** Datasets other modules publish through open data (the outcome KPIs). */
  more?: (sources: Sources) => Dataset[];
  /** Switches disclosure control off: only for the test that shows what it stops. */
  unsafeWithoutDisclosureControl?: boolean;
}

async function namesFrom(places: PlacesService): Promise<Names> {
  const organisations = await places.organisations();
  const ids = await places.organisationIds(organisations.map((o) => o.ref));
  const areaIds = await places.areaIds();
  const services = await places.services();
  return {
    organisations: new Map(
      organisations.map((o) => [ids.get(o.ref) as string, { ref: o.ref, name: o.name }]),
    ),
    services: new Map(services.map((s) => [s.code, s.name])),
    areas: new Map([...areaIds].map(([ref, id]) => [id, ref])),
  };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the module's use-cases, each small
export function openDataService({
  db,
  clock,
  governance,
  places,
  settings = {},
  more,
  unsafeWithoutDisclosureControl,
}: Deps) {
  const { threshold, gridMetres, contact, baseUrl } = { ...defaultOpenDataSettings, ...settings };
  if (!(gridMetres >= FINEST_GRID_METRES))
    throw new Error(`The open data grid must be at least ${FINEST_GRID_METRES} m`);
  if (!(threshold >= 2)) throw new Error('The open data threshold must be at least 2');
  const sources: Sources = {
    db,
    names: () => namesFrom(places),
    threshold,
    gridMetres,
    baseUrl,
    place: async () => (await places.place()).name,
  };
  const datasets = new Map<string, Dataset>();
  // The releases as last read, and what they were then (see allReleases).
  let kept: { state: string; value: Promise<(store.ReleaseRow & { files: store.FileRow[] })[]> } | null =
    null;
  const all = [
    serviceRequests(sources),
    serviceStatistics(sources),
    spendingDataset(sources),
    contractsDataset(sources),
    ledgerHeadsDataset((after, limit) => governance.ledger.heads(after, limit)),
    ...(more?.(sources) ?? []),
  ];
  for (const d of all) datasets.set(d.id, d);

  const dataset = (id: string): Dataset => {
    const found = datasets.get(id);
    if (!found) throw new NotFound(`There is no dataset called ${id}`);
    return found;
  };

  /** Decides whether the person may publish or withdraw: a refusal is in the ledger and thrown. */
  async function decide(
    actor: Actor | null,
    action: 'publishDataset' | 'withdrawRelease',
    id: string,
    requestId?: string,
  ) {
    const p = await governance.principal(actor);
    const roles = p.actor.roles;
    return governance.guard.permit(p, {
      action,
      resource: { uid: { type: 'Flagstone::Dataset', id }, attrs: {} },
      principalAttrs: {
        governsInformation: roles.some((r) => r.role === 'ig_officer'),
        administers: roles.some((r) => r.role === 'admin'),
      },
      entry: {
        action: action === 'publishDataset' ? 'opendata.publish' : 'opendata.withdraw',
        actor: governance.actorOf(p, roles.find((r) => r.role === 'ig_officer')?.organisation),
        resource: { type: 'dataset', id },
        requestId: requestId ?? null,
      },
      refusal: 'Only an information governance officer or an administrator can publish or withdraw open data',
    });
  }

  /**
   * Builds and stores the next release of a dataset in one transaction: the files stream into
   * their parts as the rows come, then the release, its files and the ledger entry with their
   * hashes are written together. A failure anywhere leaves nothing published.
   */
  async function publish(
    id: string,
    by: LedgerEntry['actor'] = null,
    requestId?: string,
    progress?: (rows: number) => void,
  ): Promise<PublishedRelease> {
    const definition = dataset(id);
    const now = clock.now();
    const releaseId = newId();
    return db.transaction().execute(async (trx) => {
      await store.lockDataset(trx, id);
      const version = (await store.latestVersion(trx, id)) + 1;
      let count = 0;
      const files = releaseFiles(definition, now, (format, part, bytes) =>
        store.insertPart(trx, releaseId, format, part, bytes),
      );
      let period: { from: string; to: string };
      let written: Awaited<ReturnType<typeof files.end>>;
      try {
        period = await definition.build({
          now,
          row: (values) => {
            if (++count % 10_000 === 0) progress?.(count);
            return files.row(values);
          },
          disclosureControl: !unsafeWithoutDisclosureControl,
        });
        written = await files.end();
      } finally {
        await files.close();
      }
      const detail: Record<string, string | number> = {
        version,
        rows: written.rows,
        from: period.from,
        to: period.to,
      };
      for (const f of written.files) detail[`${f.format}_sha256`] = f.sha256;
      const [entry] = await governance.ledger.append(trx, [
        {
          action: 'opendata.release',
          actor: by,
          resource: { type: 'dataset', id },
          requestId: requestId ?? null,
          detail,
        },
      ]);
      await store.insertRelease(
        trx,
        {
          id: releaseId,
          dataset: id,
          version,
          published_at: now,
          covers_from: period.from,
          covers_to: period.to,
          row_count: written.rows,
          ledger_seq: entry?.seq ?? null,
        },
        written.files.map((f) => ({
          release_id: releaseId,
          format: f.format,
          media_type: f.mediaType,
          byte_size: f.byteSize,
          sha256: f.sha256,
        })),
      );
      return {
        dataset: id,
        version,
        rows: written.rows,
        files: written.files,
        coversFrom: period.from,
        coversTo: period.to,
      };
    });
  }

  /**
   * Publishes the datasets given in two lanes at once, so both cores work: those that take long
   * (the requests, millions of rows: mostly Node's work) in one, the rest (the statistics: mostly
   * PostgreSQL's) one after another in the other. Each release is its own transaction, as alone;
   * `published` hears each as it is made. The releases come back in the order of `ids`. Each
   * lane holds up to two connections at once (its transaction and a read beside it), so the
   * pool needs at least four (the app's has ten, the tests' four).
   */
  async function publishEach(
    ids: string[],
    published?: (release: PublishedRelease, seconds: number) => void,
    progress?: (dataset: string, rows: number) => void,
  ): Promise<PublishedRelease[]> {
    const made = new Map<string, PublishedRelease>();
    const lane = async (lane: string[]) => {
      for (const id of lane) {
        const started = performance.now();
        const release = await publish(id, null, undefined, (rows) => progress?.(id, rows));
        made.set(id, release);
        published?.(release, (performance.now() - started) / 1000);
      }
    };
    const long = ids.filter((id) => dataset(id).long);
    // Both lanes finish before a failure of either is thrown: nothing is left running behind it.
    const lanes = await Promise.allSettled([lane(long), lane(ids.filter((id) => !long.includes(id)))]);
    for (const l of lanes) if (l.status === 'rejected') throw l.reason;
    return ids.map((id) => made.get(id) as PublishedRelease);
  }

  /** The datasets due by their schedule (a dataset's hours since its last release), published together. */
  async function publishDue(log?: JobsLog) {
    const schedule = await store.schedules(db);
    const latest = new Map<string, Date>();
    for (const r of await store.releases(db))
      if (!latest.has(r.dataset)) latest.set(r.dataset, r.published_at);
    const now = clock.now().getTime();
    const due = [...datasets.values()].filter((d) => {
      const every = (schedule.get(d.id) ?? d.everyHours) * 3_600_000;
      const last = latest.get(d.id);
      return !(last && now - last.getTime() < every - 60_000);
    });
    return publishEach(
      due.map((d) => d.id),
      (release) =>
        log?.info?.(
          { dataset: release.dataset, version: release.version, rows: release.rows },
          'published open data',
        ),
    );
  }

  return {
    datasets: () => [...datasets.values()],
    dataset,
    settings: { threshold, gridMetres, contact },
    /** Publishes the next release now (the schedule, the command line); `progress` hears every 10,000 rows. */
    publish: (id: string, progress?: (rows: number) => void) => publish(id, null, undefined, progress),
    /** Publishes the datasets given, the long ones beside the rest (see publishEach). */
    publishEach,
    publishDue,

    /** Publishes on demand, for someone the policies allow (in the ledger, refusals too). */
    async publishAs(actor: Actor | null, id: string, requestId?: string) {
      dataset(id);
      const decision = await decide(actor, 'publishDataset', id, requestId);
      return publish(id, decision.entry.actor ?? null, requestId);
    },

    /** Withdraws a release with a reason: the record and its ledger entries stay, its files are no longer served. */
    async withdraw(actor: Actor | null, id: string, version: number, reason: string, requestId?: string) {
      dataset(id);
      const text = reason.trim();
      if (text.length === 0 || text.length > 1000)
        throw new Invalid('The withdrawal has errors', [
          { field: 'reason', message: 'Say why the release is withdrawn, in up to 1,000 characters' },
        ]);
      const found = await store.release(db, id, version);
      if (!found) throw new NotFound(`${id} has no release ${version}`);
      const decision = await decide(actor, 'withdrawRelease', id, requestId);
      return db.transaction().execute(async (trx) => {
        if (!(await store.withdraw(trx, found.id, clock.now(), text)))
          throw new Invalid('The withdrawal has errors', [
            { field: 'version', message: `Release ${version} of ${id} is already withdrawn` },
          ]);
        await governance.guard.write(trx, [decision.as({ detail: { version, reason: text } })]);
        return { dataset: id, version, withdrawn: true };
      });
    },

    /** Every release of a dataset (newest first), with its files. */
    async releases(id: string) {
      dataset(id);
      const rows = await store.releases(db, id);
      const files = await store.filesOf(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((r) => ({ ...r, files: files.filter((f) => f.release_id === r.id) }));
    },

    /** Every release of every dataset, newest first (the feed, the catalogue). */
    /** Every release with its files, read again only when a release was added or withdrawn. */
    async allReleases() {
      const state = await store.releasesState(db);
      if (kept?.state === state) return kept.value;
      const value = (async () => {
        const rows = await store.releases(db);
        const files = Map.groupBy(
          await store.filesOf(
            db,
            rows.map((r) => r.id),
          ),
          (f) => f.release_id,
        );
        return rows.map((r) => ({ ...r, files: files.get(r.id) ?? [] }));
      })();
      kept = { state, value };
      value.catch(() => {
        if (kept?.value === value) kept = null;
      });
      return value;
    },

    /** A file of a release, as a stream of its bytes; NotFound if there is none, or it was withdrawn. */
    async file(id: string, version: number, format: string) {
      dataset(id);
      const found = await store.release(db, id, version);
      if (!found) throw new NotFound(`${id} has no release ${version}`);
      if (found.withdrawn_at)
        throw new NotFound(`Release ${version} of ${id} was withdrawn: ${found.withdrawn_reason}`);
      const [file] = (await store.filesOf(db, [found.id])).filter((f) => f.format === format);
      if (!file) throw new NotFound(`Release ${version} of ${id} has no ${format} file`);
      return { file, bytes: store.fileParts(db, found.id, format) };
    },

    /** The name of the place, which publishes the datasets no one organisation does. */
    place: async () => (await places.place()).name,

    /** Every dataset with its publisher and releases, for the catalogue (newest release first). */
    async entries(): Promise<Entry[]> {
      const all = await this.allReleases();
      const place = await places.place();
      const organisations = new Map((await places.organisations()).map((o) => [o.ref, o.name]));
      return [...datasets.values()].map((dataset) => ({
        dataset,
        publisher: dataset.publisher
          ? { ref: dataset.publisher, name: organisations.get(dataset.publisher) ?? dataset.publisher }
          : { ref: slug(place.name), name: place.name },
        releases: all.filter((r) => r.dataset === dataset.id).sort((a, b) => b.version - a.version),
      }));
    },

    /** Loads a council's spending or contracts file: whole, or not at all with every bad row reported. */
    importFinance: (kind: FileKind, organisation: string, csv: Readable, onBatch?: (rows: number) => void) =>
      importFile(db, places, { kind, organisation, csv, onBatch }),
    /** The demo place's year of spending and its contracts. */
    loadFinanceDemo: () => loadTransparencyDemo(db, places, clock.now()),

    /** How each service's requests are published: one by one, only as counts (the default), or never. */
    /** Sets how a service's requests are published (in the ledger: it decides what leaves). */
    async setPublication(service: string, publication: store.Publication) {
      await places.service(service);
      if (!['rows', 'counts', 'never'].includes(publication))
        throw new Invalid('The publication has errors', [
          { field: 'publication', message: 'Choose rows, counts or never' },
        ]);
      await db.transaction().execute(async (trx) => {
        await store.setPublication(trx, service, publication);
        await governance.ledger.append(trx, [
          {
            action: 'opendata.service-publication',
            resource: { type: 'service', id: service },
            detail: { publication },
          },
        ]);
      });
    },
    /** How each service's requests are published that is not the default (counts). */
    publications: () => store.publications(db),

    /** How often a dataset is published by the schedule, in hours (24: daily). */
    async setSchedule(id: string, everyHours: number) {
      dataset(id);
      if (!Number.isInteger(everyHours) || everyHours < 1 || everyHours > 8784)
        throw new Invalid('The schedule has errors', [
          { field: 'hours', message: 'Enter a whole number of hours from 1 to 8784' },
        ]);
      await store.setSchedule(db, id, everyHours);
    },

    /** The scheduled publication: every hour, each dataset due is published. */
    jobs(log?: JobsLog): JobDefinition[] {
      return [{ name: PUBLISH_JOB, cron: '7 * * * *', policy: 'stately', run: () => publishDue(log) }];
    },
  };
}

export type OpenDataService = ReturnType<typeof openDataService>;
