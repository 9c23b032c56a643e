// From matched pairs to people. Records joined by a chain of automatic matches are one person
// (connected components, found with union–find). People are kept as a person index a record in
// a typed array: ten million records are ten million small arrays and strings otherwise, more
// than V8's heap holds. A person keeps their id from one run to the next: a new person takes the
// previous id most of their records had, so adding a record keeps the id, and when two people
// turn out to be one, the merged person keeps one of the two ids.

/** Union–find over record indexes 0..size-1, with path halving and union by size. */
export class DisjointSets {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(count: number) {
    this.parent = new Int32Array(count);
    this.size = new Int32Array(count).fill(1);
    for (let i = 0; i < count; i++) this.parent[i] = i;
  }

  find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) {
      const grand = parent[parent[i] as number] as number;
      parent[i] = grand;
      i = grand;
    }
    return i;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
  }
}

/**
 * People as a person index for each record: `personOf[i]` is the person of record i, people
 * numbered 0..count-1 in order of their smallest record.
 */
export type People = { count: number; personOf: Int32Array };

/** The people of records 0..records-1 joined by the given pairs (a record matched to nothing is a person of its own). */
export function peopleOf(records: number, pairsA: ArrayLike<number>, pairsB: ArrayLike<number>): People {
  const sets = new DisjointSets(records);
  for (let k = 0; k < pairsA.length; k++) sets.union(pairsA[k] as number, pairsB[k] as number);
  const personOfRoot = new Int32Array(records).fill(-1);
  const personOf = new Int32Array(records);
  let count = 0;
  for (let i = 0; i < records; i++) {
    const root = sets.find(i);
    let person = personOfRoot[root] as number;
    if (person < 0) {
      person = count++;
      personOfRoot[root] = person;
    }
    personOf[i] = person;
  }
  return { count, personOf };
}

/** How many records each person has. */
export function sizesOf(people: People): Int32Array {
  const sizes = new Int32Array(people.count);
  for (const person of people.personOf) sizes[person] = (sizes[person] as number) + 1;
  return sizes;
}

/**
 * Each person's records, increasing, as one array: person p's are `records[start[p]..start[p+1]]`
 * (two typed arrays, however many people).
 */
export function membersOf(people: People): { start: Int32Array; records: Int32Array } {
  const start = new Int32Array(people.count + 1);
  for (const person of people.personOf) start[person + 1] = (start[person + 1] as number) + 1;
  for (let p = 0; p < people.count; p++) start[p + 1] = (start[p + 1] as number) + (start[p] as number);
  const next = start.slice(0, people.count);
  const records = new Int32Array(people.personOf.length);
  people.personOf.forEach((person, i) => {
    records[next[person] as number] = i;
    next[person] = (next[person] as number) + 1;
  });
  return { start, records };
}

/**
 * Groups record indexes 0..count-1 into clusters joined by the given pairs. Every record is
 * in exactly one cluster (a record matched to nothing is a cluster of one); clusters come
 * in order of their smallest record, and records in a cluster in increasing order. One array
 * a cluster: for small sets (`peopleOf` for large ones).
 */
export function connectedComponents(
  count: number,
  pairsA: ArrayLike<number>,
  pairsB: ArrayLike<number>,
): number[][] {
  const { start, records } = membersOf(peopleOf(count, pairsA, pairsB));
  return Array.from({ length: start.length - 1 }, (_, p) =>
    Array.from(records.subarray(start[p] as number, start[p + 1] as number)),
  );
}

/** The people of the previous run: each record's person index (-1: none) and the people's ids. */
export type PreviousPeople = { personOf: Int32Array; ids: readonly string[] };

/**
 * The previous person each of this run's people carries the id of (-1: none, a new id is
 * needed), by record indexes rather than ids:
 * - a person takes the previous person held by most of their records (ties: the smallest id);
 * - when several people want the same id (a person split), the one holding most of that
 *   person's records gets it (ties: the one whose smallest record id sorts first), and the
 *   others try their next choice.
 * A person of one record whose previous person nobody else wants takes it without being
 * sorted among the rest: at ten million records that is most of them.
 */
