// Pure: the routemap in files. An organisation's assessments as CSV (a row an item of each
// assessment), and a place's benchmark as CSV of scores and dates only, the same format another
// place's published benchmark is read back in (so place can be compared with place).
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Invalid } from '../../platform/index.ts';
import type { Assessment } from './assessments.ts';
import type { Measure } from './evidence.ts';
import { type Framework, itemsOf } from './framework.ts';

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '');

/** Every assessment of an organisation, a row an item, with its reason, links, files and the platform's measures. */
export function assessmentsCsv(organisation: { ref: string }, assessments: Assessment[]): string {
  const rows = assessments.flatMap((a) =>
    itemsOf(a.framework).map((item) => {
      const scored = a.scores[item.key];
      const measures = item.measures
        .map((k) => (a.platformEvidence?.[k] as Measure | undefined) ?? null)
        .filter((m): m is Measure => m !== null)
        .map((m) => `${m.label}: ${m.value}`);
      return {
        organisation: organisation.ref,
        assessment: a.id,
        status: a.status,
        framework: a.frameworkId,
        submitted_on: day(a.submittedAt),
        theme: item.theme,
        item: item.key,
        item_title: item.title,
        score: scored?.score ?? '',
        level: scored ? a.framework.levels[scored.score - 1] : '',
        reason: scored?.reason ?? '',
        links: scored?.links.join(' ') ?? '',
        files: a.files
          .filter((f) => f.item === item.key)
          .map((f) => f.filename)
          .join(' '),
        platform_evidence: measures.join('; '),
      };
    }),
  );
  return stringify(rows, { header: true, columns: Object.keys(rows[0] ?? { organisation: '' }) });
}

export const benchmarkColumns = [
  'place',
  'organisation',
  'framework',
  'item',
  'score',
  'assessed_on',
] as const;
export type BenchmarkRow = Record<(typeof benchmarkColumns)[number], string>;

/** A place's benchmark as published: each organisation's latest score on each item, with its date. */
export function benchmarkCsv(
  place: string,
  framework: Framework,
  assessed: { name: string; submittedAt: Date | null; scores: Record<string, number> }[],
): string {
  const rows = assessed.flatMap((a) =>
    itemsOf(framework)
      .filter((item) => a.scores[item.key] !== undefined)
      .map((item) => [place, a.name, framework.id, item.key, a.scores[item.key], day(a.submittedAt)]),
  );
  return stringify(rows, { header: true, columns: [...benchmarkColumns] });
}

const lineError = (line: number, message: string) => ({ field: 'csv', message: `Line ${line}: ${message}` });

/** Another place's published benchmark, checked against the framework it names; Invalid saying which lines are wrong. */
export function parseBenchmarkCsv(text: string, frameworks: Framework[]) {
  let records: BenchmarkRow[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    });
  } catch (error) {
    throw new Invalid('The benchmark is not CSV', [
      { field: 'csv', message: `The benchmark is not CSV: ${(error as Error).message}` },
    ]);
  }
  const missing = benchmarkColumns.filter((c) => !(records[0] && c in records[0]));
  if (records.length === 0 || missing.length > 0)
    throw new Invalid('The benchmark has no rows or lacks columns', [
      {
        field: 'csv',
        message: `The benchmark needs a header and rows with the columns ${benchmarkColumns.join(', ')}`,
      },
    ]);
  const errors: { field: string; message: string }[] = [];
  const places = new Set(records.map((r) => r.place));
  const framework = frameworks.find((f) => f.id === records[0]?.framework);
  if (places.size !== 1 || !records[0]?.place || (records[0]?.place.length ?? 0) > 200)
    errors.push(lineError(2, 'a benchmark is of one place, named on every row'));
  if (!framework)
    errors.push(
      lineError(2, `the framework ${records[0]?.framework.slice(0, 60)} is not one this place has`),
    );
  const items = new Set(framework ? itemsOf(framework).map((i) => i.key) : []);
  const seen = new Set<string>();
  records.forEach((r, i) => {
    const line = i + 2;
    if (seen.has(`${r.organisation}|${r.item}`))
      errors.push(
        lineError(line, `${r.organisation.slice(0, 60)} is scored on ${r.item.slice(0, 60)} twice`),
      );
    seen.add(`${r.organisation}|${r.item}`);
    if (framework && r.framework !== framework.id)
      errors.push(lineError(line, 'every row must name the same framework'));
    if (framework && !items.has(r.item))
      errors.push(lineError(line, `the framework has no item ${r.item.slice(0, 60)}`));
    if (!/^[1-5]$/.test(r.score))
      errors.push(lineError(line, 'the score must be a whole number from 1 to 5'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.assessed_on) || Number.isNaN(Date.parse(r.assessed_on)))
      errors.push(lineError(line, 'the date must be like 2026-12-07'));
    if (!r.organisation || r.organisation.length > 200) errors.push(lineError(line, 'name the organisation'));
  });
  if (errors.length > 0) throw new Invalid('The benchmark has errors', errors.slice(0, 20));
  return {
    place: [...places][0] as string,
    frameworkId: (framework as Framework).id,
    scores: records.map((r) => ({
      organisation: r.organisation,
      item: r.item,
      score: Number(r.score),
      assessedOn: r.assessed_on,
    })),
  };
}
