// The place's maturity benchmark as an open dataset: each organisation's latest submitted score
// on each item of the framework and the day it was submitted, nothing else (no reason, evidence
// or person). Its CSV has the columns another place's Flagstone imports to compare place with place.
import { type Dataset, placeDataset } from '../../opendata/index.ts';
import { benchmarkColumns } from './exports.ts';
import type { RoutemapService } from './service.ts';

export function benchmarkDataset(routemap: Pick<RoutemapService, 'openBenchmark'>): Dataset {
  const [place, organisation, framework, item, score, assessedOn] = benchmarkColumns;
  return placeDataset({
    id: 'maturity-benchmark',
    title: 'Maturity benchmark',
    description:
      'How each organisation of the place scores itself against the strategy’s principles, capabilities and information and technology issues, from 1 (starting) to 5: the latest score it submitted on each item, and the day. Scores and dates only: the reasons and evidence behind them stay with the organisation. Another place using Flagstone can import the CSV to compare place with place.',
    keywords: ['maturity', 'benchmarking', 'self-assessment', 'routemap', 'strategy'],
    columns: [
      { name: place, description: 'The place the organisations belong to' },
      { name: organisation, description: 'The name of the organisation' },
      { name: 'organisation_ref', description: 'The reference of the organisation' },
      { name: framework, description: 'The version of the framework the scores are against' },
      { name: item, description: 'The key of the item of the framework' },
      { name: 'item_title', description: 'What the item is' },
      { name: score, description: 'The score the organisation gave itself, 1 to 5' },
      { name: assessedOn, description: 'The day its assessment was submitted' },
    ],
    async build({ now, row }) {
      const benchmark = await routemap.openBenchmark();
      for (const s of benchmark.scores)
        await row({
          place: benchmark.place,
          organisation: s.organisation,
          organisation_ref: s.organisationRef,
          framework: benchmark.framework,
          item: s.item,
          item_title: s.itemTitle,
          score: s.score,
          assessed_on: s.assessedOn,
        });
      const days = benchmark.scores.flatMap((s) => (s.assessedOn ? [s.assessedOn] : [])).sort();
      const today = now.toISOString().slice(0, 10);
      return { from: days[0] ?? today, to: days.at(-1) ?? today };
    },
  });
}
