// Records normalised as they are streamed in, for linking more records than would fit as
// objects: each is normalised into the columns as it comes and then dropped.
import { assembleColumns, ChunkBuilder, type RecordColumns } from './columns.ts';
import type { LinkageRecord, NormalisationIssue } from './normalise.ts';
import { hashText } from './strings.ts';

/** Records normalised into columns, with their ids (record i of the columns has `ids[i]`). */
export type NormalisedRecords = {
  columns: RecordColumns;
  ids: readonly string[];
  issues: NormalisationIssue[];
};

/**
 * Normalises records as they are streamed in, one at a time (from a generator or a database
 * cursor), so that linking ten million needs no array of ten million record objects.
 */
export class RecordsNormaliser {
  private readonly chunk: ChunkBuilder;
  private readonly ids: string[] = [];

  /** `capacity`: how many records are expected (more may come, at the cost of copying) */
  constructor(capacity?: number) {
    this.chunk = new ChunkBuilder(capacity);
  }

  add(record: LinkageRecord): void {
    this.chunk.add(record);
    this.ids.push(record.id);
  }

  /** The records added, in the order added or, given `order`, record `order[i]` as the i-th. */
  finish(order?: Int32Array): NormalisedRecords {
    const chunk = this.chunk.chunk(order);
    const ids = order ? Array.from(order, (i) => this.ids[i] as string) : this.ids;
    return { columns: assembleColumns([chunk], [chunk.count]), ids, issues: chunk.issues };
  }
}

/**
 * Whether no id repeats, without a set of ten million strings: ids are sorted by a hash, and
 * only those whose hash repeats are compared as text.
 */
export function idsAreUnique(ids: readonly string[]): boolean {
  const hashes = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) hashes[i] = hashText(ids[i] as string);
  const sorted = hashes.slice().sort();
  const repeated = new Set<number>();
  for (let k = 1; k < sorted.length; k++) if (sorted[k] === sorted[k - 1]) repeated.add(sorted[k] as number);
  if (repeated.size === 0) return true;
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    if (!repeated.has(hashes[i] as number)) continue;
    const id = ids[i] as string;
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}