export function carryPersonIds(
  people: People,
  recordIds: readonly string[],
  previous: PreviousPeople,
): Int32Array {
  const carried = new Int32Array(people.count).fill(-1);
  if (previous.ids.length === 0) return carried;
  const { start, records } = membersOf(people);
  const previousOf = (i: number) => previous.personOf[i] as number;
  // how many of this run's people want each previous person
  const claimants = new Int32Array(previous.ids.length);
  const tallies = new Map<number, Map<number, number>>();
  for (let p = 0; p < people.count; p++) {
    const from = start[p] as number;
    const to = start[p + 1] as number;
    if (to - from === 1) {
      const before = previousOf(records[from] as number);
      if (before >= 0) claimants[before] = (claimants[before] as number) + 1;
      continue;
    }
    const tally = new Map<number, number>();
    for (let k = from; k < to; k++) {
      const before = previousOf(records[k] as number);
      if (before >= 0) tally.set(before, (tally.get(before) ?? 0) + 1);
    }
    for (const before of tally.keys()) claimants[before] = (claimants[before] as number) + 1;
    if (tally.size > 0) tallies.set(p, tally);
  }
  type Claim = { person: number; before: number; records: number; firstRecord: string };
  const claims: Claim[] = [];
  for (let p = 0; p < people.count; p++) {
    const from = start[p] as number;
    if ((start[p + 1] as number) - from === 1) {
      const record = records[from] as number;
      const before = previousOf(record);
      if (before < 0) continue;
      // wanted by no one else: nothing to decide
      if (claimants[before] === 1) carried[p] = before;
      else claims.push({ person: p, before, records: 1, firstRecord: recordIds[record] as string });
      continue;
    }
    const tally = tallies.get(p);
    if (!tally) continue;
    let firstRecord = recordIds[records[from] as number] as string;
    for (let k = from; k < (start[p + 1] as number); k++) {
      const id = recordIds[records[k] as number] as string;
      if (id < firstRecord) firstRecord = id;
    }
    for (const [before, count] of tally) claims.push({ person: p, before, records: count, firstRecord });
  }
  claims.sort(
    (x, y) =>
      y.records - x.records ||
      compareText(previous.ids[x.before] as string, previous.ids[y.before] as string) ||
      compareText(x.firstRecord, y.firstRecord),
  );
  const taken = new Uint8Array(previous.ids.length);
  for (let p = 0; p < people.count; p++) if ((carried[p] as number) >= 0) taken[carried[p] as number] = 1;
  for (const claim of claims) {
    if ((carried[claim.person] as number) >= 0 || taken[claim.before] === 1) continue;
    carried[claim.person] = claim.before;
    taken[claim.before] = 1;
  }
  return carried;
}

/**
 * The id of each person in turn (person 0, 1, ...): the previous id carried, or `newPersonId()`
 * (which must not repeat itself) skipping any id carried over. A generator, so that callers
 * make ids as strings only as they write them.
 */
export function* personIdsInOrder(
  carried: Int32Array,
  previous: PreviousPeople,
  newPersonId: () => string,
): Generator<string> {
  let carriedIds: Set<string> | undefined;
  for (let p = 0; p < carried.length; p++) {
    const before = carried[p] as number;
    if (before >= 0) {
      yield previous.ids[before] as string;
      continue;
    }
    carriedIds ??= new Set(Array.from(carried).flatMap((b) => (b >= 0 ? [previous.ids[b] as string] : [])));
    let id: string;
    do id = newPersonId();
    while (carriedIds.has(id));
    yield id;
  }
}

/** `previous` (record id -> person id) as the previous people of these records. */
export function previousPeopleOf(
  recordIds: readonly string[],
  previous: ReadonlyMap<string, string>,
): PreviousPeople {
  const personOf = new Int32Array(recordIds.length).fill(-1);
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  recordIds.forEach((recordId, i) => {
    const personId = previous.get(recordId);
    if (personId === undefined) return;
    let index = indexOf.get(personId);
    if (index === undefined) {
      index = ids.length;
      ids.push(personId);
      indexOf.set(personId, index);
    }
    personOf[i] = index;
  });
  return { personOf, ids };
}

/**
 * Person ids for this run's clusters (each a list of record ids), carried over from the
 * previous run's assignment where possible (see `carryPersonIds`); a cluster with no previous
 * id to take gets `newPersonId()` (which must not repeat itself), skipping any id carried over.
 * Records not in any cluster are dropped from the result. For sets that fit in a `Map`.
 */
export function assignPersonIds(
  clusters: readonly (readonly string[])[],
  previous: ReadonlyMap<string, string>,
  newPersonId: () => string,
): Map<string, string> {
  const recordIds = clusters.flat();
  const personOf = new Int32Array(recordIds.length);
  let i = 0;
  clusters.forEach((cluster, c) => {
    for (let k = 0; k < cluster.length; k++) personOf[i++] = c;
  });
  return personIdMap({ count: clusters.length, personOf }, recordIds, previous, newPersonId);
}

/** Record id -> person id of these people, the previous run's ids carried over. For sets that fit in a `Map`. */
export function personIdMap(
  people: People,
  recordIds: readonly string[],
  previous: ReadonlyMap<string, string>,
  newPersonId: () => string,
): Map<string, string> {
  const before = previousPeopleOf(recordIds, previous);
  const carried = carryPersonIds(people, recordIds, before);
  const personId = [...personIdsInOrder(carried, before, newPersonId)];
  return new Map(recordIds.map((id, i) => [id, personId[people.personOf[i] as number] as string]));
}

/** Each person's record ids (increasing by index), in order of their smallest record: one array a person. */
export function clustersOf(people: People, recordIds: readonly string[]): string[][] {
  const { start, records } = membersOf(people);
  return Array.from({ length: people.count }, (_, p) =>
    Array.from(records.subarray(start[p] as number, start[p + 1] as number), (i) => recordIds[i] as string),
  );
}

/** Fresh person ids 'person-1', 'person-2', ... skipping those the previous run gave. */
export function defaultPersonIds(previous: ReadonlyMap<string, string>): () => string {
  const used = new Set(previous.values());
  let counter = 0;
  return () => {
    let id: string;
    do id = `person-${++counter}`;
    while (used.has(id));
    return id;
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
