// Benchmark of the linkage engine: accuracy on the FEBRL benchmark sets (deduplicating each,
// and linking originals to duplicates), then speed, accuracy and memory on synthetic UK people
// of a chosen size. One configuration for everything; the truth only scores the result.
//   node bench/linkage.ts                      FEBRL + 100,000 synthetic records
//   node bench/linkage.ts --size 1000000       FEBRL + 1,000,000
//   node bench/linkage.ts --size 100000,1000000 --no-febrl
//   node bench/linkage.ts --size 0             FEBRL only
//   Synthetic records are normalised as they are made, so no array of record objects is held
//   (ten million would not fit); normalising counts in the seconds, making them does not.
//   --recall: where the synthetic true pairs went, rule by rule (not timed)
//   --calibration: of the synthetic pairs scored in each band of probability, how many are truly
//     one person, and what moving every weight up (a prior that did not fall) would link
//   --changed 0.01: then link everything but 1% of the records, and link that 1% as new
//     records against the rest (the model and matches of the run before), timed and scored
//     beside the full run, with how many records the two put in different people
import { performance } from 'node:perf_hooks';
import {
  type LinkageInput,
  type LinkageRecord,
  type LinkageResult,
  type LinkageStage,
  linkRecords,
  type People,
  RecordsNormaliser,
  sizesOf,
  syntheticPeople,
  syntheticRecords,
} from '../src/linkage/index.ts';
import { calibration } from './linkage-calibration.ts';
import { personOf, readFebrl, type Scores, scoresOf, truePairCount } from './linkage-febrl.ts';
import { blockingRecall } from './linkage-recall.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const sizes = (option('--size') ?? '100000')
  .split(',')
  .map(Number)
  .filter((size) => size > 0);
const withRecall = args.includes('--recall');
const withCalibration = args.includes('--calibration');
const withFebrl = !args.includes('--no-febrl');
const threads = Number(option('--threads') ?? 2);
const changedShare = Number(option('--changed') ?? 0);

let peakRss = 0;
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sampleMemory, 100);

type Run = { result: LinkageResult; seconds: number; stages: string };

async function timed(
  run: (onProgress: (stage: LinkageStage) => void) => Promise<LinkageResult>,
): Promise<Run> {
  const started = performance.now();
  const firstSeen = new Map<string, number>();
  const result = await run((stage) => {
    sampleMemory();
    if (!firstSeen.has(stage)) {
      firstSeen.set(stage, performance.now());
      // streamed as it goes, so a long run shows where it is
      const at = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(`  ${at}s ${stage} (peak RSS so far ${gib(peakRss)})\n`);
    }
  });
  const end = performance.now();
  const marks = [...firstSeen.entries()];
  const stages = marks
    .map(([stage, at], i) => `${stage} ${(((marks[i + 1]?.[1] ?? end) - at) / 1000).toFixed(1)}s`)
    .join(', ');
  return { result, seconds: (end - started) / 1000, stages };
}

function pairScores(
  result: LinkageResult,
  personOfRecord: (id: string) => string,
  actual: number,
  truth: Int32Array = truthOf(result.recordIds, personOfRecord),
): { pairs: Scores; clusters: Scores } {
  const correct = result.matches.filter((p) => personOfRecord(p.a) === personOfRecord(p.b)).length;
  return {
    pairs: scoresOf(correct, result.matches.length, actual),
    clusters: clusterScores(result.people, truth, actual),
  };
}

/** The true person of each record as a number, for records whose true person is a text. */
function truthOf(recordIds: readonly string[], personOfRecord: (id: string) => string): Int32Array {
  const number = new Map<string, number>();
  return Int32Array.from(recordIds, (id) => {
    const person = personOfRecord(id);
    if (!number.has(person)) number.set(person, number.size);
    return number.get(person) as number;
  });
}

/**
 * The people found, every pair of records put in one person counted as a link, from the person
 * index of each record and its true person (both typed arrays: no array a person, no map of ids).
 */
