// The KPIs' use-cases: check the files' queries against the database, recompute every value
// (the durable job), and read them for the pages and the API: by organisation or for the whole
// place, by month, with each one's trend, its chart and whether too few cases are behind it.
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import type { Clock, JobDefinition } from '../../platform/index.ts';
import { NotFound } from '../../platform/index.ts';
import { chartSvg } from './chart.ts';
import { type Kpi, KpiFileError } from './definition.ts';
import { type MonthValue, readSeries, type Trend } from './series.ts';
import * as store from './store.ts';

export const KPI_JOB = 'outcomes-kpis';

const firstOfMonth = (d: Date) => `${d.toISOString().slice(0, 7)}-01`;
/** The first day of the month before `d`'s: months before it, and the month after each, have ended. */
const firstOfLastMonth = (d: Date) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);

/** Checking the KPI files' queries, and the job that recomputes every value. */
function kpiRuns(db: Db, clock: Clock, kpis: Kpi[]) {
  /**
   * Works out every KPI for every organisation and month, and for the place; replaces the latest
   * values, and keeps those of the months that have closed (with the month after them, so late
   * resolutions are in) once, as they are then: the open data publishes those.
   */
  async function recompute() {
    const started = clock.now();
    await store.refreshFacts(db);
    let written = 0;
    for (const kpi of kpis) {
      const rows = await store.computeKpi(db, kpi);
      await db.transaction().execute(async (trx) => {
        await store.replaceValues(trx, kpi.id, rows, started);
        await store.keepClosedMonths(trx, kpi.id, rows, firstOfLastMonth(started), started);
      });
      written += rows.length;
    }
    await store.recordRun(db, {
      started_at: started,
      finished_at: clock.now(),
      kpis: kpis.length,
      kpi_values: written,
    });
    return { kpis: kpis.length, values: written, milliseconds: clock.now().getTime() - started.getTime() };
  }

  return {
    /** Each KPI's query planned by PostgreSQL: one that does not parse stops the start with its file. */
    async check() {
      for (const kpi of kpis) {
        const problem = await store.planProblem(db, kpi);
        if (problem) throw new KpiFileError(kpi.file, `the query does not run: ${problem}`);
      }
    },

    recompute,

    /** The job that keeps the values: every hour, and once at each start. */
    jobs(): JobDefinition[] {
      return [
        {
          name: KPI_JOB,
          cron: '7 * * * *',
          policy: 'stately',
          // Each run is in kpi_runs (when, how long, how many values): the log stays quiet.
          run: async () => {
            await recompute();
          },
        },
      ];
    },
  };
}

/** The definitions and every value by organisation (its ref; null for the place) and month. */
async function publishedKpis(db: Db, places: Pick<PlacesService, 'organisationsById'>, kpis: Kpi[]) {
  const all = await store.allValues(db);
  const named = await places.organisationsById(
    all.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])),
  );
  return {
    computedAt: (await store.lastRun(db))?.finished_at ?? null,
    kpis: kpis.map((kpi) => ({
      kpi,
      values: all
        .filter((r) => r.kpi === kpi.id)
        .map((r) => ({
          organisation: r.organisation_id ? (named.get(r.organisation_id)?.ref ?? null) : null,
          month: r.month.slice(0, 7),
          numerator: r.numerator,
          denominator: r.denominator,
          value: r.value,
          tooFewCases: r.denominator < kpi.minimumCases,
        })),
    })),
  };
}

/** How many of each organisation's (by id) KPIs are better, worse or steady against the months before. */
async function trendsOf(db: Db, clock: Clock, kpis: Kpi[], organisationIds: string[]) {
  const result = new Map<string, Record<Trend, number>>();
  for (const id of organisationIds) {
    const rows = await store.valuesOf(db, id);
    const counts: Record<Trend, number> = { better: 0, worse: 0, steady: 0, unknown: 0 };
    for (const kpi of kpis) {
      const own = rows.filter((r) => r.kpi === kpi.id);
      counts[readSeries(kpi, own, firstOfMonth(clock.now())).trend]++;
    }
    result.set(id, counts);
  }
  return result;
}

/** Reading the values kept: by organisation or the place, each month read and its chart drawn. */
function kpiReads(
  db: Db,
  clock: Clock,
  places: Pick<PlacesService, 'organisations' | 'organisationIds' | 'organisationsById'>,
  kpis: Kpi[],
) {
  // Charts change only when the job writes new values: drawn once per run, organisation and KPI.
  const charts = new Map<string, Promise<string>>();
  let chartsOf: number | null = null;

  async function organisationId(ref: string | null): Promise<string | null> {
    if (!ref) return null;
    const id = (await places.organisationIds([ref])).get(ref);
    if (!id) throw new NotFound(`There is no organisation with the reference ${ref}`);
    return id;
  }

  function kpiOf(id: string) {
    const kpi = kpis.find((k) => k.id === id);
    if (!kpi) throw new NotFound(`There is no KPI ${id}`);
    return kpi;
  }

  function chartFor(kpi: Kpi, ref: string | null, series: ReturnType<typeof readSeries>, run: number) {
    if (run !== chartsOf) {
      charts.clear();
      chartsOf = run;
    }
    const key = `${kpi.id}|${ref ?? ''}`;
    if (!charts.has(key)) charts.set(key, chartSvg(kpi, series.months, series.summary));
    return charts.get(key) as Promise<string>;
  }

  const seriesOf = (kpi: Kpi, rows: MonthValue[]) => readSeries(kpi, rows, firstOfMonth(clock.now()));

  return {
    /** Every KPI for an organisation (its ref) or the whole place: its months read, the latest, the chart. */
    async overview(ref: string | null) {
      const rows = await store.valuesOf(db, await organisationId(ref));
      const run = await store.lastRun(db);
      return {
        computedAt: run?.finished_at ?? null,
        kpis: await Promise.all(
          kpis.map(async (kpi) => {
            const series = seriesOf(
              kpi,
              rows.filter((r) => r.kpi === kpi.id),
            );
            return { kpi, ...series, chart: await chartFor(kpi, ref, series, run?.id ?? 0) };
          }),
        ),
      };
    },

    /** One KPI for an organisation or the place, with every organisation's latest value beside it. */
    async kpi(id: string, ref: string | null) {
      const kpi = kpiOf(id);
      const all = await store.allValues(db, kpi.id);
      const wanted = await organisationId(ref);
      const series = seriesOf(
        kpi,
        all.filter((r) => r.organisation_id === wanted),
      );
      const named = await places.organisationsById(
        all.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])),
      );
      const organisations = [...named.values()]
        .sort((a, b) => a.nameOrder - b.nameOrder)
        .map((o) => ({
          ref: o.ref,
          name: o.name,
          ...seriesOf(
            kpi,
            all.filter((r) => r.organisation_id === o.id),
          ),
        }));
      const run = (await store.lastRun(db))?.id ?? 0;
      return { kpi, ...series, chart: await chartFor(kpi, ref, series, run), organisations };
    },

    published: () => publishedKpis(db, places, kpis),

    /** The values kept of the months that have closed, as first computed (organisations by id). */
    kept: () => store.keptValues(db),
  };
}

export function kpisService(
  db: Db,
  clock: Clock,
  places: Pick<PlacesService, 'organisations' | 'organisationIds' | 'organisationsById'>,
  kpis: Kpi[],
) {
  return {
    kpis,
    ...kpiRuns(db, clock, kpis),
    ...kpiReads(db, clock, places, kpis),
    trends: (organisationIds: string[]) => trendsOf(db, clock, kpis, organisationIds),
  };
}

export type KpisService = ReturnType<typeof kpisService>;
