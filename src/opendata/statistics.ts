// The service statistics dataset: requests made and median days to resolve, by organisation,
// service, area and month, with totals, under statistical disclosure control. Only months that
// have ended (and the month after them, so late resolutions are in) are published: the figures
// of a month never change between releases, so no two releases differ by a few cases.
import { type Dataset, organisationColumns, organisationOf, placeDataset, type Row } from './dataset.ts';
import { suppress } from './disclosure.ts';
import type { Names, Sources } from './service-requests.ts';
import * as store from './store.ts';

export const statisticsColumns = [
  { name: 'month', description: 'The month the requests were made in (YYYY-MM)' },
  ...organisationColumns(),
  { name: 'service', description: 'The code of the service, or "all" on a total over services' },
  { name: 'area', description: 'The reference of the area, "none" outside every area, or "all" on a total' },
  {
    name: 'requests',
    description:
      'Requests made; empty where suppressed (a count under the threshold, or one that would reveal it)',
  },
  {
    name: 'median_days_to_resolve',
    description:
      'Median days from request to resolution of those resolved by the end of the next month; empty where suppressed',
  },
];

const monthStart = (d: Date, back = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));

/** One organisation's month as a table: services down, areas across. */
interface MonthTable {
  organisation: string;
  month: string;
  figures: store.MonthFigures[];
}

function tables(figures: store.MonthFigures[]): MonthTable[] {
  const byKey = new Map<string, MonthTable>();
  for (const f of figures) {
    const key = `${f.organisation_id} ${f.month}`;
    const table = byKey.get(key) ?? { organisation: f.organisation_id, month: f.month, figures: [] };
    table.figures.push(f);
    byKey.set(key, table);
  }
  return [...byKey.values()];
}

/** The published rows of one table: every figure, blank where disclosure control suppresses it. */
export function publishedRows(table: MonthTable, names: Names, threshold: number, control: boolean): Row[] {
  const cells = table.figures.filter((f) => f.service_code !== null && f.area_id !== null);
  const services = [...new Set(cells.map((f) => f.service_code as string))].sort();
  const areas = [...new Set(cells.map((f) => f.area_id as string))].sort();
  const at = (s: string | null, a: string | null) =>
    table.figures.find((f) => f.service_code === s && f.area_id === a);
  const counts = services.map((s) => areas.map((a) => at(s, a)?.requests ?? 0));
  const hidden = control ? suppress({ cells: counts }, threshold) : [];
  const rows: Row[] = [];
  const add = (s: string | null, a: string | null, r: number, c: number) => {
    const figure = at(s, a);
    if (!figure) return;
    const secret = hidden[r]?.[c] ?? false;
    rows.push({
      month: table.month,
      ...organisationOf(names.organisations, table.organisation),
      service: s ?? 'all',
      area: a === null ? 'all' : a === '' ? 'none' : (names.areas.get(a) ?? null),
      requests: secret ? null : figure.requests,
      median_days_to_resolve: secret ? null : figure.median_days,
    });
  };
  services.forEach((s, r) => {
    areas.forEach((a, c) => {
      add(s, a, r, c);
    });
    add(s, null, r, areas.length);
  });
  areas.forEach((a, c) => {
    add(null, a, services.length, c);
  });
  add(null, null, services.length, areas.length);
  return rows;
}

/** Counts of every service but those never published, for the months that have closed. */
export function serviceStatistics(sources: Sources): Dataset {
  return placeDataset({
    id: 'service-statistics',
    title: 'Service statistics',
    description: `Requests made to the public services of the place each month, and the median days they took to resolve, by organisation, service and area, with totals. Counts under ${sources.threshold}, and enough others that none of them can be worked out from the rest and the totals, are suppressed. A month is published once the month after it has ended, and its figures never change after.`,
    keywords: ['service requests', 'statistics', 'performance', 'open data'],
    columns: statisticsColumns,
    async build({ now, row, disclosureControl }) {
      const to = monthStart(now, 1);
      const from = monthStart(now, 13);
      const publications = await store.publications(sources.db);
      const names = await sources.names();
      const services = [...names.services.keys()].filter((code) => publications.get(code) !== 'never');
      const figures = await store.monthFigures(sources.db, services, from, to);
      for (const table of tables(figures))
        for (const r of publishedRows(table, names, sources.threshold, disclosureControl)) await row(r);
      return {
        from: from.toISOString().slice(0, 10),
        to: new Date(to.getTime() - 86_400_000).toISOString().slice(0, 10),
      };
    },
  });
}