function clusterScores(people: People, truth: Int32Array, actual: number): Scores {
  const sizes = sizesOf(people);
  let predicted = 0;
  let together = 0;
  for (const n of sizes) {
    predicted += (n * (n - 1)) / 2;
    if (n > 1) together += n;
  }
  // each record of a person of more than one, keyed by its person and true person: equal keys
  // are records put together rightly
  const keys = new Float64Array(together);
  let k = 0;
  people.personOf.forEach((person, i) => {
    if ((sizes[person] as number) > 1) keys[k++] = person * 2 ** 26 + (truth[i] as number);
  });
  keys.sort();
  let correct = 0;
  for (let from = 0; from < keys.length; ) {
    let to = from + 1;
    while (to < keys.length && keys[to] === keys[from]) to++;
    correct += ((to - from) * (to - from - 1)) / 2;
    from = to;
  }
  return scoresOf(correct, predicted, actual);
}

const rows: string[][] = [];
const header = [
  'data',
  'records',
  'candidate pairs',
  'precision',
  'recall',
  'F1',
  'F1 (clusters)',
  'review',
  'seconds',
  'records/s',
  'peak RSS',
];
const f3 = (x: number) => x.toFixed(4);
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function addRow(name: string, run: Run, scores: { pairs: Scores; clusters: Scores }) {
  rows.push([
    name,
    String(run.result.records),
    String(run.result.candidatePairs),
    f3(scores.pairs.precision),
    f3(scores.pairs.recall),
    f3(scores.pairs.f1),
    f3(scores.clusters.f1),
    String(run.result.review.length),
    run.seconds.toFixed(2),
    String(Math.round(run.result.records / run.seconds)),
    gib(peakRss),
  ]);
  console.log(`${name}: ${run.stages}`);
  console.log(
    `  blocking: ${run.result.blocking.map((r) => `${r.rule} ${r.newPairs} new of ${r.pairs}`).join('; ')}`,
  );
}

if (withFebrl) {
  for (const file of ['dataset1.csv', 'dataset2.csv', 'dataset3.csv']) {
    const records = readFebrl(file);
    const actual = truePairCount(records.map((r) => r.person));
    const run = await timed((onProgress) => linkRecords({ records }, { threads, onProgress }));
    addRow(`FEBRL ${file} dedupe`, run, pairScores(run.result, personOf, actual));
  }
  for (const file of ['dataset1.csv', 'dataset2.csv', 'dataset3.csv']) {
    // linking two organisations: the originals against the duplicates, across only
    const records = readFebrl(file);
    const left = records.filter((r) => r.source === 'original');
    const right = records.filter((r) => r.source === 'duplicate');
    const persons = [...left, ...right].map((r) => r.person);
    const actual = truePairCount(persons, [...left.map(() => 0), ...right.map(() => 1)]);
    const run = await timed((onProgress) => linkRecords({ left, right }, { threads, onProgress }));
    const correct = run.result.matches.filter((p) => personOf(p.a) === personOf(p.b)).length;
    const pairs = scoresOf(correct, run.result.matches.length, actual);
    addRow(`FEBRL ${file} link org→dup`, run, { pairs, clusters: pairs });
  }
}

/** The records but a share of them linked first; then that share linked as new records against them. */
async function linkWhatChanged(
  records: readonly LinkageRecord[],
  share: number,
  full: LinkageResult,
  scores: (result: LinkageResult) => { pairs: Scores; clusters: Scores },
  size: number,
) {
  const count = Math.round(records.length * share);
  const arrived = new Set(records.slice(0, count).map((r) => r.id));
  const before = await linkRecords({ records: records.slice(count) }, { threads });
  peakRss = 0;
  const run = await timed((onProgress) =>
    linkRecords(
      { records },
      { threads, onProgress, since: { model: before.model, changed: arrived, matches: before.matches } },
    ),
  );
  addRow(`${count.toLocaleString('en-GB')} new of ${size.toLocaleString('en-GB')}`, run, scores(run.result));
  const personIn = (result: LinkageResult) => {
    const person = new Map<string, number>();
    result.clusters.forEach((cluster, c) => {
      for (const id of cluster) person.set(id, c);
    });
    return person;
  };
  // records whose fellow records differ between the two runs
  const a = personIn(run.result);
  const fellows = (person: Map<string, number>, clusters: string[][], id: string) =>
    (clusters[person.get(id) as number] as string[]).length;
  let differing = 0;
  for (const cluster of full.clusters) {
    const there = new Set(cluster.map((id) => a.get(id)));
    if (there.size !== 1 || fellows(a, run.result.clusters, cluster[0] as string) !== cluster.length) {
      differing += cluster.length;
    }
  }
  console.log(
    `  linking ${count} new records: ${run.result.candidatePairs} pairs compared; ` +
      `${differing} of ${records.length} records (${((100 * differing) / records.length).toFixed(2)}%) ` +
      'in a person other than the full run gave them',
  );
}

