// Pure: from the engine's pairs and reviewers' decisions to people, and what changed for each
// person since the last run. A reviewer's "same" joins two records whatever the engine says;
// a reviewer's "different" keeps them apart even when a chain of automatic links would join
// them: links are taken strongest first and one that would put two records a reviewer
// separated into one person is left out.
import { DisjointSets } from '../../linkage/index.ts';

export interface Link {
  a: string;
  b: string;
  weight: number;
}

/** Clusters of record ids (each sorted; every record in exactly one). */
export function peopleFrom(
  recordIds: readonly string[],
  automatic: readonly Link[],
  confirmed: readonly (readonly [string, string])[],
  rejected: readonly (readonly [string, string])[],
): string[][] {
  const index = new Map<string, number>();
  for (const [i, id] of recordIds.entries()) index.set(id, i);
  const sets = new DisjointSets(recordIds.length);
  // per root: the record indexes a reviewer said are someone else
  const apart = new Map<number, Set<number>>();
  for (const [a, b] of rejected) {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia === undefined || ib === undefined) continue;
    if (!apart.has(ia)) apart.set(ia, new Set());
    if (!apart.has(ib)) apart.set(ib, new Set());
    apart.get(ia)?.add(ib);
    apart.get(ib)?.add(ia);
  }
  const join = (ia: number, ib: number): boolean => {
    const ra = sets.find(ia);
    const rb = sets.find(ib);
    if (ra === rb) return true;
    const xa = apart.get(ra);
    const xb = apart.get(rb);
    const [small, otherRoot] = (xa?.size ?? 0) <= (xb?.size ?? 0) ? [xa, rb] : [xb, ra];
    for (const i of small ?? []) if (sets.find(i) === otherRoot) return false;
    sets.union(ra, rb);
    const root = sets.find(ra);
    const merged = new Set([...(xa ?? []), ...(xb ?? [])]);
    apart.delete(ra);
    apart.delete(rb);
    if (merged.size > 0) apart.set(root, merged);
    return true;
  };
  const ordered = [
    ...confirmed.map(([a, b]) => ({ a, b, weight: Number.POSITIVE_INFINITY })),
    ...[...automatic].sort((x, y) => y.weight - x.weight),
  ];
  const rejectedKey = new Set(rejected.map(([a, b]) => (a < b ? `${a} ${b}` : `${b} ${a}`)));
  for (const link of ordered) {
    if (rejectedKey.has(link.a < link.b ? `${link.a} ${link.b}` : `${link.b} ${link.a}`)) continue;
    const ia = index.get(link.a);
    const ib = index.get(link.b);
    if (ia !== undefined && ib !== undefined) join(ia, ib);
  }
  const clusters = new Map<number, string[]>();
  recordIds.forEach((id, i) => {
    const root = sets.find(i);
    const cluster = clusters.get(root);
    if (cluster) cluster.push(id);
    else clusters.set(root, [id]);
  });
  return [...clusters.values()].map((c) => c.sort());
}

export type PersonEvent =
  | { event: 'created'; person: string; records: string[] }
  | { event: 'merged'; person: string; from: string[] }
  | { event: 'split'; person: string; into: string[] }
  | { event: 'records-added'; person: string; records: string[] }
  | { event: 'records-removed'; person: string; records: string[] }
  | { event: 'retired'; person: string; mergedInto: string | null };

/**
 * What happened to people between two assignments (record id -> person id): people created,
 * merged (their records now belong to one person), split (one person's records now several),
 * records added or removed, people retired (no records left).
 */
export function personEvents(
  previous: ReadonlyMap<string, string>,
  next: ReadonlyMap<string, string>,
): PersonEvent[] {
  const before = groupBy(previous);
  const after = groupBy(next);
  const events: PersonEvent[] = [];
  for (const [person, records] of [...after].sort(([a], [b]) => compare(a, b))) {
    const old = before.get(person);
    const sources = new Set(records.map((r) => previous.get(r)).filter((p) => p !== undefined));
    // records of two or more people now one person; a part split off one person is not a merger
    const from =
      sources.size >= 2 ? ([...sources].filter((p) => p !== person).sort(compare) as string[]) : [];
    if (!old) events.push({ event: 'created', person, records });
    else {
      const added = records.filter((r) => previous.get(r) !== person);
      const removed = old.filter((r) => next.get(r) !== person);
      if (added.length > 0) events.push({ event: 'records-added', person, records: added });
      if (removed.length > 0) events.push({ event: 'records-removed', person, records: removed });
    }
    if (from.length > 0) events.push({ event: 'merged', person, from });
  }
  for (const [person, records] of [...before].sort(([a], [b]) => compare(a, b))) {
    const into = [...new Set(records.map((r) => next.get(r)).filter((p) => p !== undefined))].sort(
      compare,
    ) as string[];
    const others = into.filter((p) => p !== person);
    if (others.length > 0 && into.includes(person)) events.push({ event: 'split', person, into: others });
    if (!after.has(person)) {
      events.push({ event: 'retired', person, mergedInto: into.length === 1 ? (into[0] as string) : null });
      if (into.length > 1) events.push({ event: 'split', person, into });
    }
  }
  return events;
}

function groupBy(assignment: ReadonlyMap<string, string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [record, person] of assignment) {
    const group = groups.get(person);
    if (group) group.push(record);
    else groups.set(person, [record]);
  }
  for (const group of groups.values()) group.sort(compare);
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
