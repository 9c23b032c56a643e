// The place's benchmark (/routemap/benchmark): every organisation side by side on every item as
// a heat map with the median, spread and change since each one's assessment before; a chart per
// theme drawn on the server with its data table; and the platform's own measures beside the
// scores. One organisation against the place's median (/routemap/{ref}/compare).
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { changeWords } from './benchmark.ts';
import { dotPlot } from './chart.ts';
import { measureKeys } from './framework.ts';
import { longDate } from './pages.ts';
import type { RoutemapService } from './service.ts';

const one = (n: number | null) => (n === null ? '' : Number.isInteger(n) ? String(n) : n.toFixed(1));
const cell = (score: number | null, change: number | null) =>
  score === null
    ? { text: 'None', classes: 'flagstone-level-none' }
    : {
        html: `${score}${change ? ` <span aria-hidden="true">${change > 0 ? '▲' : '▼'}</span><span class="govuk-visually-hidden"> (${changeWords(change)})</span>` : ''}`,
        classes: `flagstone-level-${score}`,
      };

type Place = Awaited<ReturnType<RoutemapService['benchmark']>>;

/** The heat map: a row an item (themes as headings), a column an organisation, then the median and spread. */
function heatMap({ framework, benchmark }: Place) {
  const rows: object[][] = [];
  for (const theme of framework.themes) {
    rows.push([
      { text: theme.title, colspan: benchmark.organisations.length + 3, classes: 'govuk-!-font-weight-bold' },
    ]);
    for (const row of benchmark.rows.filter((r) => r.theme === theme.key)) {
      rows.push([
        { text: row.title },
        ...row.scores.map((s, i) => cell(s, row.changes[i] ?? null)),
        { text: one(row.median), format: 'numeric' },
        { text: row.lowest === null ? '' : `${row.lowest} to ${row.highest}` },
      ]);
    }
  }
  return {
    head: [
      { text: 'Item' },
      ...benchmark.organisations.map((o) => ({ text: o.name })),
      { text: 'Median', format: 'numeric' },
      { text: 'Spread' },
    ],
    rows,
  };
}

/** A chart per theme, with the table of its data. */
function themeCharts({ framework, benchmark }: Place, highlight?: number) {
  return framework.themes.map((theme) => {
    const rows = benchmark.rows.filter((r) => r.theme === theme.key);
    const mine = (scores: (number | null)[]) =>
      highlight === undefined ? null : (scores[highlight] ?? null);
    return {
      title: theme.title,
      svg: dotPlot({
        id: `chart-${theme.key}`,
        title: `${theme.title}: the level of each organisation on each item`,
        description:
          'For each item, a blue dot for each organisation at its level from 1 to 5, a grey bar from the lowest to the highest, and a black line at the median of the place' +
          (highlight === undefined ? '.' : ', with the organisation compared as a larger orange dot.'),
        rows: rows.map((r) => ({
          label: r.title,
          scores: r.scores.filter((s): s is number => s !== null),
          median: r.median,
          highlight: mine(r.scores),
        })),
      }),
      table: rows.map((r) => [
        { text: r.title },
        ...(highlight === undefined ? [] : [{ text: one(mine(r.scores)) || 'None', format: 'numeric' }]),
        { text: one(r.median), format: 'numeric' },
        { text: one(r.lowest), format: 'numeric' },
        { text: one(r.highest), format: 'numeric' },
        { text: String(r.scores.filter((s) => s !== null).length), format: 'numeric' },
      ]),
    };
  });
}

/** The platform's measures of each organisation, as kept with its latest submitted assessment. */
function evidenceTable({ evidence, benchmark }: Place) {
  const labels = new Map(evidence.flatMap((e) => e.measures.map((m) => [m.key, m.label])));
  const keys = measureKeys.filter((k) => labels.has(k));
  return {
    head: [
      { text: 'Organisation' },
      { text: 'Submitted' },
      ...keys.map((k) => ({ text: labels.get(k) as string, format: 'numeric' })),
    ],
    rows: evidence.map((e, i) => [
      { text: e.name },
      { text: longDate(benchmark.organisations[i]?.submittedAt ?? null) },
      ...keys.map((k) => ({ text: e.measures.find((m) => m.key === k)?.value ?? '', format: 'numeric' })),
    ]),
  };
}

/** This place's median on each item beside the medians of other places' imported benchmarks. */
function otherPlacesTable({ benchmark, otherPlaces, place }: Place) {
  if (otherPlaces.length === 0) return null;
  return {
    head: [
      { text: 'Item' },
      { text: place, format: 'numeric' },
      ...otherPlaces.map((p) => ({ text: p.place, format: 'numeric' })),
    ],
    rows: benchmark.rows.map((r) => [
      { text: r.title },
      { text: one(r.median) || 'None', format: 'numeric' },
      ...otherPlaces.map((p) => ({ text: one(p.medians[r.key] ?? null) || 'None', format: 'numeric' })),
    ]),
  };
}

export async function benchmarkPages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  app.get('/routemap/benchmark', async (request, reply) => {
    requireActor(request.actor);
    const place = await routemap.benchmark(request.actor, request.id);
    return reply.page('routemap-benchmark.njk', {
      assessed: place.benchmark.organisations.length,
      notYet: place.notYet,
      heatMap: heatMap(place),
      charts: themeCharts(place),
      evidence: evidenceTable(place),
      otherPlaces: otherPlacesTable(place),
    });
  });

  app.get<{ Params: { ref: string } }>('/routemap/:ref/compare', async (request, reply) => {
    requireActor(request.actor);
    const view = await routemap.compare(request.actor, request.params.ref, request.id);
    const column = view.benchmark.organisations.findIndex((o) => o.ref === request.params.ref);
    return reply.page('routemap-compare.njk', {
      organisation: view.organisation,
      assessed: column >= 0,
      others: view.benchmark.organisations.length,
      charts: themeCharts(view, column >= 0 ? column : undefined),
      rows: view.items.map((i) => [
        { text: i.title },
        { text: one(i.score) || 'None', format: 'numeric' },
        { text: one(i.median) || 'None', format: 'numeric' },
        { text: i.gap === null ? '' : i.gap > 0 ? `+${one(i.gap)}` : one(i.gap), format: 'numeric' },
      ]),
    });
  });
}
