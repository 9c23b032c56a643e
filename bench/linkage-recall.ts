// Where the true pairs of a synthetic run went: how many each blocking rule pairs (its recall
// against the truth), how many no rule pairs at all, and of those blocked how many were
// linked, queued for review or scored below review. Also the true pairs with nothing in
// common that any comparison could see (no one can link those). Only for benchmarking: it
// normalises the records again and so is not counted in the run's time.

import { BLOCKING_RULES, pairsByRule } from '../src/linkage/blocking.ts';
import { buildColumns } from '../src/linkage/columns.ts';
import { COMPARISONS, comparePair } from '../src/linkage/compare.ts';
import type { LinkageRecord, LinkageResult } from '../src/linkage/index.ts';

/** levels that say nothing for a match: besides missing and the worst level of each comparison */
const WEAK = new Set(['same year', 'same postcode district']);
/** comparisons that alone cannot tell people apart */
const CONTEXT = new Set(['sex', 'town', 'middle name']);

/**
 * Whether a pair agrees on nothing that could link it: names, date of birth, where they live
 * and every identifier are all different (or missing).
 */
function nothingInCommon(levels: readonly number[]): boolean {
  return COMPARISONS.every((comparison, c) => {
    const level = levels[c] as number;
    if (CONTEXT.has(comparison.name) || level === 0 || level === comparison.levels.length) return true;
    return WEAK.has(comparison.levels[level - 1] as string);
  });
}

export function blockingRecall(
  records: readonly LinkageRecord[],
  person: Int32Array,
  result: LinkageResult,
): string[] {
  const columns = buildColumns([records]);
  const paired = pairsByRule(
    columns,
    undefined,
    undefined,
    records.map((r) => r.id),
  );
  const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);
  const matched = new Set(result.matches.map((p) => pairKey(p.a, p.b)));
  const reviewed = new Set(result.review.map((p) => pairKey(p.a, p.b)));
  const groups = new Map<number, number[]>();
  person.forEach((p, i) => {
    const group = groups.get(p);
    if (group) group.push(i);
    else groups.set(p, [i]);
  });
  const byRule = BLOCKING_RULES.map(() => 0);
  const onlyByRule = BLOCKING_RULES.map(() => 0);
  // of the pairs only one rule pairs, how many were linked: what dropping the rule would cost
  const onlyLinked = BLOCKING_RULES.map(() => 0);
  const outcome = { linked: 0, review: 0, below: 0, notBlocked: 0, nothingInCommon: 0 };
  let total = 0;
  for (const group of groups.values()) {
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        const i = group[x] as number;
        const j = group[y] as number;
        total++;
        let rules = 0;
        let last = -1;
        BLOCKING_RULES.forEach((_, r) => {
          if (paired(r, i, j)) {
            byRule[r] = (byRule[r] as number) + 1;
            rules++;
            last = r;
          }
        });
        if (nothingInCommon(comparePair(columns, i, j))) outcome.nothingInCommon++;
        const key = pairKey((records[i] as LinkageRecord).id, (records[j] as LinkageRecord).id);
        const linked = matched.has(key);
        if (rules === 1) {
          onlyByRule[last] = (onlyByRule[last] as number) + 1;
          if (linked) onlyLinked[last] = (onlyLinked[last] as number) + 1;
        }
        if (rules === 0) outcome.notBlocked++;
        else if (linked) outcome.linked++;
        else if (reviewed.has(key)) outcome.review++;
        else outcome.below++;
      }
    }
  }
  const share = (n: number) => `${n} (${((100 * n) / Math.max(1, total)).toFixed(1)}%)`;
  return [
    `  true pairs ${total}: linked ${share(outcome.linked)}, for review ${share(outcome.review)}, ` +
      `scored below review ${share(outcome.below)}, paired by no rule ${share(outcome.notBlocked)}; ` +
      `with nothing in common ${share(outcome.nothingInCommon)}`,
    ...BLOCKING_RULES.map(
      (rule, r) =>
        `  ${rule.name}: pairs ${share(byRule[r] as number)} of the true pairs, ${onlyByRule[r]} that no other rule pairs (${onlyLinked[r]} of them linked)`,
    ),
  ];
}
