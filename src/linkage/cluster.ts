// From matched pairs to people. Records joined by a chain of automatic matches are one person
// (connected components, found with union–find). A person keeps their id from one run to the
// next: a new cluster takes the previous id most of its records had, so adding a record keeps
// the id, and when two people turn out to be one, the merged person keeps one of the two ids.

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
 * Groups record indexes 0..count-1 into clusters joined by the given pairs. Every record is
 * in exactly one cluster (a record matched to nothing is a cluster of one); clusters come
 * in order of their smallest record, and records in a cluster in increasing order.
 */
export function connectedComponents(
  count: number,
  pairsA: ArrayLike<number>,
  pairsB: ArrayLike<number>,
): number[][] {
  const sets = new DisjointSets(count);
  for (let k = 0; k < pairsA.length; k++) sets.union(pairsA[k] as number, pairsB[k] as number);
  const clusterOfRoot = new Int32Array(count).fill(-1);
  const clusters: number[][] = [];
  for (let i = 0; i < count; i++) {
    const root = sets.find(i);
    let c = clusterOfRoot[root] as number;
    if (c < 0) {
      c = clusters.length;
      clusterOfRoot[root] = c;
      clusters.push([]);
    }
    (clusters[c] as number[]).push(i);
  }
  return clusters;
}

/**
 * Person ids for this run's clusters (each a list of record ids), carried over from the
 * previous run's assignment where possible:
 * - a cluster takes the previous person id held by most of its records (ties: the smallest id);
 * - when several clusters want the same id (a person split), the one holding most of that
 *   person's records gets it (ties: the cluster whose smallest record id sorts first), and
 *   the others try their next choice;
 * - a cluster with no previous id to take gets `newPersonId()` (which must not repeat itself),
 *   skipping any id carried over.
 * Records not in any cluster are dropped from the result.
 */
export function assignPersonIds(
  clusters: readonly (readonly string[])[],
  previous: ReadonlyMap<string, string>,
  newPersonId: () => string,
): Map<string, string> {
  type Claim = { cluster: number; personId: string; records: number; firstRecord: string };
  const claims: Claim[] = [];
  clusters.forEach((recordIds, cluster) => {
    if (recordIds.length === 1) {
      // most records are people of their own: no tally needed
      const recordId = recordIds[0] as string;
      const personId = previous.get(recordId);
      if (personId !== undefined) claims.push({ cluster, personId, records: 1, firstRecord: recordId });
      return;
    }
    const tally = new Map<string, number>();
    for (const recordId of recordIds) {
      const personId = previous.get(recordId);
      if (personId !== undefined) tally.set(personId, (tally.get(personId) ?? 0) + 1);
    }
    let firstRecord = recordIds[0] ?? '';
    for (const recordId of recordIds) if (recordId < firstRecord) firstRecord = recordId;
    for (const [personId, records] of tally) claims.push({ cluster, personId, records, firstRecord });
  });
  claims.sort(
    (x, y) =>
      y.records - x.records ||
      compareText(x.personId, y.personId) ||
      compareText(x.firstRecord, y.firstRecord),
  );
  const idOfCluster = new Array<string | undefined>(clusters.length);
  const taken = new Set<string>();
  for (const claim of claims) {
    if (idOfCluster[claim.cluster] !== undefined || taken.has(claim.personId)) continue;
    idOfCluster[claim.cluster] = claim.personId;
    taken.add(claim.personId);
  }
  const assignment = new Map<string, string>();
  clusters.forEach((recordIds, cluster) => {
    let personId = idOfCluster[cluster];
    if (personId === undefined) {
      // only ids carried over need checking: the generator gives a fresh id each call
      do personId = newPersonId();
      while (taken.has(personId));
    }
    for (const recordId of recordIds) assignment.set(recordId, personId);
  });
  return assignment;
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