/** Synthetic records made for a run, either way. */
type Made = {
  input: LinkageInput;
  ids: readonly string[];
  person: Int32Array;
  /** seconds spent making the records (not counted) */
  generated: number;
  /** seconds spent normalising them as they were made (counted) */
  normalising: number;
  /** the record objects, when they were made as objects */
  records?: LinkageRecord[];
};

/**
 * The synthetic records of a size, normalised as they are made (no array of record objects),
 * with the seconds spent normalising them apart from those spent making them.
 */
function streamedPeople(size: number): Made {
  const normaliser = new RecordsNormaliser(size);
  let normalising = 0;
  const started = performance.now();
  let made = 0;
  const { order, person } = syntheticRecords({ records: size, seed: 2024 }, (record) => {
    const at = performance.now();
    normaliser.add(record);
    normalising += performance.now() - at;
    // the sampler's timer cannot run while records are made
    if ((++made & 0xffff) === 0) sampleMemory();
  });
  const finishing = performance.now();
  const normalised = normaliser.finish(order);
  normalising += performance.now() - finishing;
  sampleMemory();
  const generated = (finishing - started - normalising) / 1000;
  return { input: { normalised }, ids: normalised.ids, person, generated, normalising: normalising / 1000 };
}

/** The synthetic records of a size as objects, for the steps that need them (recall, changes). */
function objectPeople(size: number): Made {
  const started = performance.now();
  const data = syntheticPeople({ records: size, seed: 2024 });
  const generated = (performance.now() - started) / 1000;
  const ids = data.records.map((r) => r.id);
  return {
    input: { records: data.records },
    ids,
    person: data.person,
    generated,
    normalising: 0,
    records: data.records,
  };
}

for (const size of sizes) {
  // the record objects are only made when a step below needs them
  peakRss = 0;
  const made = withRecall || changedShare > 0 ? objectPeople(size) : streamedPeople(size);
  const { ids, person: truth, records } = made;
  // the person of each record by its id ('r' and its number before shuffling), in typed arrays:
  // a Map of ten million ids would weigh more than the engine's own columns
  const personById = new Int32Array(size);
  const perPerson = new Int32Array(size);
  ids.forEach((id, i) => {
    const who = truth[i] as number;
    personById[Number(id.slice(1))] = who;
    perPerson[who] = (perPerson[who] as number) + 1;
  });
  let actual = 0;
  for (const n of perPerson) actual += (n * (n - 1)) / 2;
  const personOfRecord = (id: string) => String(personById[Number(id.slice(1))]);
  // made as objects, the records' memory is not the engine's; streamed, it is its columns'
  if (records) peakRss = 0;
  const run = await timed((onProgress) => linkRecords(made.input, { threads, onProgress }));
  if (!records) {
    // normalising happened while the records were made: it counts, making them does not
    run.seconds += made.normalising;
    run.stages = `normalise (as made) ${made.normalising.toFixed(1)}s, ${run.stages}`;
  }
  console.log(`synthetic ${size}: generated in ${made.generated.toFixed(1)}s (not counted)`);
  // the engine's records are in the order of `ids`, so the truth of record i is `truth[i]`
  const scores = pairScores(run.result, personOfRecord, actual, truth);
  addRow(`synthetic ${size.toLocaleString('en-GB')}`, run, scores);
  if (withCalibration) {
    const samePerson = (a: string, b: string) => personOfRecord(a) === personOfRecord(b);
    console.log(calibration(run.result, samePerson, actual).join('\n'));
  }
  if (records && withRecall) console.log(blockingRecall(records, truth, run.result).join('\n'));
  if (records && changedShare > 0) {
    const scores = (result: LinkageResult) => pairScores(result, personOfRecord, actual);
    await linkWhatChanged(records, changedShare, run.result, scores, size);
  }
  if (records) records.length = 0;
}
clearInterval(sampler);

const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c] as number)).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));
console.log(
  '\nprecision/recall/F1: automatic matches (pairs at or above the match threshold) against the truth;' +
    '\nF1 (clusters): every pair of records put in one person; peak RSS sampled from process.memoryUsage().',
);
